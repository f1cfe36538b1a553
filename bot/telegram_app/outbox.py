"""Telegram's side of durable delivery: sending an outbox row through the Bot API.

Every outgoing message is a row in the ``outbox`` table, written in the transaction that
caused it. :class:`bot.delivery.ChatSenders` sends each chat's rows in order, one instance per
chat (leases); this module sends one row (or, in the staff chat, a ticket's waiting texts
joined: :class:`bot.delivery.TicketTurns`) and records the outcome at once: delivered (with,
for a ticket message, which staff-chat message belongs to which ticket), retried with back-off
or after Telegram's ``retry_after``, or given up (a person who blocked the bot, a message
Telegram rejects as invalid).

What it sees of the staff chat (it became a supergroup, or cannot be reached) it reports to
:class:`bot.delivery.StaffChat`, which tells the people waiting and admins. Telegram lets a bot
post about 20 messages a minute into a group: a group's lease stays with its holder
``GROUP_INTERVAL`` after the last send, so that the next holder keeps the pace. Several
instances together keep ``max_rate`` (:class:`bot.delivery.SharedPace`). See docs/storage.md.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, RetryAfter, TelegramError

from bot.channels import channel_of
from bot.core.dialogue.messages import Attachment, MediaRef
from bot.delivery import MAX_BACKOFF, ChatSenders, SharedPace, StaffChat, TicketTurns
from bot.delivery.staff import STAFF_WINDOW
from bot.logging_setup import FailureLog
from bot.storage.store import PendingMessage, Store
from bot.telegram_app.media import send_attachment

log = logging.getLogger(__name__)
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
GROUP_PER_MINUTE = 20  # Telegram's limit for messages into one group
GROUP_INTERVAL = 60 / (GROUP_PER_MINUTE - 1)  # one less, so that jitter never makes 21
UNREACHABLE = ("chat not found", "bot was kicked", "bot is not a member", "have no rights",
               "not enough rights", "chat_write_forbidden", "need administrator rights")


def unreachable(error: str) -> bool:
    """The outbox gave up because the person cannot be reached (not because of the message)."""
    return error.startswith("Forbidden") or any(s in error.lower() for s in UNREACHABLE)


def keyboard(buttons: list) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data) for label, data in row]
                                 for row in buttons])


class Outbox:
    def __init__(self, bot: Bot, store: Store, *, staff: StaffChat | None = None,
                 max_rate: float = 0.0) -> None:
        self.bot = bot
        self.store = store
        self.pace = SharedPace(store, "telegram", max_rate)  # all instances together (one: PTB's limiter)
        self._failures = FailureLog(log)
        self.senders = ChatSenders(store, self, holder=uuid.uuid4().hex[:16], failures=self._failures,
                                   linger=lambda chat: GROUP_INTERVAL if chat < 0 else 0.0,
                                   owns=lambda chat: channel_of(chat) == "telegram")
        self._group_sent: dict[int, float] = {}  # group -> when this instance last sent to it
        self.staff = staff or StaffChat(None)
        self._turns = TicketTurns()
        self.delivered = 0
        # another channel's file for the staff chat (a WhatsApp voice note), and the delivery
        # that sends another channel's rows (a staff reply to a WhatsApp person): set by serve
        self.fetch_media: Callable[[MediaRef], Awaitable[Attachment]] | None = None
        self.wake_other: Callable[[list[int]], object] | None = None

    @property
    def holder(self) -> str:
        return self.senders.holder

    def wake(self, chat_ids: Iterable[int]) -> None:
        """Messages for these chats were committed: send them now, in the background."""
        mine: list[int] = []
        others: list[int] = []
        for chat_id in chat_ids:  # a WhatsApp person's rows are delivered by bot.whatsapp
            (mine if channel_of(chat_id) == "telegram" else others).append(chat_id)
        self.senders.wake(mine)
        if others and self.wake_other is not None:
            self.wake_other(others)

    async def start(self) -> None:
        await self.senders.start()

    async def stop(self, grace: float = 5.0) -> None:
        """Let sends in flight finish (up to ``grace`` seconds), then stop."""
        await self.senders.stop(grace)

    # --- the Queue that ChatSenders drives ---------------------------------------------------

    async def next(self, chat_id: int) -> list[PendingMessage] | None:
        if chat_id != self.staff.id:
            return await self.store.pending(chat_id, 1, holder=self.holder)
        if self.staff.held_back():
            return None  # unreachable: tried again (with the message at the head) now and then
        return self._turns.choose(await self.store.pending(chat_id, STAFF_WINDOW, holder=self.holder))

    async def deliver(self, batch: list[PendingMessage]) -> bool:
        """Send one message (or several combined); record the outcome. True: go on."""
        first = batch[0]
        chat_id = first.chat_id
        try:
            await self._pace(chat_id)
            sent_id = await self._send(batch)
        except RetryAfter as exc:
            self.senders.back_off(chat_id, _seconds(exc.retry_after))
            await self.store.mark_attempt(first, "RetryAfter")
            return False
        except ChatMigrated as exc:
            await self._migrated(chat_id, int(exc.new_chat_id))
            return False
        except Forbidden as exc:
            return await self._unreachable(batch, f"Forbidden: {exc.message[:120]}")
        except BadRequest as exc:
            if any(s in exc.message.lower() for s in UNREACHABLE):
                return await self._unreachable(batch, f"BadRequest: {exc.message[:120]}")
            log.warning("outbox %s: rejected by Telegram: %s", first.id, exc.message[:80])
            await self.store.mark_failed(batch, f"BadRequest: {exc.message[:150]}")
            return True
        except InvalidToken:
            raise
        except (TelegramError, OSError) as exc:
            self._failures.failed("outbox: sending", exc)
            self.senders.back_off(chat_id, min(MAX_BACKOFF, 0.5 * 2 ** min(first.attempts, 7)))
            await self.store.mark_attempt(first, type(exc).__name__)
            return False
        self._failures.ok("outbox: sending")
        await self.store.mark_delivered(batch, sent_id)
        if chat_id == self.staff.id:
            await self.staff.delivered()
        self.delivered += len(batch)
        return True

    async def _pace(self, chat_id: int) -> None:
        """Many instances: wait for this send's slot of the pace they share (max_rate in all).
        A group's own pace (held by its lease) is waited for first, so that the slot is used
        when it comes, not taken and then missed while PTB's group limiter holds the message."""
        if not self.pace.active:
            return
        if chat_id < 0:
            due = self._group_sent.get(chat_id, 0.0) + GROUP_INTERVAL - time.monotonic()
            if due > 0:
                await asyncio.sleep(due)
            self._group_sent = {c: t for c, t in self._group_sent.items()
                                if t > time.monotonic() - GROUP_INTERVAL}
            self._group_sent[chat_id] = time.monotonic()
        await self.pace.wait()

    async def _unreachable(self, batch: list[PendingMessage], error: str) -> bool:
        chat_id = batch[0].chat_id
        if chat_id == self.staff.id:  # nothing is dropped: see bot/delivery/staff.py
            await self.staff.unreachable(self.store, error)
            return False
        log.info("outbox %s: recipient unreachable (%s); giving up", batch[0].id, error[:40])
        await self.store.mark_failed(batch, error)
        # a person with an open ticket blocked the bot: staff must not wait for an answer
        self.wake(await self.staff.tell(self.store, chat_id, "a message could not be delivered; the "
                                        "person has blocked the bot or deleted their account."))
        return True

    async def _migrated(self, old: int, new: int) -> None:
        log.warning("chat %s was upgraded to a supergroup; following it to %s", old, new)
        await self.store.move_chat(old, new)
        if old == self.staff.id:
            await self.staff.moved(new)
        self.wake([new])

    async def _send(self, batch: list[PendingMessage]) -> int:
        message = batch[0]
        payload = message.payload
        text = "\n\n".join(m.payload.get("text", "") for m in batch)
        markup = keyboard(payload.get("buttons") or [])
        if payload.get("copy_of"):
            from_chat, message_id = payload["copy_of"]
            sent = await self.bot.copy_message(
                chat_id=message.chat_id, from_chat_id=from_chat, message_id=message_id,
                caption=text or None, parse_mode=ParseMode.HTML, reply_markup=markup)
            return sent.message_id
        ref = payload.get("media_ref")
        if ref and self.fetch_media is not None and ref[0] != "telegram":
            return await self._send_fetched(message.chat_id, MediaRef(*ref), text)
        if payload.get("file"):  # a chart, an export, a list of problems
            attachment = Attachment(*payload["file"], message.attachment or b"")
            return (await send_attachment(self.bot, message.chat_id, attachment, text or None)).message_id
        sent = await self.bot.send_message(
            chat_id=message.chat_id, text=text, parse_mode=ParseMode.HTML,
            reply_markup=markup, link_preview_options=NO_PREVIEW)
        return sent.message_id

    async def _send_fetched(self, chat_id: int, ref: MediaRef, caption: str) -> int:
        """Another channel's file (a WhatsApp voice note, photo, document) posted as the same
        kind. A file that cannot be fetched still reaches staff as its caption, with a note."""
        assert self.fetch_media is not None
        try:
            attachment = await self.fetch_media(ref)
        except Exception as exc:  # the other channel's API: never hold the staff chat up
            self._failures.failed("fetching a file from another channel", exc)
            sent = await self.bot.send_message(
                chat_id=chat_id, text=f"{caption}\n\n⚠️ [{ref.kind}: the file could not be fetched]",
                parse_mode=ParseMode.HTML, link_preview_options=NO_PREVIEW)
            return sent.message_id
        return (await send_attachment(self.bot, chat_id, attachment, caption or None)).message_id


def _seconds(value: object) -> float:
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)  # type: ignore[arg-type]
