"""The WhatsApp adapter end to end: the Graph API stand-in (tests/whatsapp_standin.py) posts
signed webhooks to a small aiohttp app with the adapter's routes, the real dialogue answers on
a real SQLite store, and the replies go back through pywa to the stand-in, which enforces
WhatsApp's rules (no HTML, 3 buttons of 20 characters, lists of 10 rows of 24, 4,096 / 1,024
characters) and injects faults."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from standin import BotApiStandin
from telegram import Bot as TelegramBot

from bot.channels import whatsapp_chat_id
from bot.core.content.templates import Template, Templates
from bot.core.dialogue.engine import Dialogue
from bot.core.dialogue.messages import MediaRef, Outgoing
from bot.core.knowledge_holder import KnowledgeHolder
from bot.core.markup import html_to_plain
from bot.storage.store import Store
from bot.telegram_app.media import download, send_attachment
from bot.whatsapp import WhatsAppService, WhatsAppSettings, fetch_for_staff
from bot.whatsapp.sender import Sender
from tests.test_whatsapp_standin import FakeClock
from tests.whatsapp_standin import WINDOW_SECONDS, Faults, GraphApiStandin, text_of

REPO = Path(__file__).resolve().parents[1]
STAFF = -100
PERSON = "923001234567"
CHAT = whatsapp_chat_id(PERSON)
TEMPLATES = Templates({"invite_back": {"en": Template("rahnuma_new_reply", "en"),
                                       "ur": Template("rahnuma_new_reply", "ur"),
                                       "sd": Template("rahnuma_new_reply", "ur")}}, usable=True)


@dataclass
class Bot:
    wa: GraphApiStandin
    service: WhatsAppService
    store: Store
    url: str
    clock: FakeClock

    async def says(self, wa_id: str = PERSON, count: int = 1, timeout: float = 15.0) -> list[dict]:  # noqa: ASYNC109
        return await self.wa.wait_for(wa_id, count=count, timeout=timeout)

    async def step(self, wa_id: str, text: str | None = None, *, tap: str | None = None,
                   count: int = 1) -> list[dict]:
        """The person writes ``text`` (or taps ``tap``); the bot's next ``count`` messages."""
        if tap is not None:
            await self.wa.user_taps(wa_id, tap)
        else:
            await self.wa.user_sends(wa_id, text or "")
        return await self.says(wa_id, count=count)

    async def staff_rows(self) -> list[str]:
        return [html_to_plain(m.payload.get("text", "")) for m in await self.store.pending(STAFF, 100)]


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeHolder:
    return KnowledgeHolder(REPO / "content", REPO / "content" / "agencies.csv")


async def serve_adapter(service: WhatsAppService) -> tuple[web.AppRunner, str]:
    """``service``'s webhook on a free local port, started, with short back-offs (tests):
    the runner (to clean up) and the base URL."""
    service.delivery.backoff = (0.01, 0.05)
    app = web.Application()
    service.channel.add_routes(app)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    await service.start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


async def start_bot(tmp_path: Path, knowledge: KnowledgeHolder, **standin: object) -> AsyncIterator[Bot]:
    clock = FakeClock()
    wa = GraphApiStandin(clock=clock, **standin)  # type: ignore[arg-type]
    await wa.start()
    store = await Store.open(tmp_path / "db.sqlite3")
    settings = WhatsAppSettings(token=wa.token, phone_number_id=wa.phone_number_id,
                                app_secret=wa.app_secret, verify_token="verify-me",
                                api_base_url=wa.base_url, max_rate=0)
    service = WhatsAppService(settings, store, Dialogue(knowledge, STAFF), templates=TEMPLATES,
                              clock=clock, ambiguous_grace=1.0)
    runner, url = await serve_adapter(service)
    wa.webhook_url = f"{url}/whatsapp"
    try:
        yield Bot(wa, service, store, url, clock)
    finally:
        await service.stop()
        await runner.cleanup()
        await wa.stop()
        await store.close()


@pytest.fixture
async def bot(tmp_path: Path, knowledge: KnowledgeHolder) -> AsyncIterator[Bot]:
    async for b in start_bot(tmp_path, knowledge):
        yield b


def choices(message: dict) -> list[str]:
    interactive = message["payload"]["interactive"]
    action = interactive["action"]
    if interactive["type"] == "button":
        return [b["reply"]["id"] for b in action["buttons"]]
    return [row["id"] for s in action["sections"] for row in s["rows"]]


