"""`content check`: coverage, typed-out facts, sources and dates, and the command itself."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from bot.cli import main as cli_main
from bot.core.content.topics import LANGUAGES, REQUIRED_TOPICS, Problem
from bot.core.content.validation import check_content, format_problems

MINI = Path(__file__).parent / "data" / "content_fixtures" / "mini"
TODAY = date(2026, 11, 29)

STUB = """---
id: {tid}
title: {tid} ({lang})
questions:
  - question about {tid}
sources:
  - title: A document
    checked: 2026-11-01
---
Answer about {tid}.
"""


@pytest.fixture
def full(tmp_path: Path) -> Path:
    """The mini fixture plus stubs for every other required topic: a tree with no errors."""
    root = tmp_path / "content"
    shutil.copytree(MINI, root)
    for lang in LANGUAGES:
        for tid in REQUIRED_TOPICS:
            path = root / lang / f"{tid}.md"
            if not path.exists():
                path.write_text(STUB.format(tid=tid, lang=lang), encoding="utf-8")
    return root


def errors(problems: list[Problem]) -> list[Problem]:
    return [p for p in problems if p.severity == "error"]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_full_tree_is_clean(full: Path) -> None:
    problems = check_content(full, today=TODAY)
    assert problems == [], format_problems(problems)


def test_missing_required_topic(full: Path) -> None:
    (full / "sd" / "medical-tests.md").unlink()
    errs = errors(check_content(full, today=TODAY))
    assert len(errs) == 1
    assert "medical-tests" in errs[0].message and "sd" in errs[0].message
    assert str(errs[0].path).endswith("sd/medical-tests.md")


def test_missing_translation_of_extra_topic(full: Path) -> None:
    (full / "en" / "privacy.md").write_text(STUB.format(tid="privacy", lang="en"), "utf-8")
    errs = errors(check_content(full, today=TODAY))
    assert {Path(p.path).parent.name for p in errs} == {"ur", "sd"}
    assert all("no ur translation" in p.message or "no sd translation" in p.message
               for p in errs)


@pytest.mark.parametrize("typed", ["111-247-786", "111 247 786", "۱۱۱۲۴۷۷۸۶", "١١١-٢٤٧-٧٨٦",
                                   "111247786"])
def test_fact_typed_out_by_hand(full: Path, typed: str) -> None:
    path = full / "ur" / "helpline.md"
    edit(path, "{{fia_tip_hotline}}", typed)
    errs = errors(check_content(full, today=TODAY))
    assert len(errs) == 1, format_problems(errs)
    assert Path(errs[0].path) == path and errs[0].line == 12
    assert "fia_tip_hotline" in errs[0].message and "{{fia_tip_hotline}}" in errs[0].hint


def test_amount_typed_out_and_near_miss_phone(full: Path) -> None:
    edit(full / "sd" / "fees-and-receipts.md", "{{oep_service_charge_cap}}", "15,000 رپيا")
    edit(full / "en" / "helpline.md", "{{fia_tip_hotline}}", "111-247-787")
    errs = errors(check_content(full, today=TODAY))
    messages = sorted(p.message for p in errs)
    assert len(errs) == 2, format_problems(errs)
    assert any("oep_service_charge_cap" in m and "typed out" in m for m in messages)
    assert any("differs by one digit" in m for m in messages)


def test_other_numbers_are_not_flagged(full: Path) -> None:
    path = full / "en" / "licensed-recruiters.md"
    edit(path, "Check the licence.", "Check the licence, e.g. 1234/LHR, within 5 days, 2,577 "
         "licences. {{fia_tip_hotline}}")
    assert errors(check_content(full, today=TODAY)) == []


def test_missing_sources_and_dates(full: Path) -> None:
    path = full / "en" / "licensed-recruiters.md"
    edit(path, "sources:\n  - url: https://beoe.gov.pk/\n    checked: 2026-11-01\n", "")
    path2 = full / "ur" / "licensed-recruiters.md"
    edit(path2, "    checked: 2026-11-01\n", "")
    path3 = full / "sd" / "licensed-recruiters.md"
    edit(path3, "  - url: https://beoe.gov.pk/\n", "  - checked: 2026-11-01\n    note: x\n")
    errs = errors(check_content(full, today=TODAY))
    by_path = {Path(p.path): p for p in errs}
    assert "no sources" in by_path[path].message
    assert "no checked: date" in by_path[path2].message and by_path[path2].line == 8
    assert "neither a url" in by_path[path3].message


def test_stale_checked_date_is_a_warning(full: Path) -> None:
    problems = check_content(full, today=date(2027, 11, 15))
    assert problems and not errors(problems)
    assert all("more than 12 months ago" in p.message for p in problems)
    assert len(check_content(full, today=date(2027, 10, 1))) == 0


def test_fact_source_checked(full: Path) -> None:
    edit(full / "facts.yaml", "  source: {title: OPN, url: https://en.opn.com.pk/, "
         "checked: 2026-11-01}\n", "")
    errs = errors(check_content(full, today=TODAY))
    assert len(errs) == 1 and "oep_service_charge_cap" in errs[0].message
    assert errs[0].line == 7


def test_loader_errors_are_included(full: Path) -> None:
    (full / "en" / "helpline.md").write_text("---\nid: helpline\ntitle: [x\n---\nbody\n",
                                             encoding="utf-8")
    errs = errors(check_content(full, today=TODAY))
    assert any(str(p.path).endswith("en/helpline.md") and p.line == 3 for p in errs)


def test_unknown_language_folder_warning(full: Path) -> None:
    (full / "pashto").mkdir()
    problems = check_content(full, today=TODAY)
    assert [p.severity for p in problems] == ["warning"]


def test_cli_content_check(full: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["content", "check", "--content", str(full)]) == 0
    assert "content OK" in capsys.readouterr().out
    (full / "en" / "helpline.md").write_bytes(b"---\nid: helpline\n\xff\xfe\n---\n")
    assert cli_main(["content", "check", "--content", str(full)]) == 1
    out = capsys.readouterr().out
    assert "en/helpline.md:3: error: the file is not UTF-8 text — fix:" in out


# --- issue 12: translations, staff errors, what the live bot loads -------------------------

REPO_LOCALE = Path(__file__).resolve().parent.parent / "content" / "locale"


@pytest.fixture
def with_locale(full: Path) -> Path:
    shutil.copytree(REPO_LOCALE, full / "locale")
    return full


def test_typed_fact_is_quoted_as_written_in_urdu_digits(full: Path) -> None:
    edit(full / "ur" / "helpline.md", "{{fia_tip_hotline}}", "۱۱۱-۲۴۷-۷۸۶")
    errs = errors(check_content(full, today=TODAY))
    assert len(errs) == 1 and "'۱۱۱-۲۴۷-۷۸۶' is the fact 'fia_tip_hotline'" in errs[0].message


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_broken_file_is_reported_once_not_also_as_missing(full: Path, lang: str) -> None:
    path = full / lang / "fees-and-receipts.md"
    edit(path, "questions:\n", 'questions:\n  - "never closed\n')
    errs = errors(check_content(full, today=TODAY))
    assert len(errs) == 1, format_problems(errs)
    assert errs[0].line == 5 and "quote" in errs[0].message
    assert not any("missing" in p.message or "translation" in p.message for p in errs)


def test_repository_catalogs_are_complete(with_locale: Path) -> None:
    assert errors(check_content(with_locale, today=TODAY)) == []


@pytest.mark.parametrize("lang", ["ur", "sd"])
def test_untranslated_and_fuzzy_messages_fail_the_check(with_locale: Path, lang: str,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    po = with_locale / "locale" / lang / "LC_MESSAGES" / "messages.po"
    lines = po.read_text(encoding="utf-8").split("\n")
    why = lines.index('msgid "Why:"')
    lines[why + 1] = 'msgstr ""'
    sources = lines.index('msgid "Sources"')
    lines.insert(sources, "#, fuzzy")
    po.write_text("\n".join(lines), encoding="utf-8")
    errs = errors(check_content(with_locale, today=TODAY))
    # the msgstr lines (the "#, fuzzy" line moved "Why:" one line down)
    assert {(Path(p.path), p.line) for p in errs} == {(po, why + 3), (po, sources + 3)}
    assert any("'Why:' has no translation" in p.message for p in errs)
    assert any("'Sources' is marked fuzzy" in p.message for p in errs)
    assert cli_main(["content", "check", "--content", str(with_locale)]) == 1
    out = capsys.readouterr().out
    table = out[out.index("Translation status"):].split("\n")
    row = next(line.split() for line in table if line.startswith(lang))
    total = int(row[1])
    assert row[2:] == [str(total - 2), "1", "1", "0"]  # translated, fuzzy, untranslated, missing
    assert cli_main(["content", "check", "--status", "--content", str(with_locale)]) == 1
    assert capsys.readouterr().out.startswith("Translation status")


def test_a_message_missing_from_a_catalog_fails_the_check(with_locale: Path) -> None:
    pot = with_locale / "locale" / "messages.pot"
    pot.write_text(pot.read_text(encoding="utf-8") + '\nmsgid "A brand new button"\nmsgstr ""\n',
                   encoding="utf-8")
    errs = errors(check_content(with_locale, today=TODAY))
    assert sorted(Path(p.path).parts[-3] for p in errs) == ["sd", "ur"]
    assert all("'A brand new button' is missing from the catalog" in p.message for p in errs)
    assert all("make catalogs" in p.hint for p in errs)


def test_missing_safety_check_file_fails_the_check(full: Path) -> None:
    (full / "safety_check.yaml").unlink()
    errs = errors(check_content(full, today=TODAY))
    assert len(errs) == 1 and "safety_check.yaml is missing" in errs[0].message


def test_words_that_mislead_are_warned_about_where_readers_see_them(with_locale: Path) -> None:
    shutil.copy(REPO_LOCALE.parent / "words.yaml", with_locale / "words.yaml")
    ur = with_locale / "ur" / "fees-and-receipts.md"
    edit(ur, "questions:\n", "questions:\n  - مہاجرین کی فیس\n")  # how people ask: not flagged
    ur.write_text(ur.read_text(encoding="utf-8") + "\nمہاجرین کو رسید لینی چاہیے۔\n",
                  encoding="utf-8")
    sd = with_locale / "sd" / "licensed-recruiters.md"
    sd.write_text(sd.read_text(encoding="utf-8") + "\nلائسنس ڪسيا به وڃن ٿا. هيلپ لائين\n",
                  encoding="utf-8")
    po = with_locale / "locale" / "sd" / "LC_MESSAGES" / "messages.po"
    edit(po, 'msgstr "هيلپ لائن"', 'msgstr "هيلپ لائين"')
    problems = check_content(with_locale, today=TODAY)
    assert errors(problems) == []
    warned = {(Path(p.path).name, p.line, p.message.split("'")[1]) for p in problems
              if "misleads" in p.message}
    ur_lines = ur.read_text(encoding="utf-8").rstrip("\n").split("\n")
    sd_lines = sd.read_text(encoding="utf-8").rstrip("\n").split("\n")
    po_line = po.read_text(encoding="utf-8").split("\n").index('msgstr "هيلپ لائين"') + 1
    assert warned == {("fees-and-receipts.md", len(ur_lines), "مہاجرین"),
                      ("licensed-recruiters.md", len(sd_lines), "لائسنس کسيا"),
                      ("licensed-recruiters.md", len(sd_lines), "هيلپ لائين"),
                      ("messages.po", po_line, "هيلپ لائين")}
    assert any("تارکینِ وطن" in p.hint for p in problems)


def test_a_ui_string_missing_from_the_template_fails_the_check(with_locale: Path) -> None:
    pot = with_locale / "locale" / "messages.pot"
    edit(pot, 'msgid "Why:"\nmsgstr ""\n', "")
    errs = errors(check_content(with_locale, today=TODAY))
    assert [(Path(p.path), p.message.split("'")[1]) for p in errs] == [(pot, "Why:")]
    assert "used by the bot but is not in messages.pot" in errs[0].message


REPO_CONTENT = Path(__file__).resolve().parent.parent / "content"


@pytest.mark.parametrize(("name", "old", "new", "says"), [
    # a phrase YAML reads as true/false, not text
    ("small_talk.yaml", "    ur: [adab, ", "    ur: [yes, adab, ", "True is not text"),
    ("recruiter.yaml", "max_words: 12", "max_words: twelve", "max_words must be a whole"),
    ("countries.yaml", "    names: [qatar, ", "    names: qatar\n    nomes: [", "a list"),
    # an unclosed quote
    ("countries.yaml", "    names: [oman, ", "    names: [\"oman, ", "quote"),
    ("small_talk.yaml", "    ur: [adab, ", "    ur: [*adab, ", "alias"),
])
def test_a_broken_word_list_fails_the_check_and_the_reload_at_its_line(
        full: Path, name: str, old: str, new: str, says: str) -> None:
    """The word lists the live bot reads free text with are checked like every other file."""
    for each in ("small_talk.yaml", "recruiter.yaml", "countries.yaml"):
        shutil.copy(REPO_CONTENT / each, full / each)
    assert errors(check_content(full, today=TODAY)) == []
    text = (full / name).read_text(encoding="utf-8")
    line = text[:text.index(old)].count("\n") + 1
    edit(full / name, old, new)
    errs = errors(check_content(full, today=TODAY))
    assert len(errs) == 1, format_problems(errs)
    assert Path(errs[0].path).name == name and errs[0].line == line, format_problems(errs)
    assert says in errs[0].message, format_problems(errs)
    from bot.core.knowledge import load_knowledge

    knowledge, problems = load_knowledge(full, REPO_CONTENT / "agencies.csv")
    assert knowledge is None and any(f"{name}:{line}:" in p for p in problems), problems
