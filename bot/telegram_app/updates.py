"""Fetching updates, in plain sight (PTB's Updater is not used)::

    offset = None
    while running:
        batch = await bot.get_updates(offset, timeout=...)   # on failure: back off, try again, forever
        await handle_batch(batch)        # one chat strictly in order, different chats side by side;
                                         # each update committed (or answered) by its handler
        offset = batch[-1].update_id + 1 # confirmed to Telegram only by the next getUpdates

An update is confirmed only after it was committed, so a ``kill -9`` never loses one: Telegram
sends it again and ``processed_updates`` makes it take effect once. When the database cannot
commit (:class:`~bot.storage.StorageError`), the batch is not confirmed and is fetched again after a pause.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence

from telegram import Bot, Update
from telegram.error import InvalidToken, TelegramError

from bot.logging_setup import FailureLog
from bot.runtime import pause
from bot.storage import StorageError

log = logging.getLogger(__name__)
POLL_TIMEOUT = 30  # seconds a getUpdates waits for something to arrive
FIRST_BACKOFF = 0.25
MAX_BACKOFF = 30.0


async def retry_forever(what: str, call: Callable[[], Awaitable[object]], stop: asyncio.Event,
                        failures: FailureLog) -> bool:
    """``call()`` until it succeeds (True), or ``stop`` is set first (False). An invalid
    token is no network blip: it is raised."""
    delay = FIRST_BACKOFF
    while not stop.is_set():
        try:
            await call()
        except InvalidToken:
            raise
        except (TelegramError, OSError) as exc:
            failures.failed(what, exc)
            await pause(delay, stop)
            delay = min(MAX_BACKOFF, delay * 2)
            continue
        failures.ok(what)
        return True
    return False


def chat_key(update: Update) -> int:
    """Whose updates must wait for each other: the chat's (else the sender's) id."""
    if update.effective_chat is not None:
        return update.effective_chat.id
    if update.effective_user is not None:
        return update.effective_user.id
    return 0


async def handle_batch(updates: Sequence[Update], handle: Callable[[Update], Awaitable[None]]) -> None:
    """Each chat's updates one after the other, in the order Telegram sent them; different
    chats side by side. Raises the first database error (the batch is then not confirmed)."""
    by_chat: dict[int, list[Update]] = {}
    for update in updates:
        by_chat.setdefault(chat_key(update), []).append(update)

    async def one_chat(queue: list[Update]) -> None:
        for update in queue:
            await handle(update)

    results = await asyncio.gather(*(one_chat(q) for q in by_chat.values()), return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result


async def poll(bot: Bot, handle: Callable[[Update], Awaitable[None]], stop: asyncio.Event, *,
               poll_timeout: int = POLL_TIMEOUT) -> None:
    """The polling loop (see the module's docstring); returns once ``stop`` is set."""
    failures = FailureLog(log)
    delay = FIRST_BACKOFF  # after a failure; doubled after each one, up to MAX_BACKOFF
    offset: int | None = None
    while not stop.is_set():
        fetch = asyncio.ensure_future(bot.get_updates(
            offset=offset, timeout=poll_timeout, allowed_updates=Update.ALL_TYPES))
        stopping = asyncio.ensure_future(stop.wait())
        await asyncio.wait({fetch, stopping}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not fetch.done():
            fetch.cancel()  # shutting down: nothing fetched, nothing confirmed
            break
        try:
            batch = fetch.result()
        except InvalidToken:
            raise
        except (TelegramError, OSError) as exc:
            failures.failed("getUpdates", exc)
            await pause(delay, stop)
            delay = min(MAX_BACKOFF, delay * 2)
            continue
        failures.ok("getUpdates")
        if not batch:
            delay = FIRST_BACKOFF
            continue
        try:
            await handle_batch(batch, handle)
        except StorageError as exc:  # not committed: fetch the same batch again later
            failures.failed("committing updates", exc)
            await pause(delay, stop)
            delay = min(MAX_BACKOFF, delay * 2)
            continue
        failures.ok("committing updates")
        delay = FIRST_BACKOFF
        offset = batch[-1].update_id + 1
    if offset is not None:  # confirm the last batch handled, so a restart does not see it again
        try:
            await asyncio.wait_for(bot.get_updates(offset=offset, timeout=0, limit=1), 5)
        except Exception as exc:  # processed_updates makes a repeat harmless
            log.info("could not confirm the last updates before stopping: %s", type(exc).__name__)
