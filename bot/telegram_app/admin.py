"""Admin commands for ADMIN_IDS only, checked on every action: /reload, /stats,
/export_reports and a document captioned /import_agencies.

Long work never holds up intake: reloads, imports, the chart and the export run in the
background, one of each kind at a time, and the admin gets one answer when it is done (for an
import with problems: the first of them, and a file listing all of them). Every answer goes
through the outbox.
"""

from __future__ import annotations

import asyncio
import io
import logging
import tempfile
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

from PIL import Image, ImageDraw
from telegram import Message, Update

from bot.config import Settings
from bot.core.agencies import (
    DEFAULT_URL,
    AgencyListError,
    UpdateError,
    fetch_and_update,
    import_agency_file,
)
from bot.core.dialogue.messages import Attachment, Outgoing
from bot.core.knowledge_holder import KnowledgeHolder
from bot.core.markup import escape, visible_length
from bot.runtime import in_background
from bot.storage.store import Store
from bot.storage.watches import SqlWatchLedger
from bot.telegram_app.handlers import CAPTION_LIMIT, telegram_sized
from bot.telegram_app.outbox import Outbox

log = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ALLOWED_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".html", ".htm")
COMMANDS = ("reload", "stats", "export_reports", "update_agencies")
SHOWN_PROBLEMS = 10
SUMMARY_CHARS = 600  # the first problems, shown as the caption of the file with all of them


