"""`python -m bot content check`: everything the loader finds, plus the checks across files.

Added here: missing topics and translations, fact values typed out by hand (in any digits),
missing or undated sources, stale "checked" dates (warning), and an empty facts source.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from babel.messages.pofile import read_po

from bot.core.content.catalogs import stale_template_problems
from bot.core.content.loader import (
    FACT_REF,
    RawFile,
    Scan,
    parse_source,
    parse_yaml,
    read_text,
    scan_content,
)
from bot.core.content.templates import load_templates
from bot.core.content.topics import LANGUAGES, REQUIRED_TOPICS, Fact, Problem
from bot.core.dialogue.labels import BUTTON_LIMIT, label_problems
from bot.core.i18n import catalog_path
from bot.core.text import ascii_digits, match_form

STALE_DAYS = 365
MIN_FACT_DIGITS = 4  # shorter numbers (days, counts) are too common to flag
_NUMBER = re.compile(r"\+?\d(?:[\d \t\-.,/()]*\d)?")


def check_content(root: Path, *, today: date | None = None) -> list[Problem]:
    """All problems in the content tree at `root`, errors and warnings, in file order."""
    today = today or date.today()
    scan = scan_content(Path(root))
    problems = list(scan.problems)
    if not Path(root).is_dir():
        return problems
    problems += _check_coverage(scan)
    problems += scan.catalogs.incomplete
    problems += stale_template_problems(Path(root))
    for name, what in (("safety_check.yaml", "the job-offer safety check"),
                       ("urgent.yaml", "the urgent words that bring up the helpline")):
        if not (Path(root) / name).exists():
            problems.append(Problem(Path(root) / name, None, f"{name} is missing: the bot "
                                    f"cannot start without {what}",
                                    f"restore content/{name} (see docs/content-format.md)"))
    for raw in scan.files:
        problems += _check_sources(raw, today)
        problems += _check_typed_facts(raw, scan.tree.facts)
    problems += _check_fact_sources(scan, today)
    problems += _check_words(scan)
    problems += _check_button_labels(Path(root))
    problems += load_templates(Path(root))[1]
    return _sorted(problems)


def format_problems(problems: Iterable[Problem]) -> str:
    """One line per problem: `path:line: error: what — fix: how`."""
    return "\n".join(p.format() for p in problems)


def _sorted(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple] = set()
    out = []
    for p in problems:
        key = (str(p.path), p.line, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return sorted(out, key=lambda p: (str(p.path), p.line or 0))


# --------------------------------------------------------------------------- coverage


def _check_coverage(scan: Scan) -> list[Problem]:
    """Required topics in every language; every id in every language."""
    problems = []
    ids_by_lang: dict[str, set[str]] = {lang: set() for lang in LANGUAGES}
    for raw in scan.files:
        tid = raw.meta.get("id") or raw.path.stem
        ids_by_lang.setdefault(raw.lang, set()).add(str(tid))
    for lang, stem in scan.broken:  # unreadable: already reported where the mistake is
        ids_by_lang.setdefault(lang, set()).add(stem)
    all_ids = set().union(*ids_by_lang.values())
    for lang in LANGUAGES:
        folder = scan.root / lang
        for tid in REQUIRED_TOPICS:
            if tid not in ids_by_lang[lang]:
                problems.append(Problem(folder / f"{tid}.md", None,
                                        f"the required topic '{tid}' is missing in {lang}",
                                        f"write {lang}/{tid}.md" + (
                                            " (copy the en file and translate it)"
                                            if lang != "en" else "")))
        for tid in sorted(all_ids - ids_by_lang[lang] - set(REQUIRED_TOPICS)):
            have = [other for other in LANGUAGES if tid in ids_by_lang[other]]
            problems.append(Problem(folder / f"{tid}.md", None,
                                    f"'{tid}' exists in {', '.join(have)} but has no {lang} "
                                    "translation", f"write {lang}/{tid}.md, or delete the "
                                    "topic in every language"))
    return problems


# --------------------------------------------------------------------------- sources


def _source_problems(src_raw: object, path: Path, line: int | None, today: date,
                     what: str) -> list[Problem]:
    src, problems = parse_source(src_raw, path, line)
    if src is None or problems:
        return problems
    if not src.url and not src.title:
        problems.append(Problem(path, line, f"{what} names neither a url: nor a title:",
                                "add 'url: https://…' or 'title: <document name>'"))
    if src.checked is None:
        problems.append(Problem(path, line, f"{what} has no checked: date",
                                "open the source, confirm the statement, and add "
                                "'checked: YYYY-MM-DD' with today's date"))
    elif (today - src.checked).days > STALE_DAYS:
        problems.append(Problem(path, line, f"{what} was last checked on "
                                f"{src.checked.isoformat()}, more than 12 months ago",
                                "look at the source again; if it still says the same, update "
                                "'checked:' to today's date", "warning"))
    elif src.checked > today:
        problems.append(Problem(path, line, f"{what} has a checked date in the future "
                                f"({src.checked.isoformat()})", "use the date you checked it",
                                "warning"))
    return problems


def _check_sources(raw: RawFile, today: date) -> list[Problem]:
    sources = raw.meta.get("sources")
    if not sources or not isinstance(sources, list):
        if sources is None or sources == []:
            return [Problem(raw.path, raw.key_lines.get("sources") or raw.key_lines.get("id"),
                            "the topic has no sources",
                            "add 'sources:' with at least one '- title: … url: … checked: "
                            "YYYY-MM-DD'")]
        return []  # shape already reported by the loader
    lines = raw.item_lines.get("sources", [])
    problems: list[Problem] = []
    for i, src in enumerate(sources):
        line = lines[i] if i < len(lines) else raw.key_lines.get("sources")
        problems += _source_problems(src, raw.path, line, today, "a source")
    return problems


def _check_fact_sources(scan: Scan, today: date) -> list[Problem]:
    problems: list[Problem] = []
    if scan.facts_path is None:
        return problems
    for fid, fact in scan.tree.facts.items():
        lines = scan.fact_lines.get(fid, {})
        if fact.source is None:
            problems.append(Problem(scan.facts_path, fact.line, f"the fact '{fid}' has no source",
                                    "add 'source: {title: …, url: …, checked: YYYY-MM-DD}'"))
            continue
        raw_src = {"title": fact.source.title, "url": fact.source.url,
                   "checked": fact.source.checked}
        problems += _source_problems(raw_src, scan.facts_path, lines.get("source", fact.line),
                                     today, f"the source of fact '{fid}'")
    return problems


# --------------------------------------------------------------------------- typed-out facts


def _digits(text: str) -> str:
    return re.sub(r"\D", "", ascii_digits(text))


def _phone_core(digits: str) -> str:
    """Drop a Pakistani country code / trunk zero so 0304…, 92304… and +92 304… compare equal."""
    if digits.startswith("0092"):
        digits = digits[4:]
    elif digits.startswith("92") and len(digits) >= 11:
        digits = digits[2:]
    return digits.lstrip("0")


def _fact_numbers(facts: dict[str, Fact]) -> list[tuple[str, Fact, bool]]:
    """(comparable digits, fact, is_phone) for every fact value with enough digits."""
    out = []
    for fact in facts.values():
        if fact.kind not in ("phone", "amount") and not re.search(r"\d{3}", ascii_digits(
                " ".join(fact.values()))):
            continue
        for value in fact.values():
            digits = _digits(value)
            if len(digits) >= MIN_FACT_DIGITS:
                phone = fact.kind == "phone"
                out.append((_phone_core(digits) if phone else digits, fact, phone))
    return out


def _candidates(run: str) -> set[str]:
    """Digit strings a number in the text could stand for (whole run, and runs of its parts)."""
    parts = [p for p in re.split(r"[ \t/()]+", run) if any(c.isdigit() for c in p)]
    out = {_digits(run)}
    for i in range(len(parts)):
        for j in range(i + 1, min(len(parts), i + 4) + 1):
            out.add(_digits("".join(parts[i:j])))
    return {d for d in out if d}


def _check_typed_facts(raw: RawFile, facts: dict[str, Fact]) -> list[Problem]:
    """A fact's value written out in a body instead of {{fact_id}} (any digits, any spacing)."""
    numbers = _fact_numbers(facts)
    if not numbers:
        return []
    problems: list[Problem] = []
    for text, start in ((raw.body_raw, raw.body_line), (raw.more_raw, raw.more_line)):
        plain = FACT_REF.sub(lambda m: " " * len(m.group(0)), ascii_digits(text))
        for m in _NUMBER.finditer(plain):
            cands = _candidates(m.group(0))
            line = start + plain.count("\n", 0, m.start())
            as_written = text[m.start():m.end()].strip()  # same offsets: digits map 1:1
            for value, fact, phone in numbers:
                hit = any((_phone_core(c) if phone else c) == value for c in cands)
                near = phone and not hit and any(
                    len(_phone_core(c)) == len(value) and sum(
                        a != b for a, b in zip(_phone_core(c), value, strict=True)) == 1
                    for c in cands)
                if hit:
                    problems.append(Problem(
                        raw.path, line, f"'{as_written}' is the fact '{fact.id}' typed "
                        "out by hand", f"write {{{{{fact.id}}}}} instead, so a change in "
                        "facts.yaml reaches every language"))
                    break
                if near:
                    problems.append(Problem(
                        raw.path, line, f"'{as_written}' differs by one digit from the "
                        f"fact '{fact.id}' ({fact.value_for(raw.lang)})",
                        f"write {{{{{fact.id}}}}} instead of typing the number"))
                    break
    return problems


