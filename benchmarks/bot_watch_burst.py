"""5,000 watchers told at once: does a person talking to the bot still get an answer in 1 s?

Usage: .venv/bin/python benchmarks/bot_watch_burst.py [--watchers 5000] [--probes 10] [--no-write]

The real Telegram service (in this process, with the stand-in) at Telegram's real limit:
TELEGRAM_MAX_RATE=30 (PTB's AIORateLimiter) and a stand-in that answers 429 above 30 messages
a second. WATCHERS people watch licence 5699/RWP; the list is edited to suspend it and
reloaded (what /reload, /import_agencies and /update_agencies end in). Meanwhile, once a
second, a new person asks a question; the time to its answer is measured.

- paced (as shipped): the pass queues a third of a second's worth of messages (10), waits until
  they are delivered, then queues the next batch;
- all at once (the simple alternative): the same pass, every message queued in one go.

Writes the "Watchers told at once" section of benchmarks/results/bot.md.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _botbench import (
    ADMIN_ID,
    AGENCIES_FILE,
    CONTENT_DIR,
    STAFF_CHAT,
    MeasuringStandin,
    load_text,
    machine_lines,
    percentile,
    table,
    write_section,
)

from bot.config import Settings
from bot.core.agencies.watching import Standing
from bot.core.dialogue.ports import Watch
from bot.core.knowledge_holder import KnowledgeHolder
from bot.storage.store import Store
from bot.telegram_app.app import TelegramService

LICENCE = "5699/RWP"
QUESTION = "what is protector registration"
PROBE_TIMEOUT = 30.0
FIRST_WATCHER = 100_000


async def seed(data: Path, watchers: int) -> None:
    store = await Store.open(data / "rahnuma.sqlite3")

    async def work(conv) -> None:
        for uid in range(FIRST_WATCHER, FIRST_WATCHER + watchers):
            await conv.add_watch(Watch(uid, uid, LICENCE, "en", Standing("valid", "2027-03-13"),
                                       time.time() - 7 * 86400), limit=10)
    await store.unit_of_work(None, work)
    await store.close()


def suspend(agencies: Path) -> None:
    lines = agencies.read_text(encoding="utf-8").splitlines(keepends=True)
    lines = [line.replace(",valid,", ",suspended,", 1) if line.startswith(LICENCE + ",") else line
             for line in lines]
    agencies.write_text("".join(lines), encoding="utf-8")


async def until(condition, timeout: float) -> bool:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def burst(work: Path, mode: str, watchers: int, probes: int) -> dict:
    folder = work / mode.replace(" ", "-")
    folder.mkdir()
    agencies = folder / "agencies.csv"
    shutil.copy(AGENCIES_FILE, agencies)
    shutil.copy(AGENCIES_FILE.with_name("agencies.provenance.json"), folder / "agencies.provenance.json")
    await seed(folder / "data", watchers)
    s = MeasuringStandin(flood_limit=30, strict_chats=False)  # the watchers wrote to the bot before
    await s.start()
    s.add_staff_group()
    settings = Settings(token=s.token, api_base_url=s.base_url, helpline_chat_id=STAFF_CHAT,
                        admin_ids=frozenset({ADMIN_ID}), data_dir=folder / "data",
                        content_dir=CONTENT_DIR, agencies_file=agencies, max_rate=30)
    holder = await asyncio.to_thread(KnowledgeHolder, CONTENT_DIR, agencies)
    service = TelegramService(settings, knowledge=holder, poll_timeout=1)
    stop = asyncio.Event()
    task = asyncio.create_task(service.run(stop))
    try:
        await service.ready.wait()
        assert await until(lambda: service.watches is not None and service.watches.passes >= 1, 60)
        notifier = service.watches
        assert notifier is not None
        if mode == "all at once":
            notifier.batch = watchers
        suspend(agencies)
        began = time.perf_counter()
        await asyncio.to_thread(holder.reload)

        def told() -> int:
            return sum(1 for uid in range(FIRST_WATCHER, FIRST_WATCHER + watchers) if s.arrivals.get(uid))

        await asyncio.sleep(1.0)  # the burst is under way
        latencies: list[float] = []
        for i in range(probes):
            uid = 1_000 + i
            sent = time.perf_counter()
            await s.user_sends(uid, QUESTION)
            try:
                latencies.append(await s.wait_count(uid, 1, PROBE_TIMEOUT) - sent)
            except TimeoutError:
                latencies.append(math.inf)
                break  # the others would wait as long
            await asyncio.sleep(max(0.0, sent + 1.0 - time.perf_counter()))
        told_during = told()
        all_told = None
        everyone = range(FIRST_WATCHER, FIRST_WATCHER + watchers)
        if mode == "paced" and await until(lambda: told() >= watchers, watchers / 20 + 120):
            all_told = max(s.arrivals[uid][0] for uid in everyone) - began
        return {"mode": mode, "watchers": watchers, "probes": len(latencies),
                "p50": percentile(latencies, 50), "max": max(latencies),
                "told_during": told_during, "all_told": all_told, "429": s.too_many_requests}
    finally:
        stop.set()
        await task
        await s.stop()


def seconds(value: float | None) -> str:
    if value is None:
        return "—"
    return f"> {PROBE_TIMEOUT:.0f} (no answer)" if math.isinf(value) else f"{value:.2f}"


async def main_async(args: argparse.Namespace) -> list[dict]:
    with tempfile.TemporaryDirectory(prefix="watch-burst-") as tmp:
        return [await burst(Path(tmp), mode, args.watchers, args.probes)
                for mode in ("paced", "all at once")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--watchers", type=int, default=5000)
    parser.add_argument("--probes", type=int, default=10)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    before = load_text()
    results = asyncio.run(main_async(args))
    after = load_text()
    rows = [[r["mode"], r["watchers"], r["probes"], seconds(r["p50"]), seconds(r["max"]),
             r["told_during"], seconds(r["all_told"]), r["429"]] for r in results]
    body = "\n".join([
        *machine_lines(),
        f"- Load average before / after: {before} / {after} (2 cores shared with other work)",
        f"- Workload: {args.watchers:,} people watch licence {LICENCE}; the list is edited to suspend "
        "it and reloaded. From 1 s later, once a second, a new person asks a question. The Telegram "
        "service runs in this process with the stand-in; TELEGRAM_MAX_RATE=30 (AIORateLimiter), the "
        "stand-in answers 429 above 30 messages a second. *paced*: as shipped (batches of 10, each "
        "delivered before the next is queued); *all at once*: the simple alternative, every message "
        "queued in one go.",
        "",
        table(["mode", "watchers", "questions asked", "answer p50 s", "answer max s",
               "watchers told meanwhile", "all watchers told after s", "429s"], rows),
    ])
    print(body)
    if not args.no_write:
        write_section("Watchers told at once", body)
    paced = results[0]
    return 0 if paced["max"] <= 1.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
