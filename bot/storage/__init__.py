"""SQLite storage (aiosqlite, WAL) for dialogue state, tickets, the outbox and reports."""
