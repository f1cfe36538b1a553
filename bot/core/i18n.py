"""UI strings through gettext catalogs (content/locale/<lang>/LC_MESSAGES/messages.po).

The .po files are read with Babel and compiled in memory, so no .mo file is committed and an
edited catalog takes effect on /reload. A missing or empty translation falls back to the
English msgid. Text direction, numbers and dates come from Babel's locale data.
"""

from __future__ import annotations

import io
import os
import re
import threading
from datetime import date, datetime
from pathlib import Path
from string import Formatter

from babel import Locale, UnknownLocaleError
from babel.dates import format_date as _babel_format_date
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations

DOMAIN = "messages"
_lock = threading.Lock()
_cache: dict[tuple[Path, str], NullTranslations] = {}
_current: dict[str, NullTranslations] = {}  # lang -> catalog under the default root
_default_root: Path | None = None


def _content_root(root: Path | str | None) -> Path:
    if root is not None:
        return Path(root)
    if _default_root is not None:
        return _default_root
    return Path(os.environ.get("CONTENT_DIR") or "content")


def catalog_path(lang: str, root: Path | str | None = None) -> Path:
    """content/locale/<lang>/LC_MESSAGES/messages.po"""
    return _content_root(root) / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _compile(po_path: Path, lang: str) -> NullTranslations:
    """Read a .po file and compile it in memory; NullTranslations when it is missing/broken."""
    from bot.core.content.files import read_bytes  # regular files only, size-limited

    data, _problem = read_bytes(po_path)
    if data is None:
        return NullTranslations()
    try:
        catalog = read_po(io.BytesIO(data), locale=lang, domain=DOMAIN)
    except (ValueError, UnknownLocaleError):
        return NullTranslations()
    for msg in catalog:  # a translation that lost a placeholder would break .format()
        if msg.id and msg.string and not _keeps_placeholders(msg.id, msg.string):
            msg.string = "" if isinstance(msg.id, str) else tuple("" for _ in msg.string)
    buf = io.BytesIO()
    # use_fuzzy=False: a translation Poedit marks "needs work" is not shown to users.
    write_mo(buf, catalog, use_fuzzy=False)
    buf.seek(0)
    return Translations(buf, domain=DOMAIN)


_PERCENT = re.compile(r"%\(([^)]*)\)[#0 +-]*\d*(?:\.\d+)?[sdifrx]")


def placeholders(text: str) -> set[str] | None:
    """The placeholders of a message: `{n}` as "{n}", `%(n)s` as "%(n)s"; None when its
    braces do not parse (a lone `{` or `}`)."""
    try:
        fields = {"{" + name + "}" for _lit, name, _spec, _conv in Formatter().parse(text)
                  if name is not None}
    except ValueError:
        return None
    return fields | {m.group(0) for m in _PERCENT.finditer(text)}


def _keeps_placeholders(msgid: str | tuple, string: str | tuple) -> bool:
    want = placeholders(msgid if isinstance(msgid, str) else msgid[0])
    strings = [string] if isinstance(string, str) else list(string)
    return all(not s or placeholders(s) == want for s in strings)


def translator(lang: str, root: Path | str | None = None) -> NullTranslations:
    """The catalog for `lang`: `.gettext(msgid)`, `.ngettext(singular, plural, n)`.

    Untranslated strings come back as the English msgid.
    """
    if root is None:  # the hot path: the catalogs in service, no file-system call
        fast = _current.get(lang)
        if fast is not None:
            return fast
    base = _content_root(root).resolve()
    key = (base, lang)
    with _lock:
        tr = _cache.get(key)
        if tr is None:
            tr = _compile(catalog_path(lang, base), lang)
            _cache[key] = tr
        if root is None:
            _current[lang] = tr
        return tr


def gettext(msgid: str, lang: str, root: Path | str | None = None) -> str:
    """Shortcut: translator(lang).gettext(msgid)."""
    return translator(lang, root).gettext(msgid)


