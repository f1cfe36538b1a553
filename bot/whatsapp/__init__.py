"""The WhatsApp Cloud API adapter (docs/whatsapp.md): webhook, rendering, sending, the window.

Public surface: :class:`WhatsAppService` (everything wired), :class:`WhatsAppSettings`,
:class:`WhatsAppChannel` (``add_routes(app)``), :func:`fetch_for_staff` (a person's file for
the Telegram staff group).
"""

from bot.whatsapp.config import WhatsAppSettings
from bot.whatsapp.media import fetch_for_staff
from bot.whatsapp.service import WhatsAppService
from bot.whatsapp.webhook import WhatsAppChannel, message_key

__all__ = ["WhatsAppChannel", "WhatsAppService", "WhatsAppSettings", "fetch_for_staff", "message_key"]
