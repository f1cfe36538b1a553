"""What flows into and out of the dialogue: incoming events and outgoing messages.

These are channel-neutral. Text in an :class:`Outgoing` is the core's **markup**, a small
documented subset that each adapter renders for its channel:

- ``<b>…</b>`` bold, ``<i>…</i>`` italic, ``<a href="URL">…</a>`` a link, and nothing else;
- every other ``<``, ``>`` and ``&`` is escaped (``&lt;`` ``&gt;`` ``&amp;``), so user text
  (always passed through :func:`bot.core.markup.escape`) can never become markup.

The subset is written the way Telegram's HTML parse mode reads it, so the Telegram adapter
sends it as it is; WhatsApp (:mod:`bot.whatsapp.render`) makes ``*bold*``, ``_italic_`` and
"text (URL)" of it, neutralising WhatsApp's own formatting characters in the text; the console
shows it plain (:func:`bot.core.markup.html_to_plain`).

Media kinds are neutral too (:data:`MEDIA_KINDS`); each adapter maps its own names onto them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# What a person can send besides text, whatever the channel ("other": polls, dice …).
MEDIA_KINDS = frozenset({"voice", "audio", "photo", "video", "document", "sticker", "location",
                         "contact", "other"})
# Kinds that can carry a caption.
CAPTIONED_MEDIA = frozenset({"photo", "video", "document", "audio", "voice"})


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    data: str
    short: str | None = None  # a shorter form for channels with tight limits (WhatsApp: 20/24)

    def fitting(self, limit: int) -> str:
        """The label if it fits ``limit`` characters, else its short form (if that fits)."""
        if len(self.label) <= limit or not self.short:
            return self.label
        return self.short


Keyboard = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True, slots=True)
class Incoming:
    """One thing a person did: a text, a command, a button press or a media message."""

    user_id: int
    chat_id: int
    text: str | None = None
    command: str | None = None
    args: str = ""
    button: str | None = None
    media: str | None = None  # one of MEDIA_KINDS
    message_id: int | None = None
    language_code: str | None = None
    channel: str = "telegram"  # "telegram" | "whatsapp": named in the helpline ticket header
    media_ref: MediaRef | None = None  # the file, where the channel cannot copy messages


@dataclass(frozen=True, slots=True)
class MediaRef:
    """A file a person (or staff) sent, kept by its channel: resolved by the adapter that
    delivers it (e.g. a WhatsApp media id, downloaded and uploaded to the staff group)."""

    channel: str
    kind: str  # one of MEDIA_KINDS
    ref: str
    filename: str | None = None
    mime_type: str | None = None


@dataclass(frozen=True, slots=True)
class StaffReply:
    """A staff member's Telegram reply, in the staff chat, to a relayed message."""

    chat_id: int
    message_id: int
    reply_to_message_id: int
    text: str | None = None
    media: str | None = None  # one of MEDIA_KINDS
    media_ref: MediaRef | None = None  # the file, for channels that cannot copy a Telegram message


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file sent with a message (``text`` becomes its caption)."""

    kind: str  # "document" or "photo"
    filename: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Outgoing:
    """A message to deliver. ``copy_of`` copies an existing message (media relay)."""

    chat_id: int
    text: str = ""
    buttons: Keyboard = ()
    copy_of: tuple[int, int] | None = None  # (from_chat_id, message_id)
    ticket_id: int | None = None  # map the delivered message to this ticket (staff side)
    attachment: Attachment | None = None
    media_ref: MediaRef | None = None  # a file to fetch from its channel and send (see MediaRef)
    lang: str | None = None  # the language it is written in (for what a channel adds, e.g. "Choose")


@dataclass(slots=True)
class Result:
    """What handling one event produced."""

    messages: list[Outgoing] = field(default_factory=list)
    toast: str | None = None  # short notice for a button press (answerCallbackQuery)

    def add(self, message: Outgoing) -> None:
        self.messages.append(message)
