"""An in-process stand-in for the Telegram Bot API, for tests and benchmarks.

Nothing reaches Telegram: :class:`BotApiStandin` is an aiohttp server on 127.0.0.1 that
answers the Bot API methods the project uses the way Telegram does (same JSON envelopes,
same error texts, real long polling with offset confirmation) and records what the bot sent.
Tests act as users through :meth:`BotApiStandin.user_sends` and
:meth:`BotApiStandin.press_button` and observe the bot with :meth:`BotApiStandin.wait_for`.

Faults (500, 429, dropped connections, slow answers, "delivered but the answer was lost")
and Telegram's flood limit can be switched on at runtime; see :class:`Faults`.

Usage from a benchmark script::

    sys.path.insert(0, "tests")
    from standin import BotApiStandin

    async with BotApiStandin(flood_limit=30) as standin:
        ...  # run the bot with TELEGRAM_API_BASE_URL=standin.base_url

It can also run on its own: ``python tests/standin.py --port 8081``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import copy
import hashlib
import itertools
import json
import logging
import math
import mimetypes
import random
import re
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

__all__ = [
    "FAULT_KINDS",
    "ApiError",
    "BotApiStandin",
    "EntityParseError",
    "Faults",
    "parse_html",
]

JSONDict = dict[str, Any]
_log = logging.getLogger(__name__)
MessagePredicate = Callable[[JSONDict], bool]

FAULT_KINDS = frozenset({"500", "429", "drop", "slow", "drop_after"})
"""Fault kinds: ``500`` Internal Server Error; ``429`` Too Many Requests with retry_after;
``drop`` closes the connection without an answer (nothing is done); ``slow`` answers after
``slow_seconds``; ``drop_after`` (opt-in) does the work, then closes the connection, so the
bot sees a network error for a message that *was* delivered."""

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024

# Update types Telegram sends when allowed_updates was never given.
_DEFAULT_ALLOWED = frozenset(
    {
        "message", "edited_message", "channel_post", "edited_channel_post",
        "business_connection", "business_message", "edited_business_message",
        "deleted_business_messages", "inline_query", "chosen_inline_result",
        "callback_query", "shipping_query", "pre_checkout_query", "purchased_paid_media",
        "poll", "poll_answer", "my_chat_member", "chat_join_request", "chat_boost",
        "removed_chat_boost",
    }
)

# Form/query parameters that are plain strings; every other value is JSON-decoded when it can be
# (PTB sends form fields as JSON-encoded values, strings as they are).
_STRING_PARAMS = frozenset(
    {
        "text", "caption", "parse_mode", "callback_query_id", "url", "action", "language_code",
        "description", "short_description", "name", "title", "emoji", "file_id",
        "inline_message_id", "query", "phone_number", "first_name", "last_name", "address",
        "question", "explanation", "document", "photo", "voice", "audio", "video",
        "animation", "sticker", "thumbnail", "business_connection_id", "secret_token",
        "message_effect_id", "vcard", "foursquare_id",
    }
)

_SEND_MEDIA = {
    "senddocument": "document",
    "sendphoto": "photo",
    "sendvoice": "voice",
    "sendaudio": "audio",
    "sendvideo": "video",
    "sendanimation": "animation",
    "sendsticker": "sticker",
}

# Methods that put a new message into a chat (counted by the flood limit and as "delivered").
_SENDING = frozenset(
    {"sendmessage", "copymessage", "forwardmessage", "sendlocation", "sendcontact", *_SEND_MEDIA}
)


class ApiError(Exception):
    """A Bot API error answer: HTTP status, description, optional ``parameters``."""

    def __init__(self, code: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def to_json(self) -> JSONDict:
        """The Telegram JSON envelope for this error."""
        body: JSONDict = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


class _Drop(Exception):
    """Raised inside a handler to close the connection without answering."""


@dataclass
class Faults:
    """Fault injection settings; deterministic for a given ``seed`` and call order.

    ``error_rate`` is the share of eligible calls that fail; each failure picks one of
    ``kinds`` (see :data:`FAULT_KINDS`; ``drop_after`` is never picked unless listed).
    ``methods`` limits the eligible methods (case-insensitive); by default every method except
    getUpdates is eligible, and ``include_get_updates=True`` adds it.
    """

    error_rate: float = 0.3
    kinds: Iterable[str] = frozenset({"500"})
    retry_after: int = 1
    slow_seconds: float = 0.5
    methods: Iterable[str] | None = None
    include_get_updates: bool = False
    seed: int | None = 0
    rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.kinds = frozenset(self.kinds)
        unknown = set(self.kinds) - FAULT_KINDS
        if unknown or not self.kinds:
            raise ValueError(f"fault kinds must be a non-empty subset of {sorted(FAULT_KINDS)}")
        if not 0.0 <= self.error_rate <= 1.0:
            raise ValueError("error_rate must be between 0 and 1")
        self._kinds_sorted = sorted(self.kinds)
        self._methods = None if self.methods is None else {m.lower() for m in self.methods}
        self.rng = random.Random(self.seed)

    def applies_to(self, method: str) -> bool:
        """Whether ``method`` (lower case) may be faulted."""
        if self._methods is not None:
            return method in self._methods
        return method != "getupdates" or self.include_get_updates

    def pick(self, method: str) -> str | None:
        """The fault for this call, or None."""
        if not self.applies_to(method) or self.error_rate <= 0:
            return None
        if self.rng.random() >= self.error_rate:
            return None
        return self.rng.choice(self._kinds_sorted)


# --------------------------------------------------------------------------------------------
# HTML parse mode, following tdlib's parser (what Telegram runs).


class EntityParseError(ValueError):
    """The text could not be parsed; the message is Telegram's."""


_HTML_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler",
        "tg-emoji", "span", "pre", "code", "blockquote",
    }
)
_SIMPLE_ENTITY = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
    "ins": "underline", "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough",
    "tg-spoiler": "spoiler",
}
_SPACES = b" \t\r\n\x0b\x0c"
_NAMED_ENTITIES = {b"lt": "<", b"gt": ">", b"amp": "&", b"quot": '"'}


def _u16(s: str) -> int:
    """Length of ``s`` in UTF-16 code units (Telegram's entity offsets)."""
    return len(s) + sum(1 for ch in s if ord(ch) > 0xFFFF)


def _decode_entity(b: bytes, pos: int) -> tuple[str, int] | None:
    """Decode the HTML entity at ``b[pos] == '&'``: (character, position after) or None."""
    end = pos + 1
    if b[end : end + 1] == b"#":
        end += 1
        hexa = b[end : end + 1] == b"x"
        if hexa:
            end += 1
        start = end
        digits = b"0123456789abcdefABCDEF" if hexa else b"0123456789"
        while end < len(b) and b[end] in digits:
            end += 1
        if end == start or end - pos >= 10:
            return None
        code = int(b[start:end], 16 if hexa else 10)
        if code == 0 or code >= 0x10FFFF:
            return None
        if 0xD800 <= code <= 0xDFFF:
            raise EntityParseError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        char = chr(code)
    else:
        while end < len(b) and (65 <= b[end] <= 90 or 97 <= b[end] <= 122):
            end += 1
        name = b[pos + 1 : end]
        if name not in _NAMED_ENTITIES:
            return None  # Telegram keeps an unknown entity (or a bare '&') as text
        char = _NAMED_ENTITIES[name]
    if b[end : end + 1] == b";":
        end += 1
    return char, end


