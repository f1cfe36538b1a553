"""Urdu/Sindhi script -> Latin key. Kept for old imports: the rules live in `bot.core.text`."""

from bot.core.text import ASPIRATE, transliterate, transliterate_word, urdu_letters

__all__ = ["ASPIRATE", "transliterate", "transliterate_word", "urdu_letters"]
