"""Logging that never shows the bot token or what people wrote."""

from __future__ import annotations

import logging
import re

from bot.config import Settings

_TOKEN_SHAPE = re.compile(r"\d{5,}:[A-Za-z0-9_-]{20,}")


class RedactSecrets(logging.Filter):
    """Replace the token (and anything shaped like a bot token) in every log record."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        for secret in self.secrets:
            message = message.replace(secret, "[REDACTED]")
        message = _TOKEN_SHAPE.sub("[REDACTED]", message)
        record.msg, record.args = message, ()
        return True


def configure_logging(settings: Settings, level: int = logging.INFO) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets([settings.token or ""]))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL, and the URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


class FailureLog:
    """One log line per kind of failure, not one (with a stack trace) per retry.

    ``failed(what, exc)`` logs the first failure of ``what`` with that exception type as a
    warning; repeats are counted silently; ``ok(what)`` logs that it recovered and after how
    many failures.
    """

    def __init__(self, logger: logging.Logger) -> None:
        self.logger = logger
        self._failing: dict[str, dict[str, int]] = {}

    def failed(self, what: str, exc: BaseException) -> None:
        kinds = self._failing.setdefault(what, {})
        kind = type(exc).__name__
        if kind not in kinds:
            self.logger.warning("%s failed: %s (retrying; repeats are not logged)", what, kind)
        kinds[kind] = kinds.get(kind, 0) + 1

    def ok(self, what: str) -> None:
        kinds = self._failing.pop(what, None)
        if kinds:
            total = sum(kinds.values())
            self.logger.info("%s works again after %d failure%s", what, total, "" if total == 1 else "s")