async def test_verification_handshake(bot: Bot) -> None:
    async with aiohttp.ClientSession() as http:
        ok = {"hub.mode": "subscribe", "hub.verify_token": "verify-me", "hub.challenge": "1158201444"}
        async with http.get(f"{bot.url}/whatsapp", params=ok) as response:
            assert response.status == 200 and await response.text() == "1158201444"
        for bad in ({**ok, "hub.verify_token": "guess"}, {**ok, "hub.verify_token": "vérify"},
                    {**ok, "hub.mode": "unsubscribe"}):
            async with http.get(f"{bot.url}/whatsapp", params=bad) as response:
                assert response.status == 403 and "1158201444" not in await response.text()


async def test_a_body_not_signed_with_the_app_secret_has_no_effect(bot: Bot, tmp_path: Path) -> None:
    async with GraphApiStandin(app_secret="not-the-secret", webhook_url=bot.wa.webhook_url) as forger:
        delivery = await forger.user_sends(PERSON, "salaam")
    assert delivery.status == 403
    async with aiohttp.ClientSession() as http:
        for headers in ({}, {"X-Hub-Signature-256": "sha256=ünïcode"}):
            async with http.post(bot.wa.webhook_url, data=delivery.raw, headers=headers) as response:
                assert response.status in (401, 403)
    await bot.service.delivery.idle()
    assert bot.wa.sent == [] and await bot.store.last_inbound(CHAT) is None
    assert await bot.store.chats_with_pending_messages() == []


async def test_menu_question_recruiter_check_safety_privacy_delete_in_three_languages(bot: Bot) -> None:
    people = {"en": "923001110001", "ur": "923001110002", "sd": "923001110003"}
    greetings = {"en": "hello", "ur": "السلام علیکم", "sd": "السلام عليڪم"}
    questions = {"en": "how can I check my agent's licence", "ur": "ایجنٹ کا لائسنس کیسے چیک کروں؟",
                 "sd": "ايجنٽ جو لائسنس ڪيئن چيڪ ڪريان؟"}
    for lang, wa_id in people.items():
        answer = await bot.step(wa_id, questions[lang])  # sets the person's language
        assert "*" in text_of(answer[0]), lang  # the topic's title in WhatsApp bold
        [menu] = await bot.step(wa_id, greetings[lang])
        assert menu["type"] == "interactive" and "menu:helpline" in choices(menu), lang
        await bot.step(wa_id, tap="menu:check")
        [verdict] = await bot.step(wa_id, "5699/RWP")
        assert "Golden Arshad" in text_of(verdict), lang
        await bot.step(wa_id, tap="menu:main")
        [_intro, question] = await bot.step(wa_id, tap="menu:safety", count=2)
        assert "1/" in text_of(question) and "sc:licensed:yes" in choices(question), lang
        [second] = await bot.step(wa_id, tap="sc:licensed:yes")
        assert "2/" in text_of(second), lang
        await bot.step(wa_id, "/privacy")
        [confirm] = await bot.step(wa_id, "/delete_my_data")
        assert confirm["payload"]["interactive"]["type"] == "button" and "del:yes" in choices(confirm)
        [deleted] = await bot.step(wa_id, tap="del:yes")
        assert deleted["type"] == "text", lang
    assert bot.wa.rejected == [] and bot.wa.html_flags == []
    ur_menu = next(m for m in bot.wa.sent_to(people["ur"])
                   if m["type"] == "interactive" and "menu:language" in choices(m))
    assert any("ہیلپ لائن" in row["title"] for s in ur_menu["payload"]["interactive"]["action"]["sections"]
               for row in s["rows"])


async def test_a_message_sent_again_takes_effect_once(bot: Bot) -> None:
    first = await bot.wa.user_sends(PERSON, "/start")
    again = await bot.wa.redeliver(first)
    assert first.status == again.status == 200
    await bot.says(PERSON)
    await bot.service.delivery.idle()
    assert len(bot.wa.sent_to(PERSON)) == 1