def parse_html(text: str) -> tuple[str, list[JSONDict]]:
    """Parse Telegram HTML: (plain text, Bot API entities), or raise :class:`EntityParseError`.

    Byte offsets in error messages are UTF-8 offsets into ``text``, like Telegram's.
    """
    b = text.encode("utf-8")
    size = len(b)

    def at(i: int) -> int:
        return b[i] if i < size else 0

    out: list[str] = []
    offset = 0  # UTF-16 offset in the output
    entities: list[JSONDict] = []
    stack: list[tuple[str, str, int, int]] = []  # tag, argument, utf16 offset, len(out)
    i = 0
    plain_start = 0

    def flush(upto: int) -> None:
        nonlocal offset
        if upto > plain_start:
            chunk = b[plain_start:upto].decode("utf-8")
            out.append(chunk)
            offset += _u16(chunk)

    while i < size:
        c = b[i]
        if c == 0x26:  # '&'
            decoded = _decode_entity(b, i)
            if decoded is not None:
                flush(i)
                char, i = decoded
                out.append(char)
                offset += _u16(char)
                plain_start = i
                continue
            i += 1
            continue
        if c != 0x3C:  # not '<'
            i += 1
            continue
        flush(i)
        begin = i
        i += 1
        if at(i) != 0x2F:  # start tag
            while i < size and b[i] not in _SPACES and b[i] != 0x3E:
                i += 1
            if i >= size:
                raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
            tag = b[begin + 1 : i].decode("utf-8", "replace").lower()
            if tag not in _HTML_TAGS:
                raise EntityParseError(f'Unsupported start tag "{tag}" at byte offset {begin}')
            argument = ""
            while at(i) != 0x3E:
                while i < size and b[i] in _SPACES:
                    i += 1
                if at(i) == 0x3E:
                    break
                if i >= size:
                    raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                attr_begin = i
                while i < size and b[i] not in _SPACES and b[i] not in b"=>":
                    i += 1
                attr = b[attr_begin:i].decode("utf-8", "replace").lower()
                if not attr:
                    raise EntityParseError(
                        f'Empty attribute name in the tag "{tag}" at byte offset {begin}'
                    )
                while i < size and b[i] in _SPACES:
                    i += 1
                if at(i) != 0x3D:
                    if tag == "blockquote" and attr == "expandable":
                        argument = "expandable"
                        continue
                    if i >= size:
                        raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                    raise EntityParseError(
                        "Expected equal sign in declaration of an attribute of the tag "
                        f'"{tag}" at byte offset {begin}'
                    )
                i += 1
                while i < size and b[i] in _SPACES:
                    i += 1
                if i >= size:
                    raise EntityParseError(f'Unclosed start tag "{tag}" at byte offset {begin}')
                value: str
                if b[i] not in b"'\"":
                    token_begin = i
                    while i < size and ((b[i] < 128 and chr(b[i]).isalnum()) or b[i] in b".-"):
                        i += 1
                    value = b[token_begin:i].decode("ascii").lower()
                    if i < size and b[i] not in _SPACES and b[i] != 0x3E:
                        raise EntityParseError(
                            f"Unexpected end of name token at byte offset {token_begin}"
                        )
                else:
                    quote = b[i]
                    i += 1
                    parts: list[str] = []
                    vstart = i
                    while i < size and b[i] != quote:
                        if b[i] == 0x26:
                            decoded = _decode_entity(b, i)
                            if decoded is not None:
                                parts.append(b[vstart:i].decode("utf-8"))
                                parts.append(decoded[0])
                                i = vstart = decoded[1]
                                continue
                        i += 1
                    parts.append(b[vstart:i].decode("utf-8"))
                    value = "".join(parts)
                    if i < size:
                        i += 1
                if i >= size:
                    raise EntityParseError(f"Unclosed start tag at byte offset {begin}")
                if (
                    (tag == "a" and attr == "href")
                    or (tag == "tg-emoji" and attr == "emoji-id")
                ):
                    argument = value
                elif tag == "code" and attr == "class" and value.startswith("language-"):
                    argument = value[len("language-") :]
                elif tag == "span" and attr == "class" and value.startswith("tg-"):
                    argument = value[len("tg-") :]
            if tag == "span" and argument != "spoiler":
                raise EntityParseError(
                    f'Tag "span" must have class "tg-spoiler" at byte offset {begin}'
                )
            stack.append((tag, argument, offset, len(out)))
        else:  # end tag
            if not stack:
                raise EntityParseError(f"Unexpected end tag at byte offset {begin}")
            while i < size and b[i] not in _SPACES and b[i] != 0x3E:
                i += 1
            end_tag = b[begin + 2 : i].decode("utf-8", "replace").lower()
            while i < size and b[i] in _SPACES:
                i += 1
            if at(i) != 0x3E:
                raise EntityParseError(f"Unclosed end tag at byte offset {begin}")
            tag, argument, start, out_pos = stack[-1]
            if end_tag and end_tag != tag:
                raise EntityParseError(
                    f'Unmatched end tag at byte offset {begin}, expected "</{tag}>", '
                    f'found "</{end_tag}>"'
                )
            stack.pop()
            length = offset - start
            if length > 0:
                entity = _html_entity(tag, argument, start, length, "".join(out[out_pos:]))
                if entity is not None:
                    _merge_pre_code(entities, entity)
        i += 1  # past '>'
        plain_start = i
    flush(size)
    if stack:
        raise EntityParseError(
            f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"'
        )
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _html_entity(tag: str, argument: str, offset: int, length: int, inner: str) -> JSONDict | None:
    """The Bot API entity for a closed tag, or None when Telegram would drop it."""
    base: JSONDict = {"offset": offset, "length": length}
    if tag in _SIMPLE_ENTITY:
        return {"type": _SIMPLE_ENTITY[tag], **base}
    if tag == "span":
        return {"type": "spoiler", **base}
    if tag == "tg-emoji":
        return {"type": "custom_emoji", **base, "custom_emoji_id": argument}
    if tag == "blockquote":
        kind = "expandable_blockquote" if argument else "blockquote"
        return {"type": kind, **base}
    if tag == "code":
        return {"type": "code", **base, **({"language": argument} if argument else {})}
    if tag == "pre":
        return {"type": "pre", **base}
    # <a>
    url = argument or inner
    match = re.fullmatch(r"tg://user\?id=(\d+)", url)
    if match:
        user = {"id": int(match.group(1)), "is_bot": False, "first_name": ""}
        return {"type": "text_mention", **base, "user": user}
    if re.match(r"^[a-z][a-z0-9+.-]*://", url, re.I) or "." in url:
        return {"type": "text_link", **base, "url": url}
    return None


def _merge_pre_code(entities: list[JSONDict], entity: JSONDict) -> None:
    """``<pre><code class="language-x">`` becomes one pre entity with a language."""
    if entities:
        last = entities[-1]
        same = last["offset"] == entity["offset"] and last["length"] == entity["length"]
        if same and entity["type"] == "pre" and last["type"] == "code":
            entities.pop()
            language = last.get("language")
            entity = {**entity, **({"language": language} if language else {})}
    entities.append(entity)


def _trim(text: str, entities: list[JSONDict]) -> tuple[str, list[JSONDict]]:
    """Strip leading/trailing whitespace like Telegram, shifting and clipping entities."""
    stripped = text.strip()
    if stripped == text:
        return text, entities
    lead = _u16(text[: len(text) - len(text.lstrip())])
    total = _u16(stripped)
    fixed = []
    for entity in entities:
        start = max(0, entity["offset"] - lead)
        end = min(entity["offset"] + entity["length"] - lead, total)
        if end > start:
            fixed.append({**entity, "offset": start, "length": end - start})
    return stripped, fixed


def format_text(
    text: Any, parse_mode: str | None, entities: list[JSONDict] | None, *, caption: bool = False
) -> tuple[str, list[JSONDict]]:
    """Apply ``parse_mode`` like Telegram and check the length; raises :class:`ApiError`."""
    what = "caption" if caption else "text"
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    mode = (parse_mode or "").lower()
    if mode == "html":
        try:
            text, entities = parse_html(text)
        except EntityParseError as exc:
            raise _bad(f"can't parse entities: {exc}") from None
    elif mode in ("", "none"):
        entities = list(entities or [])
    elif mode not in ("markdown", "markdownv2"):
        raise _bad(f"unsupported parse_mode {parse_mode!r}")
    else:
        entities = list(entities or [])  # Markdown is passed through unparsed
    text, entities = _trim(text, entities)
    if not text and not caption:
        raise _bad("message text is empty")
    limit = MAX_CAPTION_LENGTH if caption else MAX_TEXT_LENGTH
    if len(text) > limit:  # Telegram counts Unicode code points here
        raise _bad(f"message {what} is too long" if caption else "message is too long")
    return text, entities


def _bot_command_entities(text: str | None) -> list[JSONDict]:
    """The bot_command entity Telegram adds when a text starts with a command."""
    if not text:
        return []
    match = re.match(r"/[A-Za-z0-9_]{1,64}(@[A-Za-z0-9_]{3,64})?", text)
    if not match:
        return []
    return [{"type": "bot_command", "offset": 0, "length": _u16(match.group(0))}]


# --------------------------------------------------------------------------------------------


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    mime_type: str | None
    file_name: str | None


