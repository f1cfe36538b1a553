"""Phone facts carry the number to dial from abroad (`abroad:`), shown after the number."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from bot.core.content.loader import load_content, load_facts
from bot.core.content.validation import format_problems

ROOT = Path(__file__).resolve().parent.parent
MINI = Path(__file__).parent / "data" / "content_fixtures" / "mini"

FROM_ABROAD = """
from_abroad:
  value: {en: from abroad, ur: بیرونِ ملک سے, sd: ٻاهرين ملڪ مان}
  kind: text
  source: {title: Rahnuma wording, checked: 2026-12-01}
  confirmed: true
mrc_hotline:
  value: "0304 1112123"
  abroad: "+92 304 1112123"
  kind: phone
  source: {title: ICMPD (2021), checked: 2026-12-01}
  confirmed: false
"""


@pytest.fixture
def tree_dir(tmp_path: Path) -> Path:
    dest = tmp_path / "content"
    shutil.copytree(MINI, dest)
    facts = dest / "facts.yaml"
    text = facts.read_text(encoding="utf-8").replace(
        'value: "111-04040"\n', 'value: "111-040-040"\n  abroad: "+92 51 111 040 040"\n')
    facts.write_text(text + FROM_ABROAD, encoding="utf-8")
    for lang in ("en", "ur", "sd"):
        page = dest / lang / "helpline.md"
        body = page.read_text(encoding="utf-8").rstrip("\n")
        page.write_text(body + "\n\nMRC: {{mrc_hotline}}. OPF: {{opf_helpline}}.\n",
                        encoding="utf-8")
    return dest


def test_abroad_form_follows_the_number_in_each_language(tree_dir: Path) -> None:
    tree, problems = load_content(tree_dir)
    assert tree is not None, format_problems(problems)
    words = {"en": "from abroad", "ur": "بیرونِ ملک سے", "sd": "ٻاهرين ملڪ مان"}
    for lang, word in words.items():
        body = tree.topic(lang, "helpline").body
        # the fixture's OPF fact is unconfirmed: the mark comes last
        assert f"OPF: 111-040-040 ({word}: +92 51 111 040 040) (" in body, body
    # FIA has no abroad form: shown as it stands, with nothing after it.
    assert "111-247-786." in tree.topic("en", "helpline").body


def test_unconfirmed_mark_comes_after_the_abroad_form(tree_dir: Path) -> None:
    tree, _ = load_content(tree_dir)
    body = tree.topic("en", "helpline").body
    assert "MRC: 0304 1112123 (from abroad: +92 304 1112123) (could not be confirmed)." in body


def test_without_the_words_fact_the_abroad_form_is_still_shown(tree_dir: Path) -> None:
    facts = tree_dir / "facts.yaml"
    text = facts.read_text(encoding="utf-8")
    facts.write_text(text[:text.index("\nfrom_abroad:")] + "\n", encoding="utf-8")
    (tree_dir / "en" / "helpline.md").write_text(
        (tree_dir / "en" / "helpline.md").read_text(encoding="utf-8").replace(
            "MRC: {{mrc_hotline}}. ", ""), encoding="utf-8")
    for lang in ("ur", "sd"):
        page = tree_dir / lang / "helpline.md"
        page.write_text(page.read_text(encoding="utf-8").replace("MRC: {{mrc_hotline}}. ", ""),
                        encoding="utf-8")
    tree, problems = load_content(tree_dir)
    assert tree is not None, format_problems(problems)
    assert "OPF: 111-040-040 (+92 51 111 040 040) (could not be confirmed)." in \
        tree.topic("en", "helpline").body


def _digits(text: str) -> str:
    return re.sub(r"\D", "", text)


def test_real_facts_abroad_forms_match_the_numbers() -> None:
    """+92, then the number without its first 0 (a UAN adds the city code before 111)."""
    facts, _, problems = load_facts(ROOT / "content" / "facts.yaml")
    assert not [p for p in problems if p.is_error], format_problems(problems)
    phones = [f for f in facts.values() if f.kind == "phone"]
    assert phones
    for fact in phones:
        if fact.abroad is None:
            continue
        assert fact.abroad.startswith("+92 "), fact.id
        local = _digits(fact.value_for("en")).lstrip("0")
        assert _digits(fact.abroad)[2:].endswith(local), (fact.id, fact.abroad)
    assert facts["from_abroad"].value_for("ur") and facts["from_abroad"].value_for("sd")


def test_real_opf_line_reads_with_the_abroad_form_in_urdu() -> None:
    tree, problems = load_content(ROOT / "content")
    assert tree is not None, format_problems(problems)
    body = tree.topic("ur", "helpline").body
    assert "بیرونِ ملک سے: +92 51 111 040 040" in body