async def test_long_texts_and_many_buttons_stay_within_the_rules(bot: Bot) -> None:
    from bot.core.dialogue.messages import Button

    await bot.wa.user_sends(PERSON, "/start")
    await bot.says(PERSON)
    long_text = "\n".join(f"<b>line {i}</b> *not bold* _nor italic_ &lt;b&gt; " + "x" * 80 for i in range(80))
    buttons = tuple((Button(f"➡️ A very long topic title number {i} for lists", f"topic:t{i}"),)
                    for i in range(12))
    bot.service.wake(await bot.store.enqueue([Outgoing(CHAT, long_text, buttons)], user_id=CHAT))
    sent = await bot.says(PERSON, count=5)
    assert [m["type"] for m in sent] == ["text", "text", "text", "interactive", "interactive"]
    assert bot.wa.rejected == [] and bot.wa.html_flags == []
    body = "".join(text_of(m) for m in sent)
    assert "*line 0*" in body and "∗not bold∗" in body and "＿nor italic＿" in body
    assert "line 79" in body


async def test_thirty_percent_send_faults_lose_nothing_duplicate_nothing_keep_order(
        tmp_path: Path, knowledge: KnowledgeHolder) -> None:
    faults = Faults(error_rate=0.3, kinds={"500", "502", "130429", "drop", "drop_after"}, seed=7)
    async for bot in start_bot(tmp_path, knowledge, auto_statuses=("sent",)):
        await bot.wa.user_sends(PERSON, "/start")
        await bot.says(PERSON)
        bot.wa.faults = faults
        numbered = [Outgoing(CHAT, f"message {i}") for i in range(40)]
        bot.service.wake(await bot.store.enqueue(numbered, user_id=CHAT))
        await bot.says(PERSON, count=40, timeout=60)
        await bot.service.delivery.idle()
        texts = [text_of(m) for m in bot.wa.sent_to(PERSON)[1:]]
        assert texts == [f"message {i}" for i in range(40)]
        assert len(bot.wa.faults_injected) >= 8 and "drop_after" in bot.wa.faults_injected


async def test_a_late_staff_reply_invites_the_person_back_and_waits_for_them(bot: Bot) -> None:
    await bot.wa.user_sends(PERSON, "/helpline")
    await bot.says(PERSON, count=2)
    bot.clock.now += WINDOW_SECONDS + 60
    reply = Outgoing(CHAT, "💬 <b>Helpline:</b>\nWe called the agency.")
    bot.service.wake(await bot.store.enqueue([reply], user_id=CHAT))
    [template] = await bot.says(PERSON)
    assert template["type"] == "template" and template["payload"]["template"]["name"] == "rahnuma_new_reply"
    await bot.service.delivery.idle()
    staff = await bot.staff_rows()
    assert any("24-hour window has closed" in s and "invited back" in s for s in staff)
    assert bot.wa.failed_statuses == []  # nothing free-form went out of the window
    await bot.wa.user_taps_template(PERSON, "Show message")
    first = (await bot.says(PERSON))[0]
    assert "We called the agency." in text_of(first)
    await bot.service.delivery.idle()
    assert any("delivered" in s for s in await bot.staff_rows())


@pytest.fixture
async def telegram(standin: BotApiStandin) -> AsyncIterator[tuple[BotApiStandin, TelegramBot]]:
    """The Bot API stand-in with the staff group, and a PTB bot pointed at it."""
    await standin.user_sends(7, "hello", chat_id=STAFF, chat_type="supergroup", chat_title="Staff")
    async with TelegramBot(standin.token or "123:TEST", base_url=standin.base_url,
                           base_file_url=standin.base_file_url) as tgbot:
        yield standin, tgbot


async def test_a_voice_note_in_a_helpline_chat_reaches_staff_as_a_voice_note(
        bot: Bot, telegram: tuple[BotApiStandin, TelegramBot]) -> None:
    standin, tgbot = telegram
    await bot.wa.user_sends(PERSON, "/helpline")
    await bot.says(PERSON, count=2)
    await bot.wa.user_sends_media(PERSON, "voice", b"OggS-voice-note", "audio/ogg; codecs=opus")
    await bot.service.delivery.idle()
    [relayed] = [m for m in await bot.store.pending(STAFF, 100) if m.payload.get("media_ref")]
    attachment = await fetch_for_staff(bot.service.sender, MediaRef(*relayed.payload["media_ref"]))
    await send_attachment(tgbot, STAFF, attachment, relayed.payload["text"])
    [posted] = await standin.wait_for(STAFF)
    assert "voice" in posted and standin.file_bytes(posted["voice"]["file_id"]) == b"OggS-voice-note"
    assert "[voice]" in posted["caption"]