# --------------------------------------------------------------------------- misleading words

WORDS_FILE = "words.yaml"
_LANG_KEY = re.compile(r"(?:^|[{,\s])(en|ur|sd):\s")


def _word_form(text: str) -> str:
    return " " + " ".join(re.sub(r"[^\w]+", " ", match_form(text)).split()) + " "


def _load_words(scan: Scan) -> tuple[dict[str, list[dict[str, str]]], list[Problem]]:
    path = scan.root / WORDS_FILE
    if not path.exists():
        return {}, []
    text, problem = read_text(path, scan.root)
    if problem is not None:
        return {}, [problem]
    assert text is not None
    data, _k, _i, problems = parse_yaml(text, path, 1, WORDS_FILE)
    if problems or not isinstance(data, dict):
        return {}, problems or [Problem(path, 1, f"{WORDS_FILE} must list words per language",
                                        "see the top of the file")]
    words: dict[str, list[dict[str, str]]] = {}
    for lang, items in data.items():
        for item in items or []:
            if isinstance(item, dict) and item.get("word"):
                words.setdefault(str(lang), []).append(
                    {k: str(item.get(k) or "") for k in ("word", "use", "why")})
    return words, []


def _word_problems(path: Path, line: int | None, text: str, entries: list[dict[str, str]]
                   ) -> list[Problem]:
    form = _word_form(text)
    return [Problem(path, line, f"'{e['word']}' misleads readers: {e['why']}",
                    f"write {e['use']}", "warning")
            for e in entries if _word_form(e["word"]) in form]


