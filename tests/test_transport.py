"""The aiohttp Bot API transport: what PTB expects of a BaseRequest."""

from __future__ import annotations

import asyncio
import json
import socket

import pytest
from aiohttp import web
from telegram.error import NetworkError, TimedOut
from telegram.request import RequestData
from telegram.request._requestparameter import RequestParameter

from bot.telegram_app.transport import AiohttpRequest


@pytest.fixture
async def server():
    seen: list[dict] = []

    async def echo(request: web.Request) -> web.Response:
        form = await request.post()
        seen.append({k: (v.filename, v.file.read()) if isinstance(v, web.FileField) else v
                     for k, v in form.items()})
        return web.json_response({"ok": True, "result": True})

    async def slow(request: web.Request) -> web.Response:
        await asyncio.sleep(1)
        return web.json_response({"ok": True, "result": True})

    app = web.Application()
    app.router.add_post("/echo", echo)
    app.router.add_post("/slow", slow)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}", seen
    await runner.cleanup()


def data(**params: object) -> RequestData:
    return RequestData([RequestParameter.from_input(k, v) for k, v in params.items()])


async def test_parameters_go_as_a_form_like_ptbs_own_transport(server) -> None:
    base, seen = server
    async with AiohttpRequest() as request:
        status, body = await request.do_request(
            f"{base}/echo", "POST", data(chat_id=42, text="سلام <b>&", reply_markup={"a": [1]}))
    assert status == 200 and json.loads(body) == {"ok": True, "result": True}
    assert seen == [{"chat_id": "42", "text": "سلام <b>&", "reply_markup": '{"a": [1]}'}]


async def test_files_go_as_multipart(server) -> None:
    from telegram import InputFile

    base, seen = server
    async with AiohttpRequest() as request:
        await request.do_request(f"{base}/echo", "POST", data(
            chat_id=1, document=InputFile(b"PNG bytes", filename="chart.png")))
    assert seen[0]["chat_id"] == "1"
    assert seen[0]["document"] == ("chart.png", b"PNG bytes")


async def test_a_slow_answer_is_a_timeout(server) -> None:
    base, _ = server
    async with AiohttpRequest(read_timeout=0.1) as request:
        with pytest.raises(TimedOut):
            await request.do_request(f"{base}/slow", "POST", data(chat_id=1))


async def test_nobody_listening_is_a_network_error() -> None:
    with socket.socket() as s:  # a port that was free a moment ago
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    async with AiohttpRequest() as request:
        with pytest.raises(NetworkError):
            await request.do_request(f"http://127.0.0.1:{port}/x", "POST", data(chat_id=1))


async def test_unused_transport_refuses_to_send() -> None:
    with pytest.raises(RuntimeError, match="not initialized"):
        await AiohttpRequest().do_request("http://127.0.0.1:1/x", "POST")
