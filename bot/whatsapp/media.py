"""A WhatsApp person's file for the Telegram staff group.

The relay puts a :class:`~bot.core.dialogue.messages.MediaRef` (channel "whatsapp", the media
id) on the staff message; the Telegram outbox calls :func:`fetch_for_staff` when it sends that
row, and posts the result as the same kind of media (a voice note as a voice message, a photo
as a photo, a document with its file name). The download URL expires after minutes, so it is
asked for again on every attempt. Raises :class:`~bot.whatsapp.sender.SendError` (``retry``
or ``ambiguous``: try again later; ``permanent``: gone or larger than the Bot API takes).
"""

from __future__ import annotations

from bot.core.dialogue.messages import Attachment, MediaRef
from bot.whatsapp.sender import Sender

EXTENSIONS = {"voice": "voice.ogg", "audio": "audio", "photo": "photo.jpg", "video": "video.mp4",
              "sticker": "sticker.webp", "document": "document"}


async def fetch_for_staff(sender: Sender, ref: MediaRef) -> Attachment:
    """The file behind ``ref`` as an :class:`Attachment` whose ``kind`` is the core media kind."""
    data, _mime = await sender.download(ref.ref)
    return Attachment(ref.kind, ref.filename or EXTENSIONS.get(ref.kind, "file"), data)
