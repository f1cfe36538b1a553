"""Read the content tree (content/<lang>/<id>.md + facts.yaml) without ever raising.

`load_content(root)` returns the tree, or None when any file has an error, so the caller
keeps serving the last good content. Every problem names its file, line and fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from bot.core.content import files
from bot.core.content.catalogs import CatalogScan, scan_catalogs
from bot.core.content.topics import (
    LANGUAGES,
    MAX_MESSAGE_CHARS,
    ContentTree,
    Fact,
    Problem,
    Source,
    Topic,
)
from bot.core.i18n import translator
from bot.core.markup import markdown_problems
from bot.core.reading_words import Countries, RecruiterWords, SmallTalk, WordListError
from bot.core.safety_check import Questionnaire, QuestionnaireError, parse_questionnaire
from bot.core.urgency import UrgentWords

MORE_MARKER = re.compile(r"^[ \t]*<!--\s*more\s*-->[ \t]*$", re.IGNORECASE | re.MULTILINE)
FACT_REF = re.compile(r"\{\{\s*([A-Za-z0-9_.\-]+)\s*\}\}")
_BRACES = re.compile(r"\{\{.*?\}\}|\{\{|\}\}")
TOPIC_FIELDS = {"id", "title", "questions", "keywords", "related", "sources", "unconfirmed"}
FACT_KINDS = {"phone", "amount", "text"}
# The words put before a phone number's `abroad:` form ("from abroad"), per language, in facts.yaml.
FROM_ABROAD_FACT = "from_abroad"
SKIP_DIRS = {"locale"}
FIRST_SCREEN_CHARS = 1200  # about two phone screens; beyond it the answer gets a warning


@dataclass
class RawFile:
    """What the loader read from one topic file, kept for the checks in validation.py."""

    path: Path
    lang: str
    meta: dict[str, Any]
    key_lines: dict[str, int]
    item_lines: dict[str, list[int]]
    body_raw: str
    body_line: int
    more_raw: str
    more_line: int


@dataclass
class Scan:
    """Everything read from a content directory, including files that had errors."""

    root: Path
    tree: ContentTree
    problems: list[Problem] = field(default_factory=list)
    files: list[RawFile] = field(default_factory=list)
    facts_path: Path | None = None
    fact_lines: dict[str, dict[str, int]] = field(default_factory=dict)
    # (lang, file name without .md) of topic files that could not be read at all: their
    # error is reported once, not again as "the topic is missing"
    broken: set[tuple[str, str]] = field(default_factory=set)
    catalogs: CatalogScan = field(default_factory=CatalogScan)
    questionnaire: Questionnaire | None = None  # content/safety_check.yaml
    urgent: UrgentWords | None = None  # content/urgent.yaml
    # the word lists that read free text (None: the file has an error)
    small_talk: SmallTalk | None = None  # content/small_talk.yaml
    recruiter: RecruiterWords | None = None  # content/recruiter.yaml
    countries: Countries | None = None  # content/countries.yaml

    @property
    def has_errors(self) -> bool:
        return any(p.is_error for p in self.problems)


def load_content(root: Path) -> tuple[ContentTree | None, list[Problem]]:
    """Load the content tree. The tree is None when any error was found."""
    scan = scan_content(Path(root))
    return (None if scan.has_errors else scan.tree), scan.problems


# --------------------------------------------------------------------------- reading files


def read_text(path: Path, root: Path | None = None) -> tuple[str | None, Problem | None]:
    """A file's text (regular files only, size-limited, UTF-8), or the problem reading it."""
    return files.read_text(path, root)


def parse_yaml(text: str, path: Path, first_line: int, what: str = "the front matter"
               ) -> tuple[Any, dict[str, int], dict[str, list[int]], list[Problem]]:
    """YAML text -> (data, key line map, list item lines, problems). Lines are file lines."""
    try:
        data, node = files.load_yaml(text)
    except yaml.YAMLError as exc:
        return None, {}, {}, [files.yaml_problem(exc, text, path, first_line, what)]
    except RecursionError:
        return None, {}, {}, [Problem(path, first_line, f"{what} is nested too deeply",
                                      files.YAML_HINT)]
    key_lines: dict[str, int] = {}
    item_lines: dict[str, list[int]] = {}
    problems: list[Problem] = []
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = first_line + key_node.start_mark.line
            if key in key_lines:
                problems.append(Problem(path, line, f"the field '{key}' is written twice",
                                        f"keep one '{key}:' and merge the two lists"))
            key_lines[key] = line
            if isinstance(value_node, yaml.SequenceNode):
                item_lines[key] = [first_line + n.start_mark.line for n in value_node.value]
    return data, key_lines, item_lines, problems


