"""Helpers shared by tests/reliability and benchmarks/reliability.py.

- unique markers in message texts, and a tally of lost / duplicated / out-of-order ones;
- a look inside the bot's SQLite file (what is stored, and where a text ended up);
- a two-way helpline session against `python -m bot` with `kill -9` at chosen or random times.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import re
import shutil
import sqlite3
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import STAFF_CHAT, STAFF_MEMBER, BotProcess
from standin import BotApiStandin

MARKER = re.compile(r"\b[A-Z]{1,3}\d{4}x[0-9a-f]{6}\b")


# Questions with one clear English topic each (one reply message each).
QUESTIONS = {
    "can i go for a job on a visit visa?": "visit-visa-trap",
    "how much fee can an agent take": "fees-and-receipts",
    "what is protector registration": "protector-registration",
    "is my contract real": "employment-contract",
    "how to send money home safely": "safe-remittances",
    "what medical tests are needed": "medical-tests",
    "the agent has my passport": "passport-and-documents",
    "how do I know if an agency is licensed": "licensed-recruiters",
    "insurance for workers abroad": "insurance-and-welfare",
    "skills training courses": "skills-and-training",
    "help when abroad embassy": "help-abroad",
}


def title(topic_id: str) -> str:
    """The English title of a content topic."""
    from harness import REPO

    for line in (REPO / "content" / "en" / f"{topic_id}.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("title:"):
            return line.split(":", 1)[1].strip().strip('"')
    raise AssertionError(f"no title in {topic_id}")


def markers(prefix: str, n: int, *, tag: str | None = None) -> list[str]:
    """`n` unique tokens like 'U0007x3fa2c1' that survive escaping and splitting."""
    tag = tag or uuid.uuid4().hex[:6]
    return [f"{prefix}{i:04d}x{tag}" for i in range(n)]


def texts(messages: Iterable[dict]) -> list[str]:
    return [m.get("text") or m.get("caption") or "" for m in messages]


@dataclass
class Tally:
    """What arrived of the `expected` markers, in delivery order."""

    expected: list[str]
    counts: Counter = field(default_factory=Counter)
    first_seen_order: list[str] = field(default_factory=list)

    @property
    def lost(self) -> list[str]:
        return [m for m in self.expected if self.counts[m] == 0]

    @property
    def duplicated(self) -> dict[str, int]:
        """Marker -> extra copies."""
        return {m: c - 1 for m, c in self.counts.items() if c > 1}

    @property
    def n_duplicates(self) -> int:
        return sum(self.duplicated.values())

    @property
    def in_order(self) -> bool:
        return self.first_seen_order == [m for m in self.expected if self.counts[m]]


def tally(expected: list[str], delivered_texts: Iterable[str]) -> Tally:
    wanted = set(expected)
    result = Tally(list(expected))
    for text in delivered_texts:
        for marker in MARKER.findall(text):
            if marker in wanted:
                if not result.counts[marker]:
                    result.first_seen_order.append(marker)
                result.counts[marker] += 1
    return result


async def wait_markers(standin: BotApiStandin, chat_id: int, expected: Iterable[str],
                       timeout: float) -> bool:  # noqa: ASYNC109
    """Poll until every marker was delivered to `chat_id`; False on timeout."""
    wanted = set(expected)
    deadline = time.monotonic() + timeout
    while True:
        seen = {m for t in texts(standin.sent(chat_id)) for m in MARKER.findall(t)}
        if wanted <= seen:
            return True
        if time.monotonic() > deadline:
            return False
        await asyncio.sleep(0.1)


async def open_ticket(s: BotApiStandin, user_id: int) -> dict:
    """/helpline; returns the ticket header in the staff chat (once its delivery is recorded)."""
    await s.user_sends(user_id, "/helpline", language_code="en")
    header = (await s.wait_for(
        lambda m: m["chat"]["id"] == STAFF_CHAT and "Ticket #" in (m.get("text") or ""),
        timeout=60))[0]
    await s.wait_for(user_id, timeout=60)
    await asyncio.sleep(0.8)
    return header


async def two_way(s: BotApiStandin, user_id: int, header: dict, n: int, *,
                  pace: float = 0.02, timeout: float = 90.0) -> tuple[Tally, Tally]:  # noqa: ASYNC109
    """n messages each way, interleaved person -> staff, staff -> person (staff reply to the
    ticket header); the tallies (to staff, to the person) once all arrived or `timeout`."""
    to_staff, to_user = markers("U", n), markers("S", n)
    for u, st in zip(to_staff, to_user, strict=True):
        await s.user_sends(user_id, f"{u} they took my passport")
        await s.user_sends(STAFF_MEMBER, f"{st} we hear you", chat_id=STAFF_CHAT,
                           reply_to_message_id=header["message_id"])
        await asyncio.sleep(pace)
    await wait_markers(s, STAFF_CHAT, to_staff, timeout)
    await wait_markers(s, user_id, to_user, timeout)
    await asyncio.sleep(1.0)  # duplicates, if any, would arrive now
    return tally(to_staff, texts(s.sent(STAFF_CHAT))), tally(to_user, texts(s.sent(user_id)))


# --- the database -------------------------------------------------------------------------

def db_file(data_dir: Path) -> Path:
    return data_dir / "rahnuma.sqlite3"


def db_rows(data_dir: Path, database_url: str | None = None) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table (read-only look; WAL lets the bot keep writing), in the SQLite
    file in ``data_dir`` or, with ``database_url``, in PostgreSQL."""
    if database_url:
        from pg import all_rows

        return all_rows(database_url)
    path = db_file(data_dir)
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)) as conn:
        conn.row_factory = sqlite3.Row
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {name: [dict(r) for r in conn.execute(f'SELECT * FROM "{name}"')] for name in names}


