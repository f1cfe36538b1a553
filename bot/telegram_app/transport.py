"""The HTTP transport to the Bot API: python-telegram-bot's ``BaseRequest`` on aiohttp.

PTB's default transport (httpx) costs about as much CPU per request as everything else the
echo bot does; aiohttp (HTTP parsing in C) makes each call
cheaper (measured in benchmarks/bot_capacity.py). Behaviour is PTB's: timeouts raise
``TimedOut``, connection problems raise ``NetworkError``, files go as multipart form data.
"""

from __future__ import annotations

import ssl

import aiohttp
import certifi
from telegram._utils.defaultvalue import DefaultValue
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

FORM_URLENCODED = {"Content-Type": "application/x-www-form-urlencoded", "User-Agent": BaseRequest.USER_AGENT}
FORM_HEADERS = {"User-Agent": BaseRequest.USER_AGENT}


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a bounded connection pool."""

    __slots__ = ("_connect_timeout", "_media_write_timeout", "_pool_size", "_pool_timeout",
                 "_read_timeout", "_session", "_write_timeout")

    def __init__(self, connection_pool_size: int = 8, *, read_timeout: float | None = 5.0,
                 write_timeout: float | None = 5.0, connect_timeout: float | None = 5.0,
                 pool_timeout: float | None = 1.0, media_write_timeout: float | None = 20.0) -> None:
        self._pool_size = connection_pool_size
        self._pool_timeout = pool_timeout
        self._read_timeout = read_timeout
        self._write_timeout = write_timeout
        self._connect_timeout = connect_timeout
        self._media_write_timeout = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            # certifi's CA bundle, like PTB's httpx: a server image without system CAs still works
            tls = ssl.create_default_context(cafile=certifi.where())
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, ttl_dns_cache=300, ssl=tls),
                skip_auto_headers=("User-Agent",))

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         read_timeout: object = BaseRequest.DEFAULT_NONE,
                         write_timeout: object = BaseRequest.DEFAULT_NONE,
                         connect_timeout: object = BaseRequest.DEFAULT_NONE,
                         pool_timeout: object = BaseRequest.DEFAULT_NONE) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("AiohttpRequest is not initialized")
        files = request_data.multipart_data if request_data and request_data.contains_files else None
        body: aiohttp.FormData | bytes | None
        if files:
            body = aiohttp.FormData()
            for name, value in request_data.json_parameters.items():  # type: ignore[union-attr]
                body.add_field(name, value)
            for name, (filename, content, mimetype) in files.items():
                body.add_field(name, content, filename=filename, content_type=mimetype)
            headers = FORM_HEADERS
        else:
            # the same form body PTB's httpx transport sends (values JSON-encoded by PTB)
            body = request_data.url_encoded_parameters().encode() if request_data else None
            headers = FORM_URLENCODED
        read = self._read_timeout if isinstance(read_timeout, DefaultValue) else read_timeout
        write = (self._media_write_timeout if files else self._write_timeout) if isinstance(
            write_timeout, DefaultValue) else write_timeout
        connect = self._connect_timeout if isinstance(connect_timeout, DefaultValue) else connect_timeout
        pool = self._pool_timeout if isinstance(pool_timeout, DefaultValue) else pool_timeout
        timeout = aiohttp.ClientTimeout(
            # aiohttp has no write timeout: write and read together bound the whole exchange;
            # "connect" covers waiting for a free connection in the pool, as PTB's pool timeout
            total=_sum(read, write, pool, connect), connect=_sum(pool, connect),
            sock_connect=connect, sock_read=read)  # type: ignore[arg-type]
        try:
            async with self._session.request(method, url, data=body, headers=headers,
                                             timeout=timeout) as response:
                return response.status, await response.read()
        except TimeoutError as exc:
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}: {exc}") from exc


def _sum(*parts: object) -> float | None:
    """The sum of timeouts, or None (no limit) when any of them is unlimited."""
    if any(p is None for p in parts):
        return None
    return sum(float(p) for p in parts)  # type: ignore[arg-type]
