"""How the bot reads free text: urgency, small talk, recruiter look-ups, long questions, speed.

Usage: .venv/bin/python benchmarks/reading_accuracy.py [--content DIR] [--seconds 3]
                                                        [--no-write] [--show-misses]
Reads benchmarks/reading_eval/dev.tsv, holdout.tsv, holdout2.tsv, holdout3.tsv and holdout4.tsv
(see its README) through `bot.core.reading.Reader.read` exactly as the bot does, and writes
benchmarks/results/reading.md. holdout.tsv was frozen before any tuning and is only measured.
holdout2.tsv (long questions only, reported per variety) was frozen and measured once as a
held-out set; it is a development set since 2026-12-02 (its misses are listed and were read).
holdout3.tsv (long questions and short messages) was frozen and measured once as a held-out set
(83.1% of long questions, commit e323ed4); it is a development set since 2026-12-02 too (its
misses are listed and were read). Both are reported per variety. holdout4.tsv (written
2026-12-02 while the reader was tuned, blind to it) was measured once as a held-out set (long
questions 82.3%, commit 176efe2); it is a development set since 2026-12-02 too: reported per
variety, its misses listed (`--show-misses`) and read. A topic cell may list
several acceptable ids (`a|b`, best first): any of them is right.

Exits 1 when a goal is not met on any set. The simple alternative, in the same run: the
urgent phrase list as it was (exact phrases, content/urgent.yaml at commit ce1bcc6, no word
forms), and the answer matcher asked with the whole message (no question sentence, no topic
pair) for long questions.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _machine import cpu_model  # noqa: E402
from _rate import per_cpu_second  # noqa: E402

from bot.core.content.answering import Answerer  # noqa: E402
from bot.core.content.loader import load_content  # noqa: E402
from bot.core.reading import Reader  # noqa: E402
from bot.core.text import match_form  # noqa: E402
from bot.core.urgency import UrgentWords  # noqa: E402

EVAL = Path(__file__).resolve().parent / "reading_eval"
RESULTS = Path(__file__).resolve().parent / "results" / "reading.md"
VARIETIES = ("en", "ru", "ur", "sd", "rs")
NAMES = {"en": "English", "ru": "Roman Urdu", "ur": "Urdu script", "sd": "Sindhi script",
         "rs": "Roman Sindhi"}
FROZEN = "99ec08c"   # the commit that froze holdout.tsv
FROZEN2 = "47041be"  # the commit that froze holdout2.tsv
FROZEN3 = "54e3d8d"  # the commit that froze holdout3.tsv
FROZEN4 = "b0ec18d"  # the commit that froze holdout4.tsv
# Sets measured once as held-out sets, then tuned on: (frozen at, that one figure, measured at).
MEASURED_ONCE = {"holdout3.tsv": (FROZEN3, "83.1%", "e323ed4"),
                 "holdout4.tsv": (FROZEN4, "82.3%", "176efe2")}
OLD_URGENT = "ce1bcc6"
GOALS = {"urgent": 0.95, "false_alarm": 0.03, "small_talk": 0.90, "long": 0.85, "long_all": 0.90,
         "speed": 2000}


@dataclass(frozen=True)
class Row:
    kind: str
    variety: str
    intent: str
    urgent: str
    topic: str
    text: str


def load(path: Path) -> list[Row]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        kind, variety, intent, urgent, topic, text = line.split("\t")
        rows.append(Row(kind, variety, intent, urgent, topic, text))
    return rows


class OldUrgent:
    """The urgent check as it was: exact phrases of the old list as whole words."""

    def __init__(self) -> None:
        import re

        import yaml
        try:
            old = subprocess.run(["git", "show", f"{OLD_URGENT}:content/urgent.yaml"], cwd=ROOT,
                                 capture_output=True, text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            old = ""
        self._form = lambda t: " " + re.sub(r"[^\w]+", " ", match_form(t)).strip() + " "
        data = yaml.safe_load(old) or {}
        self.phrases = [self._form(str(p)) for items in data.values() for p in items or ()]

    def found_in(self, text: str) -> bool:
        form = self._form(text)
        return any(p.strip() and p in form for p in self.phrases)


def pct(hit: int, n: int) -> str:
    return f"{100 * hit / n:.1f}%" if n else "–"


def mark(ok: bool) -> str:
    return "✅" if ok else "❌"


def evaluate(reader: Reader, old: OldUrgent, rows: list[Row], misses: list[str]) -> dict:
    c: dict = defaultdict(lambda: [0, 0])   # key -> [hits, n]

    def tally(ok: bool, keys: tuple[str, ...], miss: str) -> None:
        for k in keys:
            c[k][0] += ok
            c[k][1] += 1
        if not ok and miss:
            misses.append(miss)

    for row in rows:
        r = reader.read(row.text)
        v, kind = row.variety, row.kind
        if row.urgent in ("0", "1") and kind in ("urgent", "calm", "family"):
            want = row.urgent == "1"
            key = "urgent" if want and kind != "calm" else "calm_ok"
            tally(r.urgent == want, (f"{key}:{v}", key), f"[{kind} {v}] urgent={r.urgent} (want "
                  f"{want}) signs={sorted(r.signs)}: {row.text[:90]!r}")
            tally(old.found_in(row.text) == want, (f"old_{key}:{v}", f"old_{key}"), "")
        if kind in ("small_talk", "family", "off_topic", "calm", "long", "urgent"):
            tally(r.intent != "agency", ("never_agency", f"never_agency:{kind}"),
                  f"[{kind} {v}] read as a recruiter: {row.text[:90]!r}")
        if kind == "small_talk":
            tally(r.intent == "small_talk", ("small_talk", f"small_talk:{v}"),
                  f"[small_talk {v}] {r.intent}: {row.text!r}")
        if kind == "recruiter":
            tally(r.intent == "agency", ("recruiter", f"recruiter:{v}"),
                  f"[recruiter {v}] {r.intent}: {row.text!r}")
        if kind == "off_topic":
            tally(r.topic_id is None and r.intent != "agency", ("off_topic",), "")
            tally(r.intent == "off_topic", ("off_topic_intent",),
                  f"[off_topic {v}] {r.intent} {r.topic_id}: {row.text!r}")
        if kind == "long":
            group = v if v in ("en", "ur") else "other"
            wanted = row.topic.split("|")   # acceptable ids, best first
            if all(reader.tree.topic("en", t) is None for t in wanted):
                c[f"long_missing:{group}"][1] += 1
                c[f"long_missing_v:{v}"][1] += 1
                continue
            cands = ", ".join(f"{t} {s:.2f}" for t, s in (r.answer.candidates if r.answer else ()))
            tally(r.topic_id in wanted, (f"long:{group}", "long", f"long_v:{v}"),
                  f"[long {v}] want {row.topic}, got {r.topic_id} ({cands}): {row.text[:70]!r}…")
            whole = reader.answerer.ask_whole(row.text).topic_id
            tally(whole in wanted, (f"old_long:{group}", "old_long", f"old_long_v:{v}"), "")
    return c


def table(c: dict) -> str:
    def cell(key: str) -> tuple[str, int]:
        hit, n = c.get(key, (0, 0))
        return pct(hit, n), n

    lines = ["| Measure | Now | Simple alternative | Goal | Messages |", "|---|---|---|---|---|"]
    for v in VARIETIES:
        now, n = cell(f"urgent:{v}")
        old, _ = cell(f"old_urgent:{v}")
        hit, total = c.get(f"urgent:{v}", (0, 0))
        ok = total and hit / total >= GOALS["urgent"]
        lines.append(f"| Urgent recognised, {NAMES[v]} | {now} {mark(bool(ok))} | {old} | ≥ 95% | {n} |")
    hit, n = c.get("calm_ok", (0, 0))
    ohit, on = c.get("old_calm_ok", (0, 0))
    fa = 1 - hit / n if n else 0.0
    ofa = 1 - ohit / on if on else 0.0
    lines.append(f"| False alarms on calm questions and family worries | {100 * fa:.1f}% "
                 f"{mark(fa <= GOALS['false_alarm'])} | {100 * ofa:.1f}% | ≤ 3% | {n} |")
    hit, n = c.get("small_talk", (0, 0))
    lines.append(f"| Small talk recognised | {pct(hit, n)} {mark(bool(n) and hit / n >= 0.9)} | 0% "
                 f"(no small talk) | ≥ 90% | {n} |")
    for kind in ("small_talk", "family", "off_topic", "calm", "long", "urgent"):
        hit, n = c.get(f"never_agency:{kind}", (0, 0))
        lines.append(f"| {kind.replace('_', ' ')} never sent to the agency check | {pct(hit, n)} "
                     f"{mark(hit == n)} | | 100% | {n} |")
    hit, n = c.get("recruiter", (0, 0))
    lines.append(f"| Recruiter look-ups sent to the agency check | {pct(hit, n)} | | | {n} |")
    hit, n = c.get("off_topic", (0, 0))
    ihit, _ = c.get("off_topic_intent", (0, 0))
    lines.append(f"| Off-topic: no topic, no agency check (intent `off_topic`) | {pct(hit, n)} "
                 f"({pct(ihit, n)}) | | | {n} |")
    for group, name in (("en", "English"), ("ur", "Urdu script"), ("other", "Roman Urdu, Sindhi")):
        now, n = cell(f"long:{group}")
        old, _ = cell(f"old_long:{group}")
        hit, total = c.get(f"long:{group}", (0, 0))
        goal = "≥ 85%" if group != "other" else ""
        ok = mark(bool(total) and hit / total >= GOALS["long"]) if group != "other" else ""
        missing = c.get(f"long_missing:{group}", (0, 0))[1]
        note = f" (+{missing} whose topic is not in this content)" if missing else ""
        lines.append(f"| Long questions, right topic, {name} | {now} {ok} | {old} | {goal} | {n}{note} |")
    now, n = cell("long")
    old, _ = cell("old_long")
    hit, total = c.get("long", (0, 0))
    lines.append(f"| Long questions, right topic, overall | {now} "
                 f"{mark(bool(total) and hit / total >= GOALS['long_all'])} | {old} | ≥ 90% | {n} |")
    return "\n".join(lines)


def long_table(c: dict) -> str:
    """Long questions only (holdout2.tsv): the right topic per variety and overall."""
    lines = ["| Measure | Now | Simple alternative | Goal | Messages |", "|---|---|---|---|---|"]
    for v in VARIETIES:
        hit, n = c.get(f"long_v:{v}", (0, 0))
        missing = c.get(f"long_missing_v:{v}", (0, 0))[1]
        if not n and not missing:
            continue
        ohit, _ = c.get(f"old_long_v:{v}", (0, 0))
        scored = v in ("en", "ur")
        ok = mark(bool(n) and hit / n >= GOALS["long"]) if scored else ""
        note = f" (+{missing} whose topic is not in this content)" if missing else ""
        lines.append(f"| Long questions, right topic, {NAMES[v]} | {pct(hit, n)} {ok} | "
                     f"{pct(ohit, n)} | {'≥ 85%' if scored else ''} | {n}{note} |")
    hit, n = c.get("long", (0, 0))
    ohit, _ = c.get("old_long", (0, 0))
    lines.append(f"| Long questions, right topic, overall | {pct(hit, n)} "
                 f"{mark(bool(n) and hit / n >= GOALS['long_all'])} | {pct(ohit, n)} | ≥ 90% | {n} |")
    return "\n".join(lines)


def speed(reader: Reader, texts: list[str], seconds: float) -> tuple[float, float]:
    """Messages per CPU second (this process's CPU time: the machine is shared, so wall time
    would measure the neighbours): (Reader.read, Answerer.ask alone)."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})

    return (per_cpu_second(lambda t: reader.read(t).to_json(), texts, seconds),
            per_cpu_second(lambda t: reader.answerer.ask(t).to_json(), texts, seconds))


