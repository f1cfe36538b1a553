"""`python -m bot serve` with both channels: the Bot API stand-in as Telegram (the staff group)
and the Graph API stand-in as WhatsApp, the real server, dialogue and SQLite in between."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from harness import STAFF_CHAT, STAFF_MEMBER, RunningServer, webhook_settings
from standin import BotApiStandin
from whatsapp_standin import GraphApiStandin, text_of

VERIFY = "verify-me"
PERSON = "923001234567"


@pytest.fixture
async def both(staffed_standin: BotApiStandin, tmp_path: Path,
               monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[RunningServer, GraphApiStandin]]:
    async with GraphApiStandin() as wa:
        for name, value in {"WHATSAPP_TOKEN": wa.token, "WHATSAPP_PHONE_NUMBER_ID": wa.phone_number_id,
                            "WHATSAPP_APP_SECRET": wa.app_secret, "WHATSAPP_VERIFY_TOKEN": VERIFY,
                            "WHATSAPP_API_BASE_URL": wa.base_url, "WHATSAPP_MAX_RATE": "0"}.items():
            monkeypatch.setenv(name, value)
        server = RunningServer(webhook_settings(staffed_standin, tmp_path / "data"))
        await server.start()
        wa.webhook_url = server.url + "/whatsapp"
        try:
            await staffed_standin.wait_for_call("setWebhook", timeout=15)
            yield server, wa
        finally:
            await server.stop()


async def get(url: str, params: dict[str, str]) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url, params=params) as r:
        return r.status, await r.text()


async def test_the_verification_handshake_and_a_forged_body(both) -> None:
    server, wa = both
    params = {"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "1158201444"}
    assert await get(server.url + "/whatsapp", params) == (200, "1158201444")
    assert (await get(server.url + "/whatsapp", {**params, "hub.verify_token": "guess"}))[0] == 403
    raw = b'{"object":"whatsapp_business_account","entry":[]}'
    wrong = "sha256=" + hmac.new(b"not-the-secret", raw, hashlib.sha256).hexdigest()
    async with aiohttp.ClientSession() as session:
        async with session.post(server.url + "/whatsapp", data=raw,
                                headers={"X-Hub-Signature-256": wrong}) as r:
            assert r.status in (401, 403)
        async with session.post(server.url + "/whatsapp", data=raw) as r:
            assert r.status in (401, 403)
    assert not wa.sent


async def test_a_whatsapp_helpline_chat_reaches_the_telegram_staff_group_and_back(
        both, staffed_standin: BotApiStandin) -> None:
    _server, wa = both
    s = staffed_standin
    await wa.user_sends(PERSON, "Helpline")
    assert "111-247-786" in " ".join(text_of(m) for m in await wa.wait_for(PERSON, timeout=20))
    header = (await s.wait_for(STAFF_CHAT, timeout=20))[0]
    assert "WhatsApp" in header["text"]
    await wa.user_sends(PERSON, "they locked me in the room")
    relayed = (await s.wait_for(STAFF_CHAT, timeout=20))[0]
    assert "they locked me in the room" in relayed["text"]
    await s.user_sends(STAFF_MEMBER, "We are calling you now. Are you safe?", chat_id=STAFF_CHAT,
                       reply_to_message_id=relayed["message_id"])
    answer = await wa.wait_for(PERSON, lambda m: "Are you safe?" in text_of(m), timeout=20)
    assert "<" not in text_of(answer[0])  # WhatsApp gets no HTML
    # a voice note reaches staff as a voice message, downloaded from WhatsApp
    await wa.user_sends_media(PERSON, "voice", b"OggS-fake-voice-note", "audio/ogg")
    voice = await s.wait_for(lambda m: m["chat"]["id"] == STAFF_CHAT and "voice" in m, timeout=20)
    assert voice[0]["voice"]["file_id"]


async def test_the_same_whatsapp_message_twice_takes_effect_once(both) -> None:
    _server, wa = both
    first = await wa.user_sends(PERSON, "how do i check if an agent is licensed?", message_id="wamid.SAME1")
    assert first.status == 200
    replies = await wa.wait_for(PERSON, timeout=20)
    again = await wa.redeliver(first)
    assert again.status == 200
    with pytest.raises(TimeoutError):
        await wa.wait_for(PERSON, timeout=2)
    assert replies
