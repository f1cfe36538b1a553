"""Turning content Markdown into Telegram HTML or plain text, and splitting long messages.

Telegram's HTML mode knows a few tags only; everything else is escaped. Length limits are
counted on the visible text, as Telegram counts them.
"""

from __future__ import annotations

import html
import re

TELEGRAM_LIMIT = 4096

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_LINK = re.compile(r"\[([^\[\]]+)\]\((https?://[^)\s]+)\)")
_SLOT = re.compile("\x01(\\d+)\x02")
_TAG = re.compile(r"<[^>]+>")
_ENTITY_TAIL = re.compile(r"&[#\w]*$")


def escape(text: str) -> str:
    """Escape user or content text for Telegram HTML."""
    return html.escape(text, quote=False)


def _bold(escaped: str) -> str:
    return _BOLD.sub(r"<b>\1</b>", escaped)


def inline_to_html(line: str) -> str:
    """One line of content Markdown -> Telegram HTML whose tags always nest.

    Links are cut out first and put back whole, so a bold span either holds a whole link or
    stays inside the link text: `**a [b** c](…)` cannot produce crossed tags (its unpaired
    `**` stay visible as text, and `content check` reports them). The URL is escaped once.
    """
    links: list[re.Match[str]] = []

    def cut(m: re.Match[str]) -> str:
        links.append(m)
        return f"\x01{len(links) - 1}\x02"

    text = _LINK.sub(cut, line.replace("\x01", "").replace("\x02", ""))

    def put_back(m: re.Match[str]) -> str:
        link = links[int(m[1])]
        return f'<a href="{html.escape(link[2], quote=True)}">{_bold(escape(link[1]))}</a>'

    return _SLOT.sub(put_back, _bold(escape(text)))


def markdown_to_html(text: str) -> str:
    """The small Markdown subset content uses: **bold**, [links](https://…), '- ' lists."""
    lines = []
    for line in text.strip().splitlines():
        stripped = line.strip()
        if stripped.startswith(("- ", "* ")):
            line = "• " + stripped[2:]
        lines.append(inline_to_html(line))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


# Tags Telegram's HTML parse mode accepts (core.telegram.org/bots/api#html-style).
TELEGRAM_TAGS = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a",
                           "code", "pre", "tg-spoiler", "span", "blockquote", "tg-emoji"})
_HTML_TOKEN = re.compile(
    r"<(/?)([a-zA-Z][\w-]*)((?:\s[^<>]*)?)>"   # a tag
    r"|&(?:#\d+|#x[0-9a-fA-F]+|lt|gt|amp|quot);"  # an entity Telegram knows
    r"|[<>&]")                                  # anything else Telegram refuses


def telegram_html_problems(text: str) -> list[str]:
    """Why Telegram would refuse this HTML (unknown tags, crossed or unclosed tags, a bare
    < or &), in words; [] when it is accepted."""
    problems: list[str] = []
    stack: list[str] = []
    for m in _HTML_TOKEN.finditer(text):
        piece = m.group(0)
        if not piece.startswith("<") or m.group(2) is None:
            if not piece.startswith("&") or piece == "&":
                problems.append(f"a bare '{piece}' that is not escaped")
            continue
        closing, name, attrs = m.group(1), m.group(2).lower(), m.group(3) or ""
        if name not in TELEGRAM_TAGS:
            problems.append(f"the tag <{name}> is not one Telegram knows")
        elif not closing:
            if name == "a" and "href=" not in attrs:
                problems.append("a link without an address")
            if name == "a" and "a" in stack:
                problems.append("a link inside a link")
            stack.append(name)
        elif not stack or stack[-1] != name:
            problems.append(f"</{name}> closes a tag that is not the last one opened "
                            "(bold and a link overlap)" if name in stack else
                            f"</{name}> closes a tag that was never opened")
            if name in stack:
                while stack and stack.pop() != name:
                    pass
        else:
            stack.pop()
    problems += [f"<{name}> is never closed" for name in stack]
    return problems


def markdown_problems(line: str) -> list[str]:
    """Mistakes in one line of content Markdown that would show to the reader."""
    rendered = inline_to_html(line)
    problems = telegram_html_problems(rendered)
    if "**" in html_to_plain(rendered):
        problems.append("a '**' is not closed, or bold (**…**) and a link […](…) overlap")
    if any("&amp;" in m[2] for m in _LINK.finditer(line)):
        problems.append("a link address has '&amp;'; write a plain '&' (the bot escapes it)")
    return problems


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