def short_questions() -> list[str]:
    """The labelled questions of benchmarks/qa_eval (what benchmarks/qa_speed.py reads)."""
    out = []
    for path in sorted((Path(__file__).resolve().parent / "qa_eval").glob("*.tsv")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                out.append(line.split("\t")[-1])
    return out


HISTORY = "<!-- history -->"


def write(body: str) -> None:
    """Replace the measured part; keep the history below the HISTORY mark (written by hand)."""
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    old = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else ""
    history = old[old.index(HISTORY):] if HISTORY in old else ""
    RESULTS.write_text("# Reading free text: measured results\n\nWritten by "
                       "benchmarks/reading_accuracy.py; do not edit by hand above the history "
                       "mark.\n\n" + body + "\n" + (("\n" + history) if history else ""),
                       encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--content", default=str(ROOT / "content"))
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--dev-only", action="store_true", help="while tuning: never look at held-out")
    args = parser.parse_args(argv)
    content = Path(args.content)
    tree, _ = load_content(content)
    if tree is None:
        print("content has errors; run `python -m bot content check`", file=sys.stderr)
        return 1
    reader = Reader.load(content, tree, Answerer(tree), UrgentWords.load(content / "urgent.yaml"))
    old = OldUrgent()
    parts = []
    sets = [("Development set", "dev.tsv")] + ([] if args.dev_only else [
        ("Held-out set", "holdout.tsv")]) + [
        ("Set 2: long questions (held-out until 2026-12-02, now development)", "holdout2.tsv"),
        ("Set 3: long questions and short messages (held-out until 2026-12-02, now development)",
         "holdout3.tsv"),
        ("Set 4: long questions and short messages (held-out until 2026-12-02, now development)",
         "holdout4.tsv")]
    all_texts: list[str] = []
    for title, name in sets:
        rows = load(EVAL / name)
        misses: list[str] = []
        c = evaluate(reader, old, rows, misses)
        if name == "holdout2.tsv":   # a development set since 2026-12-02: its misses are listed
            parts.append(f"## {title}\n\n`benchmarks/reading_eval/{name}`: {len(rows)} long "
                         f"questions, frozen at commit {FROZEN2} and measured once as a held-out "
                         f"set (74.0% overall, commit 3b3affd); **a development set since "
                         f"2026-12-02**: its misses were read while tuning.\n\n{long_table(c)}\n"
                         + ("\nMisses:\n\n" + "\n".join(f"- {m}" for m in misses) + "\n"
                            if misses else ""))
            continue
        if name in MEASURED_ONCE:   # development sets since their one measurement: misses listed
            frozen, figure, commit = MEASURED_ONCE[name]
            parts.append(f"## {title}\n\n`benchmarks/reading_eval/{name}`: {len(rows)} messages "
                         f"({sum(r.kind == 'long' for r in rows)} long), frozen at commit {frozen} "
                         f"and measured once as a held-out set (long questions {figure}, commit "
                         f"{commit}); **a development set since 2026-12-02**: its misses were read "
                         f"while tuning.\n\n{table(c)}\n\nLong questions per way of writing:\n\n"
                         f"{long_table(c)}\n"
                         + ("\nMisses:\n\n" + "\n".join(f"- {m}" for m in misses) + "\n"
                            if misses else ""))
            continue
        all_texts += [r.text for r in rows]
        note = (f"`benchmarks/reading_eval/{name}`: {len(rows)} messages" +
                (f", frozen at commit {FROZEN} before any tuning; measured only, never tuned on."
                 if name == "holdout.tsv" else ", the set that was tuned on."))
        section = f"## {title}\n\n{note}\n\n{table(c)}\n"
        if misses and name != "holdout.tsv":   # held-out rows are measured, never read
            section += "\nMisses:\n\n" + "\n".join(f"- {m}" for m in misses) + "\n"
        parts.append(section)
    per_s, answer_only = speed(reader, all_texts, args.seconds)
    short = short_questions()
    short_s, short_answer = speed(reader, short, args.seconds)
    lang_note = ("Roman Urdu, Sindhi script and Roman Sindhi long questions are few (2 per set) "
                 "and reported together.")
    head = (f"Measured {date.today()} on CPython {platform.python_version()}, "
            f"{platform.platform()}, CPU: {cpu_model()}, {os.cpu_count()} logical cores "
            f"(pinned to one for speed). Content `{args.content}`: topics per language "
            + ", ".join(f"{lang} {len(t)}" for lang, t in tree.topics.items()) + ".\n\n"
            + f"**Speed: {short_s:,.0f} messages per second read on one core** "
            f"{mark(short_s >= GOALS['speed'])} (goal ≥ 2,000) on the {len(short)} labelled questions "
            "of benchmarks/qa_eval (the set benchmarks/qa_speed.py uses), each through "
            "`Reader.read()` and `to_json()` (urgency, small talk, recruiter cues, countries, "
            f"language, answer); the simple alternative, `Answerer.ask()` alone: {short_answer:,.0f}. "
            f"On the {len(all_texts)} messages of both reading sets (a fifth of them long stories): "
            f"{per_s:,.0f} per second ({answer_only:,.0f} for `Answerer.ask()` alone). Counted per "
            "second of this process's CPU time, pinned to one core: the machine is shared by "
            "several busy processes, so wall-clock time would measure them.\n\n"
            "Urgency is scored on `urgent` rows (recognised) and on `calm` and `family` rows "
            "labelled not urgent (false alarms); the simple alternative is the old phrase list "
            f"(commit {OLD_URGENT}, exact phrases). Long questions: the simple alternative is the "
            f"matcher on the whole message. {lang_note} A long question whose topic this content "
            "does not have yet (the topics for people abroad are being written) is counted apart.\n")
    body = head + "\n" + "\n".join(parts)
    print(body if args.show_misses else "\n".join(line for line in body.splitlines()
                                                   if not line.startswith("- ")))
    if not args.no_write:
        write(body)
    return 1 if "❌" in body else 0   # 1: a goal is not met (benchmarks/run_all.py)


if __name__ == "__main__":
    raise SystemExit(main())
