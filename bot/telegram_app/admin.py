"""Telegram's routing of the admin commands, for ADMIN_IDS only, checked on every action:
/reload, /stats, /export_reports, /update_agencies and a document captioned /import_agencies.
The work is the channel-neutral staff jobs' (bot/staff); every answer goes through the outbox.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from pathlib import Path

from telegram import Message, Update

from bot.config import Settings
from bot.core.dialogue.messages import Attachment, Outgoing
from bot.core.knowledge_holder import KnowledgeHolder
from bot.core.markup import escape, visible_length
from bot.staff import StaffJobs, upload_problem
from bot.storage.store import Store
from bot.telegram_app.handlers import CAPTION_LIMIT, telegram_sized
from bot.telegram_app.outbox import Outbox

log = logging.getLogger(__name__)
COMMANDS = ("reload", "stats", "export_reports", "update_agencies")


class AdminCommands:
    def __init__(self, settings: Settings, store: Store, knowledge: KnowledgeHolder, outbox: Outbox, *,
                 staff_chats: set[int], health: Callable[[], list[str]] = list) -> None:
        self.settings = settings
        self.store = store
        self.outbox = outbox
        self.staff_chats = staff_chats
        self.jobs = StaffJobs(settings, store, knowledge, self.send, health=health)

    async def route(self, update: Update, message: Message) -> bool:
        """Handle ``message`` if it is an admin command (True); anything else is not ours."""
        text = message.text or message.caption or ""
        name = (text[1:].split(maxsplit=1) or [""])[0].split("@")[0].lower() if text.startswith("/") else ""
        is_import = name == "import_agencies" and message.document is not None
        if name not in COMMANDS and not is_import:
            return False
        private = message.chat.type == "private"
        chat_id = message.chat.id
        if not private and chat_id not in self.staff_chats:
            return True  # some other group: not answered
        user = message.from_user
        if user is None or user.id not in self.settings.admin_ids:
            log.info("admin command refused")
            await self._answer(update, chat_id, "This command is for Rahnuma admins only.")
            return True
        if name == "export_reports" and not private:
            await self._answer(update, chat_id, "The export holds people's reports: ask for it in your "
                               "private chat with the bot, not in a group.")
            return True
        if self.jobs.running(name):
            await self._answer(update, chat_id, f"/{name} is already running; you will get its answer.")
            return True
        if await self.store.answer(update.update_id, [], chat_key=chat_id) is None:
            return True  # handled before a restart
        self.jobs.start(name, chat_id, (lambda c: self._import(c, message)) if is_import else None)
        return True

    async def _answer(self, update: Update, chat_id: int, text: str) -> None:
        self.outbox.wake(await self.store.answer(update.update_id, [Outgoing(chat_id, escape(text))],
                                                 chat_key=chat_id) or ())

    async def send(self, chat_id: int, text: str, attachment: Attachment | None = None) -> None:
        """A staff job's answer: its text (split if long), then the file, if any."""
        if attachment is not None and visible_length(text) <= CAPTION_LIMIT:
            messages = [Outgoing(chat_id, text, attachment=attachment)]  # one message
        else:
            messages = telegram_sized([Outgoing(chat_id, text)]) if text else []
            if attachment is not None:
                messages.append(Outgoing(chat_id, "", attachment=attachment))
        self.outbox.wake(await self.store.enqueue(messages))

    async def _import(self, chat_id: int, message: Message) -> None:
        document = message.document
        assert document is not None
        name = Path(document.file_name or "upload.csv").name
        problem = upload_problem(name, document.file_size or 0)
        if problem:
            await self.send(chat_id, escape(problem))
            return
        file = await document.get_file()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / name
            await file.download_to_drive(path)
            await self.jobs.import_file(chat_id, path, source=f"uploaded in Telegram: {name}")