def split_front_matter(text: str, path: Path) -> tuple[str, int, str, int] | Problem:
    """-> (front matter, its first line, body, body's first line), or the problem."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return Problem(path, 1, "the file does not start with a front-matter block ('---')",
                       "put a line with only --- at the top, then id:, title:, questions:, "
                       "sources:, then another line with only ---, then the answer")
    for i in range(1, len(lines)):
        if lines[i].strip() in ("---", "..."):
            return "\n".join(lines[1:i]), 2, "\n".join(lines[i + 1:]), i + 2
    return Problem(path, 1, "the front matter is not closed: no second '---' line",
                   "add a line with only --- after the last front-matter field")


# --------------------------------------------------------------------------- facts


def _as_text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (str, int, float)):
        return str(value).strip()
    return None


def parse_source(raw: Any, path: Path, line: int | None) -> tuple[Source | None, list[Problem]]:
    """One `sources:` entry (or a fact's `source:`) -> Source; shape problems only."""
    if isinstance(raw, str):
        raw = {"title": raw}
    if not isinstance(raw, dict):
        return None, [Problem(path, line, "a source must have title:, url: and checked:",
                              "write it as '- title: …' with url: and checked: under it")]
    checked = raw.get("checked")
    problems: list[Problem] = []
    if isinstance(checked, datetime):
        checked = checked.date()
    elif isinstance(checked, str):
        try:
            checked = date.fromisoformat(checked.strip())
        except ValueError:
            problems.append(Problem(path, line, f"the checked date '{checked}' is not YYYY-MM-DD",
                                    "write the date as year-month-day, e.g. 2026-11-29"))
            checked = None
    elif checked is not None and not isinstance(checked, date):
        problems.append(Problem(path, line, f"the checked date '{checked}' is not YYYY-MM-DD",
                                "write the date as year-month-day, e.g. 2026-11-29"))
        checked = None
    return Source(_as_text(raw.get("title")) or None, _as_text(raw.get("url")) or None,
                  checked), problems


def load_facts(path: Path, root: Path | None = None
               ) -> tuple[dict[str, Fact], dict[str, dict[str, int]], list[Problem]]:
    """facts.yaml -> facts by id, line of each fact's fields, problems."""
    if not path.exists() and not path.is_symlink():
        return {}, {}, [Problem(path, None, "facts.yaml is missing",
                                "create content/facts.yaml (it may be empty) to define facts",
                                "warning")]
    text, problem = read_text(path, root)
    if problem:
        return {}, {}, [problem]
    assert text is not None
    data, key_lines, _items, problems = parse_yaml(text, path, 1, "facts.yaml")
    if data is None:
        return {}, {}, problems
    if not isinstance(data, dict):
        return {}, {}, [*problems, Problem(path, 1, "facts.yaml must be a list of 'fact_id:' "
                                           "blocks", "see docs/content-format.md")]
    node = files.load_yaml(text)[1]  # already read once without error
    field_lines: dict[str, dict[str, int]] = {}
    for key_node, value_node in node.value:
        if isinstance(value_node, yaml.MappingNode):
            field_lines[str(key_node.value)] = {
                str(k.value): k.start_mark.line + 1 for k, _ in value_node.value}
    facts: dict[str, Fact] = {}
    for fid, raw in data.items():
        fid = str(fid)
        line = key_lines.get(fid)
        if not re.fullmatch(r"[A-Za-z0-9_.\-]+", fid):
            problems.append(Problem(path, line, f"the fact id '{fid}' has spaces or symbols",
                                    "use only letters, digits, _ and - in fact ids"))
            continue
        if not isinstance(raw, dict) or "value" not in raw:
            problems.append(Problem(path, line, f"the fact '{fid}' has no value:",
                                    "add 'value: …' under the fact id"))
            continue
        value: str | dict[str, str]
        if isinstance(raw["value"], dict):
            value = {str(k): _as_text(v) or "" for k, v in raw["value"].items()}
            if not all(value.values()):
                problems.append(Problem(path, line, f"the fact '{fid}' has an empty value",
                                        "give a value in every language"))
        else:
            value = _as_text(raw["value"]) or ""
            if not value:
                problems.append(Problem(path, line, f"the fact '{fid}' has an empty value",
                                        "write the value after 'value:'"))
        kind = str(raw.get("kind", "text"))
        if kind not in FACT_KINDS:
            problems.append(Problem(path, line, f"the fact '{fid}' has an unknown kind '{kind}'",
                                    "use kind: phone, amount or text", "warning"))
        confirmed = raw.get("confirmed")
        if not isinstance(confirmed, bool):
            problems.append(Problem(
                path, line, f"the fact '{fid}' does not say confirmed: true or false; "
                "it is shown as not confirmed", "add 'confirmed: true' once the source "
                "says so, or 'confirmed: false'", "warning"))
            confirmed = False
        source = None
        if raw.get("source") is not None:
            source, sp = parse_source(raw["source"], path,
                                      field_lines.get(fid, {}).get("source", line))
            problems += sp
        label = raw.get("label") if isinstance(raw.get("label"), dict) else {}
        facts[fid] = Fact(fid, value, kind, {str(k): str(v) for k, v in label.items()},
                          source, confirmed, line, _as_text(raw.get("abroad")) or None)
    return facts, field_lines, problems


# --------------------------------------------------------------------------- topic files


def _str_list(meta: dict[str, Any], key: str, path: Path, key_lines: dict[str, int],
              item_lines: dict[str, list[int]], problems: list[Problem]) -> tuple[str, ...]:
    value = meta.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    if not isinstance(value, list):
        problems.append(Problem(path, key_lines.get(key), f"'{key}' must be a list",
                                f"write each entry on its own line under '{key}:' "
                                "starting with '  - '"))
        return ()
    out: list[str] = []
    lines = item_lines.get(key, [])
    for i, item in enumerate(value):
        text = _as_text(item)
        if text is None:
            line = lines[i] if i < len(lines) else key_lines.get(key)
            problems.append(Problem(path, line, f"an entry of '{key}' is not plain text",
                                    "put the entry inside \"double quotes\" (a ': ' inside "
                                    "it makes YAML read it as a field)"))
        elif text:
            out.append(text)
    return tuple(out)


def _line_at(text: str, start_line: int, offset: int) -> int:
    return start_line + text.count("\n", 0, offset)


def _substitute(text: str, start_line: int, lang: str, facts: dict[str, Fact],
                path: Path, problems: list[Problem], mark: str) -> str:
    """Insert {{fact_id}} values; unconfirmed facts get `mark` after the value."""
    for m in _BRACES.finditer(text):
        if not FACT_REF.fullmatch(m.group(0)):
            problems.append(Problem(path, _line_at(text, start_line, m.start()),
                                    f"'{m.group(0)[:40]}' is not a fact reference",
                                    "write a fact as {{fact_id}} with an id from facts.yaml"))

    def repl(m: re.Match[str]) -> str:
        fact = facts.get(m.group(1))
        if fact is None:
            problems.append(Problem(
                path, _line_at(text, start_line, m.start()),
                f"unknown fact {{{{{m.group(1)}}}}}",
                "use an id defined in content/facts.yaml (check the spelling), or add it there"))
            return m.group(0)
        words = facts.get(FROM_ABROAD_FACT)
        value = fact.shown(lang, words.value_for(lang) if words else "")
        return value if fact.confirmed else value + _UNCONFIRMED

    return place_unconfirmed_notes(FACT_REF.sub(repl, text), f"({mark})")


_UNCONFIRMED = "\x00"  # stands after an unconfirmed fact's value until the note is placed
# The end of a sentence: . ! ? and Urdu/Sindhi ۔ ؟, followed by a space, the end of the line,
# or closing Markdown (** or a bracket); "3.5" or "www.x.pk" are not sentence ends.
_SENTENCE_END = re.compile(r"[.!?۔؟](?=\s|$|\*\*|[)\]])")


def place_unconfirmed_notes(text: str, note: str) -> str:
    """Put the note for unconfirmed facts after the sentence that holds them, never inside
    it: "the age is 25 years (could not be confirmed)." — one note per sentence."""
    if _UNCONFIRMED not in text:
        return text
    out_lines = []
    for line in text.split("\n"):
        points: list[int] = []
        while _UNCONFIRMED in line:
            i = line.index(_UNCONFIRMED)
            line = line[:i] + line[i + 1:]
            points = [p - 1 if p > i else p for p in points]
            end = _SENTENCE_END.search(line.replace(_UNCONFIRMED, " "), i)
            j = end.start() if end else len(line.rstrip())
            if j not in points:
                points.append(j)
        for j in sorted(points, reverse=True):
            line = line[:j] + " " + note + line[j:]
        out_lines.append(line)
    return "\n".join(out_lines)


def _read_topic(path: Path, lang: str, facts: dict[str, Fact], problems: list[Problem],
                root: Path | None = None) -> tuple[Topic | None, RawFile | None]:
    text, problem = read_text(path, root)
    if problem:
        problems.append(problem)
        return None, None
    assert text is not None
    split = split_front_matter(text, path)
    if isinstance(split, Problem):
        problems.append(split)
        return None, None
    fm, fm_line, body_all, body_line = split
    meta, key_lines, item_lines, yp = parse_yaml(fm, path, fm_line)
    problems += yp
    if yp and meta is None:
        return None, None
    if not isinstance(meta, dict):
        problems.append(Problem(path, fm_line, "the front matter must be 'field: value' lines",
                                "start with 'id: <topic-id>' and 'title: …'"))
        return None, None
    for key in meta:
        if str(key) not in TOPIC_FIELDS:
            problems.append(Problem(path, key_lines.get(str(key)), f"unknown field '{key}' "
                                    "(ignored)", "check the spelling; fields are "
                                    + ", ".join(sorted(TOPIC_FIELDS)), "warning"))
    tid = _as_text(meta.get("id"))
    if not tid:
        problems.append(Problem(path, key_lines.get("id", fm_line), "the topic has no id:",
                                f"add 'id: {path.stem}' at the top of the front matter"))
        tid = path.stem
    elif tid != path.stem:
        problems.append(Problem(path, key_lines.get("id"), f"the id '{tid}' is not the file "
                                f"name '{path.name}'",
                                f"rename the file to {tid}.md or change the id to {path.stem}"))
    title = _as_text(meta.get("title"))
    if not title:
        problems.append(Problem(path, key_lines.get("title", fm_line), "the topic has no title:",
                                "add 'title: …' (a few words, in this file's language)"))
    questions = _str_list(meta, "questions", path, key_lines, item_lines, problems)
    keywords = _str_list(meta, "keywords", path, key_lines, item_lines, problems)
    related = _str_list(meta, "related", path, key_lines, item_lines, problems)
    unconfirmed = _str_list(meta, "unconfirmed", path, key_lines, item_lines, problems)
    if not questions:
        problems.append(Problem(path, key_lines.get("questions", fm_line),
                                "no example questions: people cannot find this topic",
                                "add 'questions:' with questions the way people ask them",
                                "warning"))
    sources: list[Source] = []
    raw_sources = meta.get("sources")
    if raw_sources is not None and not isinstance(raw_sources, list):
        problems.append(Problem(path, key_lines.get("sources"), "'sources' must be a list",
                                "write each source as '  - title: …' with url: and checked:"))
    elif raw_sources:
        lines = item_lines.get("sources", [])
        for i, raw in enumerate(raw_sources):
            src, sp = parse_source(raw, path, lines[i] if i < len(lines) else None)
            problems += sp
            if src:
                sources.append(src)

    parts = MORE_MARKER.split(body_all, maxsplit=1)
    body_raw = parts[0]
    more_raw = parts[1] if len(parts) > 1 else ""
    more_line = body_line + body_raw.count("\n") + 1
    if len(parts) > 1 and MORE_MARKER.search(more_raw):
        problems.append(Problem(path, more_line, "more than one '<!-- more -->' line",
                                "keep one; the text after it is shown when the user taps More",
                                "warning"))
    tr = translator(lang, path.parent.parent)
    mark = tr.gettext("could not be confirmed")
    lead = len(body_raw) - len(body_raw.lstrip("\n"))
    body = _substitute(body_raw, body_line, lang, facts, path, problems, mark).strip()
    more = _substitute(more_raw, more_line, lang, facts, path, problems, mark).strip()
    if not body:
        problems.append(Problem(path, body_line, "the answer is empty",
                                "write the answer after the closing '---' line "
                                "(before '<!-- more -->')"))
    note = ""
    if unconfirmed:
        note = tr.gettext("Could not be confirmed:") + "\n" + "\n".join(
            f"• {u}" for u in unconfirmed)
        # The first screen says what to do; what could not be confirmed is detail, behind
        # "More" (each unconfirmed fact keeps its own note after its sentence).
        more = f"{more}\n\n{note}".strip()
    if len(body) > MAX_MESSAGE_CHARS:
        problems.append(Problem(path, body_line + lead,
                                f"the answer is {len(body)} characters; the limit is "
                                f"{MAX_MESSAGE_CHARS}",
                                "shorten it or move detail after '<!-- more -->'"))
    elif len(body) > FIRST_SCREEN_CHARS:
        problems.append(Problem(path, body_line + lead,
                                f"the answer is {len(body)} characters, more than a phone "
                                f"screen (about {FIRST_SCREEN_CHARS})",
                                "say the one thing to do first and move the detail after "
                                "'<!-- more -->'", "warning"))
    if len(more) > MAX_MESSAGE_CHARS:
        problems.append(Problem(path, more_line, f"the 'more' part is {len(more)} characters; "
                                f"the limit is {MAX_MESSAGE_CHARS}", "shorten it"))
    for part, start in ((body_raw, body_line), (more_raw, more_line)):
        for i, text_line in enumerate(part.split("\n")):
            for what in markdown_problems(text_line):
                problems.append(Problem(path, start + i, f"this line would not show in "
                                        f"Telegram as written: {what}",
                                        "close every ** on the same line, and keep a link "
                                        "[text](https://…) either wholly inside or wholly "
                                        "outside a bold **…**"))
    raw_file = RawFile(path, lang, meta, key_lines, item_lines, body_raw, body_line,
                       more_raw, more_line)
    if not title or not body:
        return None, raw_file
    topic = Topic(tid, lang, title, body, more, questions, keywords, related, tuple(sources),
                  unconfirmed, path, note)
    return topic, raw_file


def scan_content(root: Path) -> Scan:
    """Read every topic file and facts.yaml under `root`; collect all problems."""
    root = Path(root)
    scan = Scan(root, ContentTree({}, {}, root))
    if not root.is_dir():
        scan.problems.append(Problem(root, None, "the content directory does not exist",
                                     "pass --content DIR or set CONTENT_DIR"))
        return scan
    scan.facts_path = root / "facts.yaml"
    facts, scan.fact_lines, fp = load_facts(scan.facts_path, root)
    scan.problems += fp
    scan.tree.facts = facts
    for sub in sorted(p for p in root.iterdir() if p.is_dir()):
        name = sub.name
        if name.startswith((".", "_")) or name in SKIP_DIRS:
            continue
        if not files.is_inside(sub, root):
            scan.problems.append(Problem(sub, None, "this folder is a link to a place outside "
                                         "the content folder; it is not read",
                                         "replace the link with the folder itself"))
            continue
        if name not in LANGUAGES:
            scan.problems.append(Problem(sub, None, f"'{name}' is not a language the bot "
                                         f"serves ({', '.join(LANGUAGES)}); folder ignored",
                                         "rename it, or see docs/content-guide.md "
                                         "'Adding a language'", "warning"))
            continue
        by_id: dict[str, Topic] = {}
        for path in sorted(sub.glob("*.md")):
            topic, raw = _read_topic(path, name, facts, scan.problems, root)
            if raw is not None:
                scan.files.append(raw)
            else:
                scan.broken.add((name, path.stem))
            if topic is None:
                continue
            if topic.id in by_id:
                kept, dup = by_id[topic.id], topic
                if kept.path is not None and kept.path.stem != kept.id and path.stem == topic.id:
                    kept, dup = dup, kept  # report the file whose name is not its id
                by_id[topic.id] = kept
                assert dup.path is not None and kept.path is not None
                dup_raw = next((f for f in scan.files if f.path == dup.path), None)
                scan.problems.append(Problem(
                    dup.path, dup_raw.key_lines.get("id") if dup_raw else None,
                    f"duplicated id '{topic.id}' (also in {kept.path.name})",
                    "give each topic its own id; delete or rename one of the two files"))
                continue
            by_id[topic.id] = topic
        scan.tree.topics[name] = by_id
    all_ids = {tid for by_id in scan.tree.topics.values() for tid in by_id}
    all_ids |= {str(f.meta.get("id")) for f in scan.files if f.meta.get("id")}
    for raw in scan.files:
        related = raw.meta.get("related")
        if not isinstance(related, list):
            continue
        lines = raw.item_lines.get("related", [])
        for i, rid in enumerate(related):
            if isinstance(rid, str) and rid.strip() and rid.strip() not in all_ids:
                scan.problems.append(Problem(
                    raw.path, lines[i] if i < len(lines) else raw.key_lines.get("related"),
                    f"related: '{rid}' is not a topic id",
                    "use the id of an existing topic (its file name without .md)"))
    scan.catalogs = scan_catalogs(root)
    scan.problems += scan.catalogs.problems
    _read_questionnaire(scan)
    _read_urgent(scan)
    _read_word_lists(scan)
    if not any(scan.tree.topics.values()) and not scan.has_errors:
        scan.problems.append(Problem(root, None, "no topics found",
                                     "add files content/en/<topic-id>.md (see "
                                     "docs/content-format.md)"))
    return scan


# --------------------------------------------------------------------------- other files


def _read_yaml_file(scan: Scan, name: str) -> tuple[Any, dict[str, list[int]]]:
    """A YAML file of the content folder, read safely, and the lines of its list items;
    None (problem recorded) on error."""
    path = scan.root / name
    if not path.exists() and not path.is_symlink():
        return None, {}  # `content check` and the bot's start-up say it is missing
    text, problem = read_text(path, scan.root)
    if problem is not None:
        scan.problems.append(problem)
        return None, {}
    assert text is not None
    data, _keys, items, problems = parse_yaml(text, path, 1, name)
    scan.problems += problems
    return data, items


def _read_questionnaire(scan: Scan) -> None:
    data, items = _read_yaml_file(scan, "safety_check.yaml")
    if data is None:
        return
    try:
        scan.questionnaire = parse_questionnaire(data, scan.root / "safety_check.yaml")
    except QuestionnaireError as exc:
        message = str(exc).split(": ", 1)[-1]
        lines = items.get("questions", [])
        line = lines[exc.question - 1] if exc.question and exc.question <= len(lines) else None
        scan.problems.append(Problem(scan.root / "safety_check.yaml", line, message,
                                     "see the explanation at the top of the file"))


def _read_urgent(scan: Scan) -> None:
    path = scan.root / "urgent.yaml"
    data, _items = _read_yaml_file(scan, "urgent.yaml")
    if data is None:
        return
    if not isinstance(data, dict):
        scan.problems.append(Problem(path, 1, "urgent.yaml must start with `signs:` (or one list "
                                     "of phrases per language)", "see the top of the file"))
        return
    try:
        scan.urgent = UrgentWords(data)
    except (AttributeError, TypeError, ValueError) as exc:
        scan.problems.append(Problem(path, 1, f"urgent.yaml cannot be read: {exc}",
                                     "see the explanation at the top of the file"))


# The word lists of `bot.core.reading_words`: file name -> the class that reads it. A missing
# file is an empty list (the bot works without that reading); a broken one is an error.
WORD_LISTS = {"small_talk.yaml": SmallTalk, "recruiter.yaml": RecruiterWords,
              "countries.yaml": Countries}


def _yaml_line(text: str, where: tuple[str | int, ...]) -> int | None:
    """The file line of the value at `where` (keys and list positions), as near as it goes."""
    try:
        _data, node = files.load_yaml(text)
    except (yaml.YAMLError, RecursionError):
        return None
    line = 1
    for key in where:
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if str(k.value) == str(key)), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) \
                and key < len(node.value):
            node = node.value[key]
        else:
            break
        if node is None:
            break
        line = node.start_mark.line + 1
    return line


def _read_word_lists(scan: Scan) -> None:
    for name, kind in WORD_LISTS.items():
        path = scan.root / name
        if not path.exists() and not path.is_symlink():
            setattr(scan, name.removesuffix(".yaml"), kind.from_data({}, path))
            continue
        before = len(scan.problems)
        data, _items = _read_yaml_file(scan, name)
        if any(p.is_error for p in scan.problems[before:]):
            continue
        try:
            setattr(scan, name.removesuffix(".yaml"), kind.from_data(data, path))
        except WordListError as exc:
            text, _problem = read_text(path, scan.root)
            scan.problems.append(Problem(path, _yaml_line(text or "", exc.where), exc.message,
                                         "see the explanation at the top of the file"))
