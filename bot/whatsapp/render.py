"""The core's messages as WhatsApp messages, within WhatsApp's rules.

- Markup (:mod:`bot.core.dialogue.messages`): ``<b>`` → ``*bold*``, ``<i>`` → ``_italic_``,
  a link → "text (URL)"; entities are unescaped; WhatsApp's own formatting characters
  (``* _ ~ ```) in the text are replaced by look-alikes (∗ ＿ ∼ ˋ) so that nobody's words turn
  into formatting (WhatsApp has no escape character), and so are a ``<`` that would start
  a tag and a ``&`` that would start an entity (‹ ＆). Web addresses are left as they are.
- Text: at most 4,096 characters a message, split at line breaks, in order.
- Buttons: at most 3 reply buttons with titles of at most 20 characters (a label's short form
  where the full one is too long); otherwise an interactive list of at most 10 rows (titles
  at most 24, the full label as the row's description), more rows in further lists. The body
  of a button or list message is at most 1,024 characters: longer text goes before it.
- Media: a file by its WhatsApp media id (uploaded first, see :mod:`bot.whatsapp.sender`),
  caption at most 1,024 characters, else the caption follows as text.

Lengths are counted in code points (Python ``len``), as the Graph API stand-in does.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from bot.core.dialogue.messages import Button, MediaRef, Outgoing
from bot.core.i18n import N_, translator

MAX_TEXT = 4096
MAX_BODY = 1024
MAX_CAPTION = 1024
MAX_BUTTONS = 3
BUTTON_TITLE = 20
MAX_ROWS = 10
ROW_TITLE = 24
ROW_DESCRIPTION = 72
LIST_BUTTON = N_("Choose")  # the list's opening button (at most 20 characters)
ELLIPSIS = "…"

_TOKEN = re.compile(r'<(/?)(b|i|a)(?:\s+href="([^"]*)")?\s*>')
_URL = re.compile(r"https?://\S+")
_LOOK_ALIKES = str.maketrans({"*": "∗", "_": "＿", "~": "∼", "`": "ˋ"})
_TAG_LIKE = re.compile(r"<(?=/?[a-zA-Z])")  # "<b>" typed by someone: never looks like HTML
_ENTITY_LIKE = re.compile(r"&(?=#?\w+;)")


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    title: str
    description: str | None = None


@dataclass(frozen=True, slots=True)
class WaMessage:
    """One Graph API message: ``kind`` is text, buttons, list or media."""

    kind: str
    text: str = ""
    choices: tuple[Choice, ...] = ()
    list_button: str = ""
    media: MediaRef | None = None


def _plain(text: str) -> str:
    text = _ENTITY_LIKE.sub("＆", _TAG_LIKE.sub("‹", text))
    return text.translate(_LOOK_ALIKES)


def neutralise(text: str) -> str:
    """Plain text WhatsApp shows as it is (web addresses untouched)."""
    out, last = [], 0
    for m in _URL.finditer(text):
        out.append(_plain(text[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(_plain(text[last:]))
    return "".join(out)


def _wrap(marker: str, inner: str) -> str:
    """``*inner*`` with the spaces outside the markers (WhatsApp needs them touching text)."""
    core = inner.strip()
    if not core:
        return inner
    lead = inner[: len(inner) - len(inner.lstrip())]
    trail = inner[len(inner.rstrip()):]
    return f"{lead}{marker}{core}{marker}{trail}"


def to_whatsapp(markup: str) -> str:
    """The core's markup as WhatsApp text (see the module's docstring)."""
    # A small stack machine over the three tags; anything else is text (already escaped).
    stack: list[tuple[str, str | None, list[str]]] = [("", None, [])]
    last = 0
    for m in _TOKEN.finditer(markup):
        stack[-1][2].append(neutralise(html.unescape(markup[last:m.start()])))
        last = m.end()
        closing, tag, href = m.group(1), m.group(2), m.group(3)
        if not closing:
            stack.append((tag, html.unescape(href) if href else None, []))
            continue
        if len(stack) == 1 or stack[-1][0] != tag:
            continue  # a stray closing tag: dropped
        opened, link, parts = stack.pop()
        inner = "".join(parts)
        if opened == "b":
            rendered = _wrap("*", inner)
        elif opened == "i":
            rendered = _wrap("_", inner)
        elif not link:
            rendered = inner
        elif inner.strip().strip("*_") in ("", link):  # the address is its own text
            rendered = link
        else:
            rendered = f"{inner} ({link})"
        stack[-1][2].append(rendered)
    stack[-1][2].append(neutralise(html.unescape(markup[last:])))
    while len(stack) > 1:  # unclosed tags: their text stays, unformatted
        _, _, parts = stack.pop()
        stack[-1][2].append("".join(parts))
    return "".join(stack[0][2])


def split_text(text: str, limit: int = MAX_TEXT) -> list[str]:
    """``text`` in parts of at most ``limit`` characters, cut at line breaks where possible."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:  # one line longer than a message: cut it
            room = limit - len(current) - (1 if current else 0)
            if room <= 0:
                parts.append(current)
                current, room = "", limit
            head, line = line[:room], line[room:]
            current = f"{current}\n{head}" if current else head
            parts.append(current)
            current = ""
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            candidate = line
        current = candidate
    if current.strip():
        parts.append(current)
    return [p for p in parts if p.strip()] or ([text[:limit]] if text.strip() else [])


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def _choices(buttons: list[Button]) -> tuple[str, list[list[Choice]]]:
    """("buttons", [[…]]) when reply buttons can show them all, else ("list", groups of rows)."""
    titles = [b.fitting(BUTTON_TITLE) for b in buttons]
    if len(buttons) <= MAX_BUTTONS and all(len(t) <= BUTTON_TITLE for t in titles) \
            and len(set(titles)) == len(titles):
        return "buttons", [[Choice(b.data, t) for b, t in zip(buttons, titles, strict=True)]]
    rows = []
    for b in buttons:
        title = _cut(b.fitting(ROW_TITLE), ROW_TITLE)
        description = _cut(b.label, ROW_DESCRIPTION) if title != b.label else None
        rows.append(Choice(b.data, title, description))
    return "list", [rows[i:i + MAX_ROWS] for i in range(0, len(rows), MAX_ROWS)]


def render(message: Outgoing, lang: str | None = None) -> list[WaMessage]:
    """One core message as the WhatsApp messages that carry it, in order."""
    text = to_whatsapp(message.text) if message.text else ""
    out: list[WaMessage] = []
    if message.media_ref is not None:
        caption = text if len(text) <= MAX_CAPTION else ""
        out.append(WaMessage("media", caption, media=message.media_ref))
        text = "" if caption else text
    elif message.copy_of is not None and not text:  # a Telegram message WhatsApp cannot copy
        text = "📎"
    buttons = list({b.data: b for row in message.buttons for b in row}.values())
    if not buttons:
        out += [WaMessage("text", part) for part in split_text(text)]
        return out
    parts = split_text(text) or ["☰"]
    if len(parts[-1]) > MAX_BODY:
        parts = parts[:-1] + split_text(parts[-1], MAX_BODY)
    out += [WaMessage("text", part) for part in parts[:-1]]
    kind, groups = _choices(buttons)
    opener = _cut(translator(lang or message.lang or "en").gettext(LIST_BUTTON), BUTTON_TITLE)
    for i, group in enumerate(groups):
        out.append(WaMessage(kind, parts[-1] if i == 0 else ELLIPSIS, tuple(group),
                             opener if kind == "list" else ""))
    return out
