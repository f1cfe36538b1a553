"""Turning content Markdown into Telegram HTML or plain text, and splitting long messages.

Telegram's HTML mode knows a few tags only; everything else is escaped. Length limits are
counted on the visible text, as Telegram counts them.
"""

from __future__ import annotations

import html
import re

TELEGRAM_LIMIT = 4096

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_TAG = re.compile(r"<[^>]+>")
_ENTITY_TAIL = re.compile(r"&[#\w]*$")


def escape(text: str) -> str:
    """Escape user or content text for Telegram HTML."""
    return html.escape(text, quote=False)


def markdown_to_html(text: str) -> str:
    """The small Markdown subset content uses: **bold**, [links](https://…), '- ' lists."""
    lines = []
    for line in text.strip().splitlines():
        stripped = line.strip()
        if stripped.startswith(("- ", "* ")):
            line = "• " + stripped[2:]
        line = escape(line)
        line = _BOLD.sub(r"<b>\1</b>", line)
        line = _LINK.sub(lambda m: f'<a href="{html.escape(m[2])}">{m[1]}</a>', line)
        lines.append(line)
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def html_to_plain(text: str) -> str:
    """Telegram HTML to plain text (for the console and the command line)."""
    return html.unescape(_TAG.sub("", text))


def visible_length(text: str) -> int:
    return len(html_to_plain(text))


def _cut_line(line: str, limit: int) -> list[str]:
    """Cut one over-long line of (escaped, tag-free) text without breaking an entity."""
    pieces = []
    while visible_length(line) > limit:
        cut = limit
        while visible_length(line[:cut]) > limit:
            cut -= max(1, (visible_length(line[:cut]) - limit))
        head = line[:cut]
        tail_entity = _ENTITY_TAIL.search(head)
        if tail_entity:
            cut = tail_entity.start()
            head = line[:cut]
        pieces.append(head)
        line = line[cut:]
    pieces.append(line)
    return pieces


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split HTML text into parts of at most `limit` visible characters, at line breaks.

    Our messages keep tags within a line, so cutting between lines never breaks a tag. A
    single line longer than the limit (a long user text) is cut; any tags on it are dropped.
    """
    if visible_length(text) <= limit:
        return [text]
    parts: list[str] = []
    current: list[str] = []
    size = 0
    for line in text.split("\n"):
        pieces = [line]
        if visible_length(line) > limit:
            plain = escape(html_to_plain(line))
            room = limit - size - 1 if current else limit  # fill the current part first
            first = _cut_line(plain, room)[0] if room > 0 else ""
            pieces = ([first] if first else []) + _cut_line(plain[len(first):], limit)
        for piece in pieces:
            length = visible_length(piece) + (1 if current else 0)
            if current and size + length > limit:
                parts.append("\n".join(current))
                current, size = [], 0
                length = visible_length(piece)
            current.append(piece)
            size += length
    if current:
        parts.append("\n".join(current))
    return [p for p in parts if p.strip()] or [""]
