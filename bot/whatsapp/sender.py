"""Sending through the WhatsApp Cloud API with pywa's async client, and what a failure means.

pywa (``pywa_async.WhatsApp``) builds the Graph API requests and parses the answers; its
``httpx.AsyncClient`` hands each request to aiohttp (:class:`~bot.whatsapp.transport.AiohttpTransport`),
which also points it at ``WHATSAPP_API_BASE_URL``. pywa retries nothing itself; the caller
(:mod:`bot.whatsapp.delivery`) decides from :class:`SendError.kind`:

- ``retry``: 5xx, 429 / 130429 (throughput), 131056 (pair rate), Meta-side trouble, a
  connection that could not be made, the token refused (190: held until it is fixed);
- ``ambiguous``: the connection dropped or timed out after the request went out: it may have
  been delivered (the Cloud API has no idempotency key);
- ``window``: 131047, the 24-hour customer-service window is closed;
- ``permanent``: anything else (131026 the person cannot be reached, 131009 / 100 a request
  we got wrong, 132001 no such template): never retried.

Never logged: texts, phone numbers, tokens. Errors are told by their code only.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import aiohttp
import httpx
from aiolimiter import AsyncLimiter
from pywa.errors import WhatsAppError
from pywa.types.templates import TemplateLanguage
from pywa_async import WhatsApp, types

from bot.core.content.templates import Template
from bot.delivery import SharedPace
from bot.whatsapp.config import WhatsAppSettings
from bot.whatsapp.render import WaMessage
from bot.whatsapp.transport import AiohttpTransport

log = logging.getLogger(__name__)
logging.getLogger("pywa").setLevel(logging.WARNING)  # pywa logs request bodies at debug level
logging.getLogger("pywa_async").setLevel(logging.WARNING)

RETRY_CODES = frozenset({130429, 131056, 131000, 131016, 131057, 1, 2, 4, 80007, 190})
WINDOW_CODES = frozenset({131047})
UNREACHABLE_CODES = frozenset({131026})
MAX_MEDIA_BYTES = 50 * 1024 * 1024  # what the Bot API takes as an upload


@dataclass
class SendError(Exception):
    kind: str  # "retry" | "ambiguous" | "window" | "permanent"
    code: int | None = None
    status: int | None = None

    def __str__(self) -> str:
        return f"WhatsApp {self.kind} error (code {self.code}, HTTP {self.status})"


def classify(exc: BaseException) -> SendError:
    """What a failed call means for the message (see the module's docstring)."""
    if isinstance(exc, SendError):
        return exc
    if isinstance(exc, WhatsAppError):
        code, status = exc.code, exc.status_code
        if code in WINDOW_CODES:
            return SendError("window", code, status)
        if code in RETRY_CODES or exc.is_transient or (status or 0) >= 500 or status == 429:
            return SendError("retry", code, status)
        return SendError("permanent", code, status)
    if isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout | httpx.PoolTimeout):
        return SendError("retry")
    if isinstance(exc, httpx.TransportError | TimeoutError | aiohttp.ClientError):
        return SendError("ambiguous")
    return SendError("permanent")