def _check_words(scan: Scan) -> list[Problem]:
    """Words a native reader flagged (content/words.yaml), in what readers see."""
    words, problems = _load_words(scan)
    if not words:
        return problems
    for raw in scan.files:
        entries = words.get(raw.lang, [])
        if not entries:
            continue
        title = raw.meta.get("title")
        if isinstance(title, str):
            problems += _word_problems(raw.path, raw.key_lines.get("title"), title, entries)
        for part, start in ((raw.body_raw, raw.body_line), (raw.more_raw, raw.more_line)):
            for i, line in enumerate(part.split("\n")):
                problems += _word_problems(raw.path, start + i, line, entries)
        for item in raw.meta.get("unconfirmed") or []:
            if isinstance(item, str):
                problems += _word_problems(raw.path, raw.key_lines.get("unconfirmed"), item,
                                           entries)
    for fact in scan.tree.facts.values():
        for lang, label in fact.label.items():
            problems += _word_problems(scan.facts_path or scan.root, fact.line, label,
                                       words.get(lang, []))
    for lang, entries in words.items():
        po = scan.root / "locale" / lang / "LC_MESSAGES" / "messages.po"
        problems += _check_lines(po, scan.root, entries, only_msgstr=True)
    problems += _check_lines(scan.root / "safety_check.yaml", scan.root, words)
    return problems


def _check_lines(path: Path, root: Path, words: dict[str, list[dict[str, str]]] | list[
        dict[str, str]], *, only_msgstr: bool = False) -> list[Problem]:
    """Per line of a .po (translations only) or a YAML file with en:/ur:/sd: keys."""
    if not path.is_file():
        return []
    text, _problem = read_text(path, root)
    if text is None:
        return []
    problems: list[Problem] = []
    in_msgstr = False
    for n, line in enumerate(text.split("\n"), start=1):
        if only_msgstr:
            assert isinstance(words, list)
            if line.startswith(("msgstr", "msgid", "#")) or not line.strip():
                in_msgstr = line.startswith("msgstr")
            if in_msgstr:
                problems += _word_problems(path, n, line, words)
            continue
        assert isinstance(words, dict)
        keys = list(_LANG_KEY.finditer(line))
        for i, m in enumerate(keys):
            end = keys[i + 1].start() if i + 1 < len(keys) else len(line)
            problems += _word_problems(path, n, line[m.end():end], words.get(m.group(1), []))
    return problems


# --------------------------------------------------------------------------- button labels


def _check_button_labels(root: Path) -> list[Problem]:
    """Every button label has a form WhatsApp can show (at most 20 characters) in every language."""
    catalogs: dict[str, object] = {}
    for lang in LANGUAGES:
        try:
            with catalog_path(lang, root).open("rb") as f:
                catalog = read_po(f, locale=lang)
        except (OSError, ValueError):
            continue  # a missing or broken catalog is reported by the catalog checks
        catalogs[lang] = _PoCatalog({m.id: m.string for m in catalog
                                     if isinstance(m.id, str) and m.string and not m.fuzzy})
    return [Problem(catalog_path(lang, root), None,
                    f"the WhatsApp button text \"{form}\" is {length} characters; WhatsApp allows "
                    f"{BUTTON_LIMIT} (label \"{full}\")",
                    "shorten the msgstr of its short form (bot/core/dialogue/labels.py lists them)")
            for lang, full, form, length in label_problems(catalogs)]


class _PoCatalog:
    """A catalog's translations as the file has them now (untranslated: the msgid)."""

    def __init__(self, strings: dict[str, str]) -> None:
        self._strings = strings

    def gettext(self, msgid: str) -> str:
        return self._strings.get(msgid) or msgid