def clear_cache(root: Path | str | None = None) -> None:
    """Forget compiled catalogs (for `root`, or all) so the next call re-reads the .po files."""
    with _lock:
        _current.clear()
        if root is None:
            _cache.clear()
            return
        base = Path(root).resolve()
        for key in [k for k in _cache if k[0] == base]:
            del _cache[key]


def reload_catalogs(root: Path | str) -> None:
    """Use the catalogs under `root`/locale from now on and re-read them (for /reload)."""
    global _default_root
    _default_root = Path(root)
    clear_cache()


def _locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang)
    except (UnknownLocaleError, ValueError):
        return Locale.parse("en")


def text_direction(lang: str) -> str:
    """'rtl' for ur and sd, 'ltr' for en (from Babel's character_order)."""
    return "rtl" if _locale(lang).character_order == "right-to-left" else "ltr"


# Babel's Sindhi patterns put the year first ("2026 نومبر 29"); Sindhi readers write the
# day first, like Urdu: day, month, year.
_DATE_PATTERNS = {("sd", "long"): "d MMMM y", ("sd", "medium"): "d MMM y",
                  ("sd", "short"): "d/M/y"}


def format_date(d: date | datetime, lang: str, fmt: str = "long") -> str:
    """A date the way `lang` writes it, day first: '29 نومبر، 2026' (ur), '29 نومبر 2026' (sd)."""
    pattern = _DATE_PATTERNS.get((lang, fmt), fmt)
    return _babel_format_date(d, format=pattern, locale=_locale(lang))


def format_number(n: float, lang: str) -> str:
    """A number with the grouping of `lang` (Babel locale data)."""
    return format_decimal(n, locale=_locale(lang))


def missing_translations(lang: str, root: Path | str | None = None) -> list[str]:
    """msgids of messages.pot without a (non-fuzzy, non-empty) translation in `lang`."""
    base = _content_root(root)
    pot = base / "locale" / f"{DOMAIN}.pot"
    with pot.open("rb") as fh:
        template = read_po(fh)
    try:
        with catalog_path(lang, base).open("rb") as fh:
            catalog = read_po(fh, locale=lang)
    except OSError:
        return [str(m.id) for m in template if m.id]
    missing = []
    for msg in template:
        if not msg.id:
            continue
        tr = catalog.get(msg.id, msg.context)
        strings = tr.string if tr is not None else None
        values = strings if isinstance(strings, (list, tuple)) else [strings]
        if tr is None or tr.fuzzy or not all(values):
            missing.append(msg.id if isinstance(msg.id, str) else msg.id[0])
    return missing


def N_(msgid: str) -> str:
    """Mark a string for extraction into messages.pot without translating it yet."""
    return msgid


# --------------------------------------------------------------------------- extraction

# Functions whose first string argument is a UI message (`make catalogs`, babel.cfg).
EXTRACT_KEYWORDS = ("_", "N_", "gettext", "say", "button", "ngettext")


def extract_messages(fileobj, keywords, comment_tags, options):
    """Babel extraction method (babel.cfg) that reads the Python syntax tree.

    Babel's own Python extractor misses a keyword call nested in another one
    (`turn.say("…", ((turn.button("Yes"),),))`) and calls inside f-strings
    (`f"<b>{turn._('Why:')}</b>"`); the syntax tree sees both. Yields
    (line, function, message, comments) as Babel expects; `ngettext` yields both forms.
    """
    import ast

    source = fileobj.read()
    if isinstance(source, bytes):
        source = source.decode("utf-8")
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return
    names = set(keywords or ()) | set(EXTRACT_KEYWORDS)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name not in names:
            continue
        strings = []
        for arg in node.args[:2 if name == "ngettext" else 1]:
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                strings.append(arg.value)
        if name == "ngettext" and len(strings) == 2:
            found.append((node.lineno, name, tuple(strings), []))
        elif name != "ngettext" and strings and strings[0]:
            found.append((node.lineno, name, strings[0], []))
    yield from sorted(found, key=lambda item: item[0])