_Handler = Callable[[JSONDict, dict[str, tuple[str, bytes, str | None]]], Awaitable[Any]]


class BotApiStandin:
    """The Bot API stand-in: an aiohttp server on 127.0.0.1 plus the state tests drive.

    ``token`` is the one token accepted (None accepts any well-formed token).
    ``flood_limit`` answers 429 once more than that many messages were sent in the last
    ``flood_window`` seconds across all chats (``flood_mode="window"``, a sliding window), or
    emulates a token bucket of that capacity refilled at ``flood_limit/flood_window`` per
    second (``flood_mode="bucket"``, the algorithm of PTB's AIORateLimiter).
    ``per_chat_limit`` (off by default) does the same per chat over ``per_chat_window``.
    ``group_limit`` (off by default) is Telegram's limit for groups: at most that many
    messages into one group (a chat with a negative id) per ``group_window`` (60 s), 429 above.
    ``strict_chats`` answers "chat not found" for chats nobody has written from.
    """

    def __init__(
        self,
        token: str | None = "123:TEST",
        *,
        bot_username: str = "rahnuma_test_bot",
        bot_name: str = "Rahnuma Test",
        flood_limit: int | None = None,
        flood_window: float = 1.0,
        flood_mode: str = "window",
        per_chat_limit: int | None = None,
        per_chat_window: float = 1.0,
        group_limit: int | None = None,
        group_window: float = 60.0,
        faults: Faults | None = None,
        strict_chats: bool = True,
        record_calls: bool = True,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        if flood_mode not in ("window", "bucket"):
            raise ValueError("flood_mode must be 'window' or 'bucket'")
        self.token = token
        self.bot_id = int(token.split(":", 1)[0]) if token else 123
        self.bot_user: JSONDict = {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
        }
        self.flood_limit = flood_limit
        self.flood_window = flood_window
        self.flood_mode = flood_mode
        self.per_chat_limit = per_chat_limit
        self.per_chat_window = per_chat_window
        self.group_limit = group_limit
        self.group_window = group_window
        self.faults = faults
        self.strict_chats = strict_chats
        self.record_calls = record_calls
        self.host = host
        self.port = port

        # Observable state.
        self.all_calls: list[tuple[str, JSONDict]] = []
        self.outbox: list[JSONDict] = []  # every bot message, in order
        self.messages: dict[tuple[int, int], JSONDict] = {}  # (chat_id, message_id) -> message
        self.deleted: set[tuple[int, int]] = set()
        self.chats: dict[int, JSONDict] = {}
        self.users: dict[int, JSONDict] = {}
        self.members: dict[int, set[int]] = {}
        self.blocked: set[int] = set()
        self.kicked: set[int] = set()  # groups the bot was removed from
        self.migrated: dict[int, int] = {}  # group -> the supergroup it became
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}
        self.menu_buttons: dict[int | None, JSONDict] = {}
        self.callback_answers: dict[str, JSONDict] = {}
        self.chat_actions: list[tuple[int, str]] = []
        self.updates_log: list[JSONDict] = []
        self.delivered: Counter[int] = Counter()
        self.too_many_requests = 0
        self.faults_injected: Counter[str] = Counter()
        self.webhook_url = ""  # set by setWebhook: updates are then POSTed there, not queued for getUpdates
        self.webhook_secret = ""  # setWebhook's secret_token, sent in X-Telegram-Bot-Api-Secret-Token
        self.webhook_max_connections = 40
        self.webhook_retry_first = 0.1  # seconds before the first retry of a refused delivery, doubling
        self.webhook_retry_max = 2.0
        self.webhook_timeout = 60.0  # Telegram gives up on an answer after about a minute
        self.webhook_deliveries: list[tuple[int, int]] = []  # (update_id, HTTP status; 0: no answer)

        self._updates: list[JSONDict] = []  # unconfirmed
        self._next_update_id = 1
        self._allowed_updates: frozenset[str] = _DEFAULT_ALLOWED
        self._poll_generation = 0
        self._next_message_id: dict[int, int] = {}
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._media_index: dict[str, Any] = {}  # file_id -> media object as in messages
        self._file_counter = itertools.count(1)
        self._callback_counter = itertools.count(1)
        self._pending_callbacks: set[str] = set()
        self._consumed: set[int] = set()  # id() of outbox messages returned by wait_for
        self._flood_times: deque[float] = deque()
        self._bucket_tokens = float(flood_limit or 0)
        self._bucket_time = time.monotonic()
        self._chat_times: dict[int, deque[float]] = {}
        self._group_times: dict[int, deque[float]] = {}
        self._cond: asyncio.Condition | None = None
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._webhook_allowed: frozenset[str] = _DEFAULT_ALLOWED
        self._webhook_workers: dict[int, asyncio.Task] = {}  # chat -> its delivery task
        self._webhook_paused = False
        self._webhook_slots: asyncio.Semaphore | None = None
        self._client: Any = None  # aiohttp.ClientSession for webhook deliveries
        self._handlers: dict[str, tuple[str, _Handler]] = {}
        for name in (
            "getMe", "getUpdates", "deleteWebhook", "setWebhook", "getWebhookInfo",
            "setMyCommands", "getMyCommands", "deleteMyCommands", "sendMessage",
            "editMessageText", "editMessageReplyMarkup", "editMessageCaption",
            "answerCallbackQuery", "copyMessage", "forwardMessage", "sendChatAction",
            "getFile", "setChatMenuButton", "getChatMenuButton", "getChat", "getChatMember",
            "deleteMessage", "sendLocation", "sendContact", "close", "logOut",
            "setMyDescription", "setMyShortDescription", "setMyName", "leaveChat",
        ):
            handler = getattr(self, f"_m_{name}")
            self._handlers[name.lower()] = (name, handler)
        for lower, kind in _SEND_MEDIA.items():
            canonical = "send" + kind.capitalize()
            self._handlers[lower] = (canonical, self._media_sender(kind))

    # ---------------------------------------------------------------- lifecycle

    @property
    def url(self) -> str:
        """Root URL of the server."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """PTB ``base_url`` (the token is appended by PTB); also TELEGRAM_API_BASE_URL."""
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        """PTB ``base_file_url``."""
        return f"{self.url}/file/bot"

    async def start(self) -> BotApiStandin:
        """Start serving; the port is chosen by the OS unless given."""
        self._cond = asyncio.Condition()
        self._closing = False
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port, reuse_address=True)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]
        return self

    async def stop(self) -> None:
        """Wake pending long polls, stop webhook deliveries and the server."""
        self._closing = True
        await self._notify()
        workers = list(self._webhook_workers.values())
        for task in workers:
            task.cancel()
        await asyncio.gather(*workers, return_exceptions=True)
        if self._client is not None:
            await self._client.close()
            self._client = None
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotApiStandin:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def _notify(self) -> None:
        if self._cond is not None:
            async with self._cond:
                self._cond.notify_all()

    # ---------------------------------------------------------------- HTTP layer

    def _token_ok(self, token: str) -> bool:
        if self.token is not None:
            return token == self.token
        return re.fullmatch(r"\d+:[A-Za-z0-9_-]+", token) is not None

    async def _read_params(
        self, request: web.Request
    ) -> tuple[JSONDict, dict[str, tuple[str, bytes, str | None]]]:
        raw: dict[str, Any] = dict(request.query)
        files: dict[str, tuple[str, bytes, str | None]] = {}
        decode = set(raw)
        if request.content_type == "application/json":
            body = await request.read()
            if body.strip():
                data = json.loads(body)
                if not isinstance(data, dict):
                    raise _bad("parameters must be a JSON object")
                raw.update(data)
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            post = await request.post()
            for key, value in post.items():
                if isinstance(value, web.FileField):
                    files[key] = (value.filename, value.file.read(), value.content_type)
                else:
                    raw[key] = value
                    decode.add(key)
        params: JSONDict = {}
        for key, value in raw.items():
            if key in decode and isinstance(value, str) and key not in _STRING_PARAMS:
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            params[key] = value
        for key in ("chat_id", "from_chat_id"):
            value = params.get(key)
            if isinstance(value, str) and re.fullmatch(r"-?\d+", value):
                params[key] = int(value)
        return params, files

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        try:
            return await self._answer_api(request)
        finally:
            if self.record_calls:
                await self._notify()  # wait_for_call sees the call once it took effect

    async def _answer_api(self, request: web.Request) -> web.StreamResponse:
        if not self._token_ok(request.match_info["token"]):
            return web.json_response(ApiError(401, "Unauthorized").to_json(), status=401)
        entry = self._handlers.get(request.match_info["method"].lower())
        if entry is None:
            return web.json_response(ApiError(404, "Not Found").to_json(), status=404)
        name, handler = entry
        try:
            params, files = await self._read_params(request)
        except (ValueError, ApiError) as exc:
            error = exc if isinstance(exc, ApiError) else _bad("can't parse JSON object")
            return web.json_response(error.to_json(), status=error.code)
        if self.record_calls:
            self.all_calls.append((name, params))
        lower = name.lower()
        fault = self.faults.pick(lower) if self.faults is not None else None
        if fault is not None:
            self.faults_injected[fault] += 1
            if fault == "500":
                error = ApiError(500, "Internal Server Error")
                return web.json_response(error.to_json(), status=500)
            if fault == "429":
                return self._too_many(self.faults.retry_after if self.faults else 1)
            if fault == "drop":
                return self._drop(request)
            if fault == "slow":
                await asyncio.sleep(self.faults.slow_seconds if self.faults else 0.5)
                if request.transport is None or request.transport.is_closing():
                    return web.Response(status=499)  # the client gave up; nothing was done
        try:
            result = await handler(params, files)
        except ApiError as exc:
            if exc.code == 429:
                self.too_many_requests += 1
            return web.json_response(exc.to_json(), status=exc.code)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            # Malformed parameters: Telegram answers 400; the traceback shows stand-in bugs.
            _log.exception("standin: %s failed on %r", name, params)
            error = _bad(f"{type(exc).__name__}: {exc}")
            return web.json_response(error.to_json(), status=400)
        if fault == "drop_after":
            return self._drop(request)
        return web.json_response({"ok": True, "result": result})

    def _too_many(self, retry_after: int) -> web.Response:
        self.too_many_requests += 1
        error = ApiError(
            429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
        )
        return web.json_response(error.to_json(), status=429)

    @staticmethod
    def _drop(request: web.Request) -> web.Response:
        if request.transport is not None:
            request.transport.abort()
        return web.Response(status=499)  # never reaches the client

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if not self._token_ok(request.match_info["token"]):
            return web.json_response(ApiError(401, "Unauthorized").to_json(), status=401)
        stored = self._files_by_path.get(request.match_info["path"])
        if stored is None:
            return web.json_response(ApiError(404, "Not Found").to_json(), status=404)
        return web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )

    # ---------------------------------------------------------------- state helpers

    def _new_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def _user(
        self,
        user_id: int,
        first_name: str | None = None,
        language_code: str | None = None,
        username: str | None = None,
        last_name: str | None = None,
    ) -> JSONDict:
        user = self.users.get(user_id)
        if user is None:
            user = {"id": user_id, "is_bot": False, "first_name": first_name or f"User{user_id}"}
            self.users[user_id] = user
        if first_name:
            user["first_name"] = first_name
        for key, value in (
            ("language_code", language_code), ("username", username), ("last_name", last_name)
        ):
            if value:
                user[key] = value
        return user

    def _private_chat(self, user: JSONDict) -> JSONDict:
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        for key in ("last_name", "username"):
            if key in user:
                chat[key] = user[key]
        self.chats[user["id"]] = chat
        return chat

    def _chat(self, chat_id: Any) -> JSONDict:
        """The chat a bot call targets; 400 "chat not found" when unknown and strict."""
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            for chat in self.chats.values():
                if chat.get("username") == chat_id[1:]:
                    return chat
            raise _bad("chat not found")
        if not isinstance(chat_id, int) or isinstance(chat_id, bool):
            raise _bad("chat_id is empty" if chat_id in (None, "") else "chat not found")
        chat = self.chats.get(chat_id)
        if chat is None:
            if self.strict_chats:
                raise _bad("chat not found")
            chat_type = "private" if chat_id > 0 else "supergroup"
            chat = {"id": chat_id, "type": chat_type}
            chat["first_name" if chat_type == "private" else "title"] = f"Chat {chat_id}"
            self.chats[chat_id] = chat
        return chat

    def _store_file(
        self, content: bytes, *, kind: str, file_name: str | None, mime_type: str | None
    ) -> _StoredFile:
        number = next(self._file_counter)
        digest = hashlib.sha1(content + str(number).encode()).hexdigest()
        extension = ""
        if file_name and "." in file_name:
            extension = "." + file_name.rsplit(".", 1)[1]
        elif mime_type:
            extension = mimetypes.guess_extension(mime_type) or ""
        stored = _StoredFile(
            file_id=f"{kind[:3].upper()}{number}_{digest[:20]}",
            file_unique_id=f"U{number}{digest[:8]}",
            file_path=f"{kind}s/file_{number}{extension}",
            content=content,
            mime_type=mime_type,
            file_name=file_name,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    def file_bytes(self, file_id: str) -> bytes:
        """Content of a stored file (uploaded by a user or sent by the bot)."""
        return self._files[file_id].content

    def _media_json(
        self, kind: str, content: bytes, file_name: str | None, mime_type: str | None, **extra: Any
    ) -> Any:
        """The Bot API object for a new file of ``kind``."""
        if kind == "photo":
            small = self._store_file(content, kind="photo", file_name=None, mime_type="image/jpeg")
            large = self._store_file(content, kind="photo", file_name=None, mime_type="image/jpeg")
            sizes = [
                {"file_id": small.file_id, "file_unique_id": small.file_unique_id,
                 "width": 90, "height": 90, "file_size": len(content)},
                {"file_id": large.file_id, "file_unique_id": large.file_unique_id,
                 "width": 800, "height": 600, "file_size": len(content)},
            ]
            self._media_index[small.file_id] = self._media_index[large.file_id] = sizes
            return sizes
        stored = self._store_file(content, kind=kind, file_name=file_name, mime_type=mime_type)
        obj: JSONDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(content),
        }
        if kind == "document":
            obj.update(file_name=file_name or "file", mime_type=mime_type or "application/octet-stream")
        elif kind in ("voice", "audio", "video", "animation"):
            obj["duration"] = int(extra.get("duration", 1))
            obj["mime_type"] = mime_type or {"voice": "audio/ogg", "audio": "audio/mpeg"}.get(
                kind, "video/mp4"
            )
            if kind in ("video", "animation"):
                obj.update(width=640, height=480)
        elif kind == "sticker":
            obj.update(type="regular", width=512, height=512, is_animated=False, is_video=False)
            if extra.get("emoji"):
                obj["emoji"] = extra["emoji"]
        self._media_index[stored.file_id] = obj
        return obj

    def _enqueue(self, update: JSONDict) -> JSONDict:
        update = {"update_id": self._next_update_id, **update}
        self._next_update_id += 1
        self._updates.append(update)
        self.updates_log.append(update)
        self._kick_webhook()
        return update

    # ---------------------------------------------------------------- webhook delivery
    # With a webhook set (setWebhook), each update is POSTed to it as Telegram does: one chat's
    # updates one at a time and in order, different chats side by side (up to max_connections);
    # an answer other than 2xx (or none) is retried with a growing pause; 2xx confirms it.

    def pause_webhook(self) -> None:
        """Hold webhook deliveries (updates stay queued), e.g. to post one by hand first."""
        self._webhook_paused = True

    def resume_webhook(self) -> None:
        self._webhook_paused = False
        self._kick_webhook()

    def _kick_webhook(self) -> None:
        if not self.webhook_url or self._closing or self._webhook_paused or self._cond is None:
            return
        for update in self._updates:
            key = _update_chat(update)
            if key not in self._webhook_workers:
                self._webhook_workers[key] = asyncio.create_task(self._webhook_worker(key))

    async def post_update(self, update: JSONDict | bytes, *, secret: str | None = None,
                          url: str | None = None) -> int:
        """POST one update (or raw bytes) to the webhook as Telegram would; -> the HTTP status
        (0: no answer). ``secret`` defaults to setWebhook's secret_token."""
        if self._client is None:
            self._client = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.webhook_timeout))
        secret = self.webhook_secret if secret is None else secret
        headers = {"Content-Type": "application/json"}
        if secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = secret
        body = update if isinstance(update, bytes) else json.dumps(update).encode()
        try:
            async with self._client.post(url or self.webhook_url, data=body, headers=headers) as answer:
                await answer.read()
                return answer.status
        except (aiohttp.ClientError, TimeoutError, OSError):
            return 0

    async def _webhook_worker(self, key: int) -> None:
        delay = self.webhook_retry_first
        try:
            while self.webhook_url and not self._closing and not self._webhook_paused:
                mine = [u for u in self._updates if _update_chat(u) == key]
                if not mine:
                    break
                update = mine[0]
                if _update_type(update) not in self._webhook_allowed:
                    self._updates.remove(update)  # Telegram never keeps what was not asked for
                    continue
                if self._webhook_slots is None:
                    self._webhook_slots = asyncio.Semaphore(self.webhook_max_connections)
                async with self._webhook_slots:
                    status = await self.post_update(update)
                self.webhook_deliveries.append((update["update_id"], status))
                if 200 <= status < 300:
                    if update in self._updates:
                        self._updates.remove(update)
                    delay = self.webhook_retry_first
                    await self._notify()
                else:
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, self.webhook_retry_max)
        finally:
            if self._webhook_workers.get(key) is asyncio.current_task():
                del self._webhook_workers[key]

    @property
    def next_update_id(self) -> int:
        """The update_id the next update will get."""
        return self._next_update_id

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Updates the bot has not confirmed yet (offset not past them)."""
        return list(self._updates)

    # ---------------------------------------------------------------- test-side API

    def create_group(
        self,
        title: str = "Staff",
        members: Iterable[int] = (),
        *,
        chat_id: int | None = None,
        chat_type: str = "supergroup",
        username: str | None = None,
    ) -> int:
        """Create a group/supergroup/channel the bot is in; returns its chat id."""
        if chat_type not in ("group", "supergroup", "channel"):
            raise ValueError("chat_type must be group, supergroup or channel")
        if chat_id is None:
            base = -1000000000000 if chat_type != "group" else -100000
            chat_id = base - len([c for c in self.chats if c < 0]) - 1
        chat: JSONDict = {"id": chat_id, "type": chat_type, "title": title}
        if username:
            chat["username"] = username
        self.chats[chat_id] = chat
        self.members.setdefault(chat_id, set()).update(members)
        return chat_id

    def kick_bot(self, chat_id: int) -> None:
        """The bot is removed from a group: sends there answer 403."""
        self.kicked.add(chat_id)

    def readd_bot(self, chat_id: int) -> None:
        """The bot is added to the group again."""
        self.kicked.discard(chat_id)

    def migrate_group(self, chat_id: int) -> int:
        """A group is upgraded to a supergroup (Telegram gives it a new id); returns the new id.
        Sends to the old id then answer 400 with ``migrate_to_chat_id``."""
        old = self.chats[chat_id]
        new_id = -1000000000000 - abs(chat_id) % 1000000000
        self.chats[new_id] = {**old, "id": new_id, "type": "supergroup"}
        self.members[new_id] = set(self.members.get(chat_id, set()))
        self.migrated[chat_id] = new_id
        return new_id

    def block_user(self, user_id: int) -> None:
        """The user blocks the bot: sends to them answer 403."""
        self.blocked.add(user_id)

    def unblock_user(self, user_id: int) -> None:
        """The user unblocks the bot."""
        self.blocked.discard(user_id)

    async def user_sends(
        self,
        user_id: int,
        text: str | None = None,
        *,
        chat_id: int | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = "en",
        reply_to_message_id: int | None = None,
        document: tuple[str, bytes, str | None] | None = None,
        photo: bytes | None = None,
        voice: bytes | None = None,
        sticker: str | bool | None = None,
        location: tuple[float, float] | None = None,
        contact: tuple[str, str] | Mapping[str, Any] | None = None,
        poll: tuple[str, Iterable[str]] | None = None,
        caption: str | None = None,
        chat_type: str | None = None,
        chat_title: str | None = None,
        edited: bool = False,
        message_id: int | None = None,
        entities: list[JSONDict] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> JSONDict:
        """A user sends (or edits, with ``edited=True``) a message; returns the Message dict.

        The message is stored, so the bot can reply to, copy or forward it, and an Update is
        queued for getUpdates. ``chat_id`` defaults to the user's private chat; a new group id
        is created with ``chat_type`` (default supergroup). Commands get their bot_command
        entity. ``poll=(question, options)`` attaches a poll PTB 22.8 accepts; ``extra`` is
        merged into the message as given (PTB drops a whole getUpdates batch it cannot parse).
        """
        user = self._user(user_id, first_name, language_code, username, last_name)
        if chat_id is None or chat_id == user_id:
            chat = self._private_chat(user)
        else:
            chat = self.chats.get(chat_id) or {
                "id": chat_id, "type": chat_type or "supergroup", "title": chat_title or "Group"
            }
            self.chats[chat_id] = chat
            self.members.setdefault(chat_id, set()).add(user_id)
        if chat_type is not None and chat["type"] != chat_type:
            chat["type"] = chat_type
        is_channel = chat["type"] == "channel"
        cid = chat["id"]
        if edited:
            if message_id is None:
                own = [k for k, m in self.messages.items()
                       if k[0] == cid and m.get("from", {}).get("id") == user_id]
                if not own:
                    raise ValueError("no earlier message to edit")
                message_id = max(own)[1]
            original = self.messages.get((cid, message_id))
            date = original["date"] if original else int(time.time())
        else:
            message_id = self._new_message_id(cid)
            date = int(time.time())
        message: JSONDict = {"message_id": message_id, "date": date, "chat": dict(chat)}
        if is_channel:
            message["sender_chat"] = dict(chat)
        else:
            message["from"] = dict(user)
        if edited:
            message["edit_date"] = int(time.time())
        if reply_to_message_id is not None:
            replied = self.messages.get((cid, reply_to_message_id))
            if replied is None:
                raise ValueError(f"message {reply_to_message_id} not found in chat {cid}")
            message["reply_to_message"] = _without_reply(replied)
        if text is not None:
            message["text"] = text
            found = entities if entities is not None else _bot_command_entities(text)
            if found:
                message["entities"] = found
        if document is not None:
            name, content, mime = document
            mime = mime or mimetypes.guess_type(name)[0]
            message["document"] = self._media_json("document", content, name, mime)
        if photo is not None:
            message["photo"] = self._media_json("photo", photo, None, "image/jpeg")
        if voice is not None:
            message["voice"] = self._media_json("voice", voice, None, "audio/ogg")
        if sticker is not None:
            emoji = sticker if isinstance(sticker, str) else "🙂"
            message["sticker"] = self._media_json("sticker", b"sticker", None, "image/webp",
                                                  emoji=emoji)
        if location is not None:
            message["location"] = {"latitude": location[0], "longitude": location[1]}
        if contact is not None:
            if isinstance(contact, Mapping):
                message["contact"] = dict(contact)
            else:
                message["contact"] = {"phone_number": contact[0], "first_name": contact[1]}
        if poll is not None:
            question, options = poll
            message["poll"] = {
                "id": f"poll{self._next_update_id}",
                "question": question,
                "options": [
                    {"text": option, "voter_count": 0, "persistent_id": str(n)}
                    for n, option in enumerate(options)
                ],
                "total_voter_count": 0,
                "is_closed": False,
                "is_anonymous": True,
                "type": "regular",
                "allows_multiple_answers": False,
                "allows_revoting": False,
                "members_only": False,
            }
        if caption is not None:
            message["caption"] = caption
            found = _bot_command_entities(caption)
            if found:
                message["caption_entities"] = found
        if extra:
            message.update(extra)
        self.messages[(cid, message_id)] = message
        kind = "channel_post" if is_channel else "message"
        if edited:
            kind = "edited_" + kind
        self._enqueue({kind: message})
        await self._notify()
        return message

    async def channel_post(
        self,
        chat_id: int,
        text: str | None = None,
        *,
        title: str = "Channel",
        edited: bool = False,
        **kwargs: Any,
    ) -> JSONDict:
        """A post in a channel the bot is in; returns the Message dict."""
        if chat_id not in self.chats:
            self.create_group(title, chat_id=chat_id, chat_type="channel")
        return await self.user_sends(
            self.bot_id + 1_000_000, text, chat_id=chat_id, chat_type="channel",
            edited=edited, **kwargs
        )

    async def press_button(
        self,
        user_id: int,
        callback_data: str,
        message_id: int,
        *,
        chat_id: int | None = None,
        first_name: str | None = None,
        language_code: str | None = None,
    ) -> str:
        """The user presses an inline button on message ``message_id``; returns the query id.

        A message the stand-in does not know is sent as an inaccessible message (date 0),
        like Telegram does for very old messages.
        """
        user = self._user(user_id, first_name, language_code)
        cid = user_id if chat_id is None else chat_id
        stored = self.messages.get((cid, message_id))
        if stored is None or (cid, message_id) in self.deleted:
            chat = self.chats.get(cid) or {"id": cid, "type": "private"}
            message: JSONDict = {"chat": dict(chat), "message_id": message_id, "date": 0}
        else:
            message = copy.deepcopy(stored)
        query_id = f"{next(self._callback_counter)}{user_id}"
        self._pending_callbacks.add(query_id)
        self._enqueue(
            {
                "callback_query": {
                    "id": query_id,
                    "from": dict(user),
                    "message": message,
                    "chat_instance": str(cid * 7919 % 10**12),
                    "data": callback_data,
                }
            }
        )
        await self._notify()
        return query_id

    def sent(self, chat_id: int | None = None) -> list[JSONDict]:
        """Bot messages delivered (to ``chat_id``, or all), in order; edits are applied."""
        return [m for m in self.outbox if chat_id is None or m["chat"]["id"] == chat_id]

    def calls(self, method: str) -> list[JSONDict]:
        """Parameters of every received call of ``method`` (case-insensitive)."""
        lower = method.lower()
        return [params for name, params in self.all_calls if name.lower() == lower]

    async def wait_for(
        self,
        predicate: MessagePredicate | int | None = None,
        count: int = 1,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[JSONDict]:
        """Wait for ``count`` bot messages matching ``predicate`` (or sent to that chat id).

        Messages already returned by an earlier ``wait_for`` are skipped, so consecutive calls
        walk a conversation; messages that arrived before the call are included. Returns them
        in delivery order; raises TimeoutError listing what was sent.
        """
        if isinstance(predicate, int) and not isinstance(predicate, bool):
            target = predicate

            def match(m: JSONDict) -> bool:
                return m["chat"]["id"] == target
        elif predicate is None:
            def match(m: JSONDict) -> bool:
                return True
        else:
            match = predicate
        assert self._cond is not None, "start() the stand-in first"
        deadline = asyncio.get_running_loop().time() + timeout
        found: list[JSONDict] = []
        scanned = 0  # only messages not looked at yet are tested on each wake-up
        async with self._cond:
            while True:
                for message in self.outbox[scanned:]:
                    if id(message) not in self._consumed and match(message):
                        found.append(message)
                scanned = len(self.outbox)
                if len(found) >= count:
                    found = found[:count]
                    self._consumed.update(id(m) for m in found)
                    return found
                remaining = deadline - asyncio.get_running_loop().time()
                if remaining <= 0:
                    summary = [
                        (m["chat"]["id"], (m.get("text") or m.get("caption") or "")[:80])
                        for m in self.outbox[-10:]
                    ]
                    raise TimeoutError(
                        f"wanted {count} message(s), found {len(found)} in {timeout}s; "
                        f"last sent: {summary}"
                    )
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._cond.wait(), remaining)

    async def wait_for_call(
        self,
        method: str,
        predicate: Callable[[JSONDict], bool] | None = None,
        count: int = 1,
        timeout: float = 10.0,  # noqa: ASYNC109
    ) -> list[JSONDict]:
        """Wait until ``count`` calls of ``method`` (matching ``predicate``) were received."""
        assert self._cond is not None, "start() the stand-in first"
        deadline = asyncio.get_running_loop().time() + timeout
        lower = method.lower()
        found: list[JSONDict] = []
        scanned = 0
        async with self._cond:
            while True:
                for name, params in self.all_calls[scanned:]:
                    if name.lower() == lower and (predicate is None or predicate(params)):
                        found.append(params)
                scanned = len(self.all_calls)
                if len(found) >= count:
                    return found
                remaining = deadline - asyncio.get_running_loop().time()
                if remaining <= 0:
                    raise TimeoutError(f"wanted {count} {method} call(s), got {len(found)}")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._cond.wait(), remaining)

    async def wait_updates_confirmed(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until the bot confirmed (polled past) every queued update."""
        assert self._cond is not None, "start() the stand-in first"
        deadline = asyncio.get_running_loop().time() + timeout
        async with self._cond:
            while self._updates:
                remaining = deadline - asyncio.get_running_loop().time()
                if remaining <= 0:
                    raise TimeoutError(f"{len(self._updates)} update(s) still unconfirmed")
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._cond.wait(), remaining)

    def commands_for(self, language_code: str = "", scope: JSONDict | None = None) -> list[JSONDict]:
        """Commands stored by setMyCommands for that language and scope."""
        return self.commands.get((_scope_key(scope), language_code), [])

    @property
    def faults_total(self) -> int:
        """Number of faults injected so far."""
        return sum(self.faults_injected.values())

    # ---------------------------------------------------------------- rate emulation

    def _check_rate(self, chat_id: int) -> None:
        """Raise 429 if sending now exceeds the flood or per-chat limit; else record the send."""
        now = time.monotonic()
        if self.flood_limit is not None:
            if self.flood_mode == "bucket":
                rate = self.flood_limit / self.flood_window
                self._bucket_tokens = min(
                    float(self.flood_limit),
                    self._bucket_tokens + (now - self._bucket_time) * rate,
                )
                self._bucket_time = now
                if self._bucket_tokens < 1.0:
                    raise self._rate_error(math.ceil((1.0 - self._bucket_tokens) / rate))
            else:
                window = self._flood_times
                while window and window[0] <= now - self.flood_window:
                    window.popleft()
                if len(window) >= self.flood_limit:
                    raise self._rate_error(math.ceil(window[0] + self.flood_window - now))
        for limit, span, times in (
            (self.per_chat_limit, self.per_chat_window, self._chat_times.setdefault(chat_id, deque())),
            (self.group_limit if chat_id < 0 else None, self.group_window,
             self._group_times.setdefault(chat_id, deque())),
        ):
            if limit is None:
                continue
            while times and times[0] <= now - span:
                times.popleft()
            if len(times) >= limit:
                raise self._rate_error(math.ceil(times[0] + span - now))
            times.append(now)
        if self.flood_limit is not None:
            if self.flood_mode == "bucket":
                self._bucket_tokens -= 1.0
            else:
                self._flood_times.append(now)

    @staticmethod
    def _rate_error(retry_after: int) -> ApiError:
        retry_after = max(1, retry_after)
        return ApiError(
            429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
        )

    # ---------------------------------------------------------------- sending

    def _target(self, params: JSONDict) -> JSONDict:
        chat = self._chat(params.get("chat_id"))
        if chat["type"] == "private" and chat["id"] in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat["id"] in self.kicked:
            raise ApiError(403, f"Forbidden: bot was kicked from the {chat['type']} chat")
        if chat["id"] in self.migrated:
            raise ApiError(400, "Bad Request: group chat was upgraded to a supergroup chat",
                           {"migrate_to_chat_id": self.migrated[chat["id"]]})
        return chat

    def _reply_to(self, chat_id: int, params: JSONDict) -> JSONDict | None:
        reply = params.get("reply_parameters")
        allow = bool(params.get("allow_sending_without_reply"))
        message_id = params.get("reply_to_message_id")
        if isinstance(reply, dict):
            message_id = reply.get("message_id")
            allow = allow or bool(reply.get("allow_sending_without_reply"))
            chat_id = reply.get("chat_id", chat_id)
        if message_id is None:
            return None
        replied = self.messages.get((chat_id, message_id))
        if replied is None or (chat_id, message_id) in self.deleted:
            if allow:
                return None
            raise _bad("message to be replied not found")
        return _without_reply(replied)

    @staticmethod
    def _check_markup(markup: Any) -> JSONDict | None:
        """Validate reply_markup; returns it when it belongs in the Message (inline only)."""
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        rows = markup.get("inline_keyboard")
        if rows is None:
            return None
        for row in rows:
            for button in row:
                if not button.get("text"):
                    raise _bad("text buttons are unallowed in the inline keyboard")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= 64:
                    raise _bad("BUTTON_DATA_INVALID")
        return markup

    def _deliver(self, chat: JSONDict, content: JSONDict, params: JSONDict) -> JSONDict:
        """Rate-check, then store a new bot message in ``chat`` built from ``content``."""
        markup = self._check_markup(params.get("reply_markup"))
        reply = self._reply_to(chat["id"], params)
        self._check_rate(chat["id"])
        message_id = self._new_message_id(chat["id"])
        message: JSONDict = {
            "message_id": message_id,
            "from": dict(self.bot_user),
            "date": int(time.time()),
            "chat": dict(chat),
        }
        if chat["type"] == "channel":
            message.pop("from")
            message["sender_chat"] = dict(chat)
        if reply is not None:
            message["reply_to_message"] = reply
        message.update(content)
        if markup is not None:
            message["reply_markup"] = markup
        self.messages[(chat["id"], message_id)] = message
        self.outbox.append(message)
        self.delivered[chat["id"]] += 1
        return message

    async def _after_send(self) -> None:
        await self._notify()

    async def _m_sendMessage(self, params: JSONDict, files: Any) -> JSONDict:
        chat = self._target(params)
        text, entities = format_text(
            params.get("text"), params.get("parse_mode"), params.get("entities")
        )
        content: JSONDict = {"text": text}
        if entities:
            content["entities"] = entities
        message = self._deliver(chat, content, params)
        await self._after_send()
        return message

    def _media_sender(self, kind: str) -> _Handler:
        async def send(params: JSONDict, files: dict[str, tuple[str, bytes, str | None]]) -> Any:
            chat = self._target(params)
            value = params.get(kind)
            content: JSONDict = {}
            extra = {k: params[k] for k in ("duration", "emoji") if k in params}
            if kind in files:
                name, data, mime = files[kind]
                content[kind] = self._media_json(kind, data, name, mime, **extra)
            elif isinstance(value, str) and value.startswith("attach://"):
                attached = files.get(value[len("attach://") :])
                if attached is None:
                    raise _bad(f"{kind} not found")
                name, data, mime = attached
                content[kind] = self._media_json(kind, data, name, mime, **extra)
            elif isinstance(value, str) and value:
                if re.match(r"https?://", value):
                    name = value.rsplit("/", 1)[-1] or "file"
                    content[kind] = self._media_json(kind, b"", name, None, **extra)
                else:
                    existing = self._media_by_file_id(value)
                    if existing is None:
                        raise _bad("wrong file identifier/HTTP URL specified")
                    content[kind] = existing
            else:
                raise _bad(f"there is no {kind} in the request")
            if params.get("caption") is not None:
                caption, entities = format_text(
                    params["caption"], params.get("parse_mode"), params.get("caption_entities"),
                    caption=True,
                )
                if caption:
                    content["caption"] = caption
                if entities:
                    content["caption_entities"] = entities
            message = self._deliver(chat, content, params)
            await self._after_send()
            return message

        return send

    def _media_by_file_id(self, file_id: str) -> Any:
        """The media object (as it appeared in a message) that carries ``file_id``."""
        media = self._media_index.get(file_id)
        return copy.deepcopy(media) if media is not None else None

    def _source(self, params: JSONDict, what: str) -> JSONDict:
        from_chat = params.get("from_chat_id")
        key = (from_chat, params.get("message_id"))
        source = self.messages.get(key)  # type: ignore[arg-type]
        if source is None or key in self.deleted:
            if isinstance(from_chat, int) and from_chat not in self.chats and self.strict_chats:
                raise _bad("chat not found")
            raise _bad(f"message to {what} not found")
        return source

    async def _m_copyMessage(self, params: JSONDict, files: Any) -> JSONDict:
        chat = self._target(params)
        source = self._source(params, "copy")
        content = {
            k: copy.deepcopy(v)
            for k, v in source.items()
            if k in (
                "text", "entities", "photo", "document", "voice", "audio", "video", "animation",
                "sticker", "location", "contact", "caption", "caption_entities", "poll",
            )
        }
        if not content:
            raise _bad("message can't be copied")
        if "caption" in params and "text" not in content:
            caption, entities = format_text(
                params.get("caption"), params.get("parse_mode"),
                params.get("caption_entities"), caption=True,
            )
            content.pop("caption", None)
            content.pop("caption_entities", None)
            if caption:
                content["caption"] = caption
            if entities:
                content["caption_entities"] = entities
        message = self._deliver(chat, content, params)
        await self._after_send()
        return {"message_id": message["message_id"]}

    async def _m_forwardMessage(self, params: JSONDict, files: Any) -> JSONDict:
        chat = self._target(params)
        source = self._source(params, "forward")
        content = {
            k: copy.deepcopy(v)
            for k, v in source.items()
            if k not in ("message_id", "date", "chat", "from", "reply_to_message", "edit_date",
                         "sender_chat", "reply_markup", "forward_origin")
        }
        origin = source.get("forward_origin")
        if origin is None:
            if source["chat"]["type"] == "channel":
                origin = {"type": "channel", "date": source["date"], "chat": source["chat"],
                          "message_id": source["message_id"]}
            else:
                origin = {"type": "user", "date": source["date"], "sender_user": source["from"]}
        content["forward_origin"] = origin
        message = self._deliver(chat, content, {k: v for k, v in params.items()
                                                if k != "reply_markup"})
        await self._after_send()
        return message

    async def _m_sendLocation(self, params: JSONDict, files: Any) -> JSONDict:
        chat = self._target(params)
        content = {"location": {"latitude": params.get("latitude"),
                                "longitude": params.get("longitude")}}
        message = self._deliver(chat, content, params)
        await self._after_send()
        return message

    async def _m_sendContact(self, params: JSONDict, files: Any) -> JSONDict:
        chat = self._target(params)
        contact = {"phone_number": params.get("phone_number"),
                   "first_name": params.get("first_name")}
        message = self._deliver(chat, {"contact": contact}, params)
        await self._after_send()
        return message

    # ---------------------------------------------------------------- editing

    def _editable(self, params: JSONDict) -> JSONDict:
        chat = self._target(params)
        key = (chat["id"], params.get("message_id"))
        message = self.messages.get(key)  # type: ignore[arg-type]
        if message is None or key in self.deleted:
            raise _bad("message to edit not found")
        if message.get("from", {}).get("id") != self.bot_id and chat["type"] != "channel":
            raise _bad("message can't be edited")
        return message

    @staticmethod
    def _not_modified(message: JSONDict, new: JSONDict) -> None:
        if all(message.get(k) == v for k, v in new.items()):
            raise _bad(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a content and reply markup of the current message"
            )

    async def _edit(self, params: JSONDict, build: Callable[[JSONDict], JSONDict]) -> Any:
        """Apply ``build(message)`` to an edited bot message, the way Telegram answers edits."""
        if params.get("inline_message_id"):
            return True
        message = self._editable(params)
        new = build(message)
        self._not_modified(message, new)
        _apply(message, new)
        message["edit_date"] = int(time.time())
        await self._notify()
        return message

    async def _m_editMessageText(self, params: JSONDict, files: Any) -> Any:
        def build(message: JSONDict) -> JSONDict:
            text, entities = format_text(
                params.get("text"), params.get("parse_mode"), params.get("entities")
            )
            if "text" not in message:
                raise _bad("there is no text in the message to edit")
            return {"text": text, "entities": entities or None,
                    "reply_markup": self._check_markup(params.get("reply_markup"))}

        return await self._edit(params, build)

    async def _m_editMessageCaption(self, params: JSONDict, files: Any) -> Any:
        def build(message: JSONDict) -> JSONDict:
            caption, entities = format_text(
                params.get("caption"), params.get("parse_mode"), params.get("caption_entities"),
                caption=True,
            )
            return {"caption": caption or None, "caption_entities": entities or None,
                    "reply_markup": self._check_markup(params.get("reply_markup"))}

        return await self._edit(params, build)

    async def _m_editMessageReplyMarkup(self, params: JSONDict, files: Any) -> Any:
        return await self._edit(
            params, lambda message: {"reply_markup": self._check_markup(params.get("reply_markup"))})

    async def _m_deleteMessage(self, params: JSONDict, files: Any) -> bool:
        chat = self._chat(params.get("chat_id"))
        key = (chat["id"], params.get("message_id"))
        if key not in self.messages or key in self.deleted:
            raise _bad("message to delete not found")
        self.deleted.add(key)  # type: ignore[arg-type]
        await self._notify()
        return True

    # ---------------------------------------------------------------- other methods

    async def _m_getMe(self, params: JSONDict, files: Any) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    async def _m_getUpdates(self, params: JSONDict, files: Any) -> list[JSONDict]:
        offset = params.get("offset")
        limit = params.get("limit") or 100
        limit = min(max(int(limit), 1), 100)
        timeout = max(0.0, float(params.get("timeout") or 0))
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(allowed) if allowed else _DEFAULT_ALLOWED
        if self.webhook_url:
            raise ApiError(409, "Conflict: can't use getUpdates method while webhook is active; "
                                "use deleteWebhook to delete the webhook first")
        assert self._cond is not None
        async with self._cond:
            self._poll_generation += 1
            generation = self._poll_generation
            self._cond.notify_all()  # an older long poll ends with 409
            if isinstance(offset, int) and offset > 0:
                before = len(self._updates)
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
                if len(self._updates) != before:
                    self._cond.notify_all()
            deadline = asyncio.get_running_loop().time() + timeout
            while True:
                pending = [u for u in self._updates if _update_type(u) in self._allowed_updates]
                if isinstance(offset, int) and offset < 0:
                    return pending[offset:][:limit]
                if pending or self._closing:
                    return pending[:limit]
                remaining = deadline - asyncio.get_running_loop().time()
                if remaining <= 0:
                    return []
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._cond.wait(), remaining)
                if self._poll_generation != generation:
                    raise ApiError(
                        409,
                        "Conflict: terminated by other getUpdates request; make sure that only "
                        "one bot instance is running",
                    )

    async def _m_deleteWebhook(self, params: JSONDict, files: Any) -> bool:
        self.webhook_url = self.webhook_secret = ""
        if params.get("drop_pending_updates"):
            self._updates.clear()
            await self._notify()
        return True

    async def _m_setWebhook(self, params: JSONDict, files: Any) -> bool:
        url = str(params.get("url") or "")
        secret = str(params.get("secret_token") or "")
        if url and not re.match(r"https?://", url):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        if secret and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
            raise _bad("bad webhook: secret token contains unallowed characters")
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._webhook_allowed = frozenset(allowed) if allowed else _DEFAULT_ALLOWED
        self.webhook_max_connections = int(params.get("max_connections") or 40)
        self._webhook_slots = None
        self.webhook_url, self.webhook_secret = url, secret
        if params.get("drop_pending_updates"):
            self._updates.clear()
        self._kick_webhook()
        return True

    async def _m_getWebhookInfo(self, params: JSONDict, files: Any) -> JSONDict:
        info: JSONDict = {"url": self.webhook_url, "has_custom_certificate": False,
                          "pending_update_count": len(self._updates)}
        if self.webhook_url:
            info["max_connections"] = self.webhook_max_connections
            if self._webhook_allowed != _DEFAULT_ALLOWED:
                info["allowed_updates"] = sorted(self._webhook_allowed)
        return info

    async def _m_setMyCommands(self, params: JSONDict, files: Any) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise _bad("parameter \"commands\" must be an array of up to 100 BotCommand")
        for command in commands:
            name = command.get("command", "") if isinstance(command, dict) else ""
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", "")).strip()) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
        language = str(params.get("language_code") or "")
        self.commands[(_scope_key(params.get("scope")), language)] = commands
        return True

    async def _m_getMyCommands(self, params: JSONDict, files: Any) -> list[JSONDict]:
        return self.commands_for(str(params.get("language_code") or ""), params.get("scope"))

    async def _m_deleteMyCommands(self, params: JSONDict, files: Any) -> bool:
        language = str(params.get("language_code") or "")
        self.commands.pop((_scope_key(params.get("scope")), language), None)
        return True

    async def _m_answerCallbackQuery(self, params: JSONDict, files: Any) -> bool:
        query_id = str(params.get("callback_query_id"))
        if query_id not in self._pending_callbacks:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        text = params.get("text")
        if text is not None and len(str(text)) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        self._pending_callbacks.discard(query_id)
        self.callback_answers[query_id] = params
        await self._notify()
        return True

    async def _m_sendChatAction(self, params: JSONDict, files: Any) -> bool:
        chat = self._target(params)
        self.chat_actions.append((chat["id"], str(params.get("action"))))
        return True

    async def _m_getFile(self, params: JSONDict, files: Any) -> JSONDict:
        stored = self._files.get(str(params.get("file_id")))
        if stored is None:
            raise _bad("invalid file_id")
        return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "file_size": len(stored.content), "file_path": stored.file_path}

    async def _m_setChatMenuButton(self, params: JSONDict, files: Any) -> bool:
        chat_id = params.get("chat_id")
        if chat_id is not None:
            self._chat(chat_id)
        self.menu_buttons[chat_id] = params.get("menu_button") or {"type": "default"}
        return True

    async def _m_getChatMenuButton(self, params: JSONDict, files: Any) -> JSONDict:
        chat_id = params.get("chat_id")
        return self.menu_buttons.get(chat_id) or self.menu_buttons.get(None) or {
            "type": "commands"
        }

    async def _m_getChat(self, params: JSONDict, files: Any) -> JSONDict:
        chat = self._chat(params.get("chat_id"))
        gifts = dict.fromkeys(
            ("unlimited_gifts", "limited_gifts", "unique_gifts", "premium_subscription",
             "gifts_from_channels"),
            False,
        )
        return {**chat, "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": gifts}

    async def _m_getChatMember(self, params: JSONDict, files: Any) -> JSONDict:
        chat = self._chat(params.get("chat_id"))
        user_id = params.get("user_id")
        if user_id == self.bot_id:
            return {"status": "member", "user": dict(self.bot_user)}
        user = self.users.get(user_id) if isinstance(user_id, int) else None
        if user is None:
            raise _bad("user not found")
        if chat["type"] == "private":
            status = "member" if chat["id"] == user_id else "left"
        else:
            status = "member" if user_id in self.members.get(chat["id"], set()) else "left"
        return {"status": status, "user": dict(user)}

    async def _m_leaveChat(self, params: JSONDict, files: Any) -> bool:
        self._chat(params.get("chat_id"))
        return True

    async def _m_close(self, params: JSONDict, files: Any) -> bool:
        return True

    async def _m_logOut(self, params: JSONDict, files: Any) -> bool:
        return True

    async def _m_setMyDescription(self, params: JSONDict, files: Any) -> bool:
        return True

    async def _m_setMyShortDescription(self, params: JSONDict, files: Any) -> bool:
        return True

    async def _m_setMyName(self, params: JSONDict, files: Any) -> bool:
        return True