def stats_chart(stats: dict[str, dict[str, int]]) -> bytes:
    """A plain bar chart (PNG) of the counts: aggregate numbers only."""
    rows = [(f"{kind}: {key}", n) for kind in ("verdict", "topic", "lang", "tickets")
            for key, n in sorted(stats.get(kind, {}).items(), key=lambda kv: -kv[1])[:12]]
    rows = rows or [("no activity yet", 0)]
    width, bar_h, left = 900, 22, 330
    image = Image.new("RGB", (width, 40 + bar_h * len(rows)), "white")
    draw = ImageDraw.Draw(image)
    draw.text((10, 10), "Rahnuma: last 30 days (counts only, no personal data)", fill="black")
    top = max(n for _, n in rows) or 1
    for i, (label, n) in enumerate(rows):
        y = 35 + i * bar_h
        draw.text((10, y + 4), label[:48], fill="black")
        draw.rectangle((left, y + 3, left + int((width - left - 60) * n / top), y + bar_h - 3),
                       fill=(46, 125, 50))
        draw.text((left + int((width - left - 60) * n / top) + 6, y + 4), str(n), fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def stats_text(stats: dict[str, dict[str, int]], health: list[str]) -> str:
    lines = ["<b>Rahnuma — last 30 days</b>"]
    for kind in ("verdict", "topic", "lang", "tickets", "reports", "relay", "urgent", "watch",
                 "watching now"):
        if stats.get(kind):
            items = ", ".join(f"{escape(k)}: {n}" for k, n in stats[kind].items())
            lines.append(f"<b>{kind}</b>: {items}")
    lines += [f"⚠️ {escape(problem)}" for problem in health]
    return "\n".join(lines)


def summary(title: str, problems: list[str]) -> tuple[str, Attachment | None]:
    """One answer: the title, the first problems, and (when there are more) a file with all."""
    shown: list[str] = []
    for problem in problems[:SHOWN_PROBLEMS]:
        if sum(len(p) for p in shown) + len(problem) > SUMMARY_CHARS:
            break
        shown.append(problem)
    text = title + ("\n" + escape("\n".join(shown)) if shown else "")
    if len(shown) == len(problems):
        return text, None
    text += escape(f"\n… {len(problems) - len(shown)} more: all {len(problems)} are in the file.")
    return text, Attachment("document", "problems.txt", "\n".join(problems).encode("utf-8"))


class AdminCommands:
    def __init__(self, settings: Settings, store: Store, knowledge: KnowledgeHolder, outbox: Outbox, *,
                 staff_chats: set[int], health: Callable[[], list[str]] = list) -> None:
        self.settings = settings
        self.store = store
        self.knowledge = knowledge
        self.outbox = outbox
        self.staff_chats = staff_chats
        self.health = health
        self._jobs: dict[str, asyncio.Task] = {}

    async def route(self, update: Update, message: Message) -> bool:
        """Handle ``message`` if it is an admin command (True); anything else is not ours."""
        text = message.text or message.caption or ""
        name = text[1:].split(maxsplit=1)[0].split("@")[0].lower() if text.startswith("/") else ""
        is_import = name == "import_agencies" and message.document is not None
        if name not in COMMANDS and not is_import:
            return False
        private = message.chat.type == "private"
        if not private and message.chat.id not in self.staff_chats:
            return True  # some other group: not answered
        chat_id = message.chat.id
        user = message.from_user
        if user is None or user.id not in self.settings.admin_ids:
            log.info("admin command refused")
            await self._answer(update, chat_id, "This command is for Rahnuma admins only.")
            return True
        if name == "export_reports" and not private:
            await self._answer(update, chat_id, "The export holds people's reports: ask for it in your "
                               "private chat with the bot, not in a group.")
            return True
        if name in self._jobs:
            await self._answer(update, chat_id, f"/{name} is already running; you will get its answer.")
            return True
        if await self.store.answer(update.update_id, [], chat_key=chat_id) is None:
            return True  # handled before a restart
        job = {"reload": self._reload, "stats": self._stats, "export_reports": self._export,
               "update_agencies": self.update_agencies,
               "import_agencies": lambda c: self._import(c, message)}[name]
        self._start(name, chat_id, job)
        return True

    async def _answer(self, update: Update, chat_id: int, text: str) -> None:
        self.outbox.wake(await self.store.answer(update.update_id, [Outgoing(chat_id, escape(text))],
                                                 chat_key=chat_id) or ())

    async def _send(self, chat_id: int, text: str, attachment: Attachment | None = None) -> None:
        """The answer: its text (split if long), then the file, if any."""
        if attachment is not None and visible_length(text) <= CAPTION_LIMIT:
            messages = [Outgoing(chat_id, text, attachment=attachment)]  # one message
        else:
            messages = telegram_sized([Outgoing(chat_id, text)]) if text else []
            if attachment is not None:
                messages.append(Outgoing(chat_id, "", attachment=attachment))
        self.outbox.wake(await self.store.enqueue(messages))

    def _start(self, name: str, chat_id: int, job: Callable[[int], Awaitable[None]]) -> None:
        async def run() -> None:
            try:
                await job(chat_id)
            except Exception as exc:
                log.error("/%s failed: %s", name, type(exc).__name__)
                await self._send(chat_id, escape(f"❌ /{name} failed ({type(exc).__name__})."))

        task = asyncio.create_task(run())
        self._jobs[name] = task
        task.add_done_callback(lambda _t: self._jobs.pop(name, None))

    async def stop(self) -> None:
        for task in list(self._jobs.values()):
            task.cancel()
        await asyncio.gather(*self._jobs.values(), return_exceptions=True)

    async def _reload(self, chat_id: int) -> None:
        problems = await in_background(self.knowledge.reload)
        if problems:
            text, file = summary("❌ <b>Reload failed; still serving the previous content and agency "
                                 "list.</b>", problems)
            await self._send(chat_id, text, file)
            return
        k = self.knowledge.current
        await self._send(chat_id, f"✅ Reloaded: {sum(len(t) for t in k.content.topics.values())} "
                         f"topic files, {len(k.agencies.agencies)} agencies.")

    async def _stats(self, chat_id: int) -> None:
        stats = await self.store.stats()
        stats["watching now"] = await SqlWatchLedger(self.store.db).counts()  # not 30 days
        chart = await asyncio.to_thread(stats_chart, stats)
        await self._send(chat_id, stats_text(stats, self.health()), Attachment("photo", "stats.png", chart))

    async def _export(self, chat_id: int) -> None:
        data = await self.store.export_reports_csv()
        await self._send(chat_id, "", Attachment(
            "document", f"rahnuma-reports-{date.today().isoformat()}.csv", data))

    async def update_agencies(self, chat_id: int) -> None:
        """Fetch the whole BE&OE list (`agencies update`), replace it, reload, and tell `chat_id`
        what changed; on any failure the list in use is untouched."""
        try:
            result = await fetch_and_update(self.settings.agencies_url or DEFAULT_URL,
                                            self.settings.agencies_file,
                                            notice_urls=self.settings.agencies_notices_urls)
        except UpdateError as exc:
            text, file_ = summary("❌ <b>The agency list was not updated; the current list is "
                                  "unchanged.</b>", str(exc).splitlines())
            await self._send(chat_id, text, file_)
            return
        problems = await in_background(self.knowledge.reload)
        text, file_ = summary("✅ " + escape(result.describe(limit=20)) + (
            "\n⚠️ <b>Reload problems:</b>" if problems else ""), problems)
        await self._send(chat_id, text, file_)

    def start_daily_update(self, chat_id: int) -> None:
        """The scheduled update: the same job as /update_agencies, its answer to `chat_id`."""
        if "update_agencies" not in self._jobs:
            self._start("update_agencies", chat_id, self.update_agencies)

    async def _import(self, chat_id: int, message: Message) -> None:
        document = message.document
        assert document is not None
        name = Path(document.file_name or "upload.csv").name
        if not name.lower().endswith(ALLOWED_SUFFIXES):
            await self._send(chat_id, escape("Please send a .csv, .xlsx or saved .html file."))
            return
        if (document.file_size or 0) > MAX_UPLOAD_BYTES:
            await self._send(chat_id, escape("The file is too large (over 20 MB)."))
            return
        file = await document.get_file()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / name
            await file.download_to_drive(path)
            if path.stat().st_size > MAX_UPLOAD_BYTES:
                await self._send(chat_id, escape("The file is too large (over 20 MB)."))
                return
            try:
                result = await in_background(
                    import_agency_file, path, self.settings.agencies_file,
                    source=f"uploaded in Telegram: {name}")
            except AgencyListError as exc:
                text, file_ = summary("❌ <b>Not imported; the current list is unchanged.</b>",
                                      [str(p) for p in exc.problems] or [str(exc)])
                await self._send(chat_id, text, file_)
                return
        problems = await in_background(self.knowledge.reload)
        text, file_ = summary("✅ " + escape(result.describe()) + (
            "\n⚠️ <b>Reload problems:</b>" if problems else ""), problems)
        await self._send(chat_id, text, file_)
