"""Durable delivery: messages wait in the database until Telegram has accepted them.

One delivery path. Every outgoing message is a row in the ``outbox`` table, written in the
transaction that caused it. Each chat with waiting messages has one sender task that reads
its oldest message, sends it, and records the delivery (and, for a ticket message, which
staff-chat message belongs to which ticket) at once, before it reads the next: a chat's
messages go strictly in order, a failure holds back the ones after it and is retried with
back-off (or after Telegram's ``retry_after``) until it succeeds. A person who blocked the
bot, or a message Telegram rejects as invalid, is given up on.

The staff chat is shared by every ticket, and Telegram lets a bot post only about 20
messages a minute into a group. There, the next message is chosen per ticket: urgent tickets
first, then the ticket served longest ago (round robin); and a ticket's waiting texts go
together as one message. One person's flood therefore never holds back another's first
message by more than a slot or two. Each ticket's own messages stay in order.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable, Iterable

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, RetryAfter, TelegramError

from bot.channels import channel_of
from bot.core.dialogue.messages import Attachment, MediaRef, Outgoing
from bot.core.markup import visible_length
from bot.logging_setup import FailureLog
from bot.storage.store import PendingMessage, Store

log = logging.getLogger(__name__)
MAX_BACKOFF = 30.0
# A message claimed for sending (Store.claim) is another instance's to send only after this long:
# longer than a send can wait in the rate limiter's queue; how long a kill -9 can delay it.
CLAIM_SECONDS = 30.0
POLL_SECONDS = 0.5  # how often chats that wait for a retry are looked at again
PROBE_SECONDS = 60.0  # an unreachable staff chat is tried again this often
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
STAFF_WINDOW = 500  # waiting staff-chat messages looked at when choosing the next ticket
COMBINED_LIMIT = 4000  # a combined relay stays below Telegram's 4096 characters
UNREACHABLE = ("chat not found", "bot was kicked", "bot is not a member", "have no rights",
               "not enough rights", "chat_write_forbidden", "need administrator rights")


def keyboard(buttons: list) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup([[InlineKeyboardButton(label, callback_data=data) for label, data in row]
                                 for row in buttons])


class StaffChat:
    """The staff group as delivery knows it: its current id (migrations followed) and
    whether the bot can post there. ``on_change`` is told when either changes."""

    def __init__(self, chat_id: int | None) -> None:
        self.id = chat_id
        self.reachable = True
        self.problem = ""
        self.listeners: list[Callable[[StaffChat], None]] = []

    def set(self, *, chat_id: int | None = None, reachable: bool | None = None, problem: str = "") -> None:
        if chat_id is not None:
            self.id = chat_id
        if reachable is not None:
            self.reachable = reachable
            self.problem = "" if reachable else problem
        for listener in self.listeners:
            listener(self)


# What the outbox asks its owner to do about a ticket when the staff chat cannot be reached,
# and when the staff chat moved or failed (admins to alert).
TicketsUnreachable = Callable[[list[int]], Awaitable[None]]
AlertAdmins = Callable[[str], Awaitable[None]]


class Outbox:
    def __init__(self, bot: Bot, store: Store, *, staff: StaffChat | None = None,
                 on_staff_unreachable: TicketsUnreachable | None = None,
                 alert_admins: AlertAdmins | None = None) -> None:
        self.bot = bot
        self.store = store
        self.staff = staff or StaffChat(None)
        self.on_staff_unreachable = on_staff_unreachable
        self.alert_admins = alert_admins
        self._senders: dict[int, asyncio.Task] = {}
        self._again: set[int] = set()  # woken while its sender was reading: look once more
        self._not_before: dict[int, float] = {}  # chat -> when it may be tried again
        self._served: dict[int, float] = {}  # staff chat: ticket -> when last served
        self._told: set[int] = set()  # tickets whose person was told the staff chat is down
        self._probe_at = 0.0  # when an unreachable staff chat is tried again
        self._runner: asyncio.Task | None = None
        self._failures = FailureLog(log)
        self.delivered = 0
        # another channel's file for the staff chat (a WhatsApp voice note), and the delivery
        # that sends another channel's rows (a staff reply to a WhatsApp person): set by serve
        self.fetch_media: Callable[[MediaRef], Awaitable[Attachment]] | None = None
        self.wake_other: Callable[[list[int]], object] | None = None

    # --- waking senders --------------------------------------------------------------

    def wake(self, chat_ids: Iterable[int]) -> None:
        """Messages for these chats were committed: send them now, in the background."""
        now = time.monotonic()
        others: list[int] = []
        for chat_id in chat_ids:
            if channel_of(chat_id) != "telegram":
                others.append(chat_id)  # a WhatsApp person's rows are delivered by bot.whatsapp
                continue
            if chat_id in self._senders:
                self._again.add(chat_id)
            elif self._not_before.get(chat_id, 0) <= now:
                self._not_before.pop(chat_id, None)
                task = asyncio.create_task(self._send_chat(chat_id))
                self._senders[chat_id] = task
                task.add_done_callback(lambda _t, c=chat_id: self._senders.pop(c, None))
        if others and self.wake_other is not None:
            self.wake_other(others)

    async def run(self) -> None:
        """Background loop: chats left over by an earlier run, and retries that are due."""
        while True:
            try:
                self.wake(await self.store.chats_with_pending_messages())
            except Exception as exc:  # keep the loop alive whatever happens
                self._failures.failed("outbox: reading the queue", exc)
            await asyncio.sleep(POLL_SECONDS)

    async def start(self) -> None:
        self._runner = asyncio.create_task(self.run())

    async def stop(self, grace: float = 5.0) -> None:
        """Let sends in flight finish (up to ``grace`` seconds), then stop."""
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner
        senders = list(self._senders.values())
        if senders:
            _, late = await asyncio.wait(senders, timeout=grace)
            for task in late:
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)

    # --- one chat --------------------------------------------------------------------

    async def _send_chat(self, chat_id: int) -> None:
        try:
            await self._send_in_order(chat_id)
        except Exception as exc:  # the database failing, say: logged once, tried again later
            self._failures.failed("outbox: delivering", exc)
            self._back_off(chat_id, MAX_BACKOFF)

    async def _send_in_order(self, chat_id: int) -> None:
        while True:
            self._again.discard(chat_id)
            if chat_id == self.staff.id and not self.staff.reachable and time.monotonic() < self._probe_at:
                return  # unreachable: tried again (with the message at the head) now and then
            batch = await self._next(chat_id)
            if not batch:
                if chat_id in self._again:
                    continue
                return
            if not await self.store.claim(batch, CLAIM_SECONDS):
                return  # another instance sends it (its run loop wakes this chat again later)
            try:  # every outcome ends the claim: delivered, failed, attempted, moved, released
                go_on = await self._deliver(batch)
            except BaseException:
                with contextlib.suppress(Exception):
                    await self.store.release(batch)
                raise
            if not go_on:
                return

    async def _next(self, chat_id: int) -> list[PendingMessage]:
        if chat_id != self.staff.id:
            return await self.store.pending(chat_id, 1)
        waiting = await self.store.pending(chat_id, STAFF_WINDOW)
        if not waiting:
            return []
        heads: dict[int, list[PendingMessage]] = {}
        for message in waiting:
            heads.setdefault(message.ticket_id or 0, []).append(message)
        ticket = min(heads, key=lambda t: (not heads[t][0].urgent, self._served.get(t, 0.0), heads[t][0].id))
        # only tickets that are waiting need remembering (memory stays flat)
        self._served = {t: self._served[t] for t in heads if t in self._served}
        self._served[ticket] = time.monotonic()
        return _combined(heads[ticket])

    async def _deliver(self, batch: list[PendingMessage]) -> bool:
        """Send one message (or several combined); record the outcome. True: go on."""
        first = batch[0]
        chat_id = first.chat_id
        try:
            sent_id = await self._send(batch)
        except RetryAfter as exc:
            self._back_off(chat_id, _seconds(exc.retry_after))
            await self._attempted(batch, "RetryAfter")
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
            self._back_off(chat_id, min(MAX_BACKOFF, 0.5 * 2 ** min(first.attempts, 7)))
            await self._attempted(batch, type(exc).__name__)
            return False
        self._failures.ok("outbox: sending")
        await self.store.mark_delivered(batch, sent_id)
        if chat_id == self.staff.id and not self.staff.reachable:
            await self._staff_reachable_again()
        self.delivered += len(batch)
        return True

    async def _attempted(self, batch: list[PendingMessage], error: str) -> None:
        """Not sent this time: counted on the first, and every claim of the batch ends."""
        await self.store.mark_attempt(batch[0], error)
        if len(batch) > 1:
            await self.store.release(batch[1:])

    def _back_off(self, chat_id: int, seconds: float) -> None:
        self._not_before[chat_id] = time.monotonic() + seconds

    async def _unreachable(self, batch: list[PendingMessage], error: str) -> bool:
        chat_id = batch[0].chat_id
        if chat_id == self.staff.id:
            # The bot was removed from the staff group, or the id is wrong: nothing is dropped;
            # the people waiting are told, admins are alerted, and the health flag goes red.
            self._probe_at = time.monotonic() + PROBE_SECONDS
            await self.store.release(batch)  # kept for when the group is back, by any instance
            if not self.staff.reachable:
                return False  # still unreachable: everyone concerned was told already
            log.error("staff chat unreachable: %s", error)
            self.staff.set(reachable=False, problem=error)
            if self.alert_admins is not None:
                await self.alert_admins(f"⚠️ The helpline staff chat cannot be reached ({error}). People "
                                        "who ask for the helpline are given the phone numbers instead. "
                                        "Add the bot to the group again, or fix HELPLINE_CHAT_ID.")
            await self.tell_waiting_tickets()
            return False
        log.info("outbox %s: recipient unreachable (%s); giving up", batch[0].id, error[:40])
        await self.store.mark_failed(batch, error)
        await self._tell_staff_undeliverable(chat_id)
        return True

    async def tell_waiting_tickets(self) -> None:
        """Each ticket with messages waiting for the unreachable staff chat: its person is told (once)."""
        if self.staff.id is None or self.on_staff_unreachable is None:
            return
        waiting = {m.ticket_id for m in await self.store.pending(self.staff.id, STAFF_WINDOW) if m.ticket_id}
        new = sorted(waiting - self._told)
        self._told |= set(new)
        if new:
            await self.on_staff_unreachable(new)

    async def _staff_reachable_again(self) -> None:
        log.warning("staff chat reachable again")
        self._told.clear()
        self.staff.set(reachable=True)
        if self.alert_admins is not None:
            await self.alert_admins("✅ The helpline staff chat can be reached again; chats are relayed "
                                    "there again.")

    async def _migrated(self, old: int, new: int) -> None:
        log.warning("chat %s was upgraded to a supergroup; following it to %s", old, new)
        await self.store.move_chat(old, new)
        if old == self.staff.id:
            self.staff.set(chat_id=new)
            if self.alert_admins is not None:
                await self.alert_admins(f"ℹ️ The staff group became a supergroup. The bot now posts to "
                                        f"{new}; please set HELPLINE_CHAT_ID={new}.")
        self.wake([new])

    async def _tell_staff_undeliverable(self, chat_id: int) -> None:
        """A person with an open ticket blocked the bot: staff must not wait for an answer."""
        if self.staff.id is None:
            return
        ticket = await self.store.open_ticket_for_chat(chat_id)
        if ticket is not None:
            self.wake(await self.store.enqueue([Outgoing(
                self.staff.id, f"⚠️ <b>#{ticket.ref}</b>: a message could not be delivered; the person "
                "has blocked the bot or deleted their account.", ticket_id=ticket.id)]))

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
        if payload.get("file"):
            kind, filename = payload["file"]
            file = InputFile(message.attachment or b"", filename=filename)
            send = self.bot.send_photo if kind == "photo" else self.bot.send_document
            sent = await send(message.chat_id, file, caption=text or None, parse_mode=ParseMode.HTML)
            return sent.message_id
        sent = await self.bot.send_message(
            chat_id=message.chat_id, text=text, parse_mode=ParseMode.HTML,
            reply_markup=markup, link_preview_options=NO_PREVIEW)
        return sent.message_id

    async def _send_fetched(self, chat_id: int, ref: MediaRef, caption: str) -> int:
        """Another channel's file (a WhatsApp voice note, photo, document) posted as the same
        kind. A file that cannot be fetched still reaches staff as its caption, with a note."""
        from bot.telegram_app.media import send_attachment

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


def _plain_text(message: PendingMessage) -> bool:
    p = message.payload
    return not (p.get("copy_of") or p.get("file") or p.get("buttons") or p.get("media_ref"))


def _combined(queue: list[PendingMessage]) -> list[PendingMessage]:
    """The head of a ticket's queue, with the plain texts right behind it joined on."""
    batch = [queue[0]]
    if not _plain_text(queue[0]):
        return batch
    length = visible_length(queue[0].payload.get("text", ""))
    for message in queue[1:]:
        size = visible_length(message.payload.get("text", "")) + 2
        if not _plain_text(message) or length + size > COMBINED_LIMIT:
            break
        batch.append(message)
        length += size
    return batch


def _seconds(value: object) -> float:
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)  # type: ignore[arg-type]
