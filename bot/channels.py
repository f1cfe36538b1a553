"""Which channel a person writes from, told by their id alone: the one place of that rule.

The core and the database know a person by an int ``user_id`` and ``chat_id``. Telegram ids
are used as they are (they never exceed 2**52 in magnitude). A WhatsApp person, known to
WhatsApp by their ``wa_id`` (the phone number's digits, at most 15), gets
``WHATSAPP_OFFSET + int(wa_id)`` as both user_id and chat_id: no schema change, no collision.
"""

from __future__ import annotations

from typing import Literal

WHATSAPP_OFFSET = 1 << 60
_MAX_WA_DIGITS = 15

Channel = Literal["telegram", "whatsapp"]


def whatsapp_chat_id(wa_id: str) -> int:
    """The user_id/chat_id of the WhatsApp person ``wa_id``; ValueError if it is no wa_id."""
    digits = wa_id.lstrip("+")
    if not (digits.isascii() and digits.isdigit()) or not 1 <= len(digits) <= _MAX_WA_DIGITS:
        raise ValueError("a wa_id is 1 to 15 digits")
    return WHATSAPP_OFFSET + int(digits)


def channel_of(chat_id: int) -> Channel:
    return "whatsapp" if WHATSAPP_OFFSET <= chat_id < WHATSAPP_OFFSET + 10**_MAX_WA_DIGITS else "telegram"


def wa_id_of(chat_id: int) -> str:
    """The wa_id behind a WhatsApp chat id; ValueError for any other id."""
    if channel_of(chat_id) != "whatsapp":
        raise ValueError("not a WhatsApp chat id")
    return str(chat_id - WHATSAPP_OFFSET)
