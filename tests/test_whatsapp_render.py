"""The core's markup and keyboards as WhatsApp messages (bot.whatsapp.render)."""

from __future__ import annotations

from bot.core.dialogue.messages import Button, Outgoing
from bot.core.markup import escape, markdown_to_html
from bot.whatsapp.render import render, split_text, to_whatsapp


def test_markup_becomes_whatsapp_formatting_and_user_text_stays_text() -> None:
    user = escape("*free* visa_now ~50%~ <b>x</b> &amp; `code` https://x.org/a_b")
    text = to_whatsapp(f"<b>Ticket #7</b> <i> note </i> {user}")
    assert text.startswith("*Ticket #7*  _note_ ")
    assert "∗free∗ visa＿now ∼50%∼ ‹b>x‹/b> ＆amp; ˋcodeˋ https://x.org/a_b" in text
    assert to_whatsapp(markdown_to_html("See [the list](https://beoe.gov.pk/a?b=1&c=2).")) == \
        "See the list (https://beoe.gov.pk/a?b=1&c=2)."


def test_long_text_is_split_in_order_at_line_breaks() -> None:
    lines = [f"line {i} " + "x" * 90 for i in range(100)]
    parts = split_text("\n".join(lines))
    assert all(len(p) <= 4096 for p in parts) and len(parts) == 3
    assert "\n".join(parts) == "\n".join(lines)
    assert [len(p) for p in split_text("y" * 9000)] == [4096, 4096, 808]


def test_buttons_lists_and_short_forms() -> None:
    few = Outgoing(1, "pick", ((Button("☎️ Talk to the helpline", "menu:helpline", "☎️ Helpline"),),
                               (Button("☰ Menu", "menu:main"),)))
    [buttons] = render(few)
    assert buttons.kind == "buttons" and [c.title for c in buttons.choices] == ["☎️ Helpline", "☰ Menu"]
    many = Outgoing(1, "x" * 1500, tuple((Button(f"➡️ A topic title far too long for rows {i}", f"t:{i}"),)
                                         for i in range(12)), lang="ur")
    text, first, second = render(many)
    assert text.kind == "text" and first.kind == second.kind == "list"
    assert len(first.choices) == 10 and len(second.choices) == 2 and len(first.text) <= 1024
    assert all(len(c.title) <= 24 and c.description and len(c.description) <= 72 for c in first.choices)
    assert first.list_button == "منتخب کریں"
