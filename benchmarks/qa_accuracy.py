"""Question-answering accuracy on the labelled set in benchmarks/qa_eval/*.tsv.

Usage: .venv/bin/python benchmarks/qa_accuracy.py [--content DIR] [--no-write] [--show-misses]
Writes the "Accuracy" and "Held-out" sections of benchmarks/results/qa.md.

benchmarks/qa_eval/holdout.tsv is a second set, written before the content and the matcher were
last tuned and never tuned on: it shows whether a gain on the labelled set is real or memory.
"""

from __future__ import annotations

import argparse
import platform
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.core.content.answering import Answerer  # noqa: E402
from bot.core.content.loader import load_content  # noqa: E402
from bot.core.content.topics import ContentTree  # noqa: E402
from bot.core.language import detect_language  # noqa: E402

EVAL_DIR = Path(__file__).resolve().parent / "qa_eval"
HOLDOUT = EVAL_DIR / "holdout.tsv"
RESULTS = Path(__file__).resolve().parent / "results" / "qa.md"
VARIETIES = ("en", "ur", "sd", "roman", "offtopic")
LABELS = {"en": "English", "ur": "Urdu script", "sd": "Sindhi script", "roman": "Roman Urdu",
          "offtopic": "off-topic"}
GOALS = {"overall": 0.90, "per_variety": 0.85, "language": 0.97, "offtopic": 0.85}


@dataclass(frozen=True)
class Item:
    """One labelled question."""

    variety: str
    question: str
    topic: str | None
    lang: str


@dataclass
class Report:
    """Counts per variety, and the misses."""

    n: dict[str, int] = field(default_factory=dict)
    topic_ok: dict[str, int] = field(default_factory=dict)
    lang_ok: dict[str, int] = field(default_factory=dict)
    misses: list[str] = field(default_factory=list)

    def rate(self, counts: dict[str, int], varieties: tuple[str, ...]) -> float:
        n = sum(self.n.get(v, 0) for v in varieties)
        return sum(counts.get(v, 0) for v in varieties) / n if n else 0.0

    @property
    def overall(self) -> float:
        """Right topic (or null for off-topic) over every question."""
        return self.rate(self.topic_ok, VARIETIES)

    def variety(self, v: str) -> float:
        return self.rate(self.topic_ok, (v,))

    @property
    def language(self) -> float:
        return self.rate(self.lang_ok, VARIETIES)


def load_items(eval_dir: Path = EVAL_DIR) -> list[Item]:
    """Read every `<variety>.tsv`: topic<TAB>lang<TAB>question ('-' topic = none)."""
    items = []
    for variety in VARIETIES:
        for line in (eval_dir / f"{variety}.tsv").read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            topic, lang, question = line.split("\t", 2)
            items.append(Item(variety, question, None if topic == "-" else topic, lang))
    return items


def _variety(topic: str | None, lang: str, question: str) -> str:
    if topic is None:
        return "offtopic"
    if lang == "ur" and question.isascii():
        return "roman"
    return lang


def load_holdout(path: Path = HOLDOUT) -> list[Item]:
    """Read the held-out set (one file; the variety follows from topic, lang and script)."""
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        topic_s, lang, question = line.split("\t", 2)
        topic = None if topic_s == "-" else topic_s
        items.append(Item(_variety(topic, lang, question), question, topic, lang))
    return items


def copied_examples(tree: ContentTree, items: list[Item], cutoff: float = 90.0
                    ) -> list[tuple[Item, str]]:
    """Labelled questions (almost) identical to an example question of a topic file.

    The set must stay independent of the examples, or it measures memory: reword these
    (and never copy labelled questions into topic files).
    """
    from rapidfuzz import fuzz

    from bot.core.text import match_form

    examples = [(match_form(q), q) for by_id in tree.topics.values()
                for topic in by_id.values() for q in topic.questions]
    out = []
    for item in items:
        key = match_form(item.question)
        for ex_key, ex in examples:
            if fuzz.ratio(key, ex_key) >= cutoff:
                out.append((item, ex))
                break
    return out


def evaluate(tree: ContentTree, items: list[Item]) -> Report:
    """Ask every question; count right topics and right languages."""
    answerer = Answerer(tree)
    report = Report()
    for item in items:
        ans = answerer.ask(item.question)
        det = detect_language(item.question)
        report.n[item.variety] = report.n.get(item.variety, 0) + 1
        if ans.topic_id == item.topic:
            report.topic_ok[item.variety] = report.topic_ok.get(item.variety, 0) + 1
        else:
            report.misses.append(f"[{item.variety}] {item.question!r}: expected {item.topic}, "
                                 f"got {ans.topic_id} ({ans.score:.2f}; "
                                 f"{', '.join(f'{t} {s:.2f}' for t, s in ans.candidates)})")
        if det.lang == item.lang:
            report.lang_ok[item.variety] = report.lang_ok.get(item.variety, 0) + 1
        else:
            report.misses.append(f"[{item.variety}] language of {item.question!r}: expected "
                                 f"{item.lang}, got {det.lang}")
    return report


