"""The harness that runs the real Rahnuma Application against the Bot API stand-in.

`rahnuma` and `bot_process` run on each database in turn (the `database_url` fixture,
tests/pg.py): SQLite in the test's DATA_DIR, then PostgreSQL when a test server is there."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path

import pytest
from standin import BotApiStandin
from tcp_proxy import free_port

from bot.config import Settings
from bot.telegram_app.app import TelegramService
from bot.web import serve

REPO = Path(__file__).resolve().parents[2]
STAFF_CHAT = -1001234567890
ADMIN_ID = 900
STAFF_MEMBER = 901  # in the staff group, but not an admin
WEBHOOK_SECRET = "test_webhook-secret-0123456789"


class RunningBot:
    """The real Telegram service, polling the stand-in, in this process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.service = TelegramService(settings, poll_timeout=1)
        self._stop = asyncio.Event()
        self._task: asyncio.Task | None = None

    async def start(self) -> RunningBot:
        self._task = asyncio.create_task(self.service.run(self._stop))
        ready = asyncio.create_task(self.service.ready.wait())
        await asyncio.wait({self._task, ready}, return_when=asyncio.FIRST_COMPLETED)
        if self._task.done():
            ready.cancel()
            await self._task  # raises why it could not start
        return self

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        self._stop.set()
        await task


class RunningServer:
    """The real webhook server (`python -m bot serve`'s ``serve()``) in this process."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._stop = asyncio.Event()
        self._task: asyncio.Task | None = None

    @property
    def url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.port}"

    async def start(self) -> RunningServer:
        listening = asyncio.Event()
        self._task = asyncio.create_task(serve(self.settings, self._stop, listening=listening))
        up = asyncio.create_task(listening.wait())
        await asyncio.wait({self._task, up}, return_when=asyncio.FIRST_COMPLETED)
        if self._task.done():
            up.cancel()
            await self._task  # raises why it could not start
        return self

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            self._stop.set()
            await task


def webhook_settings(standin: BotApiStandin, data_dir: Path, **overrides: object) -> Settings:
    """Settings for `serve` against the stand-in, registering its webhook on a free port."""
    port = free_port()
    values: dict[str, object] = {"port": port, "webhook_secret": WEBHOOK_SECRET,
                                 "webhook_url": f"http://127.0.0.1:{port}/telegram"}
    values.update(overrides)
    return bot_settings(standin, data_dir, **values)


class BotProcess:
    """`python -m bot` in a child process, for kill -9 tests."""

    def __init__(self, settings_env: dict[str, str], log_path: Path, *, args: tuple[str, ...] = ()) -> None:
        self.env = settings_env
        self.log_path = log_path
        self.args = args
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "bot", *self.args], cwd=REPO, env=self.env,
                                     stdout=log, stderr=subprocess.STDOUT)

    def kill9(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait()

    async def shutdown(self, timeout: float = 15.0) -> None:  # noqa: ASYNC109
        """SIGTERM, waiting without blocking the event loop (the stand-in in this loop must
        answer the bot's last calls); SIGKILL if it takes longer than `timeout`."""
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        deadline = time.monotonic() + timeout
        while self.proc.poll() is None and time.monotonic() < deadline:  # noqa: ASYNC110
            await asyncio.sleep(0.05)
        self.kill9()


def bot_settings(standin: BotApiStandin, data_dir: Path, **overrides: object) -> Settings:
    settings = Settings(
        token=standin.token, api_base_url=standin.base_url, helpline_chat_id=STAFF_CHAT,
        admin_ids=frozenset({ADMIN_ID}), data_dir=data_dir, content_dir=REPO / "content",
        agencies_file=REPO / "content" / "agencies.csv", max_rate=0,
    )
    return replace(settings, **overrides)  # type: ignore[arg-type]


def bot_env(standin: BotApiStandin, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("TELEGRAM_", "HELPLINE_", "DATABASE_"))}
    env.update(TELEGRAM_BOT_TOKEN=standin.token or "", TELEGRAM_API_BASE_URL=standin.base_url,
               HELPLINE_CHAT_ID=str(STAFF_CHAT), ADMIN_IDS=str(ADMIN_ID), DATA_DIR=str(data_dir),
               CONTENT_DIR=str(REPO / "content"), AGENCIES_FILE=str(REPO / "content" / "agencies.csv"),
               TELEGRAM_MAX_RATE="0")
    env.update(extra)
    return env


@pytest.fixture
async def staffed_standin(standin: BotApiStandin) -> BotApiStandin:
    standin.create_group("Helpline staff", members=[ADMIN_ID, STAFF_MEMBER], chat_id=STAFF_CHAT)
    return standin


@pytest.fixture
async def rahnuma(staffed_standin: BotApiStandin, tmp_path: Path,
                  database_url: str | None) -> AsyncIterator[RunningBot]:
    bot = RunningBot(bot_settings(staffed_standin, tmp_path / "data", database_url=database_url))
    await bot.start()
    try:
        yield bot
    finally:
        await bot.stop()


@pytest.fixture
async def bot_process(staffed_standin: BotApiStandin, tmp_path: Path,
                      database_url: str | None) -> AsyncIterator[Callable[..., BotProcess]]:
    """Factory for `python -m bot` children against the stand-in; shut down after the test."""
    processes: list[BotProcess] = []
    database = {"DATABASE_URL": database_url} if database_url else {}

    def make(*args: str, **extra: str) -> BotProcess:
        process = BotProcess(bot_env(staffed_standin, tmp_path / "data", **database, **extra),
                             tmp_path / "bot.log", args=args)
        processes.append(process)
        return process

    yield make
    for process in processes:
        await process.shutdown()


async def settle(seconds: float = 0.2) -> None:
    await asyncio.sleep(seconds)


async def replies(standin: BotApiStandin, chat_id: int, *, quiet: float = 0.4,
                  timeout: float = 10.0) -> list[dict]:  # noqa: ASYNC109
    """Every bot message to `chat_id` until the chat has been quiet for `quiet` seconds."""
    got = await standin.wait_for(chat_id, timeout=timeout)
    while True:
        try:
            got += await standin.wait_for(chat_id, timeout=quiet)
        except TimeoutError:
            return got


def buttons_of(message: dict) -> list[tuple[str, str]]:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


def text_of(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or m.get("caption") or "" for m in messages)
