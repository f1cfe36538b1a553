"""Right topic on REAL questions from people abroad and their families (issue 12).

Usage: .venv/bin/python benchmarks/qa_real.py [--content DIR] [--no-write] [--show-misses]

Reads benchmarks/qa_real/questions.tsv (see its README: where the questions come from, how they
are labelled, and the split rule), asks every question through the real reader exactly as
`python -m bot ask --jsonl` does (a subprocess running that command), and reports the right
topic per half (dev, heldout), per language and per source kind, and how the misses happen:
no answer where a topic answers, the wrong topic, or a topic where none should answer. The
simple alternative in the same run: the topic of the closest example question by plain
`rapidfuzz` WRatio over every topic's questions, title and keywords (cut-off 60).
Writes the "Real questions" section of benchmarks/results/qa.md. Misses are listed for the
dev half only; the held-out half reports totals, so that nobody tunes on it.
"""

from __future__ import annotations

import json
import platform
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _machine import cpu_model, load_average  # noqa: E402
from qa_accuracy import benchmark_args, write_section  # noqa: E402

QUESTIONS = Path(__file__).resolve().parent / "qa_real" / "questions.tsv"
GOAL = 0.90
# Batch 1 as measured when the set was committed, before any content change (commit f5b608c):
# the "before" of the content work.
BEFORE = {"dev": "53.7% (22/41)", "heldout": "43.3% (13/30)"}
LANG_LABELS = {"en": "English", "ur": "Urdu script", "roman": "Roman Urdu", "sd": "Sindhi"}


@dataclass(frozen=True)
class Question:
    source: str
    kind: str
    lang: str          # en | ur | roman | sd (Roman Urdu: Urdu written in Latin letters)
    topics: tuple[str, ...]   # empty: no topic should answer
    date: str
    url: str
    text: str
    split: str = ""
    batch: int = 1     # n > 1: collected after content round n - 1


def load_questions(path: Path = QUESTIONS) -> list[Question]:
    """Read the set and deal every source site to a half (the rule in qa_real/README.md)."""
    items = []
    batch = 1
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# batch "):
            batch = int(line.split()[2].rstrip(":"))
        if not line.strip() or line.startswith("#"):
            continue
        source, kind, lang, topics, when, url, text = line.split("\t")
        if lang == "ur" and text.isascii():
            lang = "roman"
        labels = () if topics == "none" else tuple(topics.split("|"))
        items.append(Question(source, kind, lang, labels, when, url, text, batch=batch))
    half: dict[str, str] = {}
    for b in sorted({q.batch for q in items}):   # a later batch never moves an earlier site
        for lang in sorted({q.lang for q in items if q.batch == b}):
            sites = sorted({q.source for q in items if q.lang == lang and q.batch == b} - set(half))
            for i, site in enumerate(sites):
                half[site] = "dev" if i % 2 == 0 else "heldout"
    return [Question(**{**q.__dict__, "split": half[q.source]}) for q in items]


def ask_all(questions: list[Question], content: Path) -> list[dict]:
    """One `python -m bot ask --jsonl` for the whole set: the reader the bot uses."""
    lines = "".join(q.text.replace("\n", " ") + "\n" for q in questions)
    done = subprocess.run([sys.executable, "-m", "bot", "ask", "--jsonl", "--content", str(content)],
                          input=lines, capture_output=True, text=True, cwd=ROOT, check=True,
                          timeout=600)
    out = [json.loads(x) for x in done.stdout.splitlines() if x.strip()]
    if len(out) != len(questions):
        raise SystemExit(f"expected {len(questions)} answers, got {len(out)}")
    return out


def fuzzy_baseline(questions: list[Question], content: Path) -> list[str | None]:
    """The simple alternative: the topic of the closest example text (rapidfuzz WRatio)."""
    from rapidfuzz import fuzz, process

    from bot.core.content.loader import load_content
    from bot.core.text import match_form

    tree, _ = load_content(content)
    assert tree is not None
    docs, owners = [], []
    for by_id in tree.topics.values():
        for topic in by_id.values():
            for text in (topic.title, *topic.questions, *topic.keywords):
                docs.append(match_form(text))
                owners.append(topic.id)
    out: list[str | None] = []
    for q in questions:
        hit = process.extractOne(match_form(q.text), docs, scorer=fuzz.WRatio, score_cutoff=60)
        out.append(owners[hit[2]] if hit else None)
    return out


def outcome(q: Question, topic: str | None) -> str:
    """right | no_answer | wrong_topic | answered_none"""
    if not q.topics:
        return "right" if topic is None else "answered_none"
    if topic in q.topics:
        return "right"
    return "no_answer" if topic is None else "wrong_topic"


