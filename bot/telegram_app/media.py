"""Telegram's media (PTB ``Message`` attributes) as the core's neutral kinds, and files
moved between Telegram and channels that cannot copy Telegram messages (WhatsApp)."""

from __future__ import annotations

from telegram import Bot, InputFile, Message
from telegram.constants import ParseMode

from bot.core.dialogue.messages import Attachment, MediaRef

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


async def download(bot: Bot, ref: MediaRef) -> tuple[bytes, str]:
    """The bytes of a Telegram file (getFile, then the file URL; at most 20 MB by the Bot API),
    for a channel that cannot copy Telegram messages (WhatsApp uploads them)."""
    file = await bot.get_file(ref.ref)
    return bytes(await file.download_as_bytearray()), ref.mime_type or "application/octet-stream"


async def send_attachment(bot: Bot, chat_id: int, attachment: Attachment, caption: str | None = None,
                          *, parse_mode: str | None = ParseMode.HTML) -> Message:
    """Post a file of a core media kind as the same kind (a voice note as a voice message, a
    photo as a photo, anything else as a document); ``caption`` in the core's markup."""
    send = {"voice": bot.send_voice, "audio": bot.send_audio, "photo": bot.send_photo,
            "video": bot.send_video}.get(attachment.kind, bot.send_document)
    return await send(chat_id, InputFile(attachment.data, filename=attachment.filename), caption=caption,
                      parse_mode=parse_mode)
