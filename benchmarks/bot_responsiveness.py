"""Responsiveness of the full bot (``python -m bot``) under Telegram's real limits.

Usage: .venv/bin/python benchmarks/bot_responsiveness.py [--only steady,fairness,background]
       [--seconds 10] [--rows 200000] [--no-write]

- steady: new users arrive at 28 a second (TELEGRAM_MAX_RATE default, stand-in answering 429
  above 30 messages/s); each sends /start. Time from the message to the first reply.
- fairness: the stand-in emulates Telegram's 20 messages a minute into a group. One person
  in a helpline chat sends 120 messages; then another person opens a chat and writes. Time
  until that first message reaches the staff group (goal <= 60 s), and whether the flood
  arrives complete and in order.
- background: an admin uploads a ROWS-row agency list (/import_agencies, then the reload it
  causes), later sends /reload; meanwhile 5 people a second ask a question. Reply times
  while the work runs (goal: within 1 s).

Writes the "Responsiveness" section of benchmarks/results/bot.md.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _botbench import (
    ADMIN_ID,
    AGENCIES_FILE,
    STAFF_CHAT,
    MeasuringStandin,
    full_bot,
    full_bot_env,
    load_text,
    machine_lines,
    percentile,
    table,
    write_section,
)

QUESTION = "what is protector registration"


async def started(s: MeasuringStandin, uid: int) -> None:
    await s.user_sends(uid, "/start")
    await s.wait_count(uid, 1, 60)


async def steady(work: Path, seconds: float, per_second: int = 28, database_url: str | None = None) -> dict:
    s = MeasuringStandin(flood_limit=30)
    await s.start()
    s.add_staff_group()
    env = full_bot_env(s, work / "steady", TELEGRAM_MAX_RATE=None, DATABASE_URL=database_url)
    bot = full_bot(env, work / "steady.log")
    bot.start()
    try:
        await started(s, 1)
        users = list(range(10_000, 10_000 + int(seconds * per_second)))
        sent: dict[int, float] = {}
        began = time.perf_counter()
        for i, uid in enumerate(users):
            await asyncio.sleep(max(0.0, began + i / per_second - time.perf_counter()))
            sent[uid] = time.perf_counter()
            await s.user_sends(uid, "/start")
        firsts = await asyncio.gather(*(s.wait_count(uid, 1, 60) for uid in users))
        latencies = [(t - sent[uid]) * 1000 for uid, t in zip(users, firsts, strict=True)]
    finally:
        bot.stop()
        await s.stop()
    return {"users": len(users), "p50": percentile(latencies, 50), "p99": percentile(latencies, 99),
            "max": max(latencies), "429": s.too_many_requests}


async def fairness(work: Path, flood: int = 120) -> dict:
    s = MeasuringStandin(flood_limit=30, group_limit=20, group_window=60.0, record_calls=True)
    await s.start()
    s.add_staff_group()
    bot = full_bot(full_bot_env(s, work / "fair", TELEGRAM_MAX_RATE=None), work / "fair.log")
    bot.start()
    try:
        await started(s, 1)
        await s.user_sends(501, "/helpline", language_code="en")
        await s.wait_for(lambda m: m["chat"]["id"] == STAFF_CHAT, timeout=60)
        story = "the agent has my passport and will not give it back; " * 16  # ~900 characters
        for n in range(flood):  # long messages: only 4 fit in one relay, so the group limit bites
            await s.user_sends(501, f"FLOOD{n:03d} {story}")
        await asyncio.sleep(1.0)
        began = time.perf_counter()
        await s.user_sends(502, "/helpline", language_code="en")
        await s.user_sends(502, "FIRSTWORDS they locked me in")
        await s.wait_for(lambda m: m["chat"]["id"] == STAFF_CHAT and "FIRSTWORDS" in (m.get("text") or ""),
                         timeout=300)
        first = time.perf_counter() - began
        await s.wait_for(lambda m: m["chat"]["id"] == STAFF_CHAT and f"FLOOD{flood - 1:03d}" in (
            m.get("text") or ""), timeout=600)
        whole = time.perf_counter() - began
        staff = "\n".join(m.get("text") or "" for m in s.sent(STAFF_CHAT))
        positions = [staff.find(f"FLOOD{n:03d}") for n in range(flood)]
    finally:
        bot.stop()
        await s.stop()
    return {"first": first, "whole": whole, "complete": all(p >= 0 for p in positions),
            "in_order": positions == sorted(positions), "staff_messages": len(s.sent(STAFF_CHAT)),
            "429": s.too_many_requests}


def agency_csv(rows: int) -> bytes:
    out = io.StringIO()
    out.write("license_no,name,proprietor,city,address,phone,status,valid_until\n")
    words = ("Falcon", "Crescent", "Indus", "Karakoram", "Margalla", "Ravi", "Chenab", "Kohinoor")
    for n in range(rows):
        out.write(f"{n + 1}/LHR,{words[n % 8]} {words[n // 8 % 8]} Overseas {n},,Lahore,,,valid,\n")
    return out.getvalue().encode()


async def background(work: Path, rows: int) -> list[dict]:
    s = MeasuringStandin()
    await s.start()
    s.add_staff_group()
    agencies = work / "agencies.csv"
    shutil.copy(AGENCIES_FILE, agencies)
    shutil.copy(AGENCIES_FILE.with_name("agencies.provenance.json"), work / "agencies.provenance.json")
    env = full_bot_env(s, work / "bg", TELEGRAM_MAX_RATE=None, AGENCIES_FILE=str(agencies))
    bot = full_bot(env, work / "bg.log")
    bot.start()
    results = []
    try:
        await started(s, ADMIN_ID)
        next_uid = 20_000
        for name, action in (
            (f"/import_agencies of {rows:,} rows, then its reload",
             lambda: s.user_sends(ADMIN_ID, document=("big.csv", agency_csv(rows), "text/csv"),
                                  caption="/import_agencies")),
            ("/reload", lambda: s.user_sends(ADMIN_ID, "/reload")),
        ):
            before = len(s.arrivals[ADMIN_ID])
            began = time.perf_counter()
            await action()
            latencies: list[float] = []
            while len(s.arrivals[ADMIN_ID]) == before:
                uid, next_uid = next_uid, next_uid + 1
                sent = time.perf_counter()
                await s.user_sends(uid, QUESTION)
                asker = asyncio.create_task(s.wait_count(uid, 1, 120))
                await asyncio.sleep(0.2)
                if asker.done():
                    latencies.append((asker.result() - sent) * 1000)
                else:
                    latencies.append((await asker - sent) * 1000)
            work_s = s.arrivals[ADMIN_ID][before] - began
            answer = (s.sent(ADMIN_ID)[-1].get("text") or s.sent(ADMIN_ID)[-1].get("caption") or "")[:60]
            results.append({"work": name, "seconds": work_s, "asked": len(latencies),
                            "p50": percentile(latencies, 50), "p99": percentile(latencies, 99),
                            "max": max(latencies) if latencies else float("nan"), "answer": answer})
    finally:
        bot.stop()
        await s.stop()
    return results


async def run(args: argparse.Namespace) -> str:
    only = set(args.only.split(",")) if args.only else {"steady", "fairness", "background"}
    parts = [*machine_lines(), f"- Load average before: {load_text()} (2 cores shared with other work)"]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if "steady" in only:
            r = await steady(work, args.seconds)
            print("steady:", r)
            parts += ["", f"**Steady arrivals**: 28 new users a second for {args.seconds:.0f} s "
                      "(each sends /start), TELEGRAM_MAX_RATE default, stand-in answering 429 above 30/s.",
                      "", table(["users", "first reply p50 ms", "p99 ms", "max ms", "429s"],
                                [[r["users"], f"{r['p50']:.0f}", f"{r['p99']:.0f}", f"{r['max']:.0f}",
                                  r["429"]]])]
        if "fairness" in only:
            r = await fairness(work)
            print("fairness:", r)
            parts += ["", "**Fairness under the group limit**: stand-in allows 20 messages a minute into "
                      "the staff group (429 above), TELEGRAM_MAX_RATE default. One person sends 120 "
                      "messages of ~900 characters in a helpline chat (4 fit in one relay: 30 relays, "
                      "beyond the 20 a minute); then another person opens a chat and writes.",
                      "", table(["second person's first message at staff s", "whole flood delivered s",
                                 "flood complete", "in order", "staff messages", "429s"],
                                [[f"{r['first']:.1f}", f"{r['whole']:.1f}", r["complete"], r["in_order"],
                                  r["staff_messages"], r["429"]]])]
        if "background" in only:
            rows = await background(work, args.rows)
            for r in rows:
                print("background:", r)
            parts += ["", "**Long admin work in the background**: while it runs, one person every "
                      "0.2 s asks a question (TELEGRAM_MAX_RATE default).", "",
                      table(["work", "work took s", "questions asked meanwhile", "reply p50 ms",
                             "p99 ms", "max ms", "admin's answer begins"],
                            [[r["work"], f"{r['seconds']:.1f}", r["asked"], f"{r['p50']:.0f}",
                              f"{r['p99']:.0f}", f"{r['max']:.0f}", r["answer"].replace("|", "/")]
                             for r in rows])]
    parts += ["", f"- Load average after: {load_text()}"]
    return "\n".join(parts)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help="comma-separated: steady,fairness,background")
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    body = asyncio.run(run(args))
    print(body)
    if not args.no_write:
        write_section("Responsiveness", body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
