"""A bare python-telegram-bot echo bot: the baseline of the capacity benchmark.

Configured like Rahnuma (CONTRACTS.md): ``TELEGRAM_BOT_TOKEN``, ``TELEGRAM_API_BASE_URL``
(PTB ``base_url``, e.g. ``http://127.0.0.1:8081/bot``) and ``TELEGRAM_MAX_RATE`` (messages per
second the bot allows itself; ``0`` means no rate limiter, default 30).

Run it as a process (``python benchmarks/echo_bot.py``; stops on SIGINT/SIGTERM) or build it
in-process with :func:`build_echo_app` and drive it yourself.
"""

from __future__ import annotations

import argparse
import logging
import os

from telegram import Update
from telegram.ext import AIORateLimiter, Application, ContextTypes, MessageHandler, filters

DEFAULT_MAX_RATE = 30.0


def file_url_for(base_url: str) -> str:
    """The ``base_file_url`` that goes with a Bot API ``base_url`` (``…/bot`` → ``…/file/bot``)."""
    root, sep, _ = base_url.rstrip("/").rpartition("/bot")
    return f"{root}/file/bot" if sep else base_url


async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Reply with the same text."""
    message = update.effective_message
    if message is not None and message.text:
        await message.reply_text(message.text)


def build_echo_app(
    token: str,
    base_url: str | None = None,
    max_rate: float = DEFAULT_MAX_RATE,
    *,
    concurrent_updates: bool | int = False,
) -> Application:
    """Build the echo Application; ``max_rate <= 0`` means no rate limiter."""
    builder = Application.builder().token(token).concurrent_updates(concurrent_updates)
    if base_url:
        builder = builder.base_url(base_url).base_file_url(file_url_for(base_url))
    if max_rate > 0:
        builder = builder.rate_limiter(AIORateLimiter(overall_max_rate=max_rate, max_retries=3))
    app = builder.build()
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    return app


def main() -> None:
    """Run the echo bot with long polling until interrupted."""
    parser = argparse.ArgumentParser(description="bare PTB echo bot (benchmark baseline)")
    parser.add_argument(
        "--concurrent-updates",
        type=int,
        default=0,
        help="handle up to N updates at once (0: PTB's default, one at a time)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    token = os.environ.get("TELEGRAM_BOT_TOKEN")
    if not token:
        raise SystemExit("TELEGRAM_BOT_TOKEN is not set")
    base_url = os.environ.get("TELEGRAM_API_BASE_URL") or None
    max_rate = float(os.environ.get("TELEGRAM_MAX_RATE") or DEFAULT_MAX_RATE)
    app = build_echo_app(
        token, base_url, max_rate, concurrent_updates=args.concurrent_updates or False
    )
    print("echo bot polling", flush=True)
    app.run_polling(poll_interval=0, timeout=10, allowed_updates=Update.ALL_TYPES)


if __name__ == "__main__":
    main()
