"""The WhatsApp Graph API stand-in, driven by plain httpx clients and a tiny webhook receiver."""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import web
from whatsapp_standin import (
    WINDOW_SECONDS,
    Faults,
    GraphApiStandin,
    find_html,
    meta_json,
    sign,
    text_of,
)

USER = "923001234567"
VERSION = "v23.0"


class FakeClock:
    """Seconds since the epoch, moved by hand."""

    def __init__(self, now: float = 1_780_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class Receiver:
    """A webhook endpoint that checks Meta's signature on the raw body, as the bot must."""

    app_secret: str
    url: str = ""
    accepted: list[tuple[bytes, dict[str, Any]]] = field(default_factory=list)
    refused: int = 0

    async def handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        header = request.headers.get("X-Hub-Signature-256", "")
        expected = "sha256=" + hmac.new(self.app_secret.encode(), raw, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(header.encode(), expected.encode()):
            self.refused += 1
            return web.Response(status=403)
        self.accepted.append((raw, json.loads(raw)))
        return web.Response(text="ok")

    def values(self) -> list[dict[str, Any]]:
        return [body["entry"][0]["changes"][0]["value"] for _, body in self.accepted]

    def statuses(self) -> list[dict[str, Any]]:
        return [s for v in self.values() for s in v.get("statuses", [])]


@pytest.fixture
async def receiver() -> AsyncIterator[Receiver]:
    rec = Receiver(app_secret="test-app-secret")
    app = web.Application()
    app.router.add_post("/whatsapp", rec.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    rec.url = f"http://127.0.0.1:{port}/whatsapp"
    try:
        yield rec
    finally:
        await runner.cleanup()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def wa(receiver: Receiver, clock: FakeClock) -> AsyncIterator[GraphApiStandin]:
    async with GraphApiStandin(webhook_url=receiver.url, clock=clock) as server:
        yield server


@pytest.fixture
async def http(wa: GraphApiStandin) -> AsyncIterator[httpx.AsyncClient]:
    headers = {"Authorization": f"Bearer {wa.token}"}
    async with httpx.AsyncClient(base_url=f"{wa.base_url}/{VERSION}", headers=headers) as client:
        yield client


def text(body: str, to: str = USER) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "to": to, "type": "text", "text": {"body": body}}


def buttons(*titles: str, body: str = "Choose", to: str = USER) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp", "to": to, "type": "interactive",
        "interactive": {
            "type": "button", "body": {"text": body},
            "action": {"buttons": [
                {"type": "reply", "reply": {"id": f"b{i}", "title": t}} for i, t in enumerate(titles)
            ]},
        },
    }


def rows_list(*sections: list[str], to: str = USER) -> dict[str, Any]:
    return {
        "messaging_product": "whatsapp", "to": to, "type": "interactive",
        "interactive": {
            "type": "list", "body": {"text": "Topics"},
            "action": {"button": "Menu", "sections": [
                {"title": f"Section {s}", "rows": [
                    {"id": f"s{s}r{r}", "title": t} for r, t in enumerate(rows)
                ]} for s, rows in enumerate(sections)
            ]},
        },
    }


def template(name: str = "invite_back", lang: str = "en", to: str = USER) -> dict[str, Any]:
    return {"messaging_product": "whatsapp", "to": to, "type": "template",
            "template": {"name": name, "language": {"code": lang}}}


async def post(http: httpx.AsyncClient, wa: GraphApiStandin, body: dict[str, Any]) -> httpx.Response:
    return await http.post(f"/{wa.phone_number_id}/messages", json=body)


def error_code(response: httpx.Response) -> int:
    return int(response.json()["error"]["code"])


async def opened(wa: GraphApiStandin, wa_id: str = USER) -> None:
    """The person writes first, which opens their 24-hour window."""
    assert (await wa.user_sends(wa_id, "salaam")).status == 200


# ------------------------------------------------------------------ sending, auth, validation


async def test_text_is_accepted_recorded_and_awaited(
    wa: GraphApiStandin, http: httpx.AsyncClient
) -> None:
    await opened(wa)
    response = await post(http, wa, text("Assalam o alaikum! *Rahnuma* yahan hai."))
    assert response.status_code == 200
    answer = response.json()
    [message_id] = [m["id"] for m in answer["messages"]]
    assert message_id.startswith("wamid.")
    assert answer["contacts"] == [{"input": USER, "wa_id": USER}]
    [sent] = await wa.wait_for(USER)
    assert sent["id"] == message_id and text_of(sent).startswith("Assalam")
    with pytest.raises(TimeoutError):
        await wa.wait_for(USER, timeout=0.05)  # the same message is not returned twice


async def test_bearer_token_and_phone_number_id_are_checked(
    wa: GraphApiStandin, http: httpx.AsyncClient
) -> None:
    await opened(wa)
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": wa.token}):
        async with httpx.AsyncClient(base_url=f"{wa.base_url}/{VERSION}", headers=headers) as c:
            response = await c.post(f"/{wa.phone_number_id}/messages", json=text("x"))
        assert response.status_code == 401 and error_code(response) == 190
    response = await http.post("/999/messages", json=text("x"))
    assert response.status_code == 400 and error_code(response) == 100
    assert wa.sent == []


async def test_reply_buttons_follow_whatsapp_rules(
    wa: GraphApiStandin, http: httpx.AsyncClient
) -> None:
    await opened(wa)
    ok = await post(http, wa, buttons("Helpline", "ہیلپ لائن سے بات", "مينيو ڏسو"))
    assert ok.status_code == 200
    assert (await post(http, wa, buttons("x" * 20))).status_code == 200
    for bad in (
        buttons("a", "b", "c", "d"),  # four buttons
        buttons("x" * 21),  # title too long
        buttons("ہیلپ لائن سے فوری بات کریں"),  # 26 characters of Urdu
        buttons("Same", "Same"),  # titles must be unique
        buttons(),  # none
        buttons("ok", body="y" * 1025),  # a button message's body has 1024 at most
    ):
        response = await post(http, wa, bad)
        assert response.status_code == 400 and error_code(response) == 131009, bad
    assert len(wa.sent_to(USER)) == 2 and len(wa.rejected) == 6
    malformed = buttons("ok")
    malformed["interactive"]["footer"] = "not an object"
    malformed_buttons = buttons("ok")
    malformed_buttons["interactive"]["action"]["buttons"] = ["ok"]
    for bad in (malformed, malformed_buttons):
        response = await post(http, wa, bad)
        assert response.status_code == 400 and error_code(response) == 100


async def test_lists_follow_whatsapp_rules(wa: GraphApiStandin, http: httpx.AsyncClient) -> None:
    await opened(wa)
    assert (await post(http, wa, rows_list([f"Topic {i}" for i in range(10)]))).status_code == 200
    assert (await post(http, wa, rows_list(["x" * 24], ["y"]))).status_code == 200
    for bad in (
        rows_list([f"Topic {i}" for i in range(6)], [f"More {i}" for i in range(5)]),  # 11 rows
        rows_list(["x" * 25]),
        rows_list([]),
        rows_list(["Fees"]) | {"interactive": rows_list(["Fees"])["interactive"]
                               | {"body": {"text": "y" * 1025}}},
    ):
        response = await post(http, wa, bad)
        assert response.status_code == 400 and error_code(response) == 131009
    assert len(wa.sent) == 2


async def test_text_length_limit(wa: GraphApiStandin, http: httpx.AsyncClient) -> None:
    await opened(wa)
    assert (await post(http, wa, text("ا" * 4096))).status_code == 200
    for bad in ("ا" * 4097, "", "   "):
        response = await post(http, wa, text(bad))
        assert response.status_code == 400 and error_code(response) == 131009
    response = await post(http, wa, {"messaging_product": "whatsapp", "to": "not-a-number",
                                     "type": "text", "text": {"body": "hi"}})
    assert response.status_code == 400


async def test_html_is_flagged_and_rejected(wa: GraphApiStandin, http: httpx.AsyncClient) -> None:
    await opened(wa)
    response = await post(http, wa, text("<b>Helpline</b> 0800"))
    assert response.status_code == 400 and "HTML" in response.json()["error"]["error_data"]["details"]
    assert (await post(http, wa, buttons("&amp; more"))).status_code == 400
    assert wa.html_flags == [(USER, ["<b>", "</b>"]), (USER, ["&amp;"])]
    # WhatsApp's own formatting and plain angle brackets are fine.
    for fine in ("*bold* _italic_ ~strike~ ```code```", "fee < 10,000 > nothing", "<3 shukriya"):
        assert find_html(fine) == []
        assert (await post(http, wa, text(fine))).status_code == 200
    wa.reject_html = False
    assert (await post(http, wa, text("<i>x</i>"))).status_code == 200
    assert wa.html_flags[-1] == (USER, ["<i>", "</i>"])


# ------------------------------------------------------------------ 24-hour window and templates


async def test_window_closed_fails_with_131047_status_templates_pass(
    wa: GraphApiStandin, http: httpx.AsyncClient, receiver: Receiver, clock: FakeClock
) -> None:
    # Never wrote: Meta accepts the call, then reports failure 131047 in a status webhook.
    response = await post(http, wa, text("staff reply"))
    assert response.status_code == 200
    message_id = response.json()["messages"][0]["id"]
    await wa.settled()
    [status] = receiver.statuses()
    assert status["id"] == message_id and status["status"] == "failed"
    assert status["errors"][0]["code"] == 131047 and wa.sent == []
    # A template is allowed outside the window.
    response = await post(http, wa, template())
    assert response.status_code == 200 and response.json()["messages"][0]["message_status"]
    [sent] = await wa.wait_for(USER)
    assert sent["type"] == "template"
    # Tapping the template's quick-reply button is a message of type "button": the window opens.
    with pytest.raises(AssertionError):
        await wa.user_taps_template("923330000000", "Show")
    await wa.user_taps_template(USER, "Show message")
    tap = receiver.values()[-1]["messages"][0]
    assert tap["type"] == "button" and tap["button"] == {"text": "Show message",
                                                         "payload": "Show message"}
    assert tap["context"]["id"] == sent["id"] and wa.in_window(USER)
    # Writing opens the window for 24 hours.
    await opened(wa)
    clock.now += WINDOW_SECONDS - 60
    assert (await post(http, wa, text("still open"))).status_code == 200
    await wa.wait_for(USER, lambda m: text_of(m) == "still open")
    clock.now += 120
    assert not wa.in_window(USER)
    assert (await post(http, wa, text("too late"))).status_code == 200
    await wa.settled()
    assert [s["errors"][0]["code"] for s in receiver.statuses()] == [131047, 131047]
    assert [text_of(m) for m in wa.sent_to(USER)][-1] == "still open"


async def test_window_errors_sync_and_approved_templates(clock: FakeClock) -> None:
    async with GraphApiStandin(
        window_errors="sync", clock=clock, templates=[("rahnuma_invite", "ur")]
    ) as wa:
        headers = {"Authorization": f"Bearer {wa.token}"}
        async with httpx.AsyncClient(base_url=f"{wa.base_url}/{VERSION}", headers=headers) as c:
            response = await post(c, wa, text("hello"))
            assert response.status_code == 400 and error_code(response) == 131047
            assert "24 hours" in response.json()["error"]["error_data"]["details"]
            assert (await post(c, wa, template("rahnuma_invite", "ur"))).status_code == 200
            for name, lang in (("rahnuma_invite", "sd"), ("other", "ur")):
                response = await post(c, wa, template(name, lang))
                assert response.status_code == 400 and error_code(response) == 132001
        assert [m["type"] for m in wa.sent] == ["template"]
        assert wa.failed_statuses == []  # sync mode reports in the answer, not by webhook


async def test_unreachable_recipient_gets_failed_131026(
    wa: GraphApiStandin, http: httpx.AsyncClient, receiver: Receiver
) -> None:
    await opened(wa)
    wa.unreachable.add(USER)
    assert (await post(http, wa, text("hello"))).status_code == 200
    await wa.settled()
    assert [s["errors"][0]["code"] for s in receiver.statuses()] == [131026]
    assert wa.sent == []


# ------------------------------------------------------------------ rate limit and faults


async def test_send_rate_limit_answers_130429(receiver: Receiver, clock: FakeClock) -> None:
    rate_clock = FakeClock(100.0)
    async with GraphApiStandin(
        max_rate=5, webhook_url=receiver.url, clock=clock, rate_clock=rate_clock
    ) as wa:
        await opened(wa)
        headers = {"Authorization": f"Bearer {wa.token}"}
        async with httpx.AsyncClient(base_url=f"{wa.base_url}/{VERSION}", headers=headers) as c:
            codes = [(await post(c, wa, text(f"m{i}"))).status_code for i in range(6)]
            assert codes == [200] * 5 + [429]
            rate_clock.now += 0.9
            limited = await post(c, wa, text("again"))
            assert limited.status_code == 429 and error_code(limited) == 130429
            rate_clock.now += 0.2  # the 1-second window has slid past the first five
            assert (await post(c, wa, text("later"))).status_code == 200
        assert [text_of(m) for m in wa.sent] == ["m0", "m1", "m2", "m3", "m4", "later"]


async def test_exact_faults(wa: GraphApiStandin, http: httpx.AsyncClient) -> None:
    await opened(wa)
    wa.fail_next("500")
    wa.fail_next("130429")
    assert (await post(http, wa, text("a"))).status_code == 500
    response = await post(http, wa, text("a"))
    assert response.status_code == 429 and error_code(response) == 130429
    assert wa.sent == []
    wa.fail_next("drop")
    with pytest.raises(httpx.TransportError):
        await post(http, wa, text("b"))
    assert wa.sent == []  # dropped before doing anything
    wa.fail_next("drop_after")
    with pytest.raises(httpx.TransportError):
        await post(http, wa, text("c"))
    assert [text_of(m) for m in wa.sent] == ["c"]  # delivered, but the answer was lost
    assert (await post(http, wa, text("d"))).status_code == 200
    assert wa.faults_injected == ["500", "130429", "drop", "drop_after"]
    with pytest.raises(ValueError, match="unknown fault"):
        wa.fail_next("429")


async def test_random_faults_with_retries_lose_nothing(receiver: Receiver, clock: FakeClock) -> None:
    faults = Faults(error_rate=0.3, kinds={"500", "130429", "drop"}, seed=7)
    async with GraphApiStandin(faults=faults, webhook_url=receiver.url, clock=clock) as wa:
        await opened(wa)
        headers = {"Authorization": f"Bearer {wa.token}"}
        async with httpx.AsyncClient(base_url=f"{wa.base_url}/{VERSION}", headers=headers) as c:
            for i in range(100):
                for _attempt in range(20):
                    try:
                        if (await post(c, wa, text(f"m{i}"))).status_code == 200:
                            break
                    except httpx.TransportError:
                        pass
        assert [text_of(m) for m in wa.sent] == [f"m{i}" for i in range(100)]
        assert 15 <= len(wa.faults_injected) <= 60
        assert set(wa.faults_injected) == {"500", "130429", "drop"}
    with pytest.raises(ValueError):
        Faults(kinds={"boom"})


# ------------------------------------------------------------------ media


async def test_media_upload_send_and_download(
    wa: GraphApiStandin, http: httpx.AsyncClient
) -> None:
    await opened(wa)
    voice = b"OggS\x00fake-opus-voice-note"
    response = await http.post(
        f"/{wa.phone_number_id}/media",
        files={"file": ("note.ogg", voice, "audio/ogg")},
        data={"messaging_product": "whatsapp", "type": "audio/ogg"},
    )
    assert response.status_code == 200
    media_id = response.json()["id"]
    audio = {"messaging_product": "whatsapp", "to": USER, "type": "audio", "audio": {"id": media_id}}
    assert (await post(http, wa, audio)).status_code == 200
    doc = {"messaging_product": "whatsapp", "to": USER, "type": "document",
           "document": {"link": "https://example.org/contract.pdf", "caption": "Contract",
                        "filename": "contract.pdf"}}
    assert (await post(http, wa, doc)).status_code == 200
    for bad, code in (
        ({"id": "123"}, 131053),  # never uploaded
        ({"id": media_id, "link": "https://example.org/x"}, 100),  # both
        ({"id": media_id, "caption": "no captions on audio"}, 131009),
    ):
        body = {"messaging_product": "whatsapp", "to": USER, "type": "audio", "audio": bad}
        response = await post(http, wa, body)
        assert response.status_code == 400 and error_code(response) == code
    assert [m["type"] for m in wa.sent_to(USER)] == ["audio", "document"]
    # Download: the media id gives a url, the url (with the token) gives the bytes.
    info = (await http.get(f"/{media_id}")).json()
    assert info["mime_type"] == "audio/ogg" and info["sha256"] == hashlib.sha256(voice).hexdigest()
    assert (await http.get(info["url"])).content == voice
    async with httpx.AsyncClient() as anonymous:
        assert (await anonymous.get(info["url"])).status_code == 401
    assert (await http.get("/424242")).status_code == 400


# ------------------------------------------------------------------ webhooks to the bot


async def test_user_message_webhook_is_signed_like_meta(
    wa: GraphApiStandin, receiver: Receiver
) -> None:
    urdu = "میرا پاسپورٹ ایجنٹ نے رکھ لیا ہے"
    delivery = await wa.user_sends(USER, urdu, name="Amina")
    assert delivery.status == 200 and receiver.refused == 0
    [(raw, body)] = receiver.accepted
    assert raw == delivery.raw and raw.isascii()  # non-ASCII travels as \\uXXXX
    assert "\\u0645" in raw.decode()
    expected = "sha256=" + hmac.new(b"test-app-secret", raw, hashlib.sha256).hexdigest()
    assert delivery.signature == expected
    value = body["entry"][0]["changes"][0]["value"]
    assert body["object"] == "whatsapp_business_account"
    assert value["metadata"]["phone_number_id"] == wa.phone_number_id
    assert value["contacts"] == [{"profile": {"name": "Amina"}, "wa_id": USER}]
    [message] = value["messages"]
    assert message["from"] == USER and message["type"] == "text"
    assert message["text"]["body"] == urdu and message["id"] == delivery.message_id
    # A receiver that re-serialises the JSON computes another signature: check the raw bytes.
    reserialised = json.dumps(body, ensure_ascii=False).encode()
    assert sign(reserialised, "test-app-secret") != delivery.signature


async def test_wrong_signature_is_refused_and_retries_repeat_the_id(
    wa: GraphApiStandin, receiver: Receiver
) -> None:
    first = await wa.user_sends(USER, "Roman Urdu: mera agent licensed hai?")
    bad = await wa.post_webhook(first.body, signature="sha256=" + "0" * 64)
    other_secret = await wa.post_webhook(first.body, signature=sign(first.raw, "not-the-secret"))
    unsigned_prefix = await wa.post_webhook(first.body, signature=first.signature[7:].upper())
    assert (bad.status, other_secret.status, unsigned_prefix.status) == (403, 403, 403)
    again = await wa.redeliver(first)
    assert again.status == 200 and again.raw == first.raw
    assert again.message_id == first.message_id
    assert receiver.refused == 3 and len(receiver.accepted) == 2
    # Meta may also resend the same message inside a new body (another batch, a new timestamp).
    rebatched = await wa.user_sends(USER, "mera agent licensed hai?", message_id=first.message_id)
    assert rebatched.message_id == first.message_id and rebatched.raw != first.raw
    ids = [v["messages"][0]["id"] for v in receiver.values()]
    assert ids == [first.message_id] * 3


async def test_media_and_voice_from_users_can_be_downloaded(
    wa: GraphApiStandin, http: httpx.AsyncClient, receiver: Receiver
) -> None:
    await wa.user_sends_media(USER, "voice", b"OggS-voice", "audio/ogg; codecs=opus")
    await wa.user_sends_media(USER, "image", b"\x89PNG-photo", "image/png", caption="تصویر")
    await wa.user_sends_media(USER, "document", b"%PDF-1.4", "application/pdf",
                              filename="contract.pdf")
    messages = [v["messages"][0] for v in receiver.values()]
    assert [m["type"] for m in messages] == ["audio", "image", "document"]
    assert messages[0]["audio"]["voice"] is True and "voice" not in messages[1]["image"]
    assert messages[1]["image"]["caption"] == "تصویر"
    assert messages[2]["document"]["filename"] == "contract.pdf"
    info = (await http.get(f"/{messages[0]['audio']['id']}")).json()
    assert (await http.get(info["url"])).content == b"OggS-voice"
    assert wa.in_window(USER)  # media opens the window too
    with pytest.raises(ValueError):
        await wa.user_sends_media(USER, "hologram", b"", "x/y")


async def test_taps_on_buttons_and_list_rows(
    wa: GraphApiStandin, http: httpx.AsyncClient, receiver: Receiver
) -> None:
    await opened(wa)
    await post(http, wa, buttons("Yes", "No"))
    [offer] = await wa.wait_for(USER)
    await wa.user_taps(USER, "b1")
    message = receiver.values()[-1]["messages"][0]
    assert message["type"] == "interactive"
    assert message["interactive"] == {"type": "button_reply",
                                      "button_reply": {"id": "b1", "title": "No"}}
    assert message["context"]["id"] == offer["id"]
    await post(http, wa, rows_list(["Fees", "Visa"], ["Helpline"]))
    await wa.user_taps(USER, "s1r0")
    reply = receiver.values()[-1]["messages"][0]["interactive"]
    assert reply == {"type": "list_reply", "list_reply": {"id": "s1r0", "title": "Helpline"}}
    with pytest.raises(AssertionError):
        await wa.user_taps(USER, "b0")  # the last choice offered was the list
    with pytest.raises(AssertionError):
        await wa.user_taps("923330000000", "b0")  # nothing was offered to that person


async def test_status_notifications(receiver: Receiver, clock: FakeClock) -> None:
    async with GraphApiStandin(
        webhook_url=receiver.url, clock=clock, auto_statuses=("sent", "delivered")
    ) as wa:
        await opened(wa)
        headers = {"Authorization": f"Bearer {wa.token}"}
        async with httpx.AsyncClient(base_url=f"{wa.base_url}/{VERSION}", headers=headers) as c:
            message_id = (await post(c, wa, text("hi"))).json()["messages"][0]["id"]
        await wa.settled()
        delivery = await wa.send_status(message_id, "read", recipient=USER)
        assert delivery.status == 200 and delivery.message_id is None
        statuses = receiver.statuses()
        assert [(s["id"], s["status"]) for s in statuses] == [
            (message_id, "sent"), (message_id, "delivered"), (message_id, "read")
        ]
        assert all(s["recipient_id"] == USER for s in statuses)
        with pytest.raises(ValueError):
            await wa.send_status(message_id, "seen", recipient=USER)


def test_meta_json_escapes_like_meta() -> None:
    raw = meta_json({"text": "äöå https://x/y"})
    assert raw == b'{"text":"\\u00e4\\u00f6\\u00e5 https:\\/\\/x\\/y"}'
    assert json.loads(raw) == {"text": "äöå https://x/y"}


async def test_pywa_accepts_the_standin_signature_and_sends_through_it(
    wa: GraphApiStandin,
) -> None:
    """Cross-check with pywa itself when it is installed (it is not a dependency yet)."""
    pytest.importorskip("pywa")
    from pywa import utils
    from pywa_async import WhatsApp

    delivery = await wa.user_sends(USER, "salaam")
    assert utils.webhook_updates_validator(wa.app_secret, delivery.raw, delivery.signature)
    assert not utils.webhook_updates_validator("other", delivery.raw, delivery.signature)

    class ToStandin(httpx.AsyncBaseTransport):
        """pywa hard-codes https://graph.facebook.com; send its requests to the stand-in."""

        def __init__(self) -> None:
            self.inner = httpx.AsyncHTTPTransport()

        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            request.url = request.url.copy_with(scheme="http", host=wa.host, port=wa.port)
            return await self.inner.handle_async_request(request)

        async def aclose(self) -> None:
            await self.inner.aclose()

    async with httpx.AsyncClient(transport=ToStandin()) as session:
        client = WhatsApp(phone_id=wa.phone_number_id, token=wa.token, session=session,
                          api_version="23.0", validate_updates=False)
        sent = await client.send_message(to=USER, text="*Rahnuma*")
        assert sent.id.startswith("wamid.")
        [message] = await wa.wait_for(USER)
        assert message["payload"]["text"]["body"] == "*Rahnuma*"
    # Or: pywa sets the base URL of the session once, in its constructor; the session is ours.
    async with httpx.AsyncClient() as session:
        client = WhatsApp(phone_id=wa.phone_number_id, token=wa.token, session=session,
                          api_version="23.0", validate_updates=False)
        session.base_url = f"{wa.base_url}/v23.0"
        media = await client.upload_media(media=b"OggS-voice", mime_type="audio/ogg",
                                          filename="voice.ogg")
        await client.send_voice(to=USER, voice=media.id)
        [message] = await wa.wait_for(USER)
        assert message["payload"]["audio"] == {"id": media.id, "voice": True}
        url = await client.get_media_url(media.id)
        assert await client.get_media_bytes(url.url) == b"OggS-voice"


def test_example_templates_file_follows_the_proposed_format() -> None:
    """content/whatsapp_templates.yaml (docs/whatsapp.md): placeholders, clearly marked."""
    yaml = pytest.importorskip("yaml")
    path = Path(__file__).parent.parent / "content" / "whatsapp_templates.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    invite = data["invite_back"]
    assert set(invite) == {"en", "ur", "sd"}
    for entry in invite.values():
        assert re.fullmatch(r"[a-z0-9_]+", entry["name"].lower())
        assert entry["language"] in {"en", "ur"}  # WhatsApp has no Sindhi template language
        assert not re.search(r"\{\{|\d{4,}", entry["text"])  # no variables, no numbers
    placeholders = [e["name"] for e in invite.values() if e["name"].startswith("REPLACE_ME")]
    assert data.get("placeholder") is True and len(placeholders) == 3


async def test_tracker_is_echoed_even_when_the_answer_was_lost(
    receiver: Receiver, clock: FakeClock
) -> None:
    """The Cloud API has no idempotency key; biz_opaque_callback_data in the statuses is how a
    bot can tell that a send whose answer it never got did go out."""
    async with GraphApiStandin(webhook_url=receiver.url, clock=clock, auto_statuses=("sent",)) as wa:
        await opened(wa)
        headers = {"Authorization": f"Bearer {wa.token}"}
        async with httpx.AsyncClient(base_url=f"{wa.base_url}/{VERSION}", headers=headers) as c:
            wa.fail_next("drop_after")
            body = text("reply 1") | {"biz_opaque_callback_data": "outbox:41"}
            with pytest.raises(httpx.TransportError):
                await post(c, wa, body)
            wa.fail_next("502")
            response = await post(c, wa, text("reply 2") | {"biz_opaque_callback_data": "outbox:42"})
            assert response.status_code == 502 and "json" not in response.headers["content-type"]
            too_long = text("x") | {"biz_opaque_callback_data": "x" * 513}
            assert (await post(c, wa, too_long)).status_code == 400
            # Marking a message as read (with the typing indicator) is accepted and recorded.
            read = {"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.X",
                    "typing_indicator": {"type": "text"}}
            assert (await post(c, wa, read)).json() == {"success": True}
            assert wa.read_marks == [read]
        await wa.settled()
        [status] = receiver.statuses()
        assert status["biz_opaque_callback_data"] == "outbox:41" and status["status"] == "sent"
        assert [text_of(m) for m in wa.sent] == ["reply 1"]
