"""Staff jobs without a channel (bot/staff): each answers once through the channel's send, one of
each kind at a time, a failure answered too; the answers' shapes. Telegram's routing of the
admin commands is driven end to end in tests/e2e and tests/reliability."""

from __future__ import annotations

import asyncio
from pathlib import Path

from bot.config import Settings
from bot.core.dialogue.messages import Attachment
from bot.core.dialogue.ports import Report
from bot.staff import StaffJobs, problems_answer, upload_problem
from bot.storage import Store

CHAT = 42


class Answers:
    def __init__(self) -> None:
        self.got: list[tuple[int, str, Attachment | None]] = []
        self.arrived = asyncio.Event()

    async def send(self, chat_id: int, text: str, attachment: Attachment | None = None) -> None:
        self.got.append((chat_id, text, attachment))
        self.arrived.set()

    async def one(self) -> tuple[int, str, Attachment | None]:
        await asyncio.wait_for(self.arrived.wait(), 10)
        self.arrived.clear()
        return self.got.pop(0)


def jobs(store: Store, answers: Answers) -> StaffJobs:
    return StaffJobs(Settings(), store, None, answers.send,  # type: ignore[arg-type]  (no reload here)
                     health=lambda: ["staff chat unreachable: kicked"])


async def test_stats_answer_once_with_the_chart_and_the_health(store: Store) -> None:
    answers = Answers()
    staff = jobs(store, answers)
    staff.start("stats", CHAT)
    chat, text, chart = await answers.one()
    assert chat == CHAT and "last 30 days" in text and "⚠️ staff chat unreachable: kicked" in text
    assert chart is not None and chart.kind == "photo" and chart.data.startswith(b"\x89PNG")
    await asyncio.sleep(0.05)
    assert answers.got == [] and not staff.running("stats")


async def test_one_job_of_a_kind_at_a_time_and_a_failure_is_answered(store: Store) -> None:
    answers = Answers()
    staff = jobs(store, answers)
    release = asyncio.Event()

    async def slow(chat_id: int) -> None:
        await release.wait()
        raise OSError("disk full")

    staff.start("reload", CHAT, slow)
    assert staff.running("reload") and not staff.running("stats")
    release.set()
    chat, text, file = await answers.one()
    assert chat == CHAT and "/reload failed (OSError)" in text and file is None
    await asyncio.sleep(0)
    assert not staff.running("reload")
    await staff.stop()


async def test_the_export_is_a_csv_of_every_report(store: Store) -> None:
    await store.unit_of_work(1, lambda uow: uow.add_report(7, "ur", Report("=Evil Co", "", "")))
    answers = Answers()
    jobs(store, answers).start("export_reports", CHAT)
    _, text, file = await answers.one()
    assert text == "" and file is not None and file.filename.endswith(".csv")
    assert "'=Evil Co" in file.data.decode("utf-8-sig")


async def test_an_upload_that_cannot_be_a_list_is_refused_before_it_is_read(tmp_path: Path,
                                                                            store: Store) -> None:
    assert upload_problem("photo.jpg", 10) and upload_problem("list.csv", 30 * 1024 * 1024)
    assert upload_problem("list.CSV", 10) is None
    answers = Answers()
    path = tmp_path / "notes.pdf"
    path.write_bytes(b"%PDF")
    await jobs(store, answers).import_file(CHAT, path, source="test")
    assert "Please send a .csv" in (await answers.one())[1]


def test_many_problems_show_the_first_and_come_as_a_file() -> None:
    text, file = problems_answer("<b>Not imported</b>", [f"row {n}: bad <x>" for n in range(50)])
    assert text.startswith("<b>Not imported</b>\nrow 0: bad &lt;x&gt;")  # escaped
    assert "row 9:" in text and "row 10:" not in text and "40 more: all 50 are in the file" in text
    assert file is not None and file.data.decode().count("\n") == 49
    assert problems_answer("✅ done", []) == ("✅ done", None)
