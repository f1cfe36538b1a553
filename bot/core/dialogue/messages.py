"""What flows into and out of the dialogue: incoming events and outgoing messages.

Text in an :class:`Outgoing` is Telegram-style HTML (only ``<b>``, ``<i>``, ``<a>``), with
every piece of user text escaped. The console adapter turns it into plain text.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    data: str


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
    media: str | None = None
    message_id: int | None = None
    language_code: str | None = None


@dataclass(frozen=True, slots=True)
class StaffReply:
    """A staff member's Telegram reply, in the staff chat, to a relayed message."""

    chat_id: int
    message_id: int
    reply_to_message_id: int
    text: str | None = None
    media: str | None = None


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


@dataclass(slots=True)
class Result:
    """What handling one event produced."""

    messages: list[Outgoing] = field(default_factory=list)
    toast: str | None = None  # short notice for a button press (answerCallbackQuery)

    def add(self, message: Outgoing) -> None:
        self.messages.append(message)
