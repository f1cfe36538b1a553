"""A voice note outside a helpline chat (any channel): a short offer to pass it to the helpline
with one tap, and passing it on when the person agrees."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.dialogue.engine import Dialogue
from bot.core.dialogue.messages import Incoming, MediaRef, Result
from bot.core.knowledge_holder import KnowledgeHolder
from bot.core.markup import html_to_plain
from bot.storage.store import Store

REPO = Path(__file__).resolve().parents[1]
STAFF = -100


@pytest.fixture
async def talk(tmp_path: Path):
    knowledge = KnowledgeHolder(REPO / "content", REPO / "content" / "agencies.csv")
    store = await Store.open(tmp_path / "db.sqlite3")
    staff = {"chat": STAFF}

    async def send(user: int = 1, **event: object) -> Result:
        dialogue = Dialogue(knowledge, staff["chat"])
        incoming = Incoming(user, user, **event)  # type: ignore[arg-type]
        return (await store.unit_of_work(None, lambda c: dialogue.handle(c, incoming))).value

    send.staff = staff  # type: ignore[attr-defined]
    yield send
    await store.close()


def datas(result: Result) -> list[str]:
    return [b.data for m in result.messages for row in m.buttons for b in row]


async def test_a_telegram_voice_note_is_offered_and_passed_on_with_one_tap(talk) -> None:
    offer = await talk(1, media="voice", message_id=41, language_code="ur")
    assert {"vn:yes", "vn:no"} <= set(datas(offer))
    assert all(m.chat_id == 1 for m in offer.messages)  # nothing reaches staff before they agree
    assert "وائس نوٹ" in html_to_plain(offer.messages[-1].text)  # in the person's language
    passed = await talk(1, button="vn:yes")
    to_staff = [m for m in passed.messages if m.chat_id == STAFF]
    assert any("Ticket #" in m.text for m in to_staff)
    assert any(m.copy_of == (1, 41) for m in to_staff)
    relayed = await talk(1, text="are you there")
    assert any(m.chat_id == STAFF for m in relayed.messages)


async def test_a_whatsapp_voice_note_goes_by_reference_and_no_means_no(talk) -> None:
    ref = MediaRef("whatsapp", "voice", "1000000000001", None, "audio/ogg")
    await talk(2, media="voice", media_ref=ref, channel="whatsapp")
    passed = await talk(2, button="vn:yes", channel="whatsapp")
    to_staff = [m for m in passed.messages if m.chat_id == STAFF]
    assert any(m.media_ref == ref for m in to_staff)
    assert any("WhatsApp" in m.text for m in to_staff)
    await talk(3, media="voice", message_id=9)
    declined = await talk(3, button="vn:no")
    assert not any(m.chat_id == STAFF for m in declined.messages)
    assert "menu:helpline" in datas(declined)


async def test_without_a_staff_chat_agreeing_shows_the_numbers(talk) -> None:
    talk.staff["chat"] = None
    await talk(4, media="voice", message_id=3)
    result = await talk(4, button="vn:yes")
    assert "111-247-786" in "\n".join(html_to_plain(m.text) for m in result.messages)
