"""Logging that never shows the bot token or what people wrote."""

from __future__ import annotations

import logging
import re
import time

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
    handler.addFilter(RedactSecrets([settings.token or "", settings.webhook_secret or "",
                                     settings.database_url or ""]))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request URL, and the URL contains the token.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)


class FailureLog:
    """One log line per kind of failure, not one (with a stack trace) per retry.

    ``failed(what, exc)`` logs a warning the first time ``what`` fails with that exception
    type, and again only after ``quiet`` seconds (with the number of failures in between);
    ``ok(what)`` logs once that it works again after a logged failure.
    """

    def __init__(self, logger: logging.Logger, quiet: float = 300.0) -> None:
        self.logger = logger
        self.quiet = quiet
        self._seen: dict[tuple[str, str], list[float]] = {}  # (what, kind) -> [last logged, repeats]
        self._logged: set[str] = set()  # what failed (and was logged) since it last worked

    def failed(self, what: str, exc: BaseException) -> None:
        kind = type(exc).__name__
        now = time.monotonic()
        seen = self._seen.get((what, kind))
        if seen is not None and now - seen[0] < self.quiet:
            seen[1] += 1
            return
        repeats = f"; {int(seen[1])} more since the last line" if seen and seen[1] else ""
        self.logger.warning("%s failed: %s (retrying; repeats within %d s are not logged%s)",
                            what, kind, self.quiet, repeats)
        self._seen[(what, kind)] = [now, 0]
        self._logged.add(what)

    def ok(self, what: str) -> None:
        if what in self._logged:
            self._logged.discard(what)
            self.logger.info("%s works again", what)
