"""Generic fixtures: the Bot API stand-in and a runner for plain PTB Applications against it.

App-specific fixtures live elsewhere (tests/helpers.py or a sub-folder conftest).
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from telegram.ext import Application, ApplicationBuilder

sys.path.insert(0, str(Path(__file__).parent))

from standin import BotApiStandin

pytest_plugins = ["pg"]  # the `pg_url` fixture: a fresh PostgreSQL database (tests/pg.py)

PtbAppRunner = Callable[..., Awaitable[Application]]


@pytest.fixture
async def standin() -> AsyncIterator[BotApiStandin]:
    """A started Bot API stand-in on 127.0.0.1 (ephemeral port), stopped after the test."""
    server = BotApiStandin()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def ptb_builder(server: BotApiStandin, token: str | None = None) -> ApplicationBuilder:
    """An ApplicationBuilder pointed at the stand-in."""
    return (
        Application.builder()
        .token(token or server.token or "123:TEST")
        .base_url(server.base_url)
        .base_file_url(server.base_file_url)
    )


async def start_ptb_app(app: Application, *, poll_timeout: int = 1) -> Application:
    """Initialize ``app``, start long polling and the application."""
    await app.initialize()
    assert app.updater is not None
    await app.updater.start_polling(poll_interval=0, timeout=poll_timeout)
    await app.start()
    return app


async def stop_ptb_app(app: Application) -> None:
    """Stop polling and the application, then shut it down."""
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    await app.shutdown()


@pytest.fixture
async def run_ptb_app(standin: BotApiStandin) -> AsyncIterator[PtbAppRunner]:
    """Factory: ``await run_ptb_app(configure, builder=None)`` builds, starts and returns a PTB
    Application polling the stand-in; all are stopped cleanly after the test.

    ``configure(app)`` adds handlers; ``builder(b) -> b`` customises the ApplicationBuilder
    (e.g. ``lambda b: b.rate_limiter(AIORateLimiter())``).
    """
    apps: list[Application] = []

    async def _run(
        configure: Callable[[Application], None] | None = None,
        *,
        builder: Callable[[ApplicationBuilder], ApplicationBuilder] | None = None,
        poll_timeout: int = 1,
    ) -> Application:
        b = ptb_builder(standin)
        if builder is not None:
            b = builder(b)
        app = b.build()
        if configure is not None:
            configure(app)
        apps.append(app)
        return await start_ptb_app(app, poll_timeout=poll_timeout)

    try:
        yield _run
    finally:
        for app in reversed(apps):
            await stop_ptb_app(app)
