"""The reading evaluation sets (benchmarks/reading_eval) stay well-formed.

Format only: the reader is never run here (held-out sets are measured by
benchmarks/reading_accuracy.py alone, and never tuned on).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.content.loader import load_content

ROOT = Path(__file__).resolve().parent.parent
SETS = sorted((ROOT / "benchmarks" / "reading_eval").glob("*.tsv"))
KINDS = {"urgent", "calm", "small_talk", "family", "off_topic", "recruiter", "long"}
VARIETIES = {"en", "ru", "ur", "sd", "rs"}
INTENTS = {"-", "question", "agency", "small_talk", "off_topic", "unclear"}


def _rows(path: Path) -> list[list[str]]:
    return [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


@pytest.mark.parametrize("path", SETS, ids=[p.name for p in SETS])
def test_every_row_has_its_columns_and_long_rows_name_topics(path: Path) -> None:
    tree, problems = load_content(ROOT / "content")
    assert tree is not None, problems
    ids = {tid for by_id in tree.topics.values() for tid in by_id}
    rows = _rows(path)
    assert rows
    for cells in rows:
        assert len(cells) == 6, cells[:5]
        kind, variety, intent, urgent, topic, text = cells
        assert kind in KINDS and variety in VARIETIES and intent in INTENTS, cells[:5]
        assert urgent in {"0", "1", "-"} and text.strip(), cells[:5]
        if kind == "long":
            assert topic.split("|") and set(topic.split("|")) <= ids, topic


def test_held_out_set_3_has_its_stated_size_and_shares_no_message() -> None:
    rows = _rows(ROOT / "benchmarks" / "reading_eval" / "holdout3.tsv")
    longs = [r for r in rows if r[0] == "long"]
    assert {v: sum(r[1] == v for r in longs) for v in sorted(VARIETIES)} == {
        "en": 45, "rs": 10, "ru": 20, "sd": 10, "ur": 45}
    assert {k: sum(r[0] == k for r in rows) for k in ("urgent", "calm", "small_talk", "family",
                                                      "off_topic")} == {
        "urgent": 20, "calm": 12, "small_talk": 10, "family": 4, "off_topic": 4}
    others = {r[5].casefold() for p in SETS if p.name != "holdout3.tsv" for r in _rows(p)}
    texts = [r[5].casefold() for r in rows]
    assert len(set(texts)) == len(texts)
    assert not [t for t in texts if t in others]
