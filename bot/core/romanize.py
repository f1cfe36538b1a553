"""Roman-Urdu name folding. Kept for old imports: the rules live in `bot.core.text`."""

from bot.core.text import ascii_fold, fold_word, skeleton

__all__ = ["ascii_fold", "fold_word", "skeleton"]
