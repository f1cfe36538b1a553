"""Content data: Topic, Source, Fact, ContentTree and Problem (data only, no I/O)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

# Languages the bot serves (bot.core.languages; re-exported here for old imports). A folder
# under content/ with another name is ignored (warning).
from bot.core.languages import LANGUAGES

# The topic ids that must exist in every language (CONTRACTS.md).
REQUIRED_TOPICS: tuple[str, ...] = (
    "licensed-recruiters", "fees-and-receipts", "protector-registration", "visit-visa-trap",
    "employment-contract", "passport-and-documents", "fake-job-red-flags", "irregular-routes",
    "human-trafficking", "report-fraud", "help-abroad", "insurance-and-welfare", "medical-tests",
    "women-migrants", "safe-remittances", "skills-and-training", "helpline",
    # for the people already abroad and their families
    "unpaid-wages", "residence-permits", "going-home", "detained-or-deported", "missing-relative",
    "finding-real-jobs",
    # one guide per main destination
    "country-saudi-arabia", "country-uae", "country-qatar", "country-oman", "country-kuwait",
    "country-bahrain", "country-malaysia",
)

MAX_MESSAGE_CHARS = 4096  # Telegram's limit for one message


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the content, with where it is and how to fix it."""

    path: Path | str
    line: int | None
    message: str
    hint: str = ""
    severity: str = "error"  # "error" | "warning"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def format(self) -> str:
        """`content/ur/fees-and-receipts.md:3: error: … — fix: …`"""
        where = _display_path(self.path)
        if self.line:
            where += f":{self.line}"
        text = f"{where}: {self.severity}: {self.message}"
        if self.hint:
            text += f" — fix: {self.hint}"
        return text


def _display_path(path: Path | str) -> str:
    """A path relative to the working directory when it is inside it."""
    p = Path(path)
    try:
        return p.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return os.fspath(p)


@dataclass(frozen=True)
class Source:
    """Where a statement comes from and when it was last checked."""

    title: str | None
    url: str | None
    checked: date | None


@dataclass(frozen=True)
class Fact:
    """A fact written once in facts.yaml and inserted as {{id}} in every language."""

    id: str
    value: str | dict[str, str]
    kind: str = "text"  # phone | amount | text
    label: dict[str, str] = field(default_factory=dict)
    source: Source | None = None
    confirmed: bool = False
    line: int | None = None
    abroad: str | None = None  # a phone number as dialled from outside Pakistan ("+92 …")

    def value_for(self, lang: str) -> str:
        """The value in `lang` (per-language values fall back to en, then any)."""
        if isinstance(self.value, str):
            return self.value
        if lang in self.value:
            return self.value[lang]
        if "en" in self.value:
            return self.value["en"]
        return next(iter(self.value.values()), "")

    def shown(self, lang: str, from_abroad: str = "") -> str:
        """The value as a topic shows it, with a phone number's form for callers abroad, e.g.
        `111-040-040 (from abroad: +92 …)`; the loader places any "could not be confirmed"
        note after the sentence."""
        text = self.value_for(lang)
        if self.abroad:
            text += f" ({from_abroad}: {self.abroad})" if from_abroad else f" ({self.abroad})"
        return text

    def values(self) -> list[str]:
        """Every written form of the value."""
        return [self.value] if isinstance(self.value, str) else list(self.value.values())


@dataclass(frozen=True)
class Topic:
    """One topic in one language: the answer shown, and what people ask to get it."""

    id: str
    lang: str
    title: str
    body: str  # the answer, facts inserted
    more: str  # the detail behind "More" (may be "")
    questions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    sources: tuple[Source, ...] = ()
    unconfirmed: tuple[str, ...] = ()
    path: Path | None = None
    unconfirmed_note: str = ""  # the localised note built from `unconfirmed` (also in `more`)

    @property
    def answer(self) -> str:
        """The first screen: the body. What could not be confirmed is behind "More" (`more`
        ends with `unconfirmed_note`); each unconfirmed fact has its note after its sentence."""
        return self.body

    @property
    def lead(self) -> str:
        """The body's first paragraph: the one thing to do (for the urgent card)."""
        return self.body.split("\n\n", 1)[0].strip()


@dataclass
class ContentTree:
    """All topics (lang -> id -> Topic) and facts, as loaded from one content directory."""

    topics: dict[str, dict[str, Topic]]
    facts: dict[str, Fact]
    root: Path | None = None

    def topic(self, lang: str, topic_id: str) -> Topic | None:
        return self.topics.get(lang, {}).get(topic_id)

    @property
    def languages(self) -> list[str]:
        return [lang for lang in LANGUAGES if lang in self.topics] + sorted(
            lang for lang in self.topics if lang not in LANGUAGES)

    def topic_ids(self) -> list[str]:
        """Every topic id in any language, sorted."""
        return sorted({tid for by_id in self.topics.values() for tid in by_id})
