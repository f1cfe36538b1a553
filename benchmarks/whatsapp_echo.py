"""A bare WhatsApp echo webhook: the simple alternative of benchmarks/whatsapp_instances.py.

Configured like `python -m bot serve` (``WHATSAPP_*``, ``HOST``, ``PORT``): ``POST /whatsapp``
checks ``X-Hub-Signature-256``, answers 200 at once, and sends each text back through the same
``Sender`` as the bot (pywa over aiohttp); no dialogue, no database, no outbox. ``GET /healthz``
answers 200. Run it as a process: ``python benchmarks/whatsapp_echo.py`` (stops on SIGTERM).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
from pathlib import Path

from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bot.channels import wa_id_of
from bot.whatsapp import WhatsAppSettings
from bot.whatsapp.render import WaMessage
from bot.whatsapp.sender import Sender, SendError
from bot.whatsapp.webhook import parse, signature_ok


async def main() -> None:
    settings = WhatsAppSettings.from_env()
    assert settings is not None, "set WHATSAPP_TOKEN and the other WHATSAPP_* variables"
    sender = await Sender(settings).start()
    tasks: set[asyncio.Task] = set()

    async def reply(wa_id: str, text: str) -> None:
        with contextlib.suppress(SendError):
            await sender.send(wa_id, WaMessage("text", text))

    async def receive(request: web.Request) -> web.Response:
        raw = await request.read()
        if not signature_ok(raw, request.headers.get("X-Hub-Signature-256", ""), settings.app_secret):
            return web.Response(status=403)
        for _key, incoming in parse(json.loads(raw))[0]:
            task = asyncio.get_running_loop().create_task(
                reply(wa_id_of(incoming.chat_id), incoming.text or "?"))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        return web.Response(text="ok")

    async def health(_request: web.Request) -> web.Response:
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/whatsapp", receive)
    app.router.add_get("/healthz", health)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    host, port = os.environ.get("HOST", "127.0.0.1"), int(os.environ.get("PORT", "8080"))
    await web.TCPSite(runner, host, port).start()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await runner.cleanup()
    await sender.close()


if __name__ == "__main__":
    asyncio.run(main())
