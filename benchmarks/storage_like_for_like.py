"""Lines of bot/storage/ that serve what storage did at f462a0f (issue 9's baseline of 573).

Usage: .venv/bin/python -m benchmarks.storage_like_for_like [REPO_DIR]   (default: this one)

Left out, as features of later issues: the PostgreSQL dialect seam (postgres.py, sql.py,
schema.py), watches (watches.py, WatchRows), WhatsApp's delivery state, the outbox leases and
shared pace of many instances, and migrations 4-7 (each with its comment lines). Results:
benchmarks/results/sizes.md.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

LATER_FILES = {"postgres.py", "sql.py", "schema.py", "watches.py"}
LATER_DEFS = {
    # WhatsApp's delivery state
    "mark_sent", "note_parts_done", "note_invited", "mark_once", "mark_while_pending", "marked",
    "last_inbound", "forget_inbound", "note_inbound", "outgoing_from_payload",
    # many instances: leases and the shared pace
    "shared", "claim_chat", "renew_leases", "release_chat", "release_chat_if_idle", "release_leases",
    "send_slots",
    # PostgreSQL: choosing the database, a deadlock's retry
    "open_store", "StorageConflict",
    # watches
    "WatchRows",
}
LATER_NAMES = {"_PENDING_HELD_SQL", "CONFLICT_ATTEMPTS"}
FIRST_LATER_MIGRATION = 3  # index: migrations 1-3 served what existed (3: meta, attachments)
COMMENT_LINES = 3  # about this many comment lines head each migration


def later_lines(body: list[ast.stmt]) -> int:
    later = 0
    for node in body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            start = min([d.lineno for d in node.decorator_list] + [node.lineno])
            if node.name in LATER_DEFS:
                later += (node.end_lineno or start) - start + 1
            elif isinstance(node, ast.ClassDef):
                later += later_lines(node.body)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names = {t.id for t in targets if isinstance(t, ast.Name)}
            if names & LATER_NAMES:
                later += (node.end_lineno or node.lineno) - node.lineno + 1
            if "MIGRATIONS" in names and isinstance(node.value, ast.Tuple):
                later += sum((e.end_lineno or e.lineno) - e.lineno + 1 + COMMENT_LINES
                             for e in node.value.elts[FIRST_LATER_MIGRATION:])
    return later


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else ".") / "bot" / "storage"
    total = later = 0
    for path in sorted(root.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        lines = len(text.splitlines())
        total += lines
        later += lines if path.name in LATER_FILES else later_lines(ast.parse(text).body)
    print(f"bot/storage: {total} lines; later features {later}; like for like {total - later}")


if __name__ == "__main__":
    main()
