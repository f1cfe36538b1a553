"""The WhatsApp adapter put together: webhook -> dialogue -> outbox -> Cloud API.

``serve`` (the webhook server) builds one :class:`WhatsAppService` when ``WHATSAPP_TOKEN`` is
set, adds its routes (``service.channel.add_routes(app)``), starts it with the app and stops
it on shutdown. Each message a person sends is handled in one unit of work
(:meth:`handle`): the processed-message mark, the dialogue's changes, every outgoing message
as an outbox row and the person's last-inbound time commit together, or none of it does
(then the webhook answers 500 and Meta sends the message again).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from bot.channels import channel_of
from bot.core.content.templates import Templates, load_templates
from bot.core.dialogue.engine import Dialogue
from bot.core.dialogue.messages import Incoming, Outgoing, Result
from bot.core.flood import FloodGuard
from bot.core.i18n import translator
from bot.core.languages import language_for_code
from bot.core.markup import escape
from bot.delivery import SharedPace
from bot.storage.conversation import SqlConversation
from bot.storage.store import AlreadyProcessed, DatabaseUnusable, StorageError, Store
from bot.telegram_app.handlers import telegram_sized
from bot.whatsapp.config import WhatsAppSettings
from bot.whatsapp.delivery import Delivery, TelegramFile
from bot.whatsapp.sender import Sender
from bot.whatsapp.webhook import WhatsAppChannel

log = logging.getLogger(__name__)
STORAGE_ERRORS: tuple[type[BaseException], ...] = (StorageError, sqlite3.Error, DatabaseUnusable, OSError)
try:  # PostgreSQL, when installed
    import asyncpg

    STORAGE_ERRORS += (asyncpg.PostgresError, asyncpg.InterfaceError)
except ImportError:  # pragma: no cover
    pass


class WhatsAppService:
    def __init__(self, settings: WhatsAppSettings, store: Store, dialogue: Dialogue, *,
                 templates: Templates | None = None, content_dir: Path | None = None,
                 telegram_file: TelegramFile | None = None,
                 on_staff_queued: Callable[[set[int]], object] | None = None,
                 clock: Callable[[], float] = time.time, ambiguous_grace: float = 3.0,
                 flood_per_minute: int = 20) -> None:
        if templates is None:
            templates = load_templates(content_dir)[0] if content_dir is not None else Templates({}, False)
        if not templates.usable:
            log.warning("no approved WhatsApp templates (content/whatsapp_templates.yaml): a staff "
                        "reply after the 24-hour window waits until the person writes again")
        self.store = store
        self.dialogue = dialogue
        self.clock = clock
        self.on_staff_queued = on_staff_queued
        self.flood = FloodGuard(flood_per_minute)
        self.sender = Sender(settings, pace=SharedPace(store, "whatsapp", settings.max_rate, window=True))
        self.delivery = Delivery(store, self.sender, staff_chat_id=dialogue.staff_chat_id,
                                 templates=templates, telegram_file=telegram_file,
                                 on_staff_queued=on_staff_queued, ambiguous_grace=ambiguous_grace,
                                 clock=clock)
        self.channel = WhatsAppChannel(settings, self.handle, self.delivery.on_status)

    async def start(self) -> None:
        await self.sender.start()
        await self.delivery.start()

    async def stop(self) -> None:
        await self.delivery.close()
        await self.sender.close()

    def wake(self, chats: set[int], *, wrote: int | None = None) -> None:
        """Rows were queued: WhatsApp chats here, the rest (the staff group) to Telegram;
        ``wrote``: this person just wrote (see :meth:`Delivery.wake`)."""
        self.delivery.wake(chats, wrote=wrote)
        others = {c for c in chats if channel_of(c) != "whatsapp"}
        if others and self.on_staff_queued is not None:
            self.on_staff_queued(others)

    async def handle(self, incoming: Incoming, key: int) -> None:
        """One message from a person, start to commit. Raises when storage failed."""
        now = self.clock()
        if await self._flooding(incoming, key, now):
            return

        async def unit(conv: SqlConversation) -> None:
            result = await self.dialogue.handle(conv, incoming)
            await self._queue(conv, incoming, result)
            await conv.note_inbound(incoming.user_id, now)

        try:
            done = await self.store.unit_of_work(key, unit, chat_key=incoming.chat_id)
        except AlreadyProcessed:
            return
        except STORAGE_ERRORS:
            raise
        except Exception as exc:  # a bug: the person hears so, the message is not retried
            log.error("error while handling a WhatsApp message: %s", type(exc).__name__)
            done = await self._sorry(incoming, key, now)
            if done is None:
                return
            self.wake(done, wrote=incoming.chat_id)
            return
        self.wake(done.queued_chats | {incoming.chat_id}, wrote=incoming.chat_id)  # what waited goes

    async def _queue(self, conv: SqlConversation, incoming: Incoming, result: Result) -> None:
        for message in result.messages:
            sized = [message] if channel_of(message.chat_id) == "whatsapp" else telegram_sized([message])
            for part in sized:
                await conv.enqueue(part, user_id=incoming.user_id)

    async def _flooding(self, incoming: Incoming, key: int, now: float) -> bool:
        """Over the per-minute limit (and not in a helpline chat): warn once, handle nothing."""
        if self.flood.allow(incoming.user_id) or await self.store.open_ticket_for_chat(
                incoming.chat_id) is not None:
            return False
        notice = "You are sending messages very fast. Please wait a minute and try again."
        queued = await self._notice(incoming, key, now, notice if self.flood.should_warn(
            incoming.user_id) else None)
        if queued:
            self.wake(queued)
        return True

    async def _sorry(self, incoming: Incoming, key: int, now: float) -> set[int] | None:
        return await self._notice(incoming, key, now,
                                  "Sorry, something went wrong. Please try again, or use /helpline.")

    async def _notice(self, incoming: Incoming, key: int, now: float, msgid: str | None) -> set[int] | None:
        """Mark the message handled with only ``msgid`` (a catalog string) as the answer."""
        async def unit(conv: SqlConversation) -> None:
            if msgid is not None:
                user = await conv.load_user(incoming.user_id, incoming.chat_id)
                text = translator(language_for_code(user.lang)).gettext(msgid)
                await conv.enqueue(Outgoing(incoming.chat_id, escape(text), lang=user.lang),
                                   user_id=incoming.user_id)
            await conv.note_inbound(incoming.user_id, now)

        try:
            return (await self.store.unit_of_work(key, unit, chat_key=incoming.chat_id)).queued_chats
        except AlreadyProcessed:
            return None
