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

Many instances on one database (PostgreSQL): a chat's messages are sent by one instance at a
time, the holder of the chat's lease (``outbox_leases``), which it renews every second and
gives up when the chat's queue is empty (a group's only ``GROUP_INTERVAL`` after the last send,
so that the next holder keeps the group's pace). A lease that is not renewed — its instance
was killed — runs out after ``LEASE_SECONDS``, and whichever instance scans next takes the chat
over. Together they keep ``max_rate``: each send first reserves a slot of one pace shared in
the database (``send_slots``: one statement per message). See docs/storage.md.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, LinkPreviewOptions
from telegram.constants import ParseMode
from telegram.error import BadRequest, ChatMigrated, Forbidden, InvalidToken, RetryAfter, TelegramError

from bot.channels import channel_of
from bot.core.dialogue.messages import Attachment, MediaRef, Outgoing
from bot.core.markup import visible_length
from bot.logging_setup import FailureLog
from bot.storage.pace import SharedPace
from bot.storage.store import PendingMessage, Store
from bot.telegram_app.media import send_attachment

log = logging.getLogger(__name__)
MAX_BACKOFF = 30.0
POLL_SECONDS = 0.5  # how often chats that wait for a retry are looked at again
PROBE_SECONDS = 60.0  # an unreachable staff chat is tried again this often
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
STAFF_WINDOW = 500  # waiting staff-chat messages looked at when choosing the next ticket
COMBINED_LIMIT = 4000  # a combined relay stays below Telegram's 4096 characters
GROUP_PER_MINUTE = 20  # Telegram's limit for messages into one group
GROUP_INTERVAL = 60 / (GROUP_PER_MINUTE - 1)  # one less, so that jitter never makes 21
LEASE_SECONDS = 5.0  # a chat's lease runs out this long after its holder last renewed it
RENEW_SECONDS = 1.0  # how often an instance renews its leases (and gives up idle ones)
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
                 alert_admins: AlertAdmins | None = None, max_rate: float = 0.0) -> None:
        self.bot = bot
        self.store = store
        self.max_rate = max_rate  # all instances together (per instance: PTB's limiter)
        self.pace = SharedPace(store, "telegram", max_rate)
        self.holder = uuid.uuid4().hex[:16]  # this instance, in the leases it holds
        self._held: dict[int, float] = {}  # chat -> when its lease may be given up (inf: in use)
        self._group_sent: dict[int, float] = {}  # group -> when this instance last sent to it
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
        self._keeper: asyncio.Task | None = None
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
                self.wake(await self.store.chats_with_pending_messages(self.holder))
            except Exception as exc:  # keep the loop alive whatever happens
                self._failures.failed("outbox: reading the queue", exc)
            await asyncio.sleep(POLL_SECONDS)

    async def keep_leases(self) -> None:
        """Background loop: renew the leases in use, give up the idle ones."""
        while True:
            try:
                now = time.monotonic()
                for chat_id, until in list(self._held.items()):
                    if until <= now and chat_id not in self._senders:
                        del self._held[chat_id]
                        await self.store.release_chat(chat_id, self.holder)
                if self._held:
                    await self.store.renew_leases(self.holder, LEASE_SECONDS)
            except Exception as exc:
                self._failures.failed("outbox: renewing leases", exc)
            await asyncio.sleep(RENEW_SECONDS)

    async def start(self) -> None:
        if not self.store.shared:
            await self.store.release_leases()  # one process per SQLite file: none is held
        self._runner = asyncio.create_task(self.run())
        self._keeper = asyncio.create_task(self.keep_leases())

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
        if self._keeper is not None:
            self._keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._keeper
        if self._held:
            self._held.clear()
            with contextlib.suppress(Exception):  # else they run out after LEASE_SECONDS
                await self.store.release_leases(self.holder)

    # --- one chat --------------------------------------------------------------------

    async def _send_chat(self, chat_id: int) -> None:
        try:
            while True:
                if not await self.store.claim_chat(chat_id, self.holder, LEASE_SECONDS):
                    self._again.discard(chat_id)
                    return  # another instance sends this chat's messages now (and reads what is new)
                self._held[chat_id] = math.inf
                if not await self._send_in_order(chat_id):
                    return  # held back: the lease is kept (renewed) until it is tried again
                if chat_id < 0:  # a group: kept a while, so that the next holder keeps its pace
                    self._held[chat_id] = time.monotonic() + GROUP_INTERVAL
                    return
                del self._held[chat_id]  # a person: given up at once (it names their chat)
                await self.store.release_chat(chat_id, self.holder)
                if chat_id not in self._again:  # woken while it was given up: once more
                    return
        except Exception as exc:  # the database failing, say: logged once, tried again later
            self._failures.failed("outbox: delivering", exc)
            self._back_off(chat_id, MAX_BACKOFF)

    async def _send_in_order(self, chat_id: int) -> bool:
        """Send until the chat's queue is empty (True) or a message is held back (False)."""
        while True:
            self._again.discard(chat_id)
            if chat_id == self.staff.id and not self.staff.reachable and time.monotonic() < self._probe_at:
                return False  # unreachable: tried again (with the message at the head) now and then
            batch = await self._next(chat_id)
            if not batch:
                if chat_id in self._again:
                    continue
                return True
            if not await self._deliver(batch):
                return False

    async def _next(self, chat_id: int) -> list[PendingMessage]:
        if chat_id != self.staff.id:
            return await self.store.pending(chat_id, 1, holder=self.holder)
        waiting = await self.store.pending(chat_id, STAFF_WINDOW, holder=self.holder)
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
            await self._pace(chat_id)
            sent_id = await self._send(batch)
        except RetryAfter as exc:
            self._back_off(chat_id, _seconds(exc.retry_after))
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
            self._back_off(chat_id, min(MAX_BACKOFF, 0.5 * 2 ** min(first.attempts, 7)))
            await self.store.mark_attempt(first, type(exc).__name__)
            return False
        self._failures.ok("outbox: sending")
        await self.store.mark_delivered(batch, sent_id)
        if chat_id == self.staff.id and not self.staff.reachable:
            await self._staff_reachable_again()
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

    def _back_off(self, chat_id: int, seconds: float) -> None:
        self._not_before[chat_id] = time.monotonic() + seconds

    async def _unreachable(self, batch: list[PendingMessage], error: str) -> bool:
        chat_id = batch[0].chat_id
        if chat_id == self.staff.id:
            # The bot was removed from the staff group, or the id is wrong: nothing is dropped;
            # the people waiting are told, admins are alerted, and the health flag goes red.
            self._probe_at = time.monotonic() + PROBE_SECONDS
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
