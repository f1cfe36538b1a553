"""Shared pieces of the Telegram bot benchmarks (bot_capacity, bot_ceiling, bot_startup).

A measuring Bot API stand-in (from tests/standin.py), child processes for the bots, the
machine description every result names, and the writer of benchmarks/results/bot.md.
Not a benchmark itself (run_all.py runs ``bot_*.py`` only).
"""

from __future__ import annotations

import asyncio
import csv
import os
import platform
import signal
import subprocess
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
RESULTS = BENCH / "results" / "bot.md"
sys.path.insert(0, str(ROOT / "tests"))

from _machine import cpu_model, memory_gib  # noqa: E402
from standin import BotApiStandin  # noqa: E402
from tcp_proxy import free_port  # noqa: E402

STAFF_CHAT = -1001234567890
ADMIN_ID = 900
STAFF_MEMBER = 901
CONTENT_DIR = ROOT / "content"
AGENCIES_FILE = CONTENT_DIR / "agencies.csv"


class MeasuringStandin(BotApiStandin):
    """The stand-in, plus a timestamp for every bot message and cheap per-chat waiting.

    ``wait_count(chat, n)`` resolves once ``n`` bot messages reached ``chat`` in total,
    without the O(waiters) wake-ups of ``wait_for`` (which matter with 1,000 users).
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("record_calls", False)
        super().__init__(**kwargs)
        self.arrivals: defaultdict[int, list[float]] = defaultdict(list)
        self._waiters: dict[int, tuple[int, asyncio.Future[None]]] = {}
        self.first_call: dict[str, float] = {}  # Bot API method (lower case) -> first seen

    async def _handle_api(self, request: Any) -> Any:
        self.first_call.setdefault(request.match_info["method"].lower(), time.perf_counter())
        return await super()._handle_api(request)

    def _deliver(self, chat: dict, content: dict, params: dict) -> dict:
        message = super()._deliver(chat, content, params)
        chat_id = chat["id"]
        times = self.arrivals[chat_id]
        times.append(time.perf_counter())
        waiter = self._waiters.get(chat_id)
        if waiter is not None and len(times) >= waiter[0] and not waiter[1].done():
            waiter[1].set_result(None)
        return message

    async def wait_count(self, chat_id: int, count: int, timeout: float) -> float:  # noqa: ASYNC109
        """Wait until ``chat_id`` has received ``count`` messages; -> time of message ``count``."""
        times = self.arrivals[chat_id]
        if len(times) < count:
            future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters[chat_id] = (count, future)
            try:
                await asyncio.wait_for(future, timeout)
            finally:
                self._waiters.pop(chat_id, None)
        return times[count - 1]

    def add_staff_group(self) -> None:
        """The helpline staff group the full bot relays to."""
        self.create_group("Helpline staff", members=[ADMIN_ID, STAFF_MEMBER], chat_id=STAFF_CHAT)


def bench_database() -> dict[str, str]:
    """``{"DATABASE_URL": …}`` when RAHNUMA_BENCH_DATABASE_URL is set (run every bot a script
    starts on that PostgreSQL database), else nothing: SQLite."""
    url = os.environ.get("RAHNUMA_BENCH_DATABASE_URL")
    return {"DATABASE_URL": url} if url else {}


def full_bot_env(standin: BotApiStandin, data_dir: Path, **extra: str | None) -> dict[str, str]:
    """Environment for ``python -m bot`` against ``standin``; rate limit lifted unless given
    (``TELEGRAM_MAX_RATE=None`` leaves it unset: the default)."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "HELPLINE_", "DATABASE_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=standin.token or "", TELEGRAM_API_BASE_URL=standin.base_url,
        HELPLINE_CHAT_ID=str(STAFF_CHAT), ADMIN_IDS=str(ADMIN_ID), DATA_DIR=str(data_dir),
        CONTENT_DIR=str(CONTENT_DIR), AGENCIES_FILE=str(AGENCIES_FILE), TELEGRAM_MAX_RATE="0",
        PYTHONUNBUFFERED="1",
    )
    if "DATABASE_URL" not in extra:
        env.update(bench_database())
    env.update({k: v for k, v in extra.items() if v is not None})
    for name in [k for k, v in extra.items() if v is None]:
        env.pop(name, None)
    return env


