"""The WhatsApp adapter end to end: webhook -> dialogue -> SQLite -> outbox -> Graph API.

Usage: .venv/bin/python benchmarks/whatsapp_adapter.py [--rates 38,75,150] [--seconds 10] [--no-write]

The Graph API stand-in (tests/whatsapp_standin.py) posts signed webhooks to a small aiohttp
app with the adapter's routes (``WhatsAppService``: the real dialogue, a real SQLite file, pywa
over aiohttp). Open loop: at each rate a new person writes every 1/rate s, whatever the bot's
speed. Measured: messages handled per second, the time from the webhook POST to the first
reply accepted by the stand-in (p50 / p99), and CPU per message. The simple alternative, same
run: an echo webhook that checks the signature and answers each text through the same
``Sender`` at once (no dialogue, no database). Stand-in, people and bot share this one process
(and its CPU): the figures are a floor. Issue 14 asks for 75 messages/s across two instances
with p99 time to first reply <= 200 ms. Writes benchmarks/results/whatsapp_adapter.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import platform
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from _machine import cpu_model, load_average, memory_gib  # noqa: E402

from bot.core.dialogue.engine import Dialogue  # noqa: E402
from bot.core.knowledge_holder import KnowledgeHolder  # noqa: E402
from bot.storage.store import Store  # noqa: E402
from bot.whatsapp import WhatsAppService, WhatsAppSettings  # noqa: E402
from bot.whatsapp.render import WaMessage  # noqa: E402
from bot.whatsapp.sender import Sender  # noqa: E402
from bot.whatsapp.webhook import parse, signature_ok  # noqa: E402
from tests.whatsapp_standin import GraphApiStandin  # noqa: E402

Run = tuple[float, list[float], float]  # messages/s, latencies (s), CPU ms per message
RESULTS = ROOT / "benchmarks" / "results" / "whatsapp_adapter.md"
TEXTS = ["salaam", "how can I check my agent's licence", "5699/RWP", "ایجنٹ نے پاسپورٹ رکھ لیا ہے",
         "what are the fees", "thank you"]


async def serve(app: web.Application) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, runner.addresses[0][1]


async def drive(wa: GraphApiStandin, rate: float, seconds: float) -> Run:
    """Open loop: a new person writes every 1/rate seconds (whatever the bot's speed); each
    latency is from their webhook POST to the first reply the stand-in accepted."""
    latencies: list[float] = []

    async def person(i: int) -> None:
        wa_id = f"92300{i:07d}"
        start = time.perf_counter()
        await wa.user_sends(wa_id, TEXTS[i % len(TEXTS)])
        with contextlib.suppress(TimeoutError):  # far behind (saturated): counted as 30 s
            await wa.wait_for(wa_id, timeout=30)
        latencies.append(time.perf_counter() - start)

    count = int(rate * seconds)
    began, cpu = time.perf_counter(), time.process_time()
    tasks = []
    for i in range(count):
        await asyncio.sleep(max(0.0, began + i / rate - time.perf_counter()))
        tasks.append(asyncio.get_running_loop().create_task(person(i)))
    await asyncio.gather(*tasks)
    return count / (time.perf_counter() - began), latencies, (time.process_time() - cpu) * 1000 / count


def settings_for(wa: GraphApiStandin) -> WhatsAppSettings:
    return WhatsAppSettings(token=wa.token, phone_number_id=wa.phone_number_id, app_secret=wa.app_secret,
                            verify_token="v", api_base_url=wa.base_url, max_rate=0)


async def adapter_run(rate: float, seconds: float, knowledge: KnowledgeHolder) -> Run:
    with tempfile.TemporaryDirectory() as tmp:
        async with GraphApiStandin() as wa:
            store = await Store.open(Path(tmp) / "db.sqlite3")
            service = WhatsAppService(settings_for(wa), store, Dialogue(knowledge, -100))
            app = web.Application()
            service.channel.add_routes(app)
            runner, port = await serve(app)
            wa.webhook_url = f"http://127.0.0.1:{port}/whatsapp"
            await service.start()
            try:
                return await drive(wa, rate, seconds)
            finally:
                await service.stop()
                await runner.cleanup()
                await store.close()


async def echo_run(rate: float, seconds: float) -> Run:
    async with GraphApiStandin() as wa:
        sender = await Sender(settings_for(wa)).start()

        async def receive(request: web.Request) -> web.Response:
            raw = await request.read()
            if not signature_ok(raw, request.headers.get("X-Hub-Signature-256", ""), wa.app_secret):
                return web.Response(status=403)
            for _key, incoming in parse(json.loads(raw))[0]:
                asyncio.get_running_loop().create_task(
                    sender.send(str(incoming.chat_id - (1 << 60)), WaMessage("text", incoming.text or "?")))
            return web.Response(text="ok")

        app = web.Application()
        app.router.add_post("/whatsapp", receive)
        runner, port = await serve(app)
        wa.webhook_url = f"http://127.0.0.1:{port}/whatsapp"
        try:
            return await drive(wa, rate, seconds)
        finally:
            await runner.cleanup()
            await sender.close()


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] * 1000 if len(values) > 1 else values[0] * 1000


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rates", default="38,75,150", help="messages per second, comma-separated")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    knowledge = KnowledgeHolder(ROOT / "content", ROOT / "content" / "agencies.csv")
    load_before = load_average()
    rows = []
    for rate in [float(r) for r in args.rates.split(",")]:
        for name, run in (("echo webhook", lambda r=rate: echo_run(r, args.seconds)),
                          ("the adapter", lambda r=rate: adapter_run(r, args.seconds, knowledge))):
            done, latencies, cpu_ms = await run()
            rows.append(f"| {rate:.0f} | {name} | {done:.0f} | {pct(latencies, 50):.0f} | "
                        f"{pct(latencies, 99):.0f} | {cpu_ms:.1f} |")
            print(rows[-1], flush=True)
    report = "\n".join([
        "# WhatsApp adapter: measured results", "",
        f"Written by `benchmarks/whatsapp_adapter.py`: for {args.seconds:.0f} s at each rate, a new "
        "person writes every 1/rate seconds (open loop), through signed webhooks from the Graph API "
        "stand-in to one instance of the adapter (the real dialogue, SQLite, the outbox, pywa) and "
        "back; the echo webhook (signature check, then the same Sender, no dialogue, no database) "
        "is the simple alternative, same run. Stand-in, people and bot share one process: a floor.",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Machine: {platform.platform()}; CPU {cpu_model()}; memory {memory_gib()}; "
        f"load {load_before} before the run (shared with other work)",
        f"- Python {platform.python_version()}", "",
        "| offered/s | webhook | handled/s | first reply p50 ms | p99 ms | CPU ms/message (all parts) |",
        "|---|---|---|---|---|---|",
        *rows, "",
        "CPU is the whole process (stand-in, people and bot): the difference between the rows is "
        "what the dialogue, the database and the outbox cost per message. The adapter sends about "
        "3 WhatsApp messages per message received (an answer, its buttons or list, a split text), "
        "the echo 1.",
        "Issue 14 asks for 75 messages/s across two instances (about 38 each), p99 <= 200 ms.",
        "The machine's 2 cores are shared with other agents' builds and tests: runs minutes apart "
        "differ by several times in p99 (e.g. 21 ms and 344 ms at 38/s); re-run when it is quiet.", ""])
    if not args.no_write:
        RESULTS.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    asyncio.run(main())
