"""A round-robin HTTP load balancer on 127.0.0.1 for tests and benchmarks.

    balancer = await RoundRobin([url_a, url_b]).start()
    balancer.url          # send requests here: each goes to the next backend in turn

A backend that does not answer gets the request answered 502 (as a load balancer without
retries does): the sender (Telegram, the stand-in) sends it again and reaches the next one.
"""

from __future__ import annotations

import itertools

import aiohttp
from aiohttp import web

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class RoundRobin:
    def __init__(self, backends: list[str]) -> None:
        self.backends = backends
        self._turn = itertools.cycle(range(len(backends)))
        self.log: list[tuple[int, int]] = []  # (backend index, status) per request
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> RoundRobin:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        app = web.Application(client_max_size=4 * 1024 * 1024)
        app.router.add_route("*", "/{path:.*}", self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
        if self._session is not None:
            await self._session.close()

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        index = next(self._turn)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        try:
            async with self._session.request(request.method, self.backends[index] + request.path_qs,
                                             data=await request.read(), headers=headers) as answer:
                body = await answer.read()
                status = answer.status
        except (aiohttp.ClientError, OSError, TimeoutError):
            body, status = b"backend unavailable\n", 502
        self.log.append((index, status))
        return web.Response(status=status, body=body)
