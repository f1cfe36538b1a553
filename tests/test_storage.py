"""The store on SQLite and PostgreSQL (the `store` fixture, tests/pg.py): migrations, exactly-once
updates, the outbox, deletion, retention."""

from __future__ import annotations

import asyncio
import csv
import io
import itertools
import time
from pathlib import Path

import pytest

from bot.core.dialogue.messages import Button, Outgoing
from bot.core.dialogue.ports import Report, Ticket, UserRecord
from bot.staff import reports_csv, spreadsheet_safe
from bot.storage import StorageError
from bot.storage.conversation import SqlConversation
from bot.storage.database import MIGRATIONS, Database
from bot.storage.store import AlreadyProcessed, DatabaseUnusable, Store


async def test_migrations_are_versioned_and_idempotent(tmp_path: Path) -> None:
    db = await Database(tmp_path / "x.sqlite3").open()
    assert await db.schema_version() == len(MIGRATIONS)
    row = await db.fetchone("PRAGMA journal_mode")
    assert row[0] == "wal"
    await db.close()
    again = await Database(tmp_path / "x.sqlite3").open()  # reopening migrates nothing
    assert await again.schema_version() == len(MIGRATIONS)
    await again.close()


async def test_an_update_takes_effect_once(store: Store) -> None:
    async def first(uow: SqlConversation) -> None:
        user = await uow.load_user(7, 7)
        user.lang = "sd"
        await uow.save_user(user)
        await uow.enqueue(Outgoing(7, "hello"), user_id=7)

    async def again(uow: SqlConversation) -> None:
        await uow.enqueue(Outgoing(7, "hello again"), user_id=7)

    done = await store.unit_of_work(41, first)
    assert done.queued_chats == {7}
    with pytest.raises(AlreadyProcessed):
        await store.unit_of_work(41, again)
    assert [m.payload["text"] for m in await store.pending(7, 10)] == ["hello"]


async def test_a_unit_of_work_may_wait_and_one_chats_units_never_interleave(store: Store) -> None:
    async def slow(uow: SqlConversation, text: str) -> None:
        await uow.enqueue(Outgoing(7, f"{text} 1"), user_id=7)
        await asyncio.sleep(0.02)  # an honest async port: waiting is allowed
        await uow.enqueue(Outgoing(7, f"{text} 2"), user_id=7)

    await asyncio.gather(store.unit_of_work(43, lambda u: slow(u, "a"), chat_key=7),
                         store.unit_of_work(44, lambda u: slow(u, "b"), chat_key=7))
    texts = [m.payload["text"] for m in await store.pending(7, 10)]
    assert texts in (["a 1", "a 2", "b 1", "b 2"], ["b 1", "b 2", "a 1", "a 2"])


async def test_units_of_different_chats_run_side_by_side_on_postgres(store: Store) -> None:
    inside: list[int] = []
    most = 0

    async def work(uow: SqlConversation, chat: int) -> None:
        nonlocal most
        inside.append(chat)
        most = max(most, len(inside))
        await uow.enqueue(Outgoing(chat, "hi"), user_id=chat)
        await asyncio.sleep(0.05)
        inside.remove(chat)

    await asyncio.gather(*(store.unit_of_work(100 + c, lambda u, c=c: work(u, c), chat_key=c)
                           for c in range(1, 5)))
    # SQLite: one connection, one transaction at a time; PostgreSQL: a connection each
    assert most == (1 if store.db.dialect == "sqlite" else 4)
    assert await store.pending_count() == 4


async def test_a_failed_update_leaves_nothing_behind(store: Store) -> None:
    async def crashes(uow: SqlConversation) -> None:
        await uow.enqueue(Outgoing(7, "half done"), user_id=7)
        raise RuntimeError("crash in the middle")

    async def nothing(uow: SqlConversation) -> str:
        return "handled"

    with pytest.raises(RuntimeError, match="crash in the middle"):
        await store.unit_of_work(42, crashes)
    assert await store.pending_count() == 0
    # Telegram sends it again: handled this time
    assert (await store.unit_of_work(42, nothing)).value == "handled"


