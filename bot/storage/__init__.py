"""Storage for dialogue state, tickets, the outbox and reports: SQLite (aiosqlite, WAL) by
default, PostgreSQL (asyncpg) when ``DATABASE_URL`` is set — one schema, the same statements.

``open_store(settings)`` gives the :class:`Store`; whatever fails in either database surfaces
as :class:`StorageError` (:class:`DatabaseUnusable` at start). See docs/storage.md.
"""

from bot.storage.errors import DatabaseUnusable, StorageError
from bot.storage.store import AlreadyProcessed, Done, PendingMessage, Store, open_store

__all__ = ["AlreadyProcessed", "DatabaseUnusable", "Done", "PendingMessage", "StorageError", "Store",
           "open_store"]
