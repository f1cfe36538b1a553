"""UI string catalogs: compiled in memory from .po, fallback to English, Babel locale data."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot.core import i18n

CONTENT = Path(__file__).resolve().parent.parent / "content"

PO = """msgid ""
msgstr ""
"Language: ur\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
"Content-Type: text/plain; charset=UTF-8\\n"

msgid "More"
msgstr "مزید"

msgid "Back"
msgstr ""

#, fuzzy
msgid "Yes"
msgstr "جی ہاں؟"

msgid "{n} topic"
msgid_plural "{n} topics"
msgstr[0] "{n} موضوع"
msgstr[1] "{n} موضوعات"
"""


@pytest.fixture
def root(tmp_path: Path) -> Path:
    po = tmp_path / "locale" / "ur" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text(PO, encoding="utf-8")
    return tmp_path


def test_translates_and_falls_back(root: Path) -> None:
    tr = i18n.translator("ur", root)
    assert tr.gettext("More") == "مزید"
    assert tr.gettext("Back") == "Back"  # empty translation -> English msgid
    assert tr.gettext("Yes") == "Yes"  # fuzzy (needs work in Poedit) -> not shown
    assert tr.gettext("Not in the catalog") == "Not in the catalog"
    assert tr.ngettext("{n} topic", "{n} topics", 1) == "{n} موضوع"
    assert tr.ngettext("{n} topic", "{n} topics", 3) == "{n} موضوعات"
    assert i18n.gettext("More", "ur", root) == "مزید"


def test_missing_or_broken_catalog_gives_english(root: Path) -> None:
    assert i18n.translator("sd", root).gettext("More") == "More"
    bad = root / "locale" / "en" / "LC_MESSAGES" / "messages.po"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"\xff\xfe garbage msgid")
    assert i18n.translator("en", root).gettext("More") == "More"


def test_reload_picks_up_edits(root: Path) -> None:
    assert i18n.translator("ur", root).gettext("Back") == "Back"
    po = root / "locale" / "ur" / "LC_MESSAGES" / "messages.po"
    po.write_text(PO.replace('msgid "Back"\nmsgstr ""', 'msgid "Back"\nmsgstr "واپس"'),
                  encoding="utf-8")
    assert i18n.translator("ur", root).gettext("Back") == "Back"  # cached until reload
    i18n.reload_catalogs(root)
    try:
        assert i18n.translator("ur").gettext("Back") == "واپس"
    finally:
        i18n.reload_catalogs(CONTENT)


def test_locale_data() -> None:
    assert i18n.text_direction("ur") == "rtl"
    assert i18n.text_direction("sd") == "rtl"
    assert i18n.text_direction("en") == "ltr"
    assert i18n.format_date(date(2026, 11, 29), "ur") == "29 نومبر، 2026"
    assert "نومبر" in i18n.format_date(date(2026, 11, 29), "sd")
    assert i18n.format_date(date(2026, 11, 29), "en") == "November 29, 2026"
    assert i18n.format_number(1234567, "ur") == "1,234,567"
    assert i18n.format_number(15000, "xx-unknown") == "15,000"


def test_catalog_files_open_in_poedit() -> None:
    """Headers Poedit needs: Language, Plural-Forms, UTF-8."""
    for lang in ("en", "ur", "sd"):
        path = i18n.catalog_path(lang, CONTENT)
        text = path.read_text(encoding="utf-8")
        assert f'"Language: {lang}\\n"' in text
        assert '"Plural-Forms: nplurals=' in text
        assert "charset=utf-8" in text.lower()
        with path.open("rb") as fh:
            read_po(fh)  # parses


@pytest.mark.parametrize("lang", ["ur", "sd"])
def test_every_ui_string_is_translated(lang: str) -> None:
    """Every msgid in messages.pot needs a translation; the failure lists the missing ones."""
    missing = i18n.missing_translations(lang, CONTENT)
    assert not missing, f"{len(missing)} UI string(s) not translated in {lang}: " + "; ".join(
        repr(m) for m in missing)


def test_placeholders_survive_translation() -> None:
    """A translation must keep the {placeholders} of its msgid, or .format() breaks."""
    import re

    for lang in ("ur", "sd"):
        with i18n.catalog_path(lang, CONTENT).open("rb") as fh:
            catalog = read_po(fh)
        for msg in catalog:
            if not msg.id or not msg.string:
                continue
            ids = msg.id if isinstance(msg.id, tuple) else (msg.id,)
            strings = msg.string if isinstance(msg.string, tuple) else (msg.string,)
            want = set(re.findall(r"\{\w*\}", ids[0]))
            for s in strings:
                assert set(re.findall(r"\{\w*\}", s)) == want, (lang, msg.id, s)


def test_a_translation_that_lost_its_placeholder_falls_back_to_english(root: Path) -> None:
    po = root / "locale" / "ur" / "LC_MESSAGES" / "messages.po"
    po.write_text(PO + '\nmsgid "Ticket #{n}"\nmsgstr "ٹکٹ #{نمبر}"\n\n'
                  'msgid "List date: {date}"\nmsgstr "فہرست کی تاریخ: {date}"\n', encoding="utf-8")
    tr = i18n.translator("ur", root)
    assert tr.gettext("Ticket #{n}").format(n=7) == "Ticket #7"  # never a KeyError
    assert tr.gettext("List date: {date}") == "فہرست کی تاریخ: {date}"


def test_sindhi_and_urdu_dates_read_day_month_year() -> None:
    assert i18n.format_date(date(2026, 11, 29), "sd") == "29 نومبر 2026"
    assert i18n.format_date(date(2026, 11, 29), "ur") == "29 نومبر، 2026"
    assert i18n.format_date(date(2026, 11, 29), "en") == "November 29, 2026"


def test_messages_pot_has_every_ui_string_of_the_code() -> None:
    """The extraction method reads the syntax tree: a button nested in `say(…)` and a call
    inside an f-string are UI strings too. `make catalogs` refreshes the template."""
    from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir

    repo = CONTENT.parent
    keywords = {**DEFAULT_KEYWORDS, "N_": None, "say": None, "button": None}  # as the Makefile
    code = {msg if isinstance(msg, str) else msg[0] for _f, _l, msg, _c, _x in extract_from_dir(
        repo / "bot", method_map=[("**.py", "bot.core.i18n:extract_messages")],
        keywords=keywords)}
    with (CONTENT / "locale" / "messages.pot").open("rb") as fh:
        template = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}
    assert {"Why:", "Next steps:", "Sources", "✖ No, keep it"} <= code
    assert not code - template, f"run `make catalogs`: not in messages.pot: {code - template}"


def test_the_extractor_sees_nested_calls_and_f_strings() -> None:
    import io

    source = (b'turn.say("Delete?", ((turn.button("Yes, delete"),),))\n'
              b'x = f"<b>{escape(turn._(\'Why:\'))}</b>"\n'
              b'n = tr.ngettext("{n} topic", "{n} topics", k)\n')
    found = [m for _line, _f, m, _c in i18n.extract_messages(io.BytesIO(source), [], [], {})]
    assert found == ["Delete?", "Yes, delete", "Why:", ("{n} topic", "{n} topics")]
