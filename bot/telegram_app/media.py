"""Telegram's media (PTB ``Message`` attributes) as the core's neutral kinds."""

from __future__ import annotations

from telegram import Message

from bot.core.dialogue.messages import MediaRef

# PTB attribute -> core media kind (bot.core.dialogue.messages.MEDIA_KINDS), in the order checked.
PTB_MEDIA = {
    "voice": "voice", "audio": "audio", "photo": "photo", "video": "video",
    "animation": "video", "document": "document", "sticker": "sticker",
    "location": "location", "venue": "location", "contact": "contact",
    "video_note": "other", "poll": "other", "dice": "other",
}


def _attribute(message: Message) -> str | None:
    for name in PTB_MEDIA:
        if getattr(message, name, None):
            return name
    return None


def media_kind(message: Message) -> str | None:
    """The core kind of what ``message`` carries besides text, or None."""
    name = _attribute(message)
    return PTB_MEDIA[name] if name else None


def media_ref(message: Message) -> MediaRef | None:
    """The Telegram file behind ``message`` (``file_id``), for channels that cannot copy a
    Telegram message (WhatsApp: the file is fetched with getFile and uploaded)."""
    name = _attribute(message)
    item = getattr(message, name, None) if name else None
    if isinstance(item, tuple):  # photo sizes: the largest is last
        item = item[-1] if item else None
    file_id = getattr(item, "file_id", None)
    if not name or not file_id:
        return None
    return MediaRef("telegram", PTB_MEDIA[name], file_id, getattr(item, "file_name", None),
                    getattr(item, "mime_type", None))
