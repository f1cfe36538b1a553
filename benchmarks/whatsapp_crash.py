"""kill -9 in a WhatsApp helpline chat: a person on WhatsApp, staff replying from the Telegram group.

Usage: .venv/bin/python benchmarks/whatsapp_crash.py [--messages 100] [--kills 15] [--no-write]
       (RAHNUMA_BENCH_DATABASE_URL=postgresql://… runs it on a fresh database on that server too)

One `python -m bot serve` process with both channels: the Bot API stand-in (tests/standin.py)
as Telegram, the staff group there, delivering its updates by webhook and sending again what is
not answered 200, as Telegram does; the Graph API stand-in (tests/whatsapp_standin.py) as
WhatsApp, with a "sent" status for every message. The person opens a helpline chat by writing
"helpline", then ``--messages`` messages alternate: the person writes (posted again, with the
same message id, until answered 200, as Meta does; one after the other, so their order is
theirs), a staff member replies to the ticket header in the group. Meanwhile the bot is killed
with SIGKILL ``--kills`` times at random moments (0.2 to 1.5 s after it answers /healthz again;
restarted at once): whatever it is doing, receiving, relaying, sending or recording.

Counted, each way: messages lost, duplicated (an extra copy: only a message the channel
accepted in the moment before the bot recorded it can go twice, the known window), in order.
Writes the "kill -9 in a WhatsApp helpline chat" section of benchmarks/results/whatsapp.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

import aiohttp

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
for extra in (BENCH, REPO / "tests", REPO / "tests" / "e2e", REPO / "tests" / "reliability"):
    sys.path.insert(0, str(extra))

from _botbench import healthy, load_text, machine_lines, table, whatsapp_env, write_section  # noqa: E402
from bot_webhook_instances import drop_database, fresh_database  # noqa: E402
from harness import ADMIN_ID, STAFF_CHAT, STAFF_MEMBER, WEBHOOK_SECRET, BotProcess, bot_env  # noqa: E402
from reliability_kit import tally  # noqa: E402
from standin import BotApiStandin  # noqa: E402
from tcp_proxy import free_port  # noqa: E402
from whatsapp_standin import GraphApiStandin, text_of  # noqa: E402

RESULTS = BENCH / "results" / "whatsapp.md"
SECTION = "kill -9 in a WhatsApp helpline chat"
PERSON = "923004445566"


async def wait_markers(found, expected: list[str], within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if not tally(expected, found()).lost:
            return True
        await asyncio.sleep(0.2)
    return False


async def session(workdir: Path, messages: int, kills: int, seed: int,
                  database_url: str | None) -> dict[str, object]:
    rng = random.Random(seed)
    tg = BotApiStandin()
    await tg.start()
    tg.create_group("Helpline staff", members=[ADMIN_ID, STAFF_MEMBER], chat_id=STAFF_CHAT)
    wa = await GraphApiStandin(auto_statuses=("sent",)).start()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    wa.webhook_url = url + "/whatsapp"
    await asyncio.to_thread(workdir.mkdir, parents=True, exist_ok=True)
    env = bot_env(tg, workdir / "data", HOST="127.0.0.1", PORT=str(port),
                  TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET, TELEGRAM_WEBHOOK_URL=url + "/telegram",
                  **whatsapp_env(wa, verify_token="crash-verify", max_rate="0"), PYTHONUNBUFFERED="1",
                  **({"DATABASE_URL": database_url} if database_url else {}))
    log = workdir / "serve.log"
    bot = {"p": BotProcess(env, log, args=("serve",))}
    bot["p"].start()
    posts = {"again": 0}

    async def person_writes(text: str) -> None:
        """As Meta does: the same message (same id) again until it is answered 200."""
        message_id = "wamid." + uuid.uuid4().hex
        delay = 0.1
        while True:
            with contextlib.suppress(aiohttp.ClientError, OSError, TimeoutError):
                if (await wa.user_sends(PERSON, text, message_id=message_id)).status == 200:
                    return
            posts["again"] += 1
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)

    began = time.monotonic()
    try:
        assert await healthy(url), "serve did not come up"
        await tg.wait_for_call("setWebhook", timeout=60)
        await person_writes("helpline")
        header = (await tg.wait_for(
            lambda m: m["chat"]["id"] == STAFF_CHAT and "WhatsApp" in (m.get("text") or ""), timeout=60))[0]
        await asyncio.sleep(1.0)  # the header's delivery is recorded: staff can reply to it
        tag = uuid.uuid4().hex[:6]
        to_staff = [f"U{i:04d}x{tag}" for i in range(0, messages, 2)]
        to_person = [f"S{i:04d}x{tag}" for i in range(1, messages, 2)]
        done = asyncio.Event()
        killed = {"n": 0}

        async def killer() -> None:
            while killed["n"] < kills and not done.is_set():
                if not await healthy(url):
                    return
                await asyncio.sleep(rng.uniform(0.2, 1.5))
                bot["p"].kill9()
                killed["n"] += 1
                bot["p"] = BotProcess(env, log, args=("serve",))
                bot["p"].start()

        async def person() -> None:
            for marker in to_staff:
                await person_writes(f"{marker} the agent still has my passport")
                await asyncio.sleep(rng.uniform(0.05, 0.3))

        async def staff() -> None:
            for marker in to_person:
                await tg.user_sends(STAFF_MEMBER, f"{marker} we are working on it", chat_id=STAFF_CHAT,
                                    reply_to_message_id=header["message_id"])
                await asyncio.sleep(rng.uniform(0.05, 0.3))

        killing = asyncio.create_task(killer())
        await asyncio.gather(person(), staff())
        while killed["n"] < kills and not killing.done():  # the flow goes on until every kill happened
            await person_writes(f"extra x{tag}")
            await asyncio.sleep(0.3)
        done.set()
        await killing

        def staff_texts() -> list[str]:
            return [m.get("text") or m.get("caption") or "" for m in tg.sent(STAFF_CHAT)]

        def person_texts() -> list[str]:
            return [text_of(m) for m in wa.sent_to(PERSON)]

        ok = await wait_markers(staff_texts, to_staff, 180)
        ok = await wait_markers(person_texts, to_person, 180) and ok
        await asyncio.sleep(3.0)  # late duplicates would show up now
        up, down = tally(to_staff, staff_texts()), tally(to_person, person_texts())
        log_text = log.read_text(errors="replace")
        return {"messages": len(to_staff) + len(to_person), "kills": killed["n"],
                "lost_to_staff": len(up.lost), "lost_to_person": len(down.lost),
                "dup_to_staff": up.n_duplicates, "dup_to_person": down.n_duplicates,
                "in_order": up.in_order and down.in_order, "settled": ok,
                "posted_again": posts["again"], "seconds": round(time.monotonic() - began, 1),
                "tracebacks": log_text.count("Traceback")}
    finally:
        await bot["p"].shutdown()
        await wa.stop()
        await tg.stop()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=100)
    parser.add_argument("--kills", type=int, default=15)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    load_before = load_text()
    admin_url = os.environ.get("RAHNUMA_BENCH_DATABASE_URL")
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in ["SQLite"] + (["PostgreSQL"] if admin_url else []):
            database_url = fresh_database(admin_url) if name == "PostgreSQL" and admin_url else None
            try:
                r = await session(Path(tmp) / name, args.messages, args.kills, args.seed, database_url)
            finally:
                if database_url and admin_url:
                    drop_database(admin_url, database_url)
            print(name, r, flush=True)
            rows.append([name, r["messages"], r["kills"], f"{r['lost_to_staff']} / {r['lost_to_person']}",
                         f"{r['dup_to_staff']} / {r['dup_to_person']}", "yes" if r["in_order"] else "NO",
                         r["posted_again"], r["tracebacks"], r["seconds"]])
    body = "\n".join([
        "Written by `benchmarks/whatsapp_crash.py`: one `python -m bot serve` with both channels; a "
        "person on WhatsApp (Graph API stand-in) in a helpline chat, a staff member replying from the "
        "Telegram group (Bot API stand-in, webhook), the two directions alternating, while the bot is "
        "killed with SIGKILL at random moments (0.2-1.5 s after it answers /healthz again) and "
        "restarted. A webhook the dead bot did not answer 200 is posted again, as Meta and Telegram do.",
        "", *machine_lines(), f"- Load before: {load_before}; after: {load_text()}", "",
        table(["database", "messages (both ways)", "kill -9", "lost (to staff / to person)",
               "duplicated (to staff / to person)", "in order", "WhatsApp webhooks posted again",
               "tracebacks in the log", "seconds"], rows), "",
        "A duplicate can only be a message that the channel accepted in the moment before the bot "
        "recorded it (the known window: neither Telegram nor the Cloud API takes an idempotency key); "
        "each is counted above.", ""])
    print(body)
    if not args.no_write:
        write_section(SECTION, body, RESULTS, heading="# WhatsApp: measured results\n")


if __name__ == "__main__":
    asyncio.run(main())