def tables_holding(data_dir: Path, needle: str) -> dict[str, list[dict[str, Any]]]:
    """The rows (by table) in which `needle` appears in any column."""
    found: dict[str, list[dict[str, Any]]] = {}
    for table, rows in db_rows(data_dir).items():
        hits = [r for r in rows if any(needle in str(v) for v in r.values())]
        if hits:
            found[table] = hits
    return found


def rows_about_chat(data_dir: Path, chat_id: int) -> dict[str, int]:
    """How many rows name this chat or user id in an id column."""
    counts: dict[str, int] = {}
    for table, rows in db_rows(data_dir).items():
        n = sum(1 for r in rows for k, v in r.items()
                if k in ("user_id", "chat_id", "staff_chat_id") and v == chat_id)
        if n:
            counts[table] = n
    return counts


# --- a helpline session with kill -9 ------------------------------------------------------

@dataclass
class SessionReport:
    messages: int
    to_staff: Tally
    to_user: Tally
    kills: int
    seconds: float
    delivered_in_time: bool

    @property
    def lost(self) -> int:
        return len(self.to_staff.lost) + len(self.to_user.lost)

    @property
    def duplicated(self) -> int:
        return self.to_staff.n_duplicates + self.to_user.n_duplicates

    @property
    def in_order(self) -> bool:
        return self.to_staff.in_order and self.to_user.in_order

    def line(self) -> str:
        return (f"{self.messages} messages, {self.kills} kills: lost {self.lost}, duplicated "
                f"{self.duplicated}, in order {self.in_order}, {self.seconds:.1f} s")