def _mark(value: float, goal: float) -> str:
    return "✅" if value >= goal else "❌"


def render(report: Report, content: Path, tree: ContentTree) -> str:
    """The Markdown section for results/qa.md."""
    topics = {lang: len(by_id) for lang, by_id in tree.topics.items()}
    rows = [
        ("Right topic, overall", report.overall, GOALS["overall"], sum(report.n.values())),
        *[(f"Right topic, {LABELS[v]}", report.variety(v), GOALS["per_variety"], report.n[v])
          for v in ("en", "ur", "sd", "roman")],
        ("Language detected right", report.language, GOALS["language"],
         sum(report.n.values())),
        ("Off-topic questions get no topic", report.variety("offtopic"), GOALS["offtopic"],
         report.n["offtopic"]),
    ]
    lines = [
        f"Measured {date.today().isoformat()} on {platform.python_implementation()} "
        f"{platform.python_version()}, content `{content}` (topics per language: "
        + ", ".join(f"{k} {v}" for k, v in topics.items()) + ").",
        "",
        "| Measure | Result | Goal | Questions |",
        "|---|---|---|---|",
        *[f"| {name} | {value:.1%} {_mark(value, goal)} | ≥ {goal:.0%} | {n} |"
          for name, value, goal, n in rows],
        "",
        f"{len(report.misses)} misses (not listed: the held-out set is measured, never read)."
        if report.misses else "No misses.",
    ]
    return "\n".join(lines)


# The held-out set's results before any tuning (2026-11-29, on the content and matcher of commit
# 6269079, as they were when holdout.tsv was written): the "before" column of the Held-out section.
HOLDOUT_BEFORE = {"overall": 0.843, "en": 0.722, "ur": 0.889, "sd": 1.0, "roman": 1.0,
                  "language": 1.0, "offtopic": 0.632}


def render_holdout(report: Report) -> str:
    """The Markdown section for the held-out set: before tuning, now, and the misses."""
    rows = [
        ("Right topic, overall", "overall", report.overall, GOALS["overall"],
         sum(report.n.values())),
        *[(f"Right topic, {LABELS[v]}", v, report.variety(v), GOALS["per_variety"],
           report.n.get(v, 0)) for v in ("en", "ur", "sd", "roman")],
        ("Language detected right", "language", report.language, GOALS["language"],
         sum(report.n.values())),
        ("Off-topic questions get no topic", "offtopic", report.variety("offtopic"),
         GOALS["offtopic"], report.n.get("offtopic", 0)),
    ]
    lines = [
        f"`benchmarks/qa_eval/holdout.tsv`: {sum(report.n.values())} questions written before "
        "the last round of tuning and only checked, never tuned on. \"Before\" is the result "
        "on the content and matcher as they were when the set was written (commit 6269079).",
        "",
        "| Measure | Before | Now | Goal | Questions |",
        "|---|---|---|---|---|",
        *[f"| {name} | {HOLDOUT_BEFORE[key]:.1%} | {value:.1%} {_mark(value, goal)} "
          f"| ≥ {goal:.0%} | {n} |" for name, key, value, goal, n in rows],
        "",
        f"{len(report.misses)} misses (not listed: the held-out set is measured, never read)."
        if report.misses else "No misses.",
    ]
    return "\n".join(lines)


def write_section(name: str, body: str, path: Path = RESULTS) -> None:
    """Replace (or add) the `## name` section of results/qa.md."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = path.read_text(encoding="utf-8") if path.exists() else (
        "# Question answering: measured results\n\nWritten by benchmarks/qa_accuracy.py and "
        "benchmarks/qa_speed.py; do not edit by hand.\n")
    start, end = f"<!-- {name} -->", f"<!-- /{name} -->"
    block = f"{start}\n## {name}\n\n{body.rstrip()}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text, encoding="utf-8")


def benchmark_args(doc: str | None, argv: list[str] | None) -> argparse.Namespace:
    """The options every QA accuracy benchmark takes: --content DIR, --no-write, --show-misses."""
    parser = argparse.ArgumentParser(description=doc)
    parser.add_argument("--content", default=str(ROOT / "content"))
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--show-misses", action="store_true")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = benchmark_args(__doc__, argv)
    content = Path(args.content)
    tree, _problems = load_content(content)
    if tree is None:
        print("content has errors; run `python -m bot content check`", file=sys.stderr)
        return 1
    report = evaluate(tree, load_items())
    text = render(report, content.relative_to(ROOT) if content.is_relative_to(ROOT)
                  else content, tree)
    print(text if args.show_misses else text.split("\nMisses:")[0])
    held = render_holdout(evaluate(tree, load_holdout()))
    print("\nHeld-out set:\n" + (held if args.show_misses else held.split("\nMisses:")[0]))
    if not args.no_write:
        write_section("Accuracy", text)
        write_section("Held-out", held)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
