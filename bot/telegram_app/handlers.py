"""Telegram updates become dialogue events; everything the bot says goes to the outbox.

Each update is handled in one database transaction that also records its ``update_id``, so
an update Telegram sends again after a crash takes effect exactly once. Every reply — the
dialogue's, an admin answer, the flood warning, the "something went wrong" message — is a
row in the outbox written in that transaction, so nothing overtakes a chat's queued messages.
"""

from __future__ import annotations

import asyncio
import logging
import time
import traceback
from collections.abc import Awaitable, Callable

from telegram import CallbackQuery, Message, Update

from bot.core.dialogue import helpline
from bot.core.dialogue.engine import Dialogue
from bot.core.dialogue.messages import Incoming, Outgoing, Result, StaffReply
from bot.core.flood import FloodGuard
from bot.core.i18n import translator
from bot.core.knowledge import Knowledge
from bot.core.languages import language_for_code
from bot.core.markup import escape, split_message, visible_length
from bot.delivery import StaffChat
from bot.storage import AlreadyProcessed, StorageError, Store
from bot.storage.conversation import SqlConversation
from bot.telegram_app.media import media_kind, media_ref
from bot.telegram_app.outbox import Outbox

log = logging.getLogger(__name__)
CAPTION_LIMIT = 1024
RELAY_GRACE_SECONDS = 3.0  # see Handlers._relay_settled
WEBHOOK_UPDATES = ("message", "callback_query")  # what _route acts on; Telegram sends nothing else
AdminRoute = Callable[[Update, Message], Awaitable[bool]]


def sound_text(text: str | None) -> str | None:
    """Replace lone UTF-16 surrogates (a broken client): they cannot be stored or relayed."""
    return text.encode("utf-8", "replace").decode("utf-8") if text else text


def command_of(text: str) -> tuple[str, str] | None:
    """('check', 'Al Falah') for '/check@RahnumaBot Al Falah'."""
    if not text.startswith("/"):
        return None
    head, _, args = text[1:].partition(" ")
    name = head.split("@", 1)[0].lower()
    return (name, args.strip()) if name.replace("_", "").isalnum() else None


def telegram_sized(messages: list[Outgoing]) -> list[Outgoing]:
    """Split long texts (buttons stay on the last part); long captions become a text after."""
    result: list[Outgoing] = []
    for m in messages:
        if m.copy_of is not None or m.attachment is not None or m.media_ref is not None:
            if visible_length(m.text) > CAPTION_LIMIT:
                result.append(Outgoing(m.chat_id, "", copy_of=m.copy_of, ticket_id=m.ticket_id,
                                       attachment=m.attachment, media_ref=m.media_ref))
                result += telegram_sized([Outgoing(m.chat_id, m.text, m.buttons, ticket_id=m.ticket_id)])
            else:
                result.append(m)
            continue
        parts = split_message(m.text)
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            result.append(Outgoing(m.chat_id, part, m.buttons if last else (), ticket_id=m.ticket_id))
    return result


