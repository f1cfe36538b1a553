"""Admin commands for ADMIN_IDS only, checked on every action: /reload, /stats,
/export_reports and a document captioned /import_agencies."""

from __future__ import annotations

import asyncio
import io
import logging
import tempfile
from datetime import date
from pathlib import Path

from PIL import Image, ImageDraw
from telegram import InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from bot.config import Settings
from bot.core.agencies.listfile import AgencyListError, import_agency_file
from bot.core.knowledge_holder import KnowledgeHolder
from bot.core.markup import escape, split_message
from bot.storage.store import Store

log = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ALLOWED_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".html", ".htm")


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


def stats_text(stats: dict[str, dict[str, int]]) -> str:
    lines = ["<b>Rahnuma — last 30 days</b>"]
    for kind in ("verdict", "topic", "lang", "tickets", "reports", "relay", "urgent"):
        if stats.get(kind):
            items = ", ".join(f"{escape(k)}: {n}" for k, n in stats[kind].items())
            lines.append(f"<b>{kind}</b>: {items}")
    return "\n".join(lines)


class AdminCommands:
    def __init__(self, settings: Settings, store: Store, knowledge: KnowledgeHolder) -> None:
        self.settings = settings
        self.store = store
        self.knowledge = knowledge

    def is_admin(self, update: Update) -> bool:
        user = update.effective_user
        return user is not None and user.id in self.settings.admin_ids

    async def _refuse(self, update: Update) -> bool:
        if self.is_admin(update):
            return False
        log.info("admin command refused")
        if update.effective_message is not None:
            await update.effective_message.reply_text("This command is for Rahnuma admins only.")
        return True

    async def _reply_long(self, update: Update, text: str) -> None:
        assert update.effective_message is not None
        for part in split_message(text):
            await update.effective_message.reply_text(part, parse_mode=ParseMode.HTML)

    async def reload(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await self._refuse(update):
            return
        problems = await asyncio.to_thread(self.knowledge.reload)
        if problems:
            await self._reply_long(update, "❌ <b>Reload failed; still serving the previous content "
                                   "and agency list.</b>\n" + escape("\n".join(problems)))
        else:
            k = self.knowledge.current
            await self._reply_long(update, f"✅ Reloaded: {sum(len(t) for t in k.content.topics.values())} "
                                   f"topic files, {len(k.agencies.agencies)} agencies.")

    async def stats(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await self._refuse(update):
            return
        stats = await self.store.stats()
        assert update.effective_message is not None
        await self._reply_long(update, stats_text(stats))
        chart = await asyncio.to_thread(stats_chart, stats)
        await update.effective_message.reply_photo(InputFile(chart, filename="stats.png"))

    async def export_reports(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await self._refuse(update):
            return
        data = await self.store.export_reports_csv()
        assert update.effective_message is not None
        await update.effective_message.reply_document(
            InputFile(data, filename=f"rahnuma-reports-{date.today().isoformat()}.csv"))

    async def import_agencies(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        if await self._refuse(update):
            return
        message = update.effective_message
        assert message is not None
        document = message.document
        if document is None:
            await message.reply_text("Send the list as a document with the caption /import_agencies.")
            return
        name = Path(document.file_name or "upload.csv").name
        if not name.lower().endswith(ALLOWED_SUFFIXES):
            await message.reply_text("Please send a .csv, .xlsx or saved .html file.")
            return
        if (document.file_size or 0) > MAX_UPLOAD_BYTES:
            await message.reply_text("The file is too large (over 20 MB).")
            return
        file = await document.get_file()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / name
            await file.download_to_drive(path)
            if path.stat().st_size > MAX_UPLOAD_BYTES:
                await message.reply_text("The file is too large (over 20 MB).")
                return
            try:
                summary = await asyncio.to_thread(
                    import_agency_file, path, self.settings.agencies_file,
                    source=f"uploaded in Telegram: {name}")
            except AgencyListError as exc:
                await self._reply_long(update, "❌ <b>Not imported; the current list is unchanged.</b>\n"
                                       + escape(exc.report()))
                return
        problems = await asyncio.to_thread(self.knowledge.reload)
        text = "✅ " + escape(summary.describe())
        if problems:
            text += "\n⚠️ " + escape("Reload problems: " + "; ".join(problems))
        await self._reply_long(update, text)