async def test_pending_messages_come_in_order_and_a_delivery_is_recorded_at_once(store: Store) -> None:
    async def three(uow: SqlConversation) -> None:
        for n in range(3):
            await uow.enqueue(Outgoing(5, f"m{n}", ((Button("a", "b"),),)), user_id=5)

    await store.unit_of_work(1, three)
    first = (await store.pending(5))[0]
    assert first.payload["text"] == "m0" and first.payload["buttons"] == [[["a", "b"]]]
    await store.mark_attempt(first, "NetworkError")
    again = (await store.pending(5))[0]
    assert again.id == first.id and again.attempts == 1  # a failure holds back the rest
    await store.mark_delivered([again], 100)
    assert [m.payload["text"] for m in await store.pending(5, 10)] == ["m1", "m2"]
    assert await store.chats_with_pending_messages() == [5]


async def test_relay_map_is_recorded_on_delivery(store: Store) -> None:
    async def relay(uow: SqlConversation) -> Ticket:
        ticket = await uow.open_ticket(await uow.load_user(9, 9), "ur", urgent=False)
        await uow.enqueue(Outgoing(-100, "#1 hi", ticket_id=ticket.id), user_id=9)
        return ticket

    ticket = (await store.unit_of_work(1, relay)).value
    pending = await store.pending(-100)
    await store.mark_delivered(pending, 555)
    found = (await store.unit_of_work(
        2, lambda uow: uow.ticket_for_staff_message(-100, 555))).value
    assert found is not None and found.id == ticket.id and found.user_id == 9


async def test_delete_user_data_removes_every_row(store: Store) -> None:
    async def everything(uow: SqlConversation) -> Ticket:
        user = await uow.load_user(11, 11)
        await uow.save_user(user)
        ticket = await uow.open_ticket(user, "en", urgent=True)
        await uow.add_report(11, "en", Report("Agent X", "0300", "took money"))
        await uow.add_activity(11, "check", "x")
        await uow.enqueue(Outgoing(-100, "secret words", ticket_id=ticket.id), user_id=11)
        return ticket

    ticket = (await store.unit_of_work(1, everything)).value
    removed = (await store.unit_of_work(2, lambda uow: uow.delete_user_data(11))).value
    assert removed == [ticket.ref] and ticket.ref == f"{store.token}-{ticket.id}"
    for table in ("users", "tickets", "reports", "recent_activity"):
        row = await store.db.fetchone(f"SELECT COUNT(*) FROM {table} WHERE user_id = 11")
        assert row[0] == 0, table
    assert await store.pending_count() == 0
    rows = await store.db.fetchall("SELECT payload FROM outbox")
    assert all("secret" not in r["payload"] for r in rows)


async def test_retention_purges_old_closed_tickets_and_reports(store: Store) -> None:
    async def history(uow: SqlConversation) -> Ticket:
        user = await uow.load_user(12, 12)
        old = await uow.open_ticket(user, "en", urgent=False)
        await uow.update_ticket(old.id, status="closed", closed_at=time.time() - 100 * 86400)
        fresh = await uow.open_ticket(user, "en", urgent=False)
        await uow.add_report(12, "en", Report("a", "", ""))
        return fresh

    fresh = (await store.unit_of_work(1, history)).value
    await store.db.execute("UPDATE reports SET created_at = ?", (time.time() - 91 * 86400,))
    assert await store.purge(90) == 2
    rows = await store.db.fetchall("SELECT id FROM tickets")
    assert [r["id"] for r in rows] == [fresh.id]


async def test_report_export_is_safe_against_formula_injection(store: Store) -> None:
    await store.unit_of_work(1, lambda uow: uow.add_report(
        1, "ur", Report("=HYPERLINK(\"http://x\")", "+923001234567", "@SUM(A1)")))
    data = reports_csv(await store.reports()).decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(data)))[1]
    assert row[3].startswith("'=") and row[4].startswith("'+") and row[5].startswith("'@")
    assert spreadsheet_safe("normal - fine") == "normal - fine"


