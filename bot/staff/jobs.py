"""Staff jobs, whichever channel asked: each runs in the background (intake is never held up),
one of each kind at a time, and ends in one answer to the chat that asked, sent with the
channel's ``send`` (for an import with problems: the first of them, and a file listing all of
them). The list jobs (import, update, the daily update) end in a reload, so the new list takes
effect (and watchers are told, bot/delivery/watchers.py)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from bot.config import Settings
from bot.core.agencies import DEFAULT_URL, AgencyListError, UpdateError, fetch_and_update, import_agency_file
from bot.core.dialogue.messages import Attachment
from bot.core.knowledge_holder import KnowledgeHolder
from bot.core.markup import escape
from bot.runtime import in_background
from bot.staff.answers import problems_answer, reports_csv, stats_chart, stats_text
from bot.storage import Store
from bot.storage.watches import SqlWatchLedger

log = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
ALLOWED_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xls", ".html", ".htm")
Send = Callable[[int, str, Attachment | None], Awaitable[None]]  # chat, text (markup), file
Job = Callable[[int], Awaitable[None]]


def upload_problem(name: str, size: int) -> str | None:
    """Why an uploaded list cannot be imported (plain text), or None."""
    if not name.lower().endswith(ALLOWED_SUFFIXES):
        return "Please send a .csv, .xlsx or saved .html file."
    if size > MAX_UPLOAD_BYTES:
        return "The file is too large (over 20 MB)."
    return None


class StaffJobs:
    def __init__(self, settings: Settings, store: Store, knowledge: KnowledgeHolder, send: Send, *,
                 health: Callable[[], list[str]] = list) -> None:
        self.settings = settings
        self.store = store
        self.knowledge = knowledge
        self.send = send
        self.health = health
        self._jobs: dict[str, asyncio.Task] = {}
        self._named: dict[str, Job] = {"reload": self.reload, "stats": self.stats,
                                       "export_reports": self.export, "update_agencies": self.update_agencies}

    def running(self, name: str) -> bool:
        return name in self._jobs

    def start(self, name: str, chat_id: int, job: Job | None = None) -> None:
        """Run job ``name`` (or ``job`` under that name) for ``chat_id`` in the background;
        a failure is answered too."""
        work = job or self._named[name]

        async def run() -> None:
            try:
                await work(chat_id)
            except Exception as exc:
                log.error("/%s failed: %s", name, type(exc).__name__)
                await self.send(chat_id, escape(f"❌ /{name} failed ({type(exc).__name__})."), None)

        task = asyncio.create_task(run())
        self._jobs[name] = task
        task.add_done_callback(lambda _t: self._jobs.pop(name, None))

    async def stop(self) -> None:
        for task in list(self._jobs.values()):
            task.cancel()
        await asyncio.gather(*self._jobs.values(), return_exceptions=True)

    async def reload(self, chat_id: int) -> None:
        problems = await in_background(self.knowledge.reload)
        if problems:
            await self.send(chat_id, *problems_answer(
                "❌ <b>Reload failed; still serving the previous content and agency list.</b>", problems))
            return
        k = self.knowledge.current
        await self.send(chat_id, f"✅ Reloaded: {sum(len(t) for t in k.content.topics.values())} "
                        f"topic files, {len(k.agencies.agencies)} agencies.", None)

    async def stats(self, chat_id: int) -> None:
        stats = await self.store.stats()
        stats["watching now"] = await SqlWatchLedger(self.store.db).counts()  # not 30 days
        chart = await asyncio.to_thread(stats_chart, stats)
        await self.send(chat_id, stats_text(stats, self.health()), Attachment("photo", "stats.png", chart))

    async def export(self, chat_id: int) -> None:
        data = reports_csv(await self.store.reports())
        await self.send(chat_id, "", Attachment(
            "document", f"rahnuma-reports-{date.today().isoformat()}.csv", data))

    async def update_agencies(self, chat_id: int) -> None:
        """Fetch the whole BE&OE list (as `agencies update` does), replace it, reload, and tell
        ``chat_id`` what changed; on any failure the list in use is untouched."""
        try:
            result = await fetch_and_update(self.settings.agencies_url or DEFAULT_URL,
                                            self.settings.agencies_file,
                                            notice_urls=self.settings.agencies_notices_urls)
        except UpdateError as exc:
            await self.send(chat_id, *problems_answer(
                "❌ <b>The agency list was not updated; the current list is unchanged.</b>",
                str(exc).splitlines()))
            return
        await self._reloaded(chat_id, result.describe(limit=20))

    async def import_file(self, chat_id: int, path: Path, *, source: str) -> None:
        """Validate the list at ``path`` (as `agencies import` does), replace the list, reload."""
        problem = upload_problem(path.name, (await asyncio.to_thread(path.stat)).st_size)
        if problem:
            await self.send(chat_id, escape(problem), None)
            return
        try:
            result = await in_background(import_agency_file, path, self.settings.agencies_file,
                                         source=source)
        except AgencyListError as exc:
            problems = [str(p) for p in exc.problems] or [str(exc)]
            await self.send(chat_id, *problems_answer(
                "❌ <b>Not imported; the current list is unchanged.</b>", problems))
            return
        await self._reloaded(chat_id, result.describe())

    async def _reloaded(self, chat_id: int, changes: str) -> None:
        problems = await in_background(self.knowledge.reload)
        await self.send(chat_id, *problems_answer("✅ " + escape(changes) + (
            "\n⚠️ <b>Reload problems:</b>" if problems else ""), problems))

    async def daily_update(self, chat_id: Callable[[], int | None], stop: asyncio.Event) -> None:
        """Fetch the BE&OE list every day at AGENCIES_UPDATE_AT (UTC), like /update_agencies;
        what changed goes to ``chat_id()`` (the staff group, wherever it is now)."""
        try:
            hour, minute = (int(part) for part in (self.settings.agencies_update_at or "").split(":"))
            datetime.now(UTC).replace(hour=hour, minute=minute)
        except ValueError:
            log.error("AGENCIES_UPDATE_AT must be HH:MM (UTC), e.g. 02:30; the daily update is off")
            return
        while not stop.is_set():
            now = datetime.now(UTC)
            due = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
            if due <= now:
                due += timedelta(days=1)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), (due - now).total_seconds())
                return
            target = chat_id()
            if target is not None and not self.running("update_agencies"):
                self.start("update_agencies", target)
