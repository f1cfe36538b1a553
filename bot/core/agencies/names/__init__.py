"""Agency names as words: `tokens` (text -> words), `vocabulary` (the word lists of
content/agency_words.yaml, validated) and `index` (the list's names indexed by their
distinctive words, and a message read as a name)."""

from bot.core.agencies.names.index import NameIndex, Reading

__all__ = ["NameIndex", "Reading"]
