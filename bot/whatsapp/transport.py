"""pywa's httpx requests carried by one aiohttp session, pointed at ``WHATSAPP_API_BASE_URL``.

pywa has no base-URL setting (it builds ``https://graph.facebook.com/v{version}`` itself), so
the transport replaces scheme, host and port; and aiohttp costs a third of httpx's own pool in
CPU per message (benchmarks/results/whatsapp.md). aiohttp's errors become httpx's, so that a
caller tells "never reached Meta" (ConnectError) from "may have reached Meta" (the others).
"""

from __future__ import annotations

import aiohttp
import httpx


class AiohttpTransport(httpx.AsyncBaseTransport):
    """httpx requests carried by one aiohttp session; ``base`` replaces Meta's origin."""

    def __init__(self, session: aiohttp.ClientSession, base: str | None = None) -> None:
        self.session = session
        self.base = httpx.URL(base) if base else None
        self._origin = str(self.base.copy_with(path="/")).rstrip("/") if self.base is not None else ""

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        url = request.url
        # The origin replaced as text: httpx's URL.copy_with parses the whole URL again, a
        # visible share of a message's CPU (the path and query stay exactly as pywa built them).
        target = self._origin + url.raw_path.decode("ascii") if self._origin else str(url)
        body = await request.aread()
        try:
            async with self.session.request(
                request.method, target, headers=list(request.headers.multi_items()), data=body
            ) as response:
                content = await response.read()
                return httpx.Response(response.status, headers=list(response.headers.items()),
                                      content=content)
        except aiohttp.ServerDisconnectedError as exc:
            raise httpx.RemoteProtocolError(str(exc), request=request) from exc
        except aiohttp.ClientConnectorError as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise httpx.ReadError(str(exc), request=request) from exc
