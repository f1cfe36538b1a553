"""An in-process stand-in for the WhatsApp Cloud API (Graph API), for tests and benchmarks.

Nothing reaches Meta: :class:`GraphApiStandin` is an aiohttp server on 127.0.0.1 that answers
the few Graph API calls a WhatsApp bot makes, with Meta's JSON shapes and error codes, and
enforces WhatsApp's rules so that a bot breaking them fails in tests rather than in Karachi:

- ``POST /v{version}/{phone_number_id}/messages``: text, interactive reply buttons and lists,
  templates, image/audio/document/video/sticker by uploaded ``id`` or by ``link``;
- ``POST /v{version}/{phone_number_id}/media`` (multipart upload) and the two-step download:
  ``GET /v{version}/{media_id}`` answers a ``url``, and that url answers the bytes;
- the rules: at most 3 reply buttons with titles of at most 20 characters, lists of at most
  10 rows with titles of at most 24, text of at most 4096 characters (1024 in the body of
  a button or list message), and no HTML (WhatsApp would show ``<b>`` literally: it is flagged, and
  rejected unless ``reject_html=False``);
- the 24-hour customer-service window: a free-form message to someone who has not written
  in the last 24 hours (by the injectable ``clock``) fails with error 131047, templates pass.
  Meta accepts such a message and reports the failure afterwards in a ``failed`` status
  notification; that is ``window_errors="status"`` (the default). ``window_errors="sync"``
  answers the send itself with the error instead;
- a send limit (``max_rate`` messages per second, like ``WHATSAPP_MAX_RATE``): error 130429;
- faults: ``500``, ``502``, ``130429``, ``drop`` (connection closed, nothing done), ``drop_after``
  (done, then the connection is closed: delivered but the answer lost), at random with
  :class:`Faults` or exactly with :meth:`GraphApiStandin.fail_next`;
- ``Authorization: Bearer <token>`` on every call (error 190 otherwise).

The other direction: :meth:`GraphApiStandin.user_sends`, :meth:`~GraphApiStandin.user_sends_media`,
:meth:`~GraphApiStandin.user_taps`, :meth:`~GraphApiStandin.user_taps_template` and
:meth:`~GraphApiStandin.send_status` POST webhook bodies
to the bot's ``webhook_url`` signed like Meta (``X-Hub-Signature-256: sha256=<hex HMAC-SHA256
of the raw body with the app secret>``), and :meth:`~GraphApiStandin.redeliver` sends the same
body again (Meta retries until it gets a 200). The raw body is encoded the way Meta encodes it
(non-ASCII and ``/`` escaped), so a bot that re-serialises the JSON before checking the
signature fails here too.

It can also run on its own: ``python tests/whatsapp_standin.py --port 8082``.

What the bot sent is in :attr:`GraphApiStandin.sent`; :meth:`GraphApiStandin.wait_for` waits for
it. Usage::

    async with GraphApiStandin(webhook_url=f"{bot_url}/whatsapp") as wa:
        ...  # run the bot with WHATSAPP_API_BASE_URL=wa.base_url, WHATSAPP_TOKEN=wa.token
        await wa.user_sends("923001234567", "salaam")
        [reply] = await wa.wait_for("923001234567")
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import hmac
import itertools
import json
import random
import re
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

__all__ = [
    "FAULT_KINDS",
    "WINDOW_SECONDS",
    "Faults",
    "GraphApiStandin",
    "WebhookDelivery",
    "find_html",
    "meta_json",
    "sign",
    "text_of",
]

JSONDict = dict[str, Any]

WINDOW_SECONDS = 24 * 3600
"""The customer-service window: free-form messages only this long after the person last wrote."""

FAULT_KINDS = frozenset({"500", "502", "130429", "drop", "drop_after"})
"""``500`` Internal Server Error (Graph error JSON); ``502`` a load balancer's HTML page, not
JSON; ``130429`` the throughput error; ``drop`` closes the connection before doing anything;
``drop_after`` sends the message, then closes the connection."""

MAX_TEXT = 4096
MAX_INTERACTIVE_BODY = 1024  # reply buttons: 1024; lists: sources say 1024 or 4096, keep the stricter
MAX_CAPTION = 1024
MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_BUTTON_ID = 256
MAX_ROWS = 10
MAX_SECTIONS = 10
MAX_ROW_TITLE = 24
MAX_ROW_DESCRIPTION = 72
MAX_ROW_ID = 200
MAX_LIST_BUTTON = 20
MAX_HEADER_FOOTER = 60
MEDIA_KINDS = ("image", "audio", "document", "video", "sticker")
_CAPTIONED = ("image", "document", "video")

# Tags Telegram's HTML parse mode uses, and the entities an HTML escaper leaves behind.
_HTML = re.compile(
    r"</?(?:b|i|u|s|a|em|strong|ins|del|strike|code|pre|br|p|span|blockquote|tg-spoiler)"
    r"(?:\s[^<>]*)?/?>|&(?:amp|lt|gt|quot|#\d+|#x[0-9a-fA-F]+);",
    re.IGNORECASE,
)

_ERROR_TITLES = {
    100: "Invalid parameter",
    131009: "Parameter value is not valid",
    131047: "Re-engagement message",
    131026: "Message undeliverable",
    130429: "Rate limit hit",
    131053: "Media upload error",
    132001: "Template name does not exist in the translation",
    190: "Invalid OAuth access token",
    131000: "Something went wrong",
}
_REENGAGEMENT_DETAILS = (
    "Message failed to send because more than 24 hours have passed since the customer last "
    "replied to this number."
)


def find_html(text: str) -> list[str]:
    """HTML tags and entities in ``text`` (WhatsApp shows them literally)."""
    return _HTML.findall(text)


def meta_json(body: Any) -> bytes:
    """``body`` encoded as Meta sends webhooks: compact, non-ASCII as ``\\uXXXX``, ``/`` as ``\\/``."""
    return json.dumps(body, ensure_ascii=True, separators=(",", ":")).replace("/", "\\/").encode()


def sign(raw: bytes, app_secret: str) -> str:
    """The ``X-Hub-Signature-256`` value Meta sends with ``raw``."""
    return "sha256=" + hmac.new(app_secret.encode(), raw, hashlib.sha256).hexdigest()


class GraphError(Exception):
    """A Graph API error answer."""

    def __init__(self, code: int, details: str, status: int = 400) -> None:
        super().__init__(details)
        self.code = code
        self.details = details
        self.status = status

    def to_json(self) -> JSONDict:
        title = _ERROR_TITLES.get(self.code, "Error")
        return {
            "error": {
                "message": f"(#{self.code}) {title}",
                "type": "OAuthException",
                "code": self.code,
                "error_data": {"messaging_product": "whatsapp", "details": self.details},
                "fbtrace_id": "StandinTrace",
            }
        }

    def to_status_error(self) -> JSONDict:
        """The shape of this error inside a ``failed`` status notification."""
        title = _ERROR_TITLES.get(self.code, "Error")
        return {
            "code": self.code,
            "title": title,
            "message": title,
            "error_data": {"details": self.details},
            "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
        }


def _invalid(details: str) -> GraphError:
    return GraphError(131009, details)


@dataclass
class Faults:
    """Random faults on the bot's calls, deterministic for a given ``seed`` and call order.

    ``error_rate`` is the share of eligible calls that fail, each with one of ``kinds`` (see
    :data:`FAULT_KINDS`). ``paths`` limits the eligible calls to ``"messages"``, ``"media"``
    (upload) and ``"download"`` (media url and bytes); by default only ``"messages"``.
    """

    error_rate: float = 0.3
    kinds: Iterable[str] = frozenset({"500"})
    paths: Iterable[str] = frozenset({"messages"})
    seed: int | None = 0
    rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.kinds = sorted(set(self.kinds))
        self.paths = frozenset(self.paths)
        if not self.kinds or not set(self.kinds) <= FAULT_KINDS:
            raise ValueError(f"fault kinds must be a non-empty subset of {sorted(FAULT_KINDS)}")
        if not 0.0 <= self.error_rate <= 1.0:
            raise ValueError("error_rate must be between 0 and 1")
        self.rng = random.Random(self.seed)

    def pick(self, path: str) -> str | None:
        """The fault for this call, or None."""
        if path not in self.paths or self.rng.random() >= self.error_rate:
            return None
        return self.rng.choice(list(self.kinds))


@dataclass
class WebhookDelivery:
    """One webhook POST to the bot: what was sent and how the bot answered."""

    body: JSONDict
    raw: bytes
    signature: str
    status: int
    message_id: str | None = None


class _Dropped(Exception):
    """Close the connection without an answer."""


class GraphApiStandin:
    """The Graph API stand-in: an aiohttp server on 127.0.0.1 plus the state tests drive.

    ``token`` is the one access token accepted. ``webhook_url`` is the bot's ``/whatsapp``
    URL (may be set after construction, e.g. once the bot's port is known). ``templates``
    is the set of approved ``(name, language_code)`` pairs (None accepts any template).
    ``max_rate`` (None: no limit) is the messages per second allowed in any 1-second window,
    over all recipients, timed by ``rate_clock`` (``time.monotonic`` by default). ``clock``
    gives the time in seconds for the 24-hour window and for webhook timestamps (``time.time``
    by default). Tests may pass fake clocks for both.
    ``auto_statuses`` (e.g. ``("sent", "delivered")``) are posted to the webhook for each
    accepted message, with its ``biz_opaque_callback_data`` (a bot can use it to learn that a
    send whose answer was lost did go out, since the Cloud API has no idempotency key).
    ``enforce_window=False`` lets free-form messages reach anyone (benchmarks).
    """

    def __init__(
        self,
        token: str = "TEST-WHATSAPP-TOKEN",
        *,
        app_secret: str = "test-app-secret",
        phone_number_id: str = "106540352242922",
        display_phone_number: str = "15550783881",
        waba_id: str = "102290129340398",
        webhook_url: str | None = None,
        templates: Iterable[tuple[str, str]] | None = None,
        max_rate: float | None = None,
        window_errors: str = "status",
        reject_html: bool = True,
        enforce_window: bool = True,
        auto_statuses: Iterable[str] = (),
        faults: Faults | None = None,
        clock: Callable[[], float] = time.time,
        rate_clock: Callable[[], float] = time.monotonic,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if window_errors not in ("status", "sync"):
            raise ValueError("window_errors must be 'status' or 'sync'")
        self.token = token
        self.app_secret = app_secret
        self.phone_number_id = phone_number_id
        self.display_phone_number = display_phone_number
        self.waba_id = waba_id
        self.webhook_url = webhook_url
        self.templates = None if templates is None else {(n, lang) for n, lang in templates}
        self.max_rate = max_rate
        self.window_errors = window_errors
        self.reject_html = reject_html
        self.enforce_window = enforce_window
        self.auto_statuses = tuple(auto_statuses)
        self.faults = faults
        self.clock = clock
        self.rate_clock = rate_clock
        self.host = host
        self.port = port

        self.sent: list[JSONDict] = []
        """Accepted bot messages, in order: ``{"id", "to", "type", "payload", "time"}``."""
        self.rejected: list[tuple[JSONDict, JSONDict]] = []
        """``(request body, error)`` for every send that was answered with an error."""
        self.html_flags: list[tuple[str, list[str]]] = []
        """``(recipient, tags)`` for each message whose text contained HTML."""
        self.failed_statuses: list[JSONDict] = []
        """Every ``failed`` status the stand-in reported (e.g. 131047 outside the window)."""
        self.deliveries: list[WebhookDelivery] = []
        """Every webhook POST made to the bot, with its answer."""
        self.faults_injected: list[str] = []
        self.unreachable: set[str] = set()
        """Recipients whose messages fail with 131026 (add wa_ids to simulate)."""
        self.last_inbound: dict[str, float] = {}
        self.read_marks: list[JSONDict] = []
        """Bodies of "mark as read" calls (``status: read``, optional ``typing_indicator``)."""

        self._media: dict[str, tuple[bytes, str, str | None]] = {}  # id -> (data, mime, filename)
        self._ids = itertools.count(1)
        self._fail_next: deque[str] = deque()
        self._send_times: deque[float] = deque()
        self._consumed: set[int] = set()
        self._cond: asyncio.Condition | None = None
        self._runner: web.AppRunner | None = None
        self._client: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[Any]] = set()

    # ---------------------------------------------------------------- lifecycle

    @property
    def url(self) -> str:
        """Root URL of the server."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """``WHATSAPP_API_BASE_URL`` for the bot (requests go to ``{base}/v{version}/…``)."""
        return self.url

    async def start(self) -> GraphApiStandin:
        """Start serving; the port is chosen by the OS unless given."""
        self._cond = asyncio.Condition()
        app = web.Application(client_max_size=100 * 1024 * 1024)
        app.router.add_post(r"/v{version:\d+\.\d+}/{phone_id}/messages", self._handle_messages)
        app.router.add_post(r"/v{version:\d+\.\d+}/{phone_id}/media", self._handle_upload)
        app.router.add_get(r"/v{version:\d+\.\d+}/{media_id}", self._handle_media_url)
        app.router.add_get("/media-download/{media_id}", self._handle_download)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, reuse_address=True)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]
        self._client = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        return self

    async def stop(self) -> None:
        """Finish pending status notifications and stop the server."""
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._client is not None:
            await self._client.close()
            self._client = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> GraphApiStandin:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    # ---------------------------------------------------------------- faults

    def fail_next(self, kind: str, count: int = 1) -> None:
        """Make the next ``count`` message sends fail with ``kind`` (see :data:`FAULT_KINDS`)."""
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}")
        self._fail_next.extend([kind] * count)

    def _pick_fault(self, path: str) -> str | None:
        if path == "messages" and self._fail_next:
            return self._fail_next.popleft()
        return self.faults.pick(path) if self.faults is not None else None

    # ---------------------------------------------------------------- HTTP layer

    def _check_auth(self, request: web.Request) -> None:
        if request.headers.get("Authorization", "") != f"Bearer {self.token}":
            raise GraphError(190, "Invalid OAuth access token - Cannot parse access token", 401)

    def _check_phone(self, request: web.Request) -> None:
        if request.match_info["phone_id"] != self.phone_number_id:
            raise GraphError(
                100,
                f"Unsupported post request. Object with ID '{request.match_info['phone_id']}' "
                "does not exist, cannot be loaded due to missing permissions, or does not "
                "support this operation",
            )

    async def _answer(
        self, request: web.Request, path: str, work: Callable[[], Any]
    ) -> web.StreamResponse:
        """Authenticate, inject a fault if one is due, run ``work`` and answer its result."""
        try:
            self._check_auth(request)
            fault = self._pick_fault(path)
            if fault is not None:
                self.faults_injected.append(fault)
                if fault == "500":
                    return web.json_response(GraphError(131000, "Internal error", 500).to_json(),
                                             status=500)
                if fault == "502":
                    return web.Response(status=502, text="<html><body>Bad Gateway</body></html>",
                                        content_type="text/html")
                if fault == "130429":
                    raise self._rate_error()
                if fault == "drop":
                    raise _Dropped
            result = await work()
            if fault == "drop_after":
                raise _Dropped
        except GraphError as exc:
            return web.json_response(exc.to_json(), status=exc.status)
        except _Dropped:
            if request.transport is not None:
                request.transport.abort()
            return web.Response(status=499)  # never reaches the client
        if isinstance(result, web.StreamResponse):
            return result
        return web.json_response(result)

    @staticmethod
    def _rate_error() -> GraphError:
        return GraphError(
            130429, "Cloud API message throughput has been reached.", status=429
        )

    async def _handle_messages(self, request: web.Request) -> web.StreamResponse:
        async def work() -> JSONDict:
            self._check_phone(request)
            try:
                body = await request.json()
            except ValueError:
                raise GraphError(100, "The request body is not valid JSON") from None
            try:
                try:
                    return await self._accept(body)
                except (AttributeError, KeyError, TypeError, ValueError) as exc:
                    # A malformed body (e.g. a footer that is not an object): Meta answers 400.
                    raise GraphError(100, f"malformed request: {type(exc).__name__}: {exc}") from exc
            except GraphError as exc:
                self.rejected.append((body, exc.to_json()["error"]))
                raise

        return await self._answer(request, "messages", work)

    async def _handle_upload(self, request: web.Request) -> web.StreamResponse:
        async def work() -> JSONDict:
            self._check_phone(request)
            if not request.content_type.startswith("multipart/"):
                raise GraphError(100, "Media upload must be multipart/form-data")
            form = await request.post()
            upload = form.get("file")
            if form.get("messaging_product") != "whatsapp":
                raise GraphError(100, "The parameter messaging_product is required.")
            if not isinstance(upload, web.FileField):
                raise GraphError(100, "The parameter file is required.")
            mime = str(form.get("type") or upload.content_type or "application/octet-stream")
            return {"id": self.store_media(upload.file.read(), mime, upload.filename)}

        return await self._answer(request, "media", work)

    async def _handle_media_url(self, request: web.Request) -> web.StreamResponse:
        async def work() -> JSONDict:
            media_id = request.match_info["media_id"]
            if media_id not in self._media:
                raise GraphError(100, f"Media {media_id} does not exist")
            data, mime, _ = self._media[media_id]
            return {
                "messaging_product": "whatsapp",
                "url": f"{self.url}/media-download/{media_id}",
                "mime_type": mime,
                "sha256": hashlib.sha256(data).hexdigest(),
                "file_size": len(data),
                "id": media_id,
            }

        return await self._answer(request, "download", work)

    async def _handle_download(self, request: web.Request) -> web.StreamResponse:
        async def work() -> web.Response:
            entry = self._media.get(request.match_info["media_id"])
            if entry is None:
                return web.Response(status=404)
            return web.Response(body=entry[0], content_type=entry[1])

        return await self._answer(request, "download", work)

    # ---------------------------------------------------------------- media

    def store_media(self, data: bytes, mime_type: str, filename: str | None = None) -> str:
        """Keep ``data`` as uploaded media and return its id."""
        media_id = str(1_000_000_000_000 + next(self._ids))
        self._media[media_id] = (data, mime_type, filename)
        return media_id

    def media_bytes(self, media_id: str) -> bytes:
        """The bytes of uploaded (or user-sent) media."""
        return self._media[media_id][0]

    # ---------------------------------------------------------------- validation

    def _check_text(self, what: str, text: Any, limit: int, *, required: bool = True) -> str:
        if text is None and not required:
            return ""
        if not isinstance(text, str) or (required and not text.strip()):
            raise _invalid(f"{what} is required and must be a non-empty string")
        if len(text) > limit:
            raise _invalid(f"{what} is {len(text)} characters; the limit is {limit}")
        return text

    def _check_buttons(self, action: JSONDict) -> list[str]:
        buttons = action.get("buttons")
        if not isinstance(buttons, list) or not 1 <= len(buttons) <= MAX_BUTTONS:
            raise _invalid(f"a reply-button message needs 1 to {MAX_BUTTONS} buttons")
        titles, ids = [], []
        for button in buttons:
            reply = button.get("reply") if isinstance(button, dict) else None
            if button.get("type") != "reply" or not isinstance(reply, dict):
                raise _invalid("each button must be {'type': 'reply', 'reply': {id, title}}")
            titles.append(self._check_text("button title", reply.get("title"), MAX_BUTTON_TITLE))
            ids.append(self._check_text("button id", reply.get("id"), MAX_BUTTON_ID))
        if len(set(titles)) < len(titles) or len(set(ids)) < len(ids):
            raise _invalid("button titles and ids must be unique within the message")
        return titles

    def _check_list(self, action: JSONDict) -> list[str]:
        self._check_text("list button", action.get("button"), MAX_LIST_BUTTON)
        sections = action.get("sections")
        if not isinstance(sections, list) or not 1 <= len(sections) <= MAX_SECTIONS:
            raise _invalid(f"a list needs 1 to {MAX_SECTIONS} sections")
        titles, ids = [], []
        for section in sections:
            if len(sections) > 1 or "title" in section:
                self._check_text("section title", section.get("title"), MAX_ROW_TITLE)
            rows = section.get("rows")
            if not isinstance(rows, list) or not rows:
                raise _invalid("each section needs at least one row")
            for row in rows:
                titles.append(self._check_text("row title", row.get("title"), MAX_ROW_TITLE))
                ids.append(self._check_text("row id", row.get("id"), MAX_ROW_ID))
                self._check_text(
                    "row description", row.get("description"), MAX_ROW_DESCRIPTION,
                    required=False,
                )
        if len(ids) > MAX_ROWS:
            raise _invalid(f"a list has at most {MAX_ROWS} rows in all; this one has {len(ids)}")
        if len(set(ids)) < len(ids):
            raise _invalid("row ids must be unique within the message")
        return titles

    def _texts(self, body: JSONDict) -> list[str]:
        """Validate the message object; return the texts a person would read."""
        kind = body.get("type", "text")
        content = body.get(kind)
        if not isinstance(content, dict):
            raise GraphError(100, f"The parameter {kind} is required.")
        if kind == "text":
            return [self._check_text("text.body", content.get("body"), MAX_TEXT)]
        if kind == "interactive":
            itype = content.get("type")
            action = content.get("action") or {}
            texts = [self._check_text("interactive body", (content.get("body") or {}).get("text"),
                                      MAX_INTERACTIVE_BODY)]
            header = content.get("header")
            if header is not None:
                if header.get("type") != "text" and itype == "list":
                    raise _invalid("a list header can only be text")
                if header.get("type") == "text":
                    texts.append(self._check_text("header", header.get("text"), MAX_HEADER_FOOTER))
            if content.get("footer") is not None:
                texts.append(self._check_text("footer", content["footer"].get("text"),
                                              MAX_HEADER_FOOTER))
            if itype == "button":
                return texts + self._check_buttons(action)
            if itype == "list":
                return texts + self._check_list(action)
            raise _invalid(f"interactive type {itype!r} is not supported by the stand-in")
        if kind == "template":
            name = content.get("name")
            lang = (content.get("language") or {}).get("code")
            if not name or not lang:
                raise GraphError(100, "template.name and template.language.code are required")
            if self.templates is not None and (name, lang) not in self.templates:
                raise GraphError(132001, f"template name ({name}) does not exist in {lang}")
            return []
        if kind in MEDIA_KINDS:
            has_id, has_link = "id" in content, "link" in content
            if has_id == has_link:
                raise GraphError(100, f"{kind} needs exactly one of id or link")
            if has_id and str(content["id"]) not in self._media:
                raise GraphError(131053, f"media id {content['id']} was not uploaded")
            if has_link and not re.match(r"https?://", str(content["link"])):
                raise _invalid(f"{kind}.link must be an http(s) URL")
            if "caption" in content:
                if kind not in _CAPTIONED:
                    raise _invalid(f"{kind} messages cannot have a caption")
                return [self._check_text("caption", content["caption"], MAX_CAPTION)]
            return []
        raise GraphError(100, f"message type {kind!r} is not supported by the stand-in")

    def _check_rate(self) -> None:
        if self.max_rate is None:
            return
        now = self.rate_clock()
        while self._send_times and self._send_times[0] <= now - 1.0:
            self._send_times.popleft()
        if len(self._send_times) >= self.max_rate:
            raise self._rate_error()
        self._send_times.append(now)

    def in_window(self, wa_id: str) -> bool:
        """Whether free-form messages to ``wa_id`` are allowed now."""
        last = self.last_inbound.get(wa_id)
        return last is not None and self.clock() - last < WINDOW_SECONDS

    async def _accept(self, body: Any) -> JSONDict:
        if not isinstance(body, dict) or body.get("messaging_product") != "whatsapp":
            raise GraphError(100, "The parameter messaging_product is required.")
        if body.get("status") == "read":  # mark as read (and maybe show "typing…")
            if not str(body.get("message_id", "")).startswith("wamid."):
                raise GraphError(100, "The parameter message_id is required.")
            self.read_marks.append(body)
            return {"success": True}
        to = body.get("to")
        if not isinstance(to, str) or not re.fullmatch(r"\+?\d{6,15}", to):
            raise GraphError(100, "The parameter to is required and must be a phone number.")
        to = to.lstrip("+")
        texts = self._texts(body)
        tracker = body.get("biz_opaque_callback_data")
        if tracker is not None and (not isinstance(tracker, str) or len(tracker) > 512):
            raise _invalid("biz_opaque_callback_data is a string of at most 512 characters")
        tags = [tag for text in texts for tag in find_html(text)]
        if tags:
            self.html_flags.append((to, tags))
            if self.reject_html:
                raise _invalid(f"stand-in: HTML {tags[:3]} would be shown literally on WhatsApp")
        self._check_rate()
        kind = body.get("type", "text")
        error: GraphError | None = None
        if to in self.unreachable:
            error = GraphError(131026, "Message undeliverable.")
        elif kind != "template" and self.enforce_window and not self.in_window(to):
            error = GraphError(131047, _REENGAGEMENT_DETAILS)
            if self.window_errors == "sync":
                raise error
        message_id = self._wamid()
        if error is None:
            self.sent.append(
                {"id": message_id, "to": to, "type": kind, "payload": body, "time": self.clock()}
            )
            await self._notify()
            for status in self.auto_statuses:
                self._background(
                    self.send_status(message_id, status, recipient=to, tracker=tracker)
                )
        else:
            entry = self._status_entry(message_id, "failed", to, error, tracker)
            self._background(self.post_webhook(self._envelope({"statuses": [entry]})))
        answer: JSONDict = {
            "messaging_product": "whatsapp",
            "contacts": [{"input": body["to"], "wa_id": to}],
            "messages": [{"id": message_id}],
        }
        if kind == "template":
            answer["messages"][0]["message_status"] = "accepted"
        return answer

    # ---------------------------------------------------------------- observing the bot

    async def _notify(self) -> None:
        if self._cond is not None:
            async with self._cond:
                self._cond.notify_all()

    def sent_to(self, wa_id: str) -> list[JSONDict]:
        """Messages accepted for ``wa_id``, in order."""
        return [m for m in self.sent if m["to"] == wa_id]

    async def wait_for(
        self,
        wa_id: str | None = None,
        predicate: Callable[[JSONDict], bool] | None = None,
        count: int = 1,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[JSONDict]:
        """Wait for ``count`` accepted messages (to ``wa_id``, matching ``predicate``).

        Messages returned by an earlier call are skipped, so consecutive calls walk a
        conversation. Raises TimeoutError listing the last messages sent.
        """
        assert self._cond is not None, "start() the stand-in first"

        def match(m: JSONDict) -> bool:
            return (wa_id is None or m["to"] == wa_id) and (predicate is None or predicate(m))

        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        found: list[JSONDict] = []
        scanned = 0
        async with self._cond:
            while True:
                found += [m for m in self.sent[scanned:]
                          if id(m) not in self._consumed and match(m)]
                scanned = len(self.sent)
                if len(found) >= count:
                    found = found[:count]
                    self._consumed.update(id(m) for m in found)
                    return found
                remaining = deadline - loop.time()
                if remaining <= 0:
                    last = [(m["to"], text_of(m)[:60]) for m in self.sent[-5:]]
                    raise TimeoutError(
                        f"wanted {count} message(s), found {len(found)} in {timeout}s; "
                        f"last sent: {last}; rejected: {len(self.rejected)}"
                    )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._cond.wait(), remaining)

    # ---------------------------------------------------------------- acting as Meta / users

    def _wamid(self) -> str:
        return f"wamid.STANDIN{next(self._ids):012d}"

    def _envelope(self, value: JSONDict) -> JSONDict:
        value = {
            "messaging_product": "whatsapp",
            "metadata": {
                "display_phone_number": self.display_phone_number,
                "phone_number_id": self.phone_number_id,
            },
            **value,
        }
        return {
            "object": "whatsapp_business_account",
            "entry": [{"id": self.waba_id, "changes": [{"value": value, "field": "messages"}]}],
        }

    async def post_webhook(
        self, body: JSONDict, *, signature: str | None = None, raw: bytes | None = None
    ) -> WebhookDelivery:
        """POST ``body`` to ``webhook_url``, signed with the app secret unless ``signature``
        is given (tests of a wrong signature); returns the delivery with the bot's status."""
        assert self._client is not None, "start() the stand-in first"
        if not self.webhook_url:
            raise RuntimeError("set webhook_url to the bot's /whatsapp URL first")
        raw = meta_json(body) if raw is None else raw
        signature = sign(raw, self.app_secret) if signature is None else signature
        headers = {
            "Content-Type": "application/json",
            "X-Hub-Signature-256": signature,
            "User-Agent": "facebookexternalua",
        }
        async with self._client.post(self.webhook_url, data=raw, headers=headers) as response:
            await response.read()
            status = response.status
        messages = body["entry"][0]["changes"][0]["value"].get("messages") or [{}]
        delivery = WebhookDelivery(body, raw, signature, status, messages[0].get("id"))
        self.deliveries.append(delivery)
        return delivery

    async def redeliver(self, delivery: WebhookDelivery) -> WebhookDelivery:
        """Send exactly the same body again, as Meta does when it got no 200 in time."""
        return await self.post_webhook(delivery.body, raw=delivery.raw)

    async def _user_message(
        self, wa_id: str, kind: str, content: JSONDict, *, name: str, context: str | None,
        message_id: str | None,
    ) -> WebhookDelivery:
        now = self.clock()
        message: JSONDict = {
            "from": wa_id,
            "id": message_id or self._wamid(),
            "timestamp": str(int(now)),
            "type": kind,
            kind: content,
        }
        if context is not None:
            message["context"] = {"from": self.display_phone_number, "id": context}
        self.last_inbound[wa_id] = now
        body = self._envelope(
            {"contacts": [{"profile": {"name": name}, "wa_id": wa_id}], "messages": [message]}
        )
        return await self.post_webhook(body)

    async def user_sends(
        self,
        wa_id: str,
        text: str,
        *,
        name: str = "Test User",
        reply_to: str | None = None,
        message_id: str | None = None,
    ) -> WebhookDelivery:
        """The person ``wa_id`` writes ``text`` (opens their 24-hour window)."""
        return await self._user_message(wa_id, "text", {"body": text}, name=name,
                                        context=reply_to, message_id=message_id)

    async def user_sends_media(
        self,
        wa_id: str,
        kind: str,
        data: bytes,
        mime_type: str,
        *,
        caption: str | None = None,
        filename: str | None = None,
        name: str = "Test User",
    ) -> WebhookDelivery:
        """The person sends media: ``kind`` is image, audio, document, video, sticker, or
        ``voice`` (a voice note: type audio with ``voice: true``). The bot can download it."""
        voice = kind == "voice"
        kind = "audio" if voice else kind
        if kind not in MEDIA_KINDS:
            raise ValueError(f"unknown media kind {kind!r}")
        media_id = self.store_media(data, mime_type, filename)
        content: JSONDict = {
            "id": media_id,
            "mime_type": mime_type,
            "sha256": hashlib.sha256(data).hexdigest(),
        }
        if voice:
            content["voice"] = True
        if caption is not None:
            content["caption"] = caption
        if filename is not None:
            content["filename"] = filename
        return await self._user_message(wa_id, kind, content, name=name, context=None,
                                        message_id=None)

    async def user_taps(self, wa_id: str, reply_id: str, *, name: str = "Test User") -> WebhookDelivery:
        """The person taps the button or list row ``reply_id`` of the last interactive
        message sent to them (AssertionError if it offered no such choice)."""
        for message in reversed(self.sent_to(wa_id)):
            if message["type"] != "interactive":
                continue
            interactive = message["payload"]["interactive"]
            action = interactive["action"]
            if interactive["type"] == "button":
                choices = [b["reply"] for b in action["buttons"]]
                reply_type = "button_reply"
            else:
                choices = [row for s in action["sections"] for row in s["rows"]]
                reply_type = "list_reply"
            for choice in choices:
                if choice["id"] == reply_id:
                    reply = {"id": choice["id"], "title": choice["title"]}
                    if "description" in choice:
                        reply["description"] = choice["description"]
                    return await self._user_message(
                        wa_id, "interactive", {"type": reply_type, reply_type: reply},
                        name=name, context=message["id"], message_id=None,
                    )
            raise AssertionError(f"the last choice sent to {wa_id} has no {reply_id!r}: {choices}")
        raise AssertionError(f"no buttons or list were sent to {wa_id}")

    async def user_taps_template(
        self, wa_id: str, text: str, payload: str | None = None, *, name: str = "Test User"
    ) -> WebhookDelivery:
        """The person taps a quick-reply button of the last template sent to them; Meta sends
        it as a message of type ``button`` (``text`` is the button's label)."""
        templates = [m for m in self.sent_to(wa_id) if m["type"] == "template"]
        if not templates:
            raise AssertionError(f"no template was sent to {wa_id}")
        return await self._user_message(
            wa_id, "button", {"text": text, "payload": text if payload is None else payload},
            name=name, context=templates[-1]["id"], message_id=None,
        )

    async def send_status(
        self,
        message_id: str,
        status: str,
        *,
        recipient: str,
        error: GraphError | None = None,
        tracker: str | None = None,
    ) -> WebhookDelivery:
        """A status notification (sent, delivered, read, failed) for a bot message; ``tracker``
        is the ``biz_opaque_callback_data`` the bot sent with it, which Meta echoes."""
        entry = self._status_entry(message_id, status, recipient, error, tracker)
        return await self.post_webhook(self._envelope({"statuses": [entry]}))

    def _status_entry(
        self,
        message_id: str,
        status: str,
        recipient: str,
        error: GraphError | None,
        tracker: str | None = None,
    ) -> JSONDict:
        if status not in ("sent", "delivered", "read", "failed"):
            raise ValueError(f"unknown status {status!r}")
        entry: JSONDict = {
            "id": message_id,
            "status": status,
            "timestamp": str(int(self.clock())),
            "recipient_id": recipient,
        }
        if tracker is not None:
            entry["biz_opaque_callback_data"] = tracker
        if status == "failed":
            error = error or GraphError(131026, "Message undeliverable.")
            entry["errors"] = [error.to_status_error()]
            self.failed_statuses.append(entry)
        return entry

    def _background(self, coro: Any) -> None:
        """Run a status notification after the current answer (as Meta does), if a webhook
        URL is set; otherwise only what was recorded stays."""
        if not self.webhook_url:
            coro.close()
            return

        async def guarded() -> None:
            await asyncio.sleep(0)
            with contextlib.suppress(aiohttp.ClientError, OSError):
                await coro

        task = asyncio.get_running_loop().create_task(guarded())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def settled(self) -> None:
        """Wait until every pending status notification was posted."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


def text_of(message: JSONDict) -> str:
    """The main text a person reads in a recorded bot message ("" for media without caption)."""
    payload = message["payload"]
    kind = message["type"]
    if kind == "text":
        return payload["text"]["body"]
    if kind == "interactive":
        return payload["interactive"]["body"]["text"]
    if kind == "template":
        return f"[template {payload['template']['name']}]"
    return payload.get(kind, {}).get("caption", "")


async def _serve(args: argparse.Namespace) -> None:
    standin = GraphApiStandin(
        args.token, app_secret=args.app_secret, webhook_url=args.webhook_url,
        max_rate=args.max_rate, enforce_window=not args.no_window, port=args.port,
    )
    await standin.start()
    print(f"WhatsApp Graph API stand-in on {standin.base_url} "
          f"(phone number id {standin.phone_number_id})", flush=True)
    try:
        await asyncio.Event().wait()
    finally:
        await standin.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="Run the WhatsApp Graph API stand-in.")
    parser.add_argument("--port", type=int, default=8082)
    parser.add_argument("--token", default="TEST-WHATSAPP-TOKEN")
    parser.add_argument("--app-secret", default="test-app-secret")
    parser.add_argument("--webhook-url", default=None, help="the bot's /whatsapp URL")
    parser.add_argument("--max-rate", type=float, default=None)
    parser.add_argument("--no-window", action="store_true",
                        help="do not enforce the 24-hour window (benchmarks)")
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(parser.parse_args()))


if __name__ == "__main__":
    main()
