"""`python -m bot backup`: SQLite's online backup of a live database, and pg_dump for PostgreSQL."""

from __future__ import annotations

import asyncio
import shutil
import sqlite3
import stat
import subprocess
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.backup import destination
from bot.cli import main

DB_NAME = "rahnuma.sqlite3"  # Settings.database_path inside DATA_DIR


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """DATA_DIR in a temporary folder, with a WAL database like the bot's; no DATABASE_URL."""
    monkeypatch.chdir(tmp_path)  # no stray .env from the developer's checkout
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    (tmp_path / "data").mkdir()
    conn = sqlite3.connect(tmp_path / "data" / DB_NAME, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE msgs (id INTEGER PRIMARY KEY, body TEXT NOT NULL)")
    conn.executemany("INSERT INTO msgs (body) VALUES (?)",
                     [(t,) for t in ("salam", "میرا پاسپورٹ", "منهنجو پاسپورٽ")] * 100)
    conn.close()
    return tmp_path / "data"


def _rows(path: Path) -> list[tuple[int, str]]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return conn.execute("SELECT id, body FROM msgs ORDER BY id").fetchall()
    finally:
        conn.close()


def _only_backup(folder: Path, suffix: str) -> Path:
    files = sorted(folder.iterdir())
    assert [f.suffix for f in files] == [suffix], files  # one file, no leftover .partial
    return files[0]


def test_default_is_a_timestamped_file_in_data_dir_backups(data_dir: Path,
                                                           capsys: pytest.CaptureFixture) -> None:
    assert main(["backup"]) == 0
    backup = _only_backup(data_dir / "backups", ".sqlite3")
    assert backup.name.startswith("rahnuma-") and backup.name.endswith("Z.sqlite3")
    assert _rows(backup) == _rows(data_dir / DB_NAME)
    assert len(_rows(backup)) == 300 and _rows(backup)[1][1] == "میرا پاسپورٹ"
    out = capsys.readouterr().out
    assert str(backup) in out and "integrity_check ok" in out


def test_backup_while_a_writer_holds_an_open_transaction(data_dir: Path, tmp_path: Path) -> None:
    writer = sqlite3.connect(data_dir / DB_NAME, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.executemany("INSERT INTO msgs (body) VALUES (?)", [("not yet committed",)] * 50)
        # the writer keeps its lock: the backup neither waits for it nor copies its rows
        assert main(["backup", "--to", str(tmp_path / "out") + "/"]) == 0
        writer.execute("COMMIT")
    finally:
        writer.close()
    backup = _only_backup(tmp_path / "out", ".sqlite3")
    assert len(_rows(backup)) == 300
    assert len(_rows(data_dir / DB_NAME)) == 350


def test_backup_of_a_database_being_written_is_one_consistent_snapshot(data_dir: Path,
                                                                        tmp_path: Path) -> None:
    started, stop = threading.Event(), threading.Event()
    written = [0]

    def write() -> None:
        conn = sqlite3.connect(data_dir / DB_NAME, isolation_level=None, timeout=30)
        try:
            while not stop.is_set():
                conn.execute("INSERT INTO msgs (body) VALUES (?)", (f"live {written[0]}",))
                written[0] += 1
                if written[0] == 20:
                    started.set()
        finally:
            conn.close()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        assert started.wait(30)
        status = main(["backup", "--to", str(tmp_path / "live.sqlite3")])
        at_backup = written[0]
    finally:
        stop.set()
        thread.join()
    assert status == 0
    rows = _rows(tmp_path / "live.sqlite3")
    ids = [r[0] for r in rows]
    assert ids == list(range(1, len(ids) + 1))  # a snapshot: no holes, no torn pages
    assert 300 + 20 <= len(ids) <= 300 + at_backup
    assert len(_rows(data_dir / DB_NAME)) == 300 + written[0]  # the writer lost nothing


def test_never_overwrites_and_reports_a_missing_database(data_dir: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "b.sqlite3"
    target.write_bytes(b"an older backup")
    assert main(["backup", "--to", str(target)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert target.read_bytes() == b"an older backup"

    monkeypatch.setenv("DATA_DIR", str(tmp_path / "nowhere"))
    assert main(["backup", "--to", str(tmp_path / "c.sqlite3")]) == 1
    assert "no database at" in capsys.readouterr().err
    assert not (tmp_path / "nowhere").exists() and not (tmp_path / "c.sqlite3").exists()


def test_destination_names() -> None:
    now = datetime(2026, 1, 31, 22, 5, 0, tzinfo=UTC)
    assert destination(None, Path("d/b"), ".dump", now) == Path("d/b/rahnuma-20260131-220500Z.dump")
    assert destination("x/", Path("d"), ".sqlite3", now) == Path("x/rahnuma-20260131-220500Z.sqlite3")
    assert destination("x/my.sqlite3", Path("d"), ".sqlite3", now) == Path("x/my.sqlite3")


def test_missing_pg_dump_is_a_clear_error(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://bot:secret@127.0.0.1:1/rahnuma")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert main(["backup", "--to", str(tmp_path / "out") + "/"]) == 1
    err = capsys.readouterr().err
    assert "pg_dump was not found" in err and "postgresql-client" in err
    assert "secret" not in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_the_password_reaches_pg_dump_by_environment_not_argv(data_dir: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    # a stand-in pg_dump that records what it was given (the process list shows argv to everyone)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "pg_dump"
    fake.write_text('#!/bin/sh\nprintf "%s\\n" "$@" > "$RECORD.args"\n'
                    'printf "%s" "$PGPASSWORD" > "$RECORD.pw"\n'
                    'for a in "$@"; do case "$a" in --file=*) echo dump > "${a#--file=}";; esac; done\n')
    fake.chmod(fake.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("RECORD", str(tmp_path / "record"))
    monkeypatch.setenv("DATABASE_URL", "postgresql://bot:s%40cret@db:5432/rahnuma?sslmode=require")
    assert main(["backup", "--to", str(tmp_path / "x.dump")]) == 0
    args = (tmp_path / "record.args").read_text()
    assert "s%40cret" not in args and "s@cret" not in args
    assert "--dbname=postgresql://bot@db:5432/rahnuma?sslmode=require" in args.splitlines()
    assert (tmp_path / "record.pw").read_text() == "s@cret"
    assert (tmp_path / "x.dump").read_text() == "dump\n"


@pytest.mark.skipif(shutil.which("pg_dump") is None or shutil.which("pg_restore") is None,
                    reason="PostgreSQL client programs (pg_dump, pg_restore) not installed")
def test_pg_dump_backup_restores(pg_url: str, data_dir: Path, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import asyncpg

    async def sql(statement: str, *args: object) -> list:
        conn = await asyncpg.connect(pg_url)
        try:
            return await conn.fetch(statement, *args)
        finally:
            await conn.close()

    asyncio.run(sql("CREATE TABLE msgs (id serial PRIMARY KEY, body text NOT NULL)"))
    for body in ("salam", "میرا پاسپورٹ", "منهنجو پاسپورٽ"):
        asyncio.run(sql("INSERT INTO msgs (body) VALUES ($1)", body))
    monkeypatch.setenv("DATABASE_URL", pg_url)
    assert main(["backup", "--to", str(tmp_path / "pg") + "/"]) == 0
    dump = _only_backup(tmp_path / "pg", ".dump")

    asyncio.run(sql("DROP TABLE msgs"))
    subprocess.run(["pg_restore", "--no-owner", f"--dbname={pg_url}", str(dump)], check=True)
    rows = asyncio.run(sql("SELECT body FROM msgs ORDER BY id"))
    assert [r["body"] for r in rows] == ["salam", "میرا پاسپورٹ", "منهنجو پاسپورٽ"]


@pytest.mark.skipif(shutil.which("pg_dump") is None or shutil.which("pg_restore") is None,
                    reason="PostgreSQL client programs (pg_dump, pg_restore) not installed")
def test_the_bots_postgresql_database_comes_back_whole_from_its_backup(
        pg_url: str, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real store's database, backed up while open, dropped, restored: the same ticket
    under the same reference, its waiting message, and the schema version."""
    from bot.config import Settings
    from bot.core.dialogue.messages import Outgoing
    from bot.core.dialogue.ports import UserRecord
    from bot.storage import open_store

    settings = Settings(data_dir=data_dir, database_url=pg_url)

    async def before() -> str:
        store = await open_store(settings)
        try:
            ticket = (await store.unit_of_work(1, lambda uow: uow.open_ticket(
                UserRecord(7_000_000_001, 7_000_000_001), "ur", urgent=True))).value
            await store.enqueue([Outgoing(-1001234567890, "پاسپورٹ رکھ لیا", ticket_id=ticket.id)])
            monkeypatch.setenv("DATABASE_URL", pg_url)
            assert main(["backup", "--to", str(tmp_path / "pg") + "/"]) == 0  # while the bot is open
            return ticket.ref
        finally:
            await store.close()

    async def wipe() -> None:
        import asyncpg

        conn = await asyncpg.connect(pg_url)
        await conn.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        await conn.close()

    async def after() -> tuple:
        store = await open_store(settings)
        try:
            ticket = await store.open_ticket_for_chat(7_000_000_001)
            waiting = await store.pending(-1001234567890, 5)
            return ticket.ref if ticket else None, [m.payload["text"] for m in waiting]
        finally:
            await store.close()

    ref = asyncio.run(before())
    dump = _only_backup(tmp_path / "pg", ".dump")
    asyncio.run(wipe())
    subprocess.run(["pg_restore", "--no-owner", f"--dbname={pg_url}", str(dump)], check=True)
    assert asyncio.run(after()) == (ref, ["پاسپورٹ رکھ لیا"])
