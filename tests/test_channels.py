"""Channel-neutral core: addresses of WhatsApp people, the channel in the ticket header, and
button labels that every channel can show (content check)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.channels import WHATSAPP_OFFSET, channel_of, wa_id_of, whatsapp_chat_id
from bot.core.content.validation import check_content
from bot.core.dialogue.engine import Dialogue
from bot.core.dialogue.messages import Incoming
from bot.core.knowledge_holder import KnowledgeHolder
from bot.core.markup import html_to_plain
from bot.storage.store import Store

REPO = Path(__file__).resolve().parents[1]
STAFF = -100


def test_whatsapp_addresses_round_trip_and_never_meet_telegram_ids() -> None:
    chat = whatsapp_chat_id("923001234567")
    assert chat == WHATSAPP_OFFSET + 923001234567
    assert channel_of(chat) == "whatsapp" and wa_id_of(chat) == "923001234567"
    assert whatsapp_chat_id("+" + "9" * 15) < 2**63  # fits SQLite's and PostgreSQL's BIGINT
    for telegram_id in (1, 2**52, -(2**52), -1001234567890):
        assert channel_of(telegram_id) == "telegram"
        with pytest.raises(ValueError):
            wa_id_of(telegram_id)
    for bad in ("", "92 300", "1" * 16, "٩٢٣"):
        with pytest.raises(ValueError):
            whatsapp_chat_id(bad)


async def test_the_ticket_header_names_the_channel(tmp_path: Path) -> None:
    knowledge = KnowledgeHolder(REPO / "content", REPO / "content" / "agencies.csv")
    store = await Store.open(tmp_path / "db.sqlite3")
    dialogue = Dialogue(knowledge, STAFF)
    try:
        headers = {}
        for channel, user in (("whatsapp", whatsapp_chat_id("923001234567")), ("telegram", 7)):
            event = Incoming(user, user, command="helpline", channel=channel)
            result = (await store.unit_of_work(None, lambda c, e=event: dialogue.handle(c, e))).value
            headers[channel] = next(html_to_plain(m.text) for m in result.messages if m.chat_id == STAFF)
        assert "· WhatsApp ·" in headers["whatsapp"] and "Telegram" not in headers["whatsapp"]
        assert "· Telegram ·" in headers["telegram"]
    finally:
        await store.close()


def test_content_check_fails_when_a_button_label_has_no_short_form_that_fits(tmp_path: Path) -> None:
    root = tmp_path / "content"
    shutil.copytree(REPO / "content", root)
    assert not [p for p in check_content(root) if p.is_error and "WhatsApp" in p.message]
    po = root / "locale" / "ur" / "LC_MESSAGES" / "messages.po"
    text = po.read_text(encoding="utf-8")
    short = 'msgid "☎️ Helpline"\nmsgstr "☎️ ہیلپ لائن"'
    assert short in text
    po.write_text(text.replace(short, 'msgid "☎️ Helpline"\nmsgstr "☎️ ہیلپ لائن کے عملے سے بات"'),
                  encoding="utf-8")
    errors = [p for p in check_content(root) if p.is_error and "WhatsApp button" in p.message]
    assert len(errors) == 1 and "ur" in str(errors[0].path) and "20" in errors[0].message