async def escalation_session(
    standin: BotApiStandin,
    new_bot: Callable[[], BotProcess],
    *,
    messages: int,
    user_id: int,
    quiet_kills_at: Iterable[int] = (),
    down_for: int = 3,
    random_kills: tuple[float, float] | None = None,
    max_kills: int | None = None,
    pace: float = 0.05,
    seed: int = 1,
    settle_timeout: float = 90.0,
) -> SessionReport:
    """A helpline ticket with `messages` messages alternating person -> staff -> person.

    `quiet_kills_at`: before sending message i, wait until everything sent so far arrived and
    was recorded, then kill -9; the next `down_for` messages are sent while the bot is down.
    `random_kills=(a, b)`: a killer kills -9 and restarts the bot every uniform(a, b) seconds,
    whatever it is doing (this can hit the moment between Telegram accepting a message and
    the bot recording it). Returns the tally of both directions.
    """
    rng = random.Random(seed)
    began = time.monotonic()
    holder = {"bot": new_bot()}
    holder["bot"].start()
    await standin.user_sends(user_id, "/helpline", language_code="en")
    header = (await standin.wait_for(
        lambda m: m["chat"]["id"] == STAFF_CHAT and "Ticket #" in (m.get("text") or ""),
        timeout=60))[0]
    await standin.wait_for(user_id, timeout=30)
    await asyncio.sleep(1.0)  # the header's delivery is recorded: staff can reply to it

    tag = uuid.uuid4().hex[:6]
    plan = [("U" if i % 2 == 0 else "S", f"{'U' if i % 2 == 0 else 'S'}{i:04d}x{tag}")
            for i in range(messages)]
    to_staff = [m for d, m in plan if d == "U"]
    to_user = [m for d, m in plan if d == "S"]
    kills = 0
    done = asyncio.Event()

    async def killer() -> None:
        nonlocal kills
        assert random_kills is not None
        while not done.is_set() and (max_kills is None or kills < max_kills):
            await asyncio.sleep(rng.uniform(*random_kills))
            if done.is_set():
                return
            holder["bot"].kill9()
            kills += 1
            await asyncio.sleep(rng.uniform(0.0, 0.3))
            holder["bot"] = new_bot()
            holder["bot"].start()

    killer_task = asyncio.create_task(killer()) if random_kills else None
    quiet = set(quiet_kills_at)
    restart_before: int | None = None
    for i, (direction, marker) in enumerate(plan):
        if restart_before == i:
            holder["bot"] = new_bot()
            holder["bot"].start()
            restart_before = None
        if i in quiet:
            sent_staff = [m for d, m in plan[:i] if d == "U"]
            sent_user = [m for d, m in plan[:i] if d == "S"]
            await wait_markers(standin, STAFF_CHAT, sent_staff, 60)
            await wait_markers(standin, user_id, sent_user, 60)
            await asyncio.sleep(0.8)  # deliveries recorded: nothing is in flight
            holder["bot"].kill9()
            kills += 1
            restart_before = min(i + down_for, messages)
        if direction == "U":
            await standin.user_sends(user_id, f"{marker} the agent still has my passport")
        else:
            await standin.user_sends(STAFF_MEMBER, f"{marker} we are working on it",
                                     chat_id=STAFF_CHAT, reply_to_message_id=header["message_id"])
        await asyncio.sleep(pace)
    done.set()
    if killer_task is not None:
        killer_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await killer_task
    proc = holder["bot"].proc
    if restart_before is not None or proc is None or proc.poll() is not None:
        holder["bot"] = new_bot()
        holder["bot"].start()
    ok = await wait_markers(standin, STAFF_CHAT, to_staff, settle_timeout)
    ok = await wait_markers(standin, user_id, to_user, settle_timeout) and ok
    await asyncio.sleep(2.0)  # late duplicates would show up now
    return SessionReport(
        messages=messages, to_staff=tally(to_staff, texts(standin.sent(STAFF_CHAT))),
        to_user=tally(to_user, texts(standin.sent(user_id))), kills=kills,
        seconds=time.monotonic() - began, delivered_in_time=ok)


async def stop_process(process: BotProcess, timeout: float = 15.0) -> None:  # noqa: ASYNC109
    """Shut a `python -m bot` child down gracefully (see BotProcess.shutdown)."""
    await process.shutdown(timeout)


# --- one bot for a whole test module ------------------------------------------------------

@dataclass
class BotEnv:
    """A running in-process bot with its own data dir and its own copy of the agency list."""

    s: BotApiStandin
    data: Path
    agencies: Path


@contextlib.asynccontextmanager
async def running_bot(tmp: Path, *, faults: Any = None, **overrides: Any) -> Any:
    """Stand-in + staff group + the real bot; the agency list is a copy in `tmp`.
    ``faults`` (a stand-in ``Faults``) apply from the bot's very first call."""
    from harness import ADMIN_ID, REPO, RunningBot, bot_settings

    agencies = tmp / "agencies.csv"
    shutil.copy(REPO / "content" / "agencies.csv", agencies)
    shutil.copy(REPO / "content" / "agencies.provenance.json", tmp / "agencies.provenance.json")
    s = BotApiStandin()
    await s.start()
    s.create_group("Helpline staff", members=[ADMIN_ID, STAFF_MEMBER], chat_id=STAFF_CHAT)
    s.faults = faults
    bot = await RunningBot(bot_settings(s, tmp / "data", agencies_file=agencies, **overrides)).start()
    try:
        yield BotEnv(s, tmp / "data", agencies)
    finally:
        await bot.stop()
        await s.stop()
