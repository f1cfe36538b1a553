"""Telegram HTML rendering and message splitting."""

from __future__ import annotations

from bot.core.markup import (
    TELEGRAM_LIMIT,
    escape,
    html_to_plain,
    markdown_problems,
    markdown_to_html,
    split_message,
    telegram_html_problems,
    visible_length,
)


def test_markdown_subset_becomes_telegram_html() -> None:
    html = markdown_to_html("**Do not pay cash**\n- get a <receipt> & keep it\n[BE&OE](https://beoe.gov.pk)")
    assert "<b>Do not pay cash</b>" in html
    assert "• get a &lt;receipt&gt; &amp; keep it" in html
    assert '<a href="https://beoe.gov.pk">BE&amp;OE</a>' in html


def test_user_text_cannot_inject_tags() -> None:
    assert escape("<b>x</b> & <a href='y'>") == "&lt;b&gt;x&lt;/b&gt; &amp; &lt;a href='y'&gt;"


def test_short_messages_are_not_split() -> None:
    assert split_message("<b>hi</b>\nthere") == ["<b>hi</b>\nthere"]


def test_long_messages_split_at_lines_under_the_limit() -> None:
    lines = [f"<b>{i}</b> " + "ا" * 300 for i in range(40)]
    parts = split_message("\n".join(lines))
    assert len(parts) > 1
    assert all(visible_length(p) <= TELEGRAM_LIMIT for p in parts)
    assert "".join(html_to_plain(p).replace("\n", "") for p in parts) == "".join(
        html_to_plain(line) for line in lines)


def test_one_huge_escaped_line_is_cut_without_breaking_entities() -> None:
    text = "<b>#12</b>\n" + escape("&<>" * 3000)
    parts = split_message(text)
    assert all(visible_length(p) <= TELEGRAM_LIMIT for p in parts)
    assert "".join(html_to_plain(p) for p in parts).replace("\n", "").endswith("&<>" * 10)
    for p in parts:  # every entity is whole
        assert "&am\n" not in p and not p.rstrip().endswith(("&", "&a", "&am", "&l", "&g"))


def test_a_long_relayed_text_keeps_its_ticket_header_with_the_first_part() -> None:
    parts = split_message("<b>#12</b>\n" + "x" * 5000)
    assert parts[0].startswith("<b>#12</b>\nxxx")
    assert all(visible_length(p) <= TELEGRAM_LIMIT for p in parts)
    assert sum(html_to_plain(p).count("x") for p in parts) == 5000


def test_bold_and_link_never_cross_in_the_html() -> None:
    for text in ["**a [b** c](https://x.pk)", "**[ایجنٹ** دیکھیں](https://x.pk) **",
                 "[**ڏسو**](https://x.pk) ۽ **[لنڪ](https://y.pk)**", "** [x](https://x.pk) **y"]:
        html = markdown_to_html(text)
        assert telegram_html_problems(html) == [], (text, html)
    assert markdown_to_html("**see [this](https://x.pk)**") == \
        '<b>see <a href="https://x.pk">this</a></b>'
    assert markdown_problems("**a [b** c](https://x.pk)")  # content check refuses it
    assert markdown_problems("**ٺيڪ** [لنڪ](https://x.pk)") == []


def test_an_ampersand_in_a_link_is_escaped_exactly_once() -> None:
    html = markdown_to_html("[BE&OE list](https://beoe.gov.pk/list?show=all&page=2)")
    assert 'href="https://beoe.gov.pk/list?show=all&amp;page=2"' in html
    assert "&amp;amp;" not in html and ">BE&amp;OE list</a>" in html
    assert markdown_problems("[list](https://beoe.gov.pk/list?show=all&amp;page=2)")  # pasted
    assert markdown_problems("[list](https://beoe.gov.pk/list?show=all&page=2)") == []


def test_telegram_html_problems_finds_what_telegram_refuses() -> None:
    assert telegram_html_problems('<b>a <a href="x">b</b> c</a>')  # crossed
    assert telegram_html_problems("<b>open")
    assert telegram_html_problems("<div>x</div>")
    assert telegram_html_problems("AT&T")
    assert telegram_html_problems("1 < 2")
    assert telegram_html_problems('<b>ok</b> &amp; <a href="https://x.pk">ok</a> &#1234;') == []
