"""What storage raises, whichever database is behind it."""

from __future__ import annotations


class StorageError(Exception):
    """The database failed a statement or a transaction (SQLite or PostgreSQL alike): nothing
    of that transaction was committed; trying again later is safe."""


class DatabaseUnusable(StorageError):
    """The database cannot be used at all; the message says what happened and what to do."""
