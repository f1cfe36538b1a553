"""python-telegram-bot handlers: updates become dialogue events; replies go to the outbox.

Each update is handled in one database transaction that also records its ``update_id``,
so an update Telegram sends again after a crash takes effect exactly once.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict, deque

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.core.dialogue.engine import MEDIA_NAMES, Dialogue
from bot.core.dialogue.messages import Incoming, Outgoing, Result, StaffReply
from bot.core.i18n import translator
from bot.core.languages import language_for_code
from bot.core.markup import escape, split_message, visible_length
from bot.storage.conversation import SqlConversation
from bot.storage.store import AlreadyProcessed, Store
from bot.telegram_app.outbox import Outbox

log = logging.getLogger(__name__)
CAPTION_LIMIT = 1024


def sound_text(text: str | None) -> str | None:
    """Replace lone UTF-16 surrogates (a broken client): they cannot be stored or relayed."""
    return text.encode("utf-8", "replace").decode("utf-8") if text else text


def media_kind(message: Message) -> str | None:
    for name in MEDIA_NAMES:
        if getattr(message, name, None):
            return name
    return None


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
        if m.copy_of is not None:
            if visible_length(m.text) > CAPTION_LIMIT:
                result.append(Outgoing(m.chat_id, f"#{m.ticket_id}" if m.ticket_id else "",
                                       copy_of=m.copy_of, ticket_id=m.ticket_id))
                result += telegram_sized([Outgoing(m.chat_id, m.text, m.buttons, ticket_id=m.ticket_id)])
            else:
                result.append(m)
            continue
        parts = split_message(m.text)
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            result.append(Outgoing(m.chat_id, part, m.buttons if last else (), ticket_id=m.ticket_id))
    return result


class FloodGuard:
    """A per-user limit on messages per minute, kept in memory."""

    PRUNE_AT = 1000  # entries before quiet users are forgotten

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._seen: defaultdict[int, deque[float]] = defaultdict(deque)
        self._warned: dict[int, float] = {}
        self._prune_at = self.PRUNE_AT
        self._pruned_at = 0.0

    def allow(self, user_id: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        many = len(self._seen) > self.PRUNE_AT
        if len(self._seen) > self._prune_at or (many and now - self._pruned_at > 60):
            self._forget_quiet_users(now)
            # when many people are active at once, look again only after a minute or once
            # their number has doubled, not on every message
            self._pruned_at = now
            self._prune_at = max(self.PRUNE_AT, 2 * len(self._seen))
        window = self._seen[user_id]
        while window and window[0] < now - 60:
            window.popleft()
        window.append(now)
        return self.per_minute <= 0 or len(window) <= self.per_minute

    def _forget_quiet_users(self, now: float) -> None:
        """Keep memory flat: people who sent nothing for a minute need no entry."""
        for user_id in [u for u, w in self._seen.items() if not w or w[-1] < now - 60]:
            del self._seen[user_id]
        for user_id in [u for u, t in self._warned.items() if t < now - 60]:
            del self._warned[user_id]

    def should_warn(self, user_id: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        if now - self._warned.get(user_id, -1e9) > 60:
            self._warned[user_id] = now
            return True
        return False


class Handlers:
    def __init__(self, dialogue: Dialogue, store: Store, outbox: Outbox, *,
                 staff_chat_id: int | None, flood: FloodGuard) -> None:
        self.dialogue = dialogue
        self.store = store
        self.outbox = outbox
        self.staff_chat_id = staff_chat_id
        self.flood = flood

    async def _process(self, update: Update, event: Incoming | StaffReply, *,
                       user_id: int | None) -> str | None:
        """Run the dialogue in one transaction, queue its messages, then deliver. Returns a toast."""
        async def work(conversation: SqlConversation) -> Result:
            if isinstance(event, StaffReply):
                result = await self.dialogue.handle_staff(conversation, event)
            else:
                result = await self.dialogue.handle(conversation, event)
            for message in telegram_sized(result.messages):
                owner = user_id if user_id is not None or message.chat_id == self.staff_chat_id else (
                    message.chat_id)  # a staff reply belongs to the person it goes to
                await conversation.enqueue(message, user_id=owner)
            return result

        try:
            done = await self.store.unit_of_work(update.update_id, work)
        except AlreadyProcessed:
            log.info("update %s already handled; skipped", update.update_id)
            return None
        self.outbox.add(done.queued)
        return done.value.toast

    async def private_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.effective_message
        user = update.effective_user
        if message is None or user is None:
            return
        if not self.flood.allow(user.id) and await self.store.open_ticket_for_chat(message.chat_id) is None:
            if self.flood.should_warn(user.id):
                lang = language_for_code(user.language_code)
                await message.reply_text(escape(translator(lang).gettext(
                    "You are sending messages very fast. Please wait a minute and try again.")))
            return
        text = sound_text(message.text or message.caption)
        media = media_kind(message) if message.text is None else None
        command = command_of(text) if message.text and text else None
        event = Incoming(
            user_id=user.id, chat_id=message.chat_id, text=text,
            command=command[0] if command else None, args=command[1] if command else "",
            media=media, message_id=message.message_id, language_code=user.language_code)
        await self._process(update, event, user_id=user.id)

    async def button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None or query.message is None or query.message.chat.type != "private":
            return  # buttons only exist in private chats; anything else is ignored
        event = Incoming(user_id=query.from_user.id, chat_id=query.message.chat.id,
                         button=(query.data or "")[:64], language_code=query.from_user.language_code)
        toast = await self._process(update, event, user_id=query.from_user.id)
        try:
            await query.answer(text=toast[:190] if toast else None)
        except Exception as exc:  # an old query cannot be answered; nothing is lost
            log.info("answerCallbackQuery failed: %s", type(exc).__name__)

    async def staff_message(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A message in the staff chat: only replies to relayed messages matter."""
        message = update.effective_message
        if message is None or message.reply_to_message is None:
            return
        author = message.reply_to_message.from_user
        if author is None or author.id != context.bot.id:
            return  # staff talking among themselves, or to another bot
        event = StaffReply(chat_id=message.chat_id, message_id=message.message_id,
                           reply_to_message_id=message.reply_to_message.message_id,
                           text=sound_text(message.text or message.caption),
                           media=media_kind(message) if message.text is None else None,
                           replied_text=message.reply_to_message.text or message.reply_to_message.caption)
        await self._process(update, event, user_id=None)