WEBHOOK_SECRET = "bench-webhook-secret"


def serve_env(standin: BotApiStandin, data_dir: Path, **extra: str | None) -> dict[str, str]:
    """Environment for ``python -m bot serve`` against ``standin`` on a free port, registering
    its webhook there (see :func:`full_bot_env` for ``extra``)."""
    port = free_port()
    return full_bot_env(standin, data_dir, HOST="127.0.0.1", PORT=str(port),
                        TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
                        TELEGRAM_WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram", **extra)


def whatsapp_env(wa: Any, *, verify_token: str, max_rate: str | None = None) -> dict[str, str]:
    """The ``WHATSAPP_*`` variables that point ``serve`` at a Graph API stand-in ``wa``
    (tests/whatsapp_standin.py); ``max_rate`` None leaves WHATSAPP_MAX_RATE at its default."""
    env = dict(WHATSAPP_TOKEN=wa.token, WHATSAPP_PHONE_NUMBER_ID=wa.phone_number_id,
               WHATSAPP_APP_SECRET=wa.app_secret, WHATSAPP_VERIFY_TOKEN=verify_token,
               WHATSAPP_API_BASE_URL=wa.base_url)
    if max_rate is not None:
        env["WHATSAPP_MAX_RATE"] = max_rate
    return env


async def healthy(url: str, within: float = 90.0) -> bool:
    """Whether ``url``/healthz answers 200 within ``within`` seconds (a server coming up)."""
    import aiohttp

    deadline = time.monotonic() + within
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=2)) as session:
        while time.monotonic() < deadline:
            try:
                async with session.get(url + "/healthz") as r:
                    if r.status == 200:
                        return True
            except (aiohttp.ClientError, TimeoutError):
                pass
            await asyncio.sleep(0.05)
    return False


def echo_bot_env(standin: BotApiStandin, **extra: str) -> dict[str, str]:
    """Environment for benchmarks/echo_bot.py against ``standin``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "HELPLINE_"))}
    env.update(TELEGRAM_BOT_TOKEN=standin.token or "", TELEGRAM_API_BASE_URL=standin.base_url,
               TELEGRAM_MAX_RATE="0", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


class ChildBot:
    """A bot in its own process; output goes to a log file, shown when something fails."""

    def __init__(self, argv: list[str], env: dict[str, str], log_path: Path) -> None:
        self.argv = argv
        self.env = env
        self.log_path = log_path
        self.proc: subprocess.Popen[bytes] | None = None
        self.started_at = 0.0

    def start(self) -> float:
        """Start the process; -> perf_counter() just before the fork."""
        log = self.log_path.open("ab")
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(self.argv, cwd=ROOT, env=self.env, stdout=log,
                                     stderr=subprocess.STDOUT)
        log.close()
        return self.started_at

    def stop(self, timeout: float = 10.0) -> int | None:
        """SIGTERM (PTB stops cleanly), SIGKILL after ``timeout``; -> exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode

    def cpu_seconds(self) -> float:
        """User + system CPU time of the process so far (all threads; Linux /proc)."""
        if self.proc is None:
            return float("nan")
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return float("nan")

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def full_bot(env: dict[str, str], log_path: Path, *, python_args: tuple[str, ...] = (),
             serve: bool = False) -> ChildBot:
    """``python -m bot`` (Telegram long polling, as configured by ``env``), or with ``serve``
    ``python -m bot serve`` (the webhook server; env from :func:`serve_env`)."""
    return ChildBot([sys.executable, *python_args, "-m", "bot", *(["serve"] if serve else [])], env,
                    log_path)


def echo_bot(env: dict[str, str], log_path: Path) -> ChildBot:
    """The bare PTB echo bot (benchmarks/echo_bot.py, PTB defaults)."""
    return ChildBot([sys.executable, str(BENCH / "echo_bot.py")], env, log_path)


def agencies(limit: int | None = None) -> list[dict[str, str]]:
    """Rows of the agency list the bot serves (comment lines skipped)."""
    with AGENCIES_FILE.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    return rows[:limit] if limit else rows


# ------------------------------------------------------------------------------ workload

