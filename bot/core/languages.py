"""The languages the bot speaks, and the one fallback when nothing says which to use."""

from __future__ import annotations

LANGUAGES: tuple[str, ...] = ("en", "ur", "sd")
DEFAULT = "ur"  # most people who write to the bot read Urdu; /start offers all three
NAMES = {"en": "English", "ur": "اردو", "sd": "سنڌي"}  # each in its own language


def language_for_code(code: str | None) -> str:
    """A language code (Telegram's `en-GB`, a saved `sd` …) -> one of LANGUAGES, else DEFAULT."""
    base = (code or "").split("-")[0].split("_")[0].lower()
    return base if base in LANGUAGES else DEFAULT
