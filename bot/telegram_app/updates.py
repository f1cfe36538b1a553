"""How updates come in: confirmed to Telegram only once handled; different chats handled
side by side, one chat's updates strictly in order."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.error import TimedOut
from telegram.ext import BaseUpdateProcessor

from bot.telegram_app.transport import AiohttpRequest

# getUpdates returns at most 100 updates, and the next batch is only fetched once the queue
# is empty (see ConfirmAfterHandling): with more slots than that, no update ever waits for a
# slot, so each reaches its chat's queue in the order Telegram sent it.
MAX_CONCURRENT_UPDATES = 128
# How long the next getUpdates waits for the batch before it gives up for now (PTB retries);
# nothing is confirmed meanwhile, so a stuck shutdown cannot hang on it for ever.
HANDLED_WAIT_SECONDS = 30.0


class ConfirmAfterHandling(AiohttpRequest):
    """The transport of getUpdates. PTB's Updater confirms a batch of updates to Telegram (the
    offset of its next getUpdates) as soon as it has put them in the update queue; this holds
    that next getUpdates back until every update in the queue is handled (committed), so a
    kill -9 can never lose fetched but unhandled updates: Telegram sends them again and
    processed_updates makes each take effect once."""

    __slots__ = ("_handled",)

    def __init__(self, update_queue: asyncio.Queue, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._handled = update_queue

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        try:
            await asyncio.wait_for(self._handled.join(), HANDLED_WAIT_SECONDS)
        except TimeoutError:
            raise TimedOut("updates are still being handled; not confirming them yet") from None
        return await super().do_request(url, method, *args, **kwargs)


class InOrderPerChat(BaseUpdateProcessor):
    """Handle updates concurrently, except that one chat's updates wait for each other.

    While one person's message waits for the database, another person's is already being
    read; a person's own messages and button presses are still handled one after the other.
    """

    __slots__ = ("_chats",)

    def __init__(self, max_concurrent_updates: int = MAX_CONCURRENT_UPDATES) -> None:
        super().__init__(max_concurrent_updates)
        self._chats: dict[int, tuple[asyncio.Lock, list[int]]] = {}  # lock, [updates using it]

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat = update.effective_chat if isinstance(update, Update) else None
        if chat is None:
            await coroutine
            return
        lock, users = self._chats.setdefault(chat.id, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:  # asyncio.Lock wakes waiters first come, first served
                await coroutine
        finally:
            users[0] -= 1
            if users[0] == 0:
                del self._chats[chat.id]  # nobody handling or waiting: forget the chat

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to tear down."""
