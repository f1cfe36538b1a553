"""Delivering the outbox's WhatsApp rows: per person in order, retried, within the window.

Each WhatsApp chat's oldest undelivered outbox row is rendered
(:func:`bot.whatsapp.render.render`: one row may take several WhatsApp messages), sent, and
recorded delivered before the next is read. On a failure (:class:`SendError`):

- ``retry``: back-off (0.5 s doubling to 30 s, with jitter) and again, as long as it takes
  (a person who cannot be reached is a ``permanent`` error, so nothing is retried for ever
  for them);
- ``ambiguous`` (the connection dropped after the request went out): the row waits up to
  ``ambiguous_grace`` seconds for a status notification carrying its tracker
  (``biz_opaque_callback_data`` = ``o:<row>:<part>``), whichever instance Meta posts it to
  (that instance marks it in ``delivery_marks``); one came: it was delivered; none: it is
  sent again. This keeps "delivered, but the answer was lost" from doubling a message; a
  status arriving later than the grace can still leave a duplicate;
- ``window`` (131047) or a window this side already knows is closed: see below;
- ``permanent``: the row is marked failed (never retried), and the staff group is told once
  per ticket when the person has an open ticket.

**The 24-hour window.** Before a free-form message the person's last inbound time (stored by
``note_inbound`` in the unit of work of each message they send) is checked, with
``window_margin`` to spare. When the window is closed, the row stays queued, the approved
``invite_back`` template (content/whatsapp_templates.yaml) goes out in the person's language
(once per closed window), and staff are told; when the person writes again, the waiting rows
go out first, in order, and staff hear that they were delivered. A 131047 in a ``failed``
status (Meta accepted the message, then refused it) forgets the window and tells staff, since
that message is gone.

What this needs to remember lives in the database, so that it does not matter which instance
sends a row or hears a status about it: the parts of a row already accepted (``parts_done``: a
long answer goes as several messages; after a crash the next instance starts with the first
part not recorded, and only a part accepted but not yet recorded can go twice), the window a
waiting row's person was invited back for (``invited_for``), a send confirmed by a status, and
"staff were told about this ticket's failure" (``delivery_marks``).

``WHATSAPP_MAX_RATE`` is kept by all instances together (:class:`bot.delivery.SharedPace`,
the same shared pace as Telegram's; on SQLite, one process, the sender's own limiter). The
per-chat loop is Telegram's: :class:`bot.delivery.ChatSenders` (one sender per chat, the chat's
outbox lease among instances, the background scan for rows nobody woke and retries that came
due); this class is its :class:`~bot.delivery.Queue` (``next``: the chat's oldest row unless it
waits for the person; ``deliver``: send its parts, record the outcome). A retry is a back-off
of the chat (``ChatSenders.back_off``, 0.5 s doubling to 30 s with jitter, counted in the row's
``attempts``); a chat whose row waits for the person gives up its lease and is looked at again
by this instance after ``WINDOW_RECHECK`` seconds, or at once when the person writes here (any
other instance that hears them sends it).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable

from bot.channels import channel_of, wa_id_of, whatsapp_chat_id
from bot.core.content.templates import Templates
from bot.core.dialogue.messages import MediaRef, Outgoing
from bot.delivery import ChatSenders
from bot.logging_setup import FailureLog
from bot.storage.conversation import PendingMessage, outgoing_from_payload
from bot.storage.store import Store
from bot.whatsapp.render import WaMessage, render
from bot.whatsapp.sender import UNREACHABLE_CODES, WINDOW_CODES, Sender, SendError
from bot.whatsapp.webhook import Status

log = logging.getLogger(__name__)
WINDOW_SECONDS = 24 * 3600
WINDOW_RECHECK = 300.0  # a chat whose row waits for the person is looked at again this often
LEASE_SECONDS = 5.0  # a chat's lease runs out this long after its holder last renewed it
RENEW_SECONDS = 1.0  # how often an instance renews its leases
CONFIRM_POLL_SECONDS = 0.2  # an ambiguous send looks this often for a status another instance got
TelegramFile = Callable[[MediaRef], Awaitable[tuple[bytes, str]]]


def _is_whatsapp(chat: int) -> bool:
    return channel_of(chat) == "whatsapp"


class Delivery:
    def __init__(self, store: Store, sender: Sender, *, staff_chat_id: int | None,
                 templates: Templates, telegram_file: TelegramFile | None = None,
                 on_staff_queued: Callable[[set[int]], object] | None = None,
                 ambiguous_grace: float = 3.0, window_margin: float = 600.0,
                 backoff: tuple[float, float] = (0.5, 30.0),
                 clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self.sender = sender
        self.staff_chat_id = staff_chat_id
        self.templates = templates
        self.telegram_file = telegram_file
        self.on_staff_queued = on_staff_queued
        self.ambiguous_grace = ambiguous_grace
        self.window_margin = window_margin
        self.backoff = backoff
        self.clock = clock
        self._confirm: dict[str, asyncio.Event] = {}  # wakes a wait here early (the mark decides)
        self.senders = ChatSenders(store, self, holder="wa-" + uuid.uuid4().hex[:13],
                                   failures=FailureLog(log), lease=LEASE_SECONDS, renew=RENEW_SECONDS,
                                   owns=_is_whatsapp)

    # --- waking -------------------------------------------------------------------------

    def wake(self, chats: Iterable[int], *, wrote: int | None = None) -> None:
        """Send the rows of each WhatsApp chat among ``chats`` now; ``wrote``: the person of
        this chat just wrote (their window is open again: what waited for it goes now)."""
        if wrote is not None:
            self.senders.back_off(wrote, 0)
        self.senders.wake(chats)

    async def start(self) -> None:
        """Chats with rows left over (an earlier run, another instance) are found at once."""
        await self.senders.start()

    async def idle(self) -> None:
        """Wait until no chat is being sent to or retried soon (tests, benchmarks)."""
        await self.senders.idle(within=self.backoff[1] * 1.2)

    async def close(self) -> None:
        await self.senders.stop()

    # --- the Queue that ChatSenders drives -------------------------------------------------

    async def next(self, chat: int) -> list[PendingMessage]:
        """The chat's oldest row; none while it waits for the person (invited back once)."""
        rows = await self.store.pending(chat, 1, holder=self.senders.holder)
        if rows and not self._window_open(rows[0]):
            await self._window_closed(chat, rows[0])
            self.senders.back_off(chat, WINDOW_RECHECK)
            return []  # the lease is given up: whichever instance hears the person sends it
        return rows

    async def deliver(self, batch: list[PendingMessage]) -> bool:
        """Send every part of the row not yet accepted; record the outcome. False: held back."""
        row = batch[0]
        chat = row.chat_id
        parts = render(outgoing_from_payload(chat, row.payload))
        wa_id = wa_id_of(chat)
        for i in range(min(row.parts_done, len(parts)), len(parts)):
            outcome = await self._send_part(chat, wa_id, row, parts[i], f"o:{row.id}:{i}")
            if outcome == "window":
                await self.store.forget_inbound(chat)
                return True  # next() finds the row waiting: the person is invited back
            if outcome == "failed":
                return True
            if outcome == "retry":
                low, high = self.backoff
                self.senders.back_off(chat, min(high, low * 2 ** min(row.attempts, 10))
                                      * random.uniform(0.8, 1.2))
                return False
            if i + 1 < len(parts):  # the last part's record is the row's delivery
                await self.store.note_parts_done(row, i + 1)
        await self.store.mark_sent(row)
        if row.invited_for is not None:  # it waited for the person to come back
            await self._tell_staff(chat, "delivered.", icon="✅")
        return True

    def _window_open(self, row: PendingMessage) -> bool:
        last = row.last_inbound  # read with the row
        return last is not None and self.clock() - last < WINDOW_SECONDS - self.window_margin

    async def _send_part(self, chat: int, wa_id: str, row: PendingMessage, part: WaMessage,
                         tracker: str) -> str:
        """"sent", "window", "failed" (for good: staff told) or "retry" (attempt recorded)."""
        event = self._confirm[tracker] = asyncio.Event()
        try:
            media_id = await self._media_id(part) if part.kind == "media" else None
            if part.kind == "media" and media_id is None:
                part = WaMessage("text", part.text or f"[{part.media.kind if part.media else 'file'}]")
            await self.sender.send(wa_id, part, tracker, media_id)
            return "sent"
        except SendError as error:
            if error.kind == "ambiguous":
                if await self._wait_confirmed(tracker, event):
                    return "sent"  # it did go out: a status says so
            elif error.kind == "window":
                return "window"
            elif error.kind == "permanent":
                log.warning("a WhatsApp message failed for good: code %s", error.code)
                await self.store.mark_failed([row], str(error))
                reason = ("the number cannot receive messages" if error.code in UNREACHABLE_CODES
                          else f"WhatsApp error {error.code}")
                await self._tell_staff(chat, f"could not reach the person on WhatsApp ({reason}).",
                                       once=True)
                return "failed"
            await self.store.mark_attempt(row, str(error))
            return "retry"
        finally:
            self._confirm.pop(tracker, None)

    # --- statuses ------------------------------------------------------------------------

    async def on_status(self, status: Status) -> None:
        """A status notification (from the webhook), for a message any instance sent."""
        if status.status != "failed":
            await self._confirmed(status)
            return
        try:
            chat = whatsapp_chat_id(status.wa_id)
        except ValueError:
            return
        if status.error_code in WINDOW_CODES:
            await self.store.forget_inbound(chat)
            await self._tell_staff(chat, "WhatsApp refused a message because its 24-hour window "
                                   "had closed; that message was not delivered. Please send it "
                                   "again: it will wait until the person writes.")
        elif status.error_code in UNREACHABLE_CODES:
            await self._tell_staff(chat, "could not reach the person on WhatsApp (the number "
                                   "cannot receive messages).", once=True)

    async def _confirmed(self, status: Status) -> None:
        """Meta accepted the message with this tracker: mark it for the instance (maybe this
        one) whose send of it looked lost, if its row is still being sent."""
        tracker = status.tracker or ""
        parts = tracker.split(":")
        if len(parts) != 3 or parts[0] != "o" or not parts[1].isdigit():
            return
        try:
            chat = whatsapp_chat_id(status.wa_id)
        except ValueError:
            chat = None
        await self.store.mark_while_pending(f"sent:{tracker}", int(parts[1]), chat)
        event = self._confirm.get(tracker)
        if event is not None:
            event.set()

    async def _wait_confirmed(self, tracker: str, event: asyncio.Event) -> bool:
        """Whether a status for ``tracker`` comes within the grace, to any instance."""
        deadline = time.monotonic() + self.ambiguous_grace
        while True:
            if await self.store.marked(f"sent:{tracker}"):
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), min(left, CONFIRM_POLL_SECONDS))

    async def _media_id(self, part: WaMessage) -> str | None:
        """The WhatsApp media id for a part's file: a WhatsApp file as it is, a Telegram one
        fetched (``telegram_file``) and uploaded."""
        ref = part.media
        if ref is None:
            return None
        if ref.channel == "whatsapp":
            return ref.ref
        if self.telegram_file is None:
            return None
        data, mime = await self.telegram_file(ref)
        return await self.sender.upload(data, ref.mime_type or mime, ref.filename)

    # --- the window ----------------------------------------------------------------------

    async def _window_closed(self, chat: int, row: PendingMessage) -> None:
        """Invite the person ``row`` waits for back (once per closed window, whichever
        instance tries) and tell staff."""
        last = await self.store.last_inbound(chat)
        if not await self.store.note_invited(row, last):
            return
        ticket = await self.store.open_ticket_for_chat(chat)
        template = self.templates.get("invite_back", ticket.lang if ticket else "en")
        if template is None:
            await self._tell_staff(chat, "could not reach the person on WhatsApp (its 24-hour window "
                                   "has closed and no approved template is configured). Your reply "
                                   "is kept and will be delivered if they write again.", icon="⚠️")
            return
        try:
            await self.sender.send_template(wa_id_of(chat), template, "t")
        except SendError as error:
            log.warning("the invite-back template failed: code %s", error.code)
            await self._tell_staff(chat, f"could not reach the person on WhatsApp (the template failed: "
                                   f"error {error.code}). Your reply is kept and will be delivered if "
                                   "they write again.", icon="⚠️")
            return
        await self._tell_staff(chat, "WhatsApp's 24-hour window has closed. The person was invited "
                               "back with a template; your reply will be delivered when they write.",
                               icon="⏳")

    # --- staff ---------------------------------------------------------------------------

    async def _tell_staff(self, chat: int, text: str, *, icon: str = "⚠️", once: bool = False) -> None:
        if self.staff_chat_id is None:
            return
        ticket = await self.store.open_ticket_for_chat(chat)
        if ticket is None or (once and not await self.store.mark_once(f"told-failed:{ticket.id}", chat)):
            return
        chats = await self.store.enqueue([Outgoing(self.staff_chat_id, f"{icon} <b>#{ticket.ref}</b>: {text}",
                                                   ticket_id=ticket.id)])
        if self.on_staff_queued is not None:
            self.on_staff_queued(chats)
