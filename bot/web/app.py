"""The web application of ``python -m bot serve``: ``/healthz`` and the channels' routes.

    app = build_app(runtime, channels=[TelegramWebhook(service, secret)])

A channel is any object with ``add_routes(app)``: Telegram adds ``POST /telegram``
(bot/web/telegram.py); WhatsApp adds its own routes the same way.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from aiohttp import web

from bot.runtime import Runtime
from bot.web.health import add_health_routes

MAX_BODY_BYTES = 1024 * 1024  # larger bodies answer 413 before they are read (Caddy's limit too)


class Channel(Protocol):
    """A way for updates to arrive over HTTP (Telegram, WhatsApp)."""

    def add_routes(self, app: web.Application) -> None: ...


def build_app(runtime: Runtime, channels: Iterable[Channel] = ()) -> web.Application:
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    add_health_routes(app, runtime)
    for channel in channels:
        channel.add_routes(app)
    return app