async def test_staff_media_reaches_the_person_by_upload(
        bot: Bot, telegram: tuple[BotApiStandin, TelegramBot]) -> None:
    standin, tgbot = telegram
    bot.service.delivery.telegram_file = functools.partial(download, tgbot)
    await bot.wa.user_sends(PERSON, "/start")
    await bot.says(PERSON)
    staff_voice = await standin.user_sends(7, chat_id=STAFF, voice=b"OggS-staff-voice")
    ref = MediaRef("telegram", "voice", staff_voice["voice"]["file_id"], None, "audio/ogg")
    bot.service.wake(await bot.store.enqueue([Outgoing(CHAT, "", media_ref=ref)], user_id=CHAT))
    [sent] = await bot.says(PERSON)
    assert sent["type"] == "audio" and sent["payload"]["audio"]["voice"] is True
    assert bot.wa.media_bytes(sent["payload"]["audio"]["id"]) == b"OggS-staff-voice"


async def test_a_person_who_cannot_be_reached_is_reported_once_never_retried(bot: Bot) -> None:
    await bot.wa.user_sends(PERSON, "/helpline")
    await bot.says(PERSON, count=2)
    bot.wa.unreachable.add(PERSON)
    bot.wa.window_errors = "sync"
    bot.service.wake(await bot.store.enqueue([Outgoing(CHAT, "one"), Outgoing(CHAT, "two")], user_id=CHAT))
    await bot.service.delivery.idle()
    await asyncio.sleep(0)
    await bot.wa.settled()
    staff = [s for s in await bot.staff_rows() if "could not reach" in s]
    assert len(staff) == 1
    assert await bot.store.pending(CHAT, 10) == []


async def test_a_window_meta_says_is_closed_is_recorded_and_staff_are_told(bot: Bot) -> None:
    """Meta accepts a message, then reports 131047 in a failed status: the window is taken as
    closed (the next message waits for the person, with the template) and staff hear of it."""
    await bot.wa.user_sends(PERSON, "/helpline")
    await bot.says(PERSON, count=2)
    bot.wa.last_inbound.pop(PERSON)  # Meta's view: the person has not written for a day
    bot.service.wake(await bot.store.enqueue([Outgoing(CHAT, "first reply")], user_id=CHAT))
    await bot.service.delivery.idle()
    await bot.wa.settled()
    assert [s["errors"][0]["code"] for s in bot.wa.failed_statuses] == [131047]
    assert await bot.store.last_inbound(CHAT) is None
    assert any("not delivered" in s for s in await bot.staff_rows())
    bot.service.wake(await bot.store.enqueue([Outgoing(CHAT, "second reply")], user_id=CHAT))
    [template] = await bot.says(PERSON)
    assert template["type"] == "template"
    await bot.wa.user_sends(PERSON, "salaam")
    [waiting] = await bot.says(PERSON)
    assert text_of(waiting) == "second reply"


async def test_a_voice_note_outside_a_helpline_chat_is_offered_to_the_helpline(bot: Bot) -> None:
    await bot.wa.user_sends(PERSON, "ایجنٹ کا لائسنس کیسے چیک کروں؟")
    await bot.says(PERSON)
    await bot.wa.user_sends_media(PERSON, "voice", b"OggS-question", "audio/ogg; codecs=opus")
    [offer] = await bot.says(PERSON)
    assert offer["payload"]["interactive"]["type"] == "button" and "وائس نوٹ" in text_of(offer)
    assert await bot.store.pending(STAFF, 10) == []
    await bot.wa.user_taps(PERSON, "vn:yes")
    await bot.says(PERSON, count=3)  # the numbers, the connection, "passed on"
    await bot.service.delivery.idle()
    [relayed] = [m for m in await bot.store.pending(STAFF, 100) if m.payload.get("media_ref")]
    attachment = await fetch_for_staff(bot.service.sender, MediaRef(*relayed.payload["media_ref"]))
    assert attachment.kind == "voice" and attachment.data == b"OggS-question"
    assert bot.wa.rejected == []


async def test_a_flood_of_messages_is_answered_once_not_handled(
        tmp_path: Path, knowledge: KnowledgeHolder) -> None:
    async for bot in start_bot(tmp_path, knowledge):
        bot.service.flood.per_minute = 3
        for i in range(6):
            await bot.wa.user_sends(PERSON, f"question {i}")
        await bot.service.delivery.idle()
        texts = [text_of(m) for m in bot.wa.sent_to(PERSON)]
        assert len(texts) == 4, texts  # three answers, then one warning, then nothing
        assert "very fast" in texts[-1] or "تیزی" in texts[-1], texts[-1]


