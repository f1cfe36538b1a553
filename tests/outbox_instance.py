"""One bot instance's delivery side in a process of its own: the real Store and Outbox (and PTB's
rate limiter) on DATABASE_URL, sending through TELEGRAM_API_BASE_URL, until SIGTERM (or kill -9).

    DATABASE_URL=... TELEGRAM_BOT_TOKEN=... TELEGRAM_API_BASE_URL=... python tests/outbox_instance.py

Prints "ready <holder>" once it sends. Each line on standard input, ``{"chat": id, "text": str,
"ticket": id or null}``, is committed as an update's reply would be (its own transaction) and
the outbox woken for it, as the instance that received the update does; "queued" is printed
after the commit. Several of these on one PostgreSQL are "many instances": :class:`Instance`
runs one (tests/test_many_instances.py, benchmarks/postgres_delivery.py).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from bot.config import Settings
from bot.core.dialogue.messages import Outgoing
from bot.delivery import StaffChat
from bot.storage import open_store
from bot.telegram_app.app import make_bot
from bot.telegram_app.outbox import Outbox

REPO = Path(__file__).resolve().parents[1]


class Instance:
    """This script in a child process, driven from a test or a benchmark."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.proc = subprocess.Popen([sys.executable, __file__], cwd=REPO, env=env, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=log.open("ab"), text=True)
        self.holder = ""

    async def line(self) -> str:
        assert self.proc.stdout is not None
        return await asyncio.wait_for(asyncio.to_thread(self.proc.stdout.readline), 60)

    async def ready(self) -> Instance:
        line = await self.line()
        assert line.startswith("ready "), line
        self.holder = line.split()[1]
        return self

    def commit(self, chat: int, text: str, ticket: int | None = None) -> None:
        """An update reached this instance: its reply committed here, this outbox woken."""
        assert self.proc.stdin is not None
        self.proc.stdin.write(json.dumps({"chat": chat, "text": text, "ticket": ticket}) + "\n")
        self.proc.stdin.flush()

    def kill9(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    async def stop(self) -> None:
        if self.proc.poll() is None:
            assert self.proc.stdin is not None
            self.proc.stdin.close()  # its reader thread ends: the process can exit
            self.proc.terminate()
            try:
                await asyncio.wait_for(asyncio.to_thread(self.proc.wait), 15)
            except TimeoutError:
                self.kill9()


async def main() -> None:
    settings = Settings.from_env(dotenv=False)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    store = await open_store(settings)
    bot = make_bot(settings)
    await bot.initialize()
    outbox = Outbox(bot, store, staff=StaffChat(settings.helpline_chat_id), max_rate=settings.max_rate)
    await outbox.start()
    print(f"ready {outbox.holder}", flush=True)

    async def commands() -> None:
        while line := await loop.run_in_executor(None, sys.stdin.readline):
            order = json.loads(line)
            outbox.wake(await store.enqueue(
                [Outgoing(order["chat"], order["text"], ticket_id=order.get("ticket"))],
                user_id=order.get("ticket") or order["chat"]))
            print("queued", flush=True)

    reader = asyncio.create_task(commands())
    try:
        await stop.wait()
    finally:
        reader.cancel()
        await outbox.stop()
        await bot.shutdown()
        await store.close()


if __name__ == "__main__":
    asyncio.run(main())