def _without_reply(message: JSONDict) -> JSONDict:
    """A copy of ``message`` fit to be a reply_to_message (no nested reply)."""
    return {k: copy.deepcopy(v) for k, v in message.items() if k != "reply_to_message"}


def _apply(message: JSONDict, new: Mapping[str, Any]) -> None:
    for key, value in new.items():
        if value is None:
            message.pop(key, None)
        else:
            message[key] = value


def _scope_key(scope: Any) -> str:
    if not scope:
        scope = {"type": "default"}
    return json.dumps(scope, sort_keys=True)


def _update_chat(update: JSONDict) -> int:
    """Whose updates Telegram delivers one after the other: the chat's (else the sender's)."""
    for value in update.values():
        if isinstance(value, dict):
            chat = value.get("chat") or (value.get("message") or {}).get("chat")
            if chat:
                return int(chat["id"])
            return int((value.get("from") or {}).get("id") or 0)
    return 0


def _update_type(update: JSONDict) -> str:
    return next(k for k in update if k != "update_id")


async def _serve_forever(port: int, token: str | None, flood_limit: int | None) -> None:
    async with BotApiStandin(token, port=port, flood_limit=flood_limit, strict_chats=False) as s:
        print(f"Bot API stand-in on {s.base_url} (TELEGRAM_API_BASE_URL)", flush=True)
        await asyncio.Event().wait()


def main() -> None:
    """Run the stand-in on its own: ``python tests/standin.py --port 8081``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--port", type=int, default=8081)
    parser.add_argument("--token", default=None, help="the only token accepted (default: any)")
    parser.add_argument("--flood-limit", type=int, default=None)
    args = parser.parse_args()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_forever(args.port, args.token, args.flood_limit))


if __name__ == "__main__":
    main()