@pytest.mark.parametrize(("cell", "safe"), [
    ("Ali;=HYPERLINK(\"http://x\")", "Ali;'=HYPERLINK(\"http://x\")"),
    ("Ali,+1+1", "Ali,'+1+1"),
    ("line one\n=cmd|' /C calc'!A0", "line one\n'=cmd|' /C calc'!A0"),
    ("Ali\t @SUM(A1)", "Ali\t '@SUM(A1)"),
    ("-5 rupees", "'-5 rupees"),
    ("a=b, c-d", "a=b, c-d"),
])
def test_a_formula_anywhere_in_a_cell_is_neutralised(cell: str, safe: str) -> None:
    assert spreadsheet_safe(cell) == safe


async def test_update_ticket_rejects_unknown_fields(store: Store) -> None:
    with pytest.raises(ValueError, match="unknown ticket fields"):
        await store.unit_of_work(1, lambda uow: uow.update_ticket(
            1, **{"status = 'x'; DROP TABLE tickets; --": 1}))
    assert (await store.db.fetchone("SELECT COUNT(*) FROM tickets"))[0] == 0  # table intact


async def test_only_the_last_five_activities_are_kept(store: Store) -> None:
    async def activities(uow: SqlConversation) -> list[tuple[str, str]]:
        for n in range(8):
            await uow.add_activity(3, "check", f"query {n}")
        await uow.add_activity(4, "question", "other person")
        return await uow.recent_activity(3, limit=10)

    recent = (await store.unit_of_work(1, activities)).value
    assert [summary for _, summary in recent] == [f"query {n}" for n in range(7, 2, -1)]
    row = await store.db.fetchone("SELECT COUNT(*) FROM recent_activity WHERE user_id = 4")
    assert row[0] == 1


async def test_a_failed_migration_keeps_the_previous_version(tmp_path: Path, monkeypatch) -> None:
    import bot.storage.database as database

    monkeypatch.setattr(database, "MIGRATIONS", (*MIGRATIONS, "CREATE TABLE t (x); BROKEN SQL;"))
    with pytest.raises(Exception, match="syntax error"):
        await Database(tmp_path / "m.sqlite3").open()
    monkeypatch.setattr(database, "MIGRATIONS", MIGRATIONS)
    db = await Database(tmp_path / "m.sqlite3").open()
    assert await db.schema_version() == len(MIGRATIONS)
    assert await db.fetchall("SELECT name FROM sqlite_master WHERE name = 't'") == []
    await db.close()


async def test_ticket_references_differ_between_databases(tmp_path: Path) -> None:
    refs = []
    for name in ("first", "second"):
        s = await Store.open(tmp_path / name / "db.sqlite3")
        refs.append((await s.unit_of_work(1, lambda uow: uow.open_ticket(
            UserRecord(1, 1), "en", urgent=False))).value.ref)
        await s.close()
    assert refs[0] != refs[1] and refs[0].endswith("-1") and refs[1].endswith("-1")


@pytest.mark.parametrize("damage", ["truncated", "garbage in the middle", "not a database"])
async def test_a_damaged_database_is_refused_never_replaced(tmp_path: Path, damage: str) -> None:
    path = tmp_path / "db.sqlite3"
    s = await Store.open(path)
    for n in range(300):
        await s.unit_of_work(n, lambda uow, n=n: uow.add_activity(n, "check", "x" * 150))
    await s.close()
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 3])
    elif damage == "garbage in the middle":
        path.write_bytes(data[:8192] + b"\xff" * 8192 + data[16384:])
    else:
        path.write_bytes(b"hello" * 1000)
    before = path.read_bytes()
    with pytest.raises(DatabaseUnusable, match="cannot be used"):
        await Store.open(path)
    assert path.read_bytes() == before  # untouched: no fresh empty database in its place