class Sender:
    """One WhatsApp number's client, sending at most ``max_rate`` messages a second: all
    instances together through ``pace`` (:class:`~bot.delivery.SharedPace`, on a shared
    database), else this instance alone (one process on SQLite)."""

    def __init__(self, settings: WhatsAppSettings, *, timeout: float = 30.0,
                 pace: SharedPace | None = None) -> None:
        self.settings = settings
        self.timeout = timeout
        rate = settings.max_rate
        self.pace = pace if pace is not None and pace.active else None
        # One message every 1/rate s (no bursts): never more than ``rate`` in any second.
        self._limiter = AsyncLimiter(1, 1.0 / rate) if rate > 0 and self.pace is None else None
        self._session: aiohttp.ClientSession | None = None
        self._http: httpx.AsyncClient | None = None
        self._client: WhatsApp | None = None

    async def start(self) -> Sender:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout))
        self._http = httpx.AsyncClient(
            transport=AiohttpTransport(self._session, self.settings.api_base_url),
            timeout=self.timeout)
        self._client = WhatsApp(phone_id=self.settings.phone_number_id, token=self.settings.token,
                                session=self._http, api_version=self.settings.api_version,
                                validate_updates=False)
        return self

    async def close(self) -> None:
        if self._http is not None:
            await self._http.aclose()
        if self._session is not None:
            await self._session.close()
        self._client = self._http = self._session = None

    @property
    def client(self) -> WhatsApp:
        if self._client is None:
            raise RuntimeError("Sender.start() first")
        return self._client

    async def _call(self, coro_factory) -> str:
        if self.pace is not None:
            await self.pace.wait()
        elif self._limiter is not None:
            await self._limiter.acquire()
        try:
            sent = await coro_factory()
        except Exception as exc:
            raise classify(exc) from exc
        return str(getattr(sent, "id", "") or "")

    async def send(self, wa_id: str, message: WaMessage, tracker: str | None = None,
                   media_id: str | None = None) -> str:
        """Send one rendered message; returns its ``wamid``. Raises :class:`SendError`."""
        client = self.client
        if message.kind == "text":
            return await self._call(lambda: client.send_message(wa_id, message.text, tracker=tracker))
        if message.kind == "buttons":
            buttons = [types.Button(c.title, c.id) for c in message.choices]
            return await self._call(lambda: client.send_message(wa_id, message.text, buttons=buttons,
                                                                tracker=tracker))
        if message.kind == "list":
            rows = [types.SectionRow(c.title, c.id, c.description) for c in message.choices]
            section_list = types.SectionList(message.list_button, [types.Section(message.list_button, rows)])
            return await self._call(lambda: client.send_message(wa_id, message.text, buttons=section_list,
                                                                tracker=tracker))
        if message.kind == "media" and message.media is not None and media_id is not None:
            return await self._call(lambda: self._send_media(wa_id, message, media_id, tracker))
        raise SendError("permanent")

    async def _send_media(self, wa_id: str, message: WaMessage, media_id: str, tracker: str | None):
        client, kind, caption = self.client, message.media.kind, message.text or None  # type: ignore[union-attr]
        if kind == "voice":
            return await client.send_voice(wa_id, media_id, tracker=tracker)
        if kind == "audio":
            return await client.send_audio(wa_id, media_id, tracker=tracker)
        if kind == "photo":
            return await client.send_image(wa_id, media_id, caption=caption, tracker=tracker)
        if kind == "video":
            return await client.send_video(wa_id, media_id, caption=caption, tracker=tracker)
        if kind == "sticker":
            return await client.send_sticker(wa_id, media_id, tracker=tracker)
        return await client.send_document(wa_id, media_id, filename=message.media.filename,  # type: ignore[union-attr]
                                          caption=caption, tracker=tracker)

    async def send_template(self, wa_id: str, template: Template, tracker: str | None = None) -> str:
        client = self.client
        return await self._call(lambda: client.send_template(
            wa_id, template.name, TemplateLanguage(template.language), tracker=tracker))

    async def upload(self, data: bytes, mime_type: str, filename: str | None = None) -> str:
        """Upload a file (staff media for a person); returns the WhatsApp media id."""
        try:
            media = await self.client.upload_media(media=data, mime_type=mime_type,
                                                   filename=filename or "file")
        except Exception as exc:
            raise classify(exc) from exc
        return str(media.id)

    async def download(self, media_id: str) -> tuple[bytes, str]:
        """A person's file (the two-step download: its URL, then the bytes); the URL expires,
        so it is asked for again on each call. Raises :class:`SendError`."""
        try:
            url = await self.client.get_media_url(media_id)
            if url.file_size and url.file_size > MAX_MEDIA_BYTES:
                raise SendError("permanent", None, 413)
            data = await self.client.get_media_bytes(url.url)
        except Exception as exc:
            raise classify(exc) from exc
        return data, url.mime_type
