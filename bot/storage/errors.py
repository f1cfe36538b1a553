"""What storage raises, whichever database is behind it."""

from __future__ import annotations


class StorageError(Exception):
    """The database failed a statement or a transaction (SQLite or PostgreSQL alike): nothing
    of that transaction was committed; trying again later is safe."""


class StorageConflict(StorageError):
    """Two transactions collided (PostgreSQL chose this one to give way in a deadlock): nothing
    was committed, and running the same work again will go through."""


class DatabaseUnusable(StorageError):
    """The database cannot be used at all; the message says what happened and what to do."""
