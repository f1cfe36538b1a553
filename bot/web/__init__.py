"""The webhook server (``python -m bot serve``): see docs/webhooks.md.

``build_app(runtime, channels)`` makes the aiohttp application (``/healthz`` plus each
channel's routes); ``serve(settings, stop)`` runs it on the shared runtime;
``run_serve(settings)`` is the command.
"""

from bot.web.app import MAX_BODY_BYTES, Channel, build_app
from bot.web.order import KeyedLocks
from bot.web.server import CannotStart, run_serve, serve, settings_problem
from bot.web.telegram import SECRET_HEADER, TelegramWebhook

__all__ = ["MAX_BODY_BYTES", "SECRET_HEADER", "CannotStart", "Channel", "KeyedLocks",
           "TelegramWebhook", "build_app", "run_serve", "serve", "settings_problem"]