QUESTIONS: dict[str, list[str]] = {
    "en": [
        "how can i check my agent is registered with govt",
        "can i work in dubai on a tourist visa",
        "what is max fee a recruiter can take from me",
        "should i get my job contract before i leave",
        "how to know if a job offer is a scam",
        "what documents i need for going abroad for job",
        "what counts as human trafficking",
        "where to get protector stamp in karachi",
    ],
    "roman": [
        "agent ka license kaise check karein",
        "agent ki fees kitni honi chahiye",
        "visit visa pe ja kar kaam mil jata hai kya",
        "protector kya hota hai zaroori hai kya",
        "agent ne receipt nahi di",
        "ye agency asli hai ya nakli kaise pata karun",
        "bahar job ke liye kon se documents chahiye",
        "boat se italy jana safe hai kya",
    ],
    "ur": [
        "کیسے معلوم کروں کہ ایجنٹ رجسٹرڈ ہے",
        "لائسنس نمبر سے ایجنسی چیک کرنی ہے",
        "ایجنٹ کی زیادہ سے زیادہ فیس کتنی ہے",
        "ایجنٹ رسید نہیں دے رہا",
        "پروٹیکٹر کیا ہوتا ہے",
        "کیا وزٹ ویزے پر جا کر نوکری مل سکتی ہے",
        "جانے سے پہلے معاہدہ ملنا چاہیے کیا",
        "کنٹریکٹ عربی میں ہے سمجھ نہیں آ رہا",
    ],
}
LANGUAGE_CODE = {"en": "en", "roman": "en", "ur": "ur"}


@dataclass(frozen=True)
class Message:
    text: str
    language_code: str
    kind: str


def build_messages(pool: int = 24) -> tuple[list[Message], list[Message], list[Message]]:
    """Questions, licence numbers and agency names drawn from the real list."""
    questions = [Message(q, LANGUAGE_CODE[lang], f"question-{lang}")
                 for lang, items in QUESTIONS.items() for q in items]
    rows = agencies()
    step = max(1, len(rows) // pool)
    licences = [Message(r["license_no"], "en", "licence") for r in rows[::step][:pool]]
    names = [Message(r["name"], "en", "name") for r in rows[step // 2 :: step][:pool]]
    return questions, licences, names


# ------------------------------------------------------------------------------ reporting


def load_avg() -> tuple[float, float, float]:
    try:
        return os.getloadavg()
    except OSError:
        return (0.0, 0.0, 0.0)


def load_text() -> str:
    one, five, fifteen = load_avg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f} (1/5/15 min)"


def machine_lines() -> list[str]:
    """The Markdown lines naming the machine, the date and the load."""
    import telegram

    return [
        f"- Date: {datetime.now().astimezone().strftime('%Y-%m-%d %H:%M %Z')}",
        f"- Machine: {platform.platform()}; CPU {cpu_model()}, {os.cpu_count()} cores; "
        f"memory {memory_gib()}",
        f"- Python {platform.python_version()}; python-telegram-bot {telegram.__version__}",
    ]


def wait_for_quiet_machine(max_load_per_core: float = 0.5, max_wait: float = 45.0) -> str:
    """Wait (bounded) until the 1-minute load is low; -> a note on the load seen."""
    cores = os.cpu_count() or 1
    deadline = time.monotonic() + max_wait
    while load_avg()[0] > max_load_per_core * cores and time.monotonic() < deadline:
        time.sleep(5)
    return load_text()


def table(header: list[str], rows: list[list[object]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (``p`` in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def write_section(name: str, body: str, path: Path = RESULTS, heading: str | None = None) -> None:
    """Replace (or add) the ``## name`` section of ``path`` (benchmarks/results/bot.md)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = path.read_text(encoding="utf-8") if path.exists() else (heading or (
        "# Telegram bot: measured results\n\nWritten by benchmarks/bot_capacity.py, "
        "bot_ceiling.py and bot_startup.py (each replaces its own section).\n"))
    marker = f"\n## {name}\n"
    start = text.find(marker)
    section = f"{marker}\n{body.strip()}\n"
    if start == -1:
        text = text.rstrip("\n") + "\n" + section
    else:
        end = text.find("\n## ", start + len(marker))
        text = text[:start] + section + (text[end:] if end != -1 else "")
    path.write_text(text, encoding="utf-8")
