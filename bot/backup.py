"""`python -m bot backup [--to PATH]`: a consistent copy of the database, taken while the bot runs.

- SQLite (the default, ``DATA_DIR/rahnuma.sqlite3``): SQLite's online backup API copies the
  database as one snapshot; the bot keeps writing meanwhile (WAL mode). The copy is checked with
  ``PRAGMA integrity_check`` before it gets its final name.
- PostgreSQL (``DATABASE_URL`` set): ``pg_dump`` in its custom format (restore with
  ``pg_restore``), checked by reading its table of contents back with ``pg_restore --list``.
  The password goes to pg_dump through its environment, never on its command line.

Without ``--to`` the file goes to ``DATA_DIR/backups/``; ``--to`` names a folder (it gets a
timestamped file, e.g. ``rahnuma-20260131-220500Z.sqlite3``) or a file. An existing file is never
overwritten, and a failed backup leaves no file behind. Restoring: docs/going-live.md.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bot.config import Settings
from bot.storage.postgres import without_password


class BackupError(Exception):
    """A backup that could not be made; the message says what to do."""


@dataclass(frozen=True)
class Backup:
    path: Path
    kind: str  # "sqlite" or "postgresql"
    check: str  # what verified it

    def describe(self) -> str:
        size = self.path.stat().st_size
        return (f"Backup written: {self.path} ({size / 1e6:.1f} MB, {self.kind}, {self.check}).\n"
                "Copy it to another machine or drive: a backup on the same disk dies with it.")


def destination(to: str | None, default_dir: Path, suffix: str, now: datetime | None = None) -> Path:
    """The file to write: ``to`` itself, or a timestamped file in ``to`` (an existing folder or a
    name ending in ``/``) or in ``default_dir``."""
    if to and not (Path(to).is_dir() or to.endswith(("/", os.sep))):
        return Path(to)
    folder = Path(to) if to else default_dir
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%SZ")
    return folder / f"rahnuma-{stamp}{suffix}"


def _prepare(dest: Path) -> Path:
    if dest.exists():
        raise BackupError(f"{dest} already exists; not overwriting it (choose another --to)")
    dest.parent.mkdir(parents=True, exist_ok=True)
    partial = dest.with_name(dest.name + ".partial")
    partial.unlink(missing_ok=True)
    return partial


def backup_sqlite(source: Path, dest: Path) -> Backup:
    """Copy the SQLite database ``source`` to ``dest`` with the online backup API, then verify it."""
    if not source.is_file():
        raise BackupError(f"no database at {source}: is DATA_DIR right? (the bot creates it on first run)")
    partial = _prepare(dest)
    try:
        # mode=rw: never create an empty database where the real one was expected
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=rw", uri=True, timeout=30)
        try:
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)  # all pages in one step: one consistent snapshot
                # one self-contained file (the copied header says WAL; no -wal/-shm beside a backup)
                dst.execute("PRAGMA journal_mode=DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        check = sqlite3.connect(f"{partial.resolve().as_uri()}?mode=ro", uri=True)
        try:
            result = [row[0] for row in check.execute("PRAGMA integrity_check")]
        finally:
            check.close()
        if result != ["ok"]:
            raise BackupError(f"the copy failed PRAGMA integrity_check: {'; '.join(result[:5])}")
        os.replace(partial, dest)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite could not back up {source}: {exc}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return Backup(dest, "sqlite", "integrity_check ok")


def backup_postgres(url: str, dest: Path) -> Backup:
    """``pg_dump --format=custom`` of the database at ``url`` into ``dest``, then verify it."""
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise BackupError(
            "pg_dump was not found. Install PostgreSQL's client programs, at least the server's "
            "version (Debian/Ubuntu: apt-get install postgresql-client), or run the backup inside "
            "the bot's Docker container, which has them (docs/going-live.md).")
    partial = _prepare(dest)
    safe_url, password = without_password(url)
    env = dict(os.environ)
    if password is not None:
        env["PGPASSWORD"] = password
    try:
        done = subprocess.run(  # noqa: S603  (fixed program, no shell)
            [pg_dump, "--format=custom", "--no-owner", f"--file={partial}", f"--dbname={safe_url}"],
            env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise BackupError(f"pg_dump failed (exit {done.returncode}): {done.stderr.strip()}")
        pg_restore = shutil.which("pg_restore")
        check = "pg_dump ok"
        if pg_restore is not None:
            listed = subprocess.run(  # noqa: S603
                [pg_restore, "--list", str(partial)], capture_output=True, text=True, check=False)
            if listed.returncode != 0:
                raise BackupError(f"pg_restore cannot read the dump: {listed.stderr.strip()}")
            check = "pg_restore --list ok"
        os.replace(partial, dest)
    finally:
        partial.unlink(missing_ok=True)
    return Backup(dest, "postgresql", check)


def run_backup(settings: Settings, to: str | None, database_url: str | None) -> Backup:
    """Back up whichever database the bot uses: PostgreSQL when ``database_url``, else SQLite."""
    default_dir = settings.data_dir / "backups"
    if database_url:
        return backup_postgres(database_url, destination(to, default_dir, ".dump"))
    return backup_sqlite(settings.database_path, destination(to, default_dir, ".sqlite3"))


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    try:
        backup = run_backup(settings, args.to, settings.database_url)
    except BackupError as exc:
        sys.stderr.write(f"backup FAILED: {exc}\n")
        return 1
    sys.stdout.write(backup.describe() + "\n")
    return 0


def add_backup_command(sub: argparse._SubParsersAction) -> None:
    """The `backup` subcommand (hooked into bot/cli.py)."""
    p = sub.add_parser("backup", help="back up the database (SQLite or PostgreSQL) while the bot runs")
    p.add_argument("--to", help="folder (gets a timestamped file) or file name (default: DATA_DIR/backups/)")
    p.set_defaults(func=cmd_backup)