async def test_a_missing_database_is_refused_when_the_folder_had_one(tmp_path: Path) -> None:
    path = tmp_path / "data" / "db.sqlite3"
    await (await Store.open(path)).close()
    path.unlink()
    with pytest.raises(DatabaseUnusable, match="missing"):
        await Store.open(path)
    assert not path.exists()


async def test_a_data_folder_on_a_missing_volume_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DatabaseUnusable, match="does not exist"):
        await Store.open(tmp_path / "not-mounted" / "data" / "db.sqlite3")


async def test_a_database_file_that_disappears_while_running_is_noticed(tmp_path: Path) -> None:
    s = await Store.open(tmp_path / "db.sqlite3")
    assert await s.check() is None
    (tmp_path / "db.sqlite3").unlink()
    assert "disappeared" in (await s.check() or "")
    await s.close()


async def test_telegram_ids_beyond_32_bits_are_kept(store: Store) -> None:
    group, user = -1001234567890, 7_123_456_789

    async def work(uow: SqlConversation) -> Ticket:
        person = await uow.load_user(user, user)
        person.lang = "ur"
        await uow.save_user(person)
        ticket = await uow.open_ticket(person, "ur", urgent=False)
        await uow.enqueue(Outgoing(group, "relayed", ticket_id=ticket.id), user_id=user)
        return ticket

    ticket = (await store.unit_of_work(2_000_000_001, work)).value
    assert ticket.user_id == ticket.chat_id == user
    assert (await store.unit_of_work(None, lambda uow: uow.load_user(user, user))).value.lang == "ur"
    assert await store.chats_with_pending_messages() == [group]


async def test_the_same_update_twice_at_once_commits_once(store: Store) -> None:
    """Two instances that receive the same update: one effect; the other finds it done."""
    async def effect(uow: SqlConversation) -> None:
        await uow.enqueue(Outgoing(8, "once"), user_id=8)
        await asyncio.sleep(0.05)  # both are inside their transaction now

    results = await asyncio.gather(store.unit_of_work(77, effect), store.unit_of_work(77, effect),
                                   return_exceptions=True)
    assert sorted(type(r).__name__ for r in results) == ["AlreadyProcessed", "Done"]
    assert [m.payload["text"] for m in await store.pending(8, 10)] == ["once"]


async def test_a_failing_statement_is_a_storage_error_on_either_database(store: Store) -> None:
    with pytest.raises(StorageError):
        await store.db.execute("UPDATE no_such_table SET x = 1")
    with pytest.raises(StorageError):
        await store.unit_of_work(5, lambda uow: uow.conn.execute("INSERT INTO tickets (id) VALUES (1)"))
    assert (await store.unit_of_work(5, lambda uow: uow.count("lang", "ur"))).queued_chats == set()


async def test_send_slots_are_one_interval_apart_whoever_takes_them(store: Store) -> None:
    now = time.time()
    slots = [await store.send_slots("telegram", 0.5) for _ in range(4)]
    slots.append(await store.send_slots("telegram", 0.5, 3))  # three at once: the next is 1.5 s on
    slots.append(await store.send_slots("telegram", 0.5))
    assert slots[0] - now <= 0.05
    gaps = [later - earlier for earlier, later in itertools.pairwise(slots)]
    assert [round(g, 1) for g in gaps] == [0.5, 0.5, 0.5, 0.5, 1.5]


async def test_send_window_keeps_at_most_limit_sends_in_any_window(store: Store) -> None:
    now = time.time()
    first = await store.send_window("whatsapp", 3, 1.0, 2)
    second = await store.send_window("whatsapp", 3, 1.0, 3)  # one more fits now, two wait
    third = await store.send_window("whatsapp", 3, 1.0, 4)  # more than the limit at once
    times = first + second + third
    assert all(t - now < 0.1 for t in times[:3])
    assert times == sorted(times)
    assert all(later - earlier >= 1.0 - 1e-9 for earlier, later in zip(times, times[3:], strict=False))
    assert await store.send_window("telegram", 3, 1.0, 1) <= [time.time()]  # its own window