def _rate(rows: list[tuple[Question, str]]) -> str:
    if not rows:
        return "–"
    ok = sum(1 for _, o in rows if o == "right")
    return f"{ok / len(rows):.1%} ({ok}/{len(rows)})"


def render(questions: list[Question], answers: list[dict], baseline: list[str | None],
           content: str) -> str:
    ours = [(q, outcome(q, a["topic"])) for q, a in zip(questions, answers, strict=True)]
    fuzzy = [(q, outcome(q, t)) for q, t in zip(questions, baseline, strict=True)]
    halves = ("dev", "heldout")

    def pick(rows, split, **kw):
        return [(q, o) for q, o in rows if q.split == split
                and all(getattr(q, k) == v for k, v in kw.items())]

    n = Counter(q.split for q in questions)
    lines = [
        f"Measured {date.today().isoformat()} on {platform.python_implementation()} "
        f"{platform.python_version()}, {cpu_model()}, load average {load_average()}; content "
        f"`{content}`. {len(questions)} real questions (`benchmarks/qa_real/questions.tsv`, "
        f"where they come from and the split rule: its README): dev {n['dev']}, "
        f"held-out {n['heldout']}. Each is asked through `python -m bot ask --jsonl`; right "
        "means the topic returned is one the question is labelled with (or no topic, for "
        "questions no topic should answer). Goal ≥ 90%.",
        "",
        "| Measure | Dev | Held-out | Plain fuzzy match, dev | Plain fuzzy match, held-out |",
        "|---|---|---|---|---|",
        f"| Right topic, all | {_rate(pick(ours, 'dev'))} | {_rate(pick(ours, 'heldout'))} "
        f"| {_rate(pick(fuzzy, 'dev'))} | {_rate(pick(fuzzy, 'heldout'))} |",
        f"| Batch 1 (before any content change: dev {BEFORE['dev']}, held-out "
        f"{BEFORE['heldout']}) | "
        + " | ".join(_rate(pick(rows, h, batch=1)) for rows in (ours, fuzzy) for h in halves)
        + " |",
        *[f"| Batch {b} (collected after content round {b - 1}) | "
          + " | ".join(_rate(pick(rows, h, batch=b)) for rows in (ours, fuzzy) for h in halves)
          + " |" for b in sorted({q.batch for q in questions} - {1})],
    ]
    for lang in sorted({q.lang for q in questions}):
        lines.append(f"| {LANG_LABELS.get(lang, lang)} | "
                     + " | ".join(_rate(pick(rows, h, lang=lang)) for rows in (ours, fuzzy)
                                  for h in halves) + " |")
    for kind in sorted({q.kind for q in questions}):
        lines.append(f"| Source kind: {kind} | "
                     + " | ".join(_rate(pick(rows, h, kind=kind)) for rows in (ours, fuzzy)
                                  for h in halves) + " |")
    none_rows = [(q, o) for q, o in ours if not q.topics]
    lines.append(f"| Needs no topic ({len(none_rows)}): no topic given | "
                 f"{_rate([r for r in none_rows if r[0].split == 'dev'])} | "
                 f"{_rate([r for r in none_rows if r[0].split == 'heldout'])} | | |")
    lines += ["", "How the misses happen (the bot):", "",
              "| Half | No answer (a topic answers it) | Wrong topic | Topic where none should answer |",
              "|---|---|---|---|"]
    for h in halves:
        c = Counter(o for q, o in ours if q.split == h)
        lines.append(f"| {h} | {c['no_answer']} | {c['wrong_topic']} | {c['answered_none']} |")
    urgent = sum(1 for a in answers if a["urgent"])
    lines += ["", f"{urgent} of {len(answers)} questions put the helpline first (urgent).", "",
              "Dev misses (held-out misses are not listed):", ""]
    for (q, o), a in zip(ours, answers, strict=True):
        if q.split == "dev" and o != "right":
            want = "|".join(q.topics) or "none"
            lines.append(f"- [{q.lang}, {q.source}] {o}: expected {want}, got {a['topic']} "
                         f"({a['score']:.2f}): {q.text[:110]!r}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = benchmark_args(__doc__, argv)
    content = Path(args.content)
    questions = load_questions()
    answers = ask_all(questions, content)
    text = render(questions, answers, fuzzy_baseline(questions, content),
                  str(content.relative_to(ROOT) if content.is_relative_to(ROOT) else content))
    print(text if args.show_misses else text.split("\nDev misses")[0])
    if not args.no_write:
        write_section("Real questions", text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