class Handlers:
    def __init__(self, dialogue: Dialogue, store: Store, outbox: Outbox, *, staff: StaffChat,
                 knowledge: Callable[[], Knowledge], flood: FloodGuard,
                 admin: AdminRoute | None = None) -> None:
        self.dialogue = dialogue
        self.knowledge = knowledge
        self.store = store
        self.outbox = outbox
        self.staff = staff
        self.staff_chats = {staff.id} if staff.id is not None else set()
        self.flood = flood
        self.admin = admin
        staff.listeners.append(self._staff_changed)
        staff.tell_people = self.tell_staff_unreachable

    def _staff_changed(self, staff: StaffChat) -> None:
        if staff.id is not None:
            self.staff_chats.add(staff.id)  # replies in the old group still find their tickets
        self.dialogue.staff_chat_id = staff.id if staff.reachable else None

    # --- routing -------------------------------------------------------------------------

    async def handle(self, update: Update) -> None:
        """One update, start to end. A database error is raised (the update is not confirmed);
        any other error is logged without personal data and the person is told."""
        try:
            await self._route(update)
        except StorageError:
            raise
        except Exception as exc:
            log.error("error while handling an update: %s\n%s", type(exc).__name__,
                      "".join(traceback.format_tb(exc.__traceback__)))
            await self._sorry(update)

    async def _route(self, update: Update) -> None:
        if update.callback_query is not None:
            await self.button(update, update.callback_query)
            return
        message = update.message  # new messages only: edits and channel posts are ignored
        if message is None or message.from_user is None:
            return
        if self.admin is not None and await self.admin(update, message):
            return
        if message.chat.id in self.staff_chats:
            await self.staff_message(update, message)
        elif message.chat.type == "private":
            await self.private_message(update, message)

    async def commit(self, update_id: int | None, work: Callable[[SqlConversation], Awaitable[Result | None]],
                     *, owner: int | None, chat_key: int | None = None) -> Result | None:
        """Run ``work`` in one transaction with the update's mark; queue its messages in it.
        ``chat_key`` (the chat the event came from): that chat's events one after the other,
        also across instances."""
        async def unit(conversation: SqlConversation) -> Result | None:
            result = await work(conversation)
            for message in telegram_sized(result.messages if result else []):
                # a staff reply belongs to the person it goes to (deleted with their data)
                belongs = owner if owner is not None or message.chat_id in self.staff_chats else (
                    message.chat_id)
                await conversation.enqueue(message, user_id=belongs)
            return result

        try:
            done = await self.store.unit_of_work(update_id, unit, chat_key=chat_key)
        except AlreadyProcessed:
            log.info("update %s already handled; skipped", update_id)
            return None
        self.outbox.wake(done.queued_chats)
        return done.value

    async def reply(self, update: Update, chat_id: int, text: str) -> None:
        """A plain answer to an update (a notice), through the outbox."""
        self.outbox.wake(await self.store.answer(update.update_id, [Outgoing(chat_id, text)],
                                                 user_id=chat_id, chat_key=chat_id) or ())

    async def _sorry(self, update: Update) -> None:
        chat, user = update.effective_chat, update.effective_user
        if chat is None or chat.type != "private":
            return
        text = translator(language_for_code(user.language_code if user else None)).gettext(
            "Sorry, something went wrong. Please try again, or use /helpline.")
        await self.reply(update, chat.id, escape(text))

    async def _flooding(self, update: Update, user_id: int, chat_id: int, lang: str | None) -> bool:
        """Over the per-minute limit (and not in a helpline chat): warn once, handle nothing."""
        if self.flood.allow(user_id) or await self.store.open_ticket_for_chat(chat_id) is not None:
            return False
        if self.flood.should_warn(user_id):
            await self.reply(update, chat_id, escape(translator(language_for_code(lang)).gettext(
                "You are sending messages very fast. Please wait a minute and try again.")))
        return True

    # --- people --------------------------------------------------------------------------

    async def private_message(self, update: Update, message: Message) -> None:
        user = message.from_user
        assert user is not None
        if await self._flooding(update, user.id, message.chat_id, user.language_code):
            return
        text = sound_text(message.text or message.caption)
        media = media_kind(message) if message.text is None else None
        command = command_of(text) if message.text and text else None
        event = Incoming(
            user_id=user.id, chat_id=message.chat_id, text=text,
            command=command[0] if command else None, args=command[1] if command else "",
            media=media, message_id=message.message_id, language_code=user.language_code)
        await self.commit(update.update_id, lambda conv: self.dialogue.handle(conv, event), owner=user.id,
                          chat_key=message.chat_id)

    async def button(self, update: Update, query: CallbackQuery) -> None:
        if query.message is None or query.message.chat.type != "private":
            return  # buttons only exist in private chats; anything else is ignored
        user = query.from_user
        chat_id = query.message.chat.id
        toast: str | None
        if await self._flooding(update, user.id, chat_id, user.language_code):
            toast = None
        else:
            event = Incoming(user_id=user.id, chat_id=chat_id, button=(query.data or "")[:64],
                             language_code=user.language_code)
            result = await self.commit(update.update_id, lambda conv: self.dialogue.handle(conv, event),
                                       owner=user.id, chat_key=chat_id)
            toast = result.toast if result else None
        try:  # not a chat message: the spinner on the button stops
            await query.answer(text=toast[:190] if toast else None)
        except Exception as exc:  # an old query cannot be answered; nothing is lost
            log.info("answerCallbackQuery failed: %s", type(exc).__name__)

    # --- staff ---------------------------------------------------------------------------

    async def staff_message(self, update: Update, message: Message) -> None:
        """A message in the staff chat: only replies to the bot's messages matter."""
        replied = message.reply_to_message
        if replied is None or replied.from_user is None or replied.from_user.id != message.get_bot().id:
            return  # staff talking among themselves, or to another bot
        await self._relay_settled(message.chat_id, replied)
        event = StaffReply(chat_id=message.chat_id, message_id=message.message_id,
                           reply_to_message_id=replied.message_id,
                           text=sound_text(message.text or message.caption),
                           media=media_kind(message) if message.text is None else None,
                           media_ref=media_ref(message) if message.text is None else None)
        await self.commit(update.update_id, lambda conv: self.dialogue.handle_staff(conv, event), owner=None,
                          chat_key=message.chat_id)

    async def _relay_settled(self, chat_id: int, replied: Message) -> None:
        """Telegram shows a relayed message a moment before its delivery (and so its ticket)
        is recorded: a reply to a message the bot sent seconds ago waits for that record, up to
        RELAY_GRACE_SECONDS, instead of being told "not part of a ticket"."""
        if replied.date is None:
            return
        deadline = time.monotonic() + RELAY_GRACE_SECONDS
        while (time.time() - replied.date.timestamp() < RELAY_GRACE_SECONDS + 1  # noqa: ASYNC110 (the record may come from another instance: polled)
               and time.monotonic() < deadline
               and not await self.store.relay_recorded(chat_id, replied.message_id)):
            await asyncio.sleep(0.05)

    async def tell_staff_unreachable(self, ticket_ids: list[int]) -> None:
        """The staff chat cannot be reached: each waiting person hears so, with the numbers."""
        knowledge = self.knowledge
        for ticket in await self.store.tickets_by_id(ticket_ids):
            async def work(conv: SqlConversation, t=ticket) -> Result:
                return await helpline.staff_unavailable(knowledge(), conv, t)

            await self.commit(None, work, owner=ticket.user_id, chat_key=ticket.chat_id)
