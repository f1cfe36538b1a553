"""Checks of the UI string catalogs (content/locale): what the live bot will show.

- `placeholder_problems`: a translation must keep the placeholders of its English text
  (`{n}`, `{date}`, `%(name)s`): a translator writing `{نمبر}` for `{n}` would break that
  message for every reader. Reported at the translation's line in the .po file; an error
  that stops a /reload (the bot keeps the last good content).
- `translation_status`: per language, how many messages are translated, fuzzy ("Needs work"
  in Poedit, not shown to readers) and untranslated or missing (shown in English). `content
  check` fails while a language the bot serves lacks a translation, and prints the table.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import PoFileError, read_po

from bot.core.content import files
from bot.core.content.topics import LANGUAGES, Problem
from bot.core.i18n import DOMAIN, placeholders

SOURCE_LANGUAGE = "en"  # the msgids are English: an empty en translation shows the msgid


@dataclass
class LanguageStatus:
    lang: str
    total: int = 0
    translated: int = 0
    fuzzy: list[str] = field(default_factory=list)
    untranslated: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # in messages.pot, not in the .po at all

    @property
    def complete(self) -> bool:
        return not (self.fuzzy or self.untranslated or self.missing)


@dataclass
class CatalogScan:
    problems: list[Problem] = field(default_factory=list)  # errors stop a /reload
    incomplete: list[Problem] = field(default_factory=list)  # fail `content check` only
    status: list[LanguageStatus] = field(default_factory=list)


def template_path(root: Path) -> Path:
    return root / "locale" / f"{DOMAIN}.pot"


def po_path(root: Path, lang: str) -> Path:
    return root / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _read_catalog(path: Path, root: Path, lang: str | None
                  ) -> tuple[Catalog | None, list[str], Problem | None]:
    data, problem = files.read_bytes(path, root)
    if data is None:
        return None, [], problem
    try:
        catalog = read_po(io.BytesIO(data), locale=lang, domain=DOMAIN, abort_invalid=True)
    except PoFileError as exc:
        line = getattr(exc, "lineno", None)
        return None, [], Problem(path, line, f"the catalog cannot be read ({exc})",
                                 "open it in Poedit, which shows and fixes the mistake")
    except (ValueError, UnicodeDecodeError) as exc:
        return None, [], Problem(path, None, f"the catalog cannot be read ({exc})",
                                 "open it in Poedit and save it again (UTF-8)")
    return catalog, data.decode("utf-8", "replace").split("\n"), None


def _msgstr_line(lines: list[str], msg: Message) -> int | None:
    """The line of the msgstr of `msg` (Babel gives the msgid's line)."""
    start = msg.lineno or 0
    for i in range(max(start - 1, 0), min(len(lines), start + 200)):
        if lines[i].startswith("msgstr"):
            return i + 1
    return msg.lineno


def _msgid(msg: Message) -> str:
    return msg.id if isinstance(msg.id, str) else msg.id[0]


def _strings(msg: Message) -> list[str]:
    s = msg.string
    return list(s) if isinstance(s, (list, tuple)) else [s or ""]


def placeholder_problems(catalog: Catalog, lines: list[str], path: Path) -> list[Problem]:
    problems = []
    for msg in catalog:
        if not msg.id:
            continue
        ids = [msg.id] if isinstance(msg.id, str) else list(msg.id)
        want = placeholders(ids[0])
        for text in _strings(msg):
            if not text:
                continue
            got = placeholders(text)
            if got == want:
                continue
            line = _msgstr_line(lines, msg)
            short = _msgid(msg)[:60]
            if got is None:
                what = "has a { or } that is not part of a placeholder"
            else:
                extra = sorted(got - (want or set()))
                lost = sorted((want or set()) - got)
                what = "; ".join(filter(None, [
                    f"has {', '.join(extra)} which the English text does not have" if extra
                    else "", f"lacks {', '.join(lost)}" if lost else ""]))
            problems.append(Problem(
                path, line, f"the translation of '{short}' {what}",
                "copy each placeholder exactly as in the English text, in Latin letters: "
                + (", ".join(sorted(want)) if want else "this message has none")
                + " (a literal brace is written {{ or }})"))
    return problems


def scan_catalogs(root: Path) -> CatalogScan:
    """Check every language's catalog against the template. No template: nothing to check."""
    scan = CatalogScan()
    pot = template_path(root)
    if not pot.exists() and not pot.is_symlink():
        return scan
    template, _lines, problem = _read_catalog(pot, root, None)
    if template is None:
        assert problem is not None
        scan.problems.append(problem)
        return scan
    wanted = [m for m in template if m.id]
    for lang in LANGUAGES:
        path = po_path(root, lang)
        status = LanguageStatus(lang, total=len(wanted))
        scan.status.append(status)
        if not path.exists() and not path.is_symlink():
            status.missing = [_msgid(m) for m in wanted]
            if lang != SOURCE_LANGUAGE:
                scan.incomplete.append(Problem(
                    path, None, f"there is no {lang} catalog: every button and message is "
                    "shown in English", "create it with pybabel init (docs/content-guide.md)"))
            continue
        catalog, lines, problem = _read_catalog(path, root, lang)
        if catalog is None:
            assert problem is not None
            scan.problems.append(problem)
            status.missing = [_msgid(m) for m in wanted]
            continue
        scan.problems += placeholder_problems(catalog, lines, path)
        for tmpl in wanted:
            msg = catalog.get(tmpl.id, tmpl.context)
            msgid = _msgid(tmpl)
            if msg is None:
                status.missing.append(msgid)
            elif msg.fuzzy:
                status.fuzzy.append(msgid)
            elif not all(_strings(msg)):
                status.untranslated.append(msgid)
            else:
                status.translated += 1
            if lang == SOURCE_LANGUAGE or (msg is not None and not msg.fuzzy
                                           and all(_strings(msg))):
                continue
            where = _msgstr_line(lines, msg) if msg is not None else None
            state = ("is marked fuzzy (\"Needs work\")" if msg is not None and msg.fuzzy
                     else "has no translation" if msg is not None
                     else "is missing from the catalog")
            scan.incomplete.append(Problem(
                path, where, f"'{msgid[:60]}' {state}; readers see it in English",
                "translate it in Poedit (and untick \"Needs work\")" if msg is not None
                else "run `make catalogs` to add it, then translate it in Poedit"))
        if lang == SOURCE_LANGUAGE:  # English needs no translation: the msgid is the text
            status.translated, status.untranslated, status.missing = status.total, [], []
            status.fuzzy = []
    return scan


def format_status(status: list[LanguageStatus]) -> str:
    """The translation-status table printed by `content check`."""
    rows = [("language", "messages", "translated", "fuzzy", "untranslated", "missing")]
    for s in status:
        rows.append((s.lang + (" (source)" if s.lang == SOURCE_LANGUAGE else ""), str(s.total),
                     str(s.translated), str(len(s.fuzzy)), str(len(s.untranslated)),
                     str(len(s.missing))))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                       for i, cell in enumerate(row)) for row in rows]
    return "Translation status (content/locale):\n" + "\n".join(lines)


def code_messages() -> set[str]:
    """Every UI string the bot's code passes to _, N_, gettext, ngettext, say or button."""
    import bot
    from bot.core.i18n import extract_messages

    found: set[str] = set()
    for path in sorted(Path(bot.__file__).parent.rglob("*.py")):
        with path.open("rb") as fh:
            for _line, _func, message, _comments in extract_messages(fh, [], [], {}):
                found.add(message if isinstance(message, str) else message[0])
    return found


def stale_template_problems(root: Path) -> list[Problem]:
    """UI strings the code uses that messages.pot lacks: no language can translate them."""
    pot = template_path(root)
    template, _lines, _problem = _read_catalog(pot, root, None) if pot.is_file() else (None, [], None)
    if template is None:
        return []
    known = {_msgid(m) for m in template if m.id}
    return [Problem(pot, None, f"'{msgid[:60]}' is used by the bot but is not in messages.pot; "
                    "every reader sees it in English", "a programmer runs `make catalogs`, then "
                    "translators translate it in Poedit")
            for msgid in sorted(code_messages() - known)]