def envelope(messages: list[dict]) -> dict:
    value = {"messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550783881",
                                                           "phone_number_id": "106540352242922"},
             "contacts": [{"profile": {"name": "Test User"}, "wa_id": PERSON}], "messages": messages}
    return {"object": "whatsapp_business_account",
            "entry": [{"id": "102290129340398", "changes": [{"value": value, "field": "messages"}]}]}


async def test_locations_unknown_types_and_reactions_in_a_helpline_chat(bot: Bot) -> None:
    await bot.wa.user_sends(PERSON, "/helpline")
    await bot.says(PERSON, count=2)
    before = len(await bot.staff_rows())
    now = str(int(bot.clock()))
    body = envelope([
        {"from": PERSON, "id": "wamid.L1", "timestamp": now, "type": "location",
         "location": {"latitude": 24.86, "longitude": 67.01, "name": "Saddar"}},
        {"from": PERSON, "id": "wamid.R1", "timestamp": now, "type": "reaction",
         "reaction": {"message_id": "wamid.X", "emoji": "👍"}},
        {"from": PERSON, "id": "wamid.U1", "timestamp": now, "type": "unsupported", "unsupported": {}},
    ])
    assert (await bot.wa.post_webhook(body)).status == 200
    staff = (await bot.staff_rows())[before:]
    assert len(staff) == 2
    assert "📍 24.86, 67.01 (Saddar)" in staff[0] and "[location]" in staff[0]
    assert "[other]" in staff[1]


async def test_sends_keep_to_whatsapp_max_rate(tmp_path: Path, knowledge: KnowledgeHolder) -> None:
    """The stand-in refuses more than 5 messages in any second (130429); the sender spaces its
    sends at WHATSAPP_MAX_RATE=5, so at most a refusal or two from timing jitter (retried), where
    a burst of 12 would have 7 refused; nothing is lost, all in order."""
    async for bot in start_bot(tmp_path, knowledge, max_rate=5):
        await bot.service.sender.close()
        bot.service.sender = bot.service.delivery.sender = await Sender(
            replace(bot.service.sender.settings, max_rate=5)).start()
        await bot.wa.user_sends(PERSON, "/start")
        bot.service.wake(await bot.store.enqueue([Outgoing(CHAT, f"m{i}") for i in range(12)],
                                                 user_id=CHAT))
        sent = await bot.says(PERSON, count=13, timeout=20)
        assert [text_of(m) for m in sent[1:]] == [f"m{i}" for i in range(12)]
        assert len([r for r in bot.wa.rejected if r[1]["code"] == 130429]) <= 2


def test_whatsapp_settings_need_every_secret_and_never_show_them() -> None:
    assert WhatsAppSettings.from_env({}) is None
    with pytest.raises(ValueError, match="WHATSAPP_APP_SECRET"):
        WhatsAppSettings.from_env({"WHATSAPP_TOKEN": "t", "WHATSAPP_PHONE_NUMBER_ID": "1",
                                   "WHATSAPP_VERIFY_TOKEN": "v"})
    settings = WhatsAppSettings.from_env({
        "WHATSAPP_TOKEN": "EAAG-secret", "WHATSAPP_PHONE_NUMBER_ID": "106",
        "WHATSAPP_APP_SECRET": "s3cret", "WHATSAPP_VERIFY_TOKEN": "v3rify",
        "WHATSAPP_API_BASE_URL": "http://127.0.0.1:9/", "WHATSAPP_MAX_RATE": "40"})
    assert settings is not None and settings.api_base_url == "http://127.0.0.1:9" and settings.max_rate == 40
    assert not any(secret in repr(settings) for secret in ("EAAG-secret", "s3cret", "v3rify"))


async def test_rows_nobody_woke_are_found_and_sent(bot: Bot) -> None:
    """A row queued without a wake (another instance crashed after its commit) goes out too."""
    await bot.wa.user_sends(PERSON, "/start")
    await bot.says(PERSON)
    await bot.store.enqueue([Outgoing(CHAT, "left behind")], user_id=CHAT)
    [sent] = await bot.says(PERSON)  # the background scan finds it
    assert text_of(sent) == "left behind"
