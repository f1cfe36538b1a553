"""Durable delivery: messages wait in the database until Telegram has accepted them.

Per chat, messages go strictly in order: a failed message holds back the ones after it and
is retried with back-off (or after Telegram's ``retry_after``) until it succeeds. A person
who blocked the bot (Forbidden) or a message Telegram rejects as invalid is given up on.

The database is the truth. A unit of work hands its committed messages to :meth:`Outbox.add`
as well, so a chat whose earlier messages are all delivered is served from memory without
reading them back. A chat with a message waiting for a retry, or left undelivered by an
earlier run (found by :meth:`Outbox.start`), is served from the database until it is empty.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import time
from collections import OrderedDict, deque
from dataclasses import dataclass, field

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, InvalidToken, RetryAfter, TelegramError

from bot.storage.store import PendingMessage, Store

log = logging.getLogger(__name__)
MAX_BACKOFF = 60.0
POLL_SECONDS = 0.5
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
KEEP_CHATS = 10_000  # idle chats whose delivery state stays in memory


@dataclass(slots=True)
class _Chat:
    """Delivery state of one chat."""

    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    queued: deque[PendingMessage] = field(default_factory=deque)  # committed, not yet sent
    # True when every undelivered message of this chat in the database is in ``queued``
    clean: bool = True
    done_upto: int = 0  # highest outbox id this process delivered or gave up on

    def idle(self) -> bool:
        """Nothing to send and nothing in the database: safe to forget."""
        return self.clean and not self.queued and not self.lock.locked()


def keyboard(buttons: list) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return _keyboard(tuple(tuple((label, data) for label, data in row) for row in buttons))


class _ReusedKeyboard(InlineKeyboardMarkup):
    """A keyboard built once and sent many times: its JSON form is worked out once too."""

    __slots__ = ("_json_form",)

    def __init__(self, rows: tuple[tuple[tuple[str, str], ...], ...]) -> None:
        super().__init__([[InlineKeyboardButton(label, callback_data=data) for label, data in row]
                          for row in rows])
        with self._unfrozen():  # PTB's way for subclasses to set their own attributes
            self._json_form = super().to_dict()

    def to_dict(self, recursive: bool = True) -> dict:
        return self._json_form


@functools.lru_cache(maxsize=1024)
def _keyboard(rows: tuple[tuple[tuple[str, str], ...], ...]) -> InlineKeyboardMarkup:
    """Menus repeat: build each keyboard once (PTB's objects are immutable)."""
    return _ReusedKeyboard(rows)


class Outbox:
    def __init__(self, bot: Bot, store: Store, *, staff_chat_id: int | None = None) -> None:
        self.bot = bot
        self.store = store
        self.staff_chat_id = staff_chat_id
        self._chats: OrderedDict[int, _Chat] = OrderedDict()
        self._forget_at = KEEP_CHATS
        self._tasks: set[asyncio.Task] = set()
        self._marks: list[tuple[PendingMessage, list[int]]] = []  # delivered, not yet recorded
        self._marking: asyncio.Task | None = None
        self._runner: asyncio.Task | None = None
        self.delivered = 0

    def _chat(self, chat_id: int) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            chat = self._chats[chat_id] = _Chat()
            if len(self._chats) > self._forget_at:
                self._forget_idle_chats()
                # many chats still waiting (Telegram down): look again once they have doubled
                self._forget_at = max(KEEP_CHATS, 2 * len(self._chats))
        else:
            self._chats.move_to_end(chat_id)
        return chat

    def _forget_idle_chats(self) -> None:
        """Keep memory flat; a forgotten chat is simply read from the database next time."""
        for chat_id in [c for c, chat in self._chats.items() if chat.idle()][: len(self._chats) // 2]:
            del self._chats[chat_id]

    def add(self, messages: list[PendingMessage]) -> None:
        """Messages a unit of work has just committed: deliver them now, in the background."""
        for message in messages:
            self._chat(message.chat_id).queued.append(message)
        self.kick({m.chat_id for m in messages})

    def kick(self, chat_ids: set[int] | list[int]) -> None:
        """Deliver what is waiting for these chats now, in the background."""
        for chat_id in chat_ids:
            if self._chat(chat_id).lock.locked():
                continue  # a flush is running and will pick the new message up
            task = asyncio.create_task(self.flush(chat_id))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def flush(self, chat_id: int) -> None:
        chat = self._chat(chat_id)
        async with chat.lock:
            while True:
                while chat.queued and chat.queued[0].id <= chat.done_upto:
                    chat.queued.popleft()  # already sent after a read from the database
                message: PendingMessage | None
                if chat.clean:
                    if not chat.queued:
                        return
                    message = chat.queued[0]
                else:
                    message = await self.store.next_pending(chat_id, after=chat.done_upto)
                    if message is None:
                        chat.clean = True  # everything committed so far has gone out
                        chat.queued.clear()
                        return
                if message.next_attempt_at > time.time():
                    return
                delivered = await self._deliver(message)
                if delivered:
                    chat.done_upto = max(chat.done_upto, message.id)
                else:  # waiting for a retry: the database decides what goes next
                    chat.clean = False
                    chat.queued.clear()
                    return

    async def _deliver(self, message: PendingMessage) -> bool:
        """Send one message; record the outcome. True when the next one may go."""
        try:
            sent_ids = await self._send(message)
        except RetryAfter as exc:
            delay = exc.retry_after.total_seconds() if hasattr(exc.retry_after, "total_seconds") else float(
                exc.retry_after)
            await self.store.mark_retry(message, delay, "RetryAfter")
            return False
        except Forbidden as exc:
            log.info("outbox %s: recipient unreachable (%s); giving up", message.id, type(exc).__name__)
            await self.store.mark_failed(message, "Forbidden")
            await self._tell_staff_undeliverable(message)
            return True
        except BadRequest as exc:
            log.warning("outbox %s: rejected by Telegram: %s", message.id, exc.message[:80])
            await self.store.mark_failed(message, f"BadRequest: {exc.message[:150]}")
            return True
        except InvalidToken:
            raise
        except (TelegramError, OSError) as exc:
            delay = min(MAX_BACKOFF, 0.5 * 2 ** min(message.attempts, 7))
            await self.store.mark_retry(message, delay, type(exc).__name__)
            return False
        self._record_delivery(message, sent_ids)
        self.delivered += 1
        return True

    def _record_delivery(self, message: PendingMessage, sent_ids: list[int]) -> None:
        """Deliveries are written in batches: one transaction for all that finished meanwhile."""
        self._marks.append((message, sent_ids))
        if self._marking is None or self._marking.done():
            self._marking = asyncio.create_task(self._write_deliveries())

    async def _write_deliveries(self) -> None:
        while self._marks:
            batch, self._marks = self._marks, []
            try:
                await self.store.mark_delivered_many(batch)
            except Exception:  # the messages went out; at worst they go again after a restart
                log.exception("outbox: could not record %d deliveries", len(batch))

    async def _tell_staff_undeliverable(self, message: PendingMessage) -> None:
        """A person with an open ticket blocked the bot: staff must not wait for an answer."""
        if self.staff_chat_id is None or message.chat_id == self.staff_chat_id:
            return
        ticket = await self.store.open_ticket_for_chat(message.chat_id)
        if ticket is not None:
            self.add([await self.store.enqueue_note(
                self.staff_chat_id, f"⚠️ <b>#{ticket}</b>: a message could not be delivered; the "
                "person has blocked the bot or deleted their account.", ticket_id=ticket)])

    async def _send(self, message: PendingMessage) -> list[int]:
        payload = message.payload
        markup = keyboard(payload.get("buttons") or [])
        if payload.get("copy_of"):
            from_chat, message_id = payload["copy_of"]
            sent = await self.bot.copy_message(
                chat_id=message.chat_id, from_chat_id=from_chat, message_id=message_id,
                caption=payload.get("text") or None, parse_mode=ParseMode.HTML, reply_markup=markup)
            return [sent.message_id]
        sent = await self.bot.send_message(
            chat_id=message.chat_id, text=payload["text"], parse_mode=ParseMode.HTML,
            reply_markup=markup, link_preview_options=NO_PREVIEW)
        return [sent.message_id]

    async def run(self) -> None:
        """Background loop: retry whatever is due (also after a restart)."""
        while True:
            try:
                self.kick(await self.store.chats_with_due_messages())
            except Exception:  # keep the loop alive whatever happens
                log.exception("outbox loop")
            await asyncio.sleep(POLL_SECONDS)

    async def start(self) -> None:
        """Note the chats an earlier run left undelivered messages for, then start retrying."""
        for chat_id in await self.store.chats_with_pending_messages():
            self._chat(chat_id).clean = False
        self._runner = asyncio.create_task(self.run())

    async def stop(self) -> None:
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        if self._marking is not None:  # what went out must be recorded before the store closes
            await asyncio.gather(self._marking, return_exceptions=True)
        await self._write_deliveries()
