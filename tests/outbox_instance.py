"""One bot instance's delivery side in a process of its own: the real Store and Outbox (and PTB's
rate limiter) on DATABASE_URL, sending through TELEGRAM_API_BASE_URL, until SIGTERM (or kill -9).

    DATABASE_URL=... TELEGRAM_BOT_TOKEN=... TELEGRAM_API_BASE_URL=... python tests/outbox_instance.py

Prints "ready <holder>" once it sends. Each line on standin, ``{"chat": id, "text": str,
"ticket": id or null}``, is committed as an update's reply would be (its own transaction) and
the outbox woken for it, as the instance that received the update does; "queued" is printed
after the commit. Several of these on one PostgreSQL are "many instances"
(tests/test_many_instances.py).
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.config import Settings
from bot.core.dialogue.messages import Outgoing
from bot.storage import open_store
from bot.telegram_app.app import make_bot
from bot.telegram_app.outbox import Outbox, StaffChat


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
