"""Agency-check accuracy on the labelled set benchmarks/agency_eval/queries.jsonl.

Usage: .venv/bin/python benchmarks/agency_accuracy.py [--agencies FILE] [--no-write] [--show-misses]
Prints the per-category table, runs the plain `rapidfuzz.process.extractOne(..., WRatio,
score_cutoff=85)` baseline on the same queries, and writes the "Accuracy" section of
benchmarks/results/agency.md.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from bot.core.agencies.listfile import load_agency_list  # noqa: E402
from bot.core.agencies.matcher import AgencyMatcher, CheckResult  # noqa: E402

EVAL = ROOT / "benchmarks" / "agency_eval" / "queries.jsonl"
RESULTS = ROOT / "benchmarks" / "results" / "agency.md"
AGENCIES = ROOT / "content" / "agencies.csv"
STATUS_VERDICTS = {"licensed", "suspended", "cancelled", "expired", "surrendered", "blacklisted"}

# (category, label, goal) in the order.
CATEGORIES = [
    ("exact", "Exact names", 1.00),
    ("case_punct", "Case and punctuation", 0.99),
    ("typos", "Typos (1-2 edits)", 0.97),
    ("suffix", "Legal suffix dropped, or \"OEP\"", 0.95),
    ("roman_urdu", "Roman-Urdu spellings", 0.90),
    ("urdu", "Urdu script", 0.85),
    ("sindhi", "Sindhi script", 0.80),
    ("licence", "Licence number forms", 0.99),
    ("phone", "Phone forms", 0.98),
    ("sentence", "Names inside a sentence", 0.85),
    ("status", "Suspended, cancelled, expired get their status", 0.97),
    ("impostor", "Impostors never `licensed`", 0.97),
    ("unrelated", "Unrelated text never `licensed`", 1.00),
    ("shared", "Shared names -> `similar`, all among candidates", 0.85),
]


NOTES = [
    "Known limits: typos are matched on words of 4+ letters (a 3-letter result counts only "
    "when it is one dropped letter of a 4-letter list word), so slips that shorten short words "
    "or fall on two letters of a short word answer `similar`. Vowel-only differences are "
    "treated as spellings (Gulf/Golf, Ahmed/Ahmad). Urdu/Sindhi script has no short vowels: "
    "two list names with the same consonants (Star/Sitara, Eagle/Gill) answer `similar` "
    "unless the written vowels decide. One common word with no business word "
    "(\"Qatar\", \"is Barkat licensed?\") answers `similar`, never a verdict.",
]


@dataclass
class Row:
    category: str
    n: int = 0
    correct: int = 0
    baseline: int = 0


def load_eval(path: Path = EVAL) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def is_correct(item: dict, result: CheckResult) -> bool:
    """Does the verdict meet the label?"""
    expect, wanted = item["expect"], item["license_nos"]
    if expect == "not_licensed":
        return result.verdict not in STATUS_VERDICTS
    if expect == "similar":
        got = {c.agency.license_no for c in result.candidates}
        return result.verdict == "similar" and set(wanted) <= got
    return (result.verdict == expect and result.match is not None
            and result.match.license_no == wanted[0])


def baseline_correct(item: dict, hit: tuple | None, names: list[str], agencies) -> bool:
    """The plain extractOne baseline: a hit >= 85 is read as "licensed"."""
    if item["expect"] == "not_licensed":
        return hit is None
    if item["expect"] == "similar" or hit is None:
        return False
    return agencies[hit[2]].license_no == item["license_nos"][0]


def evaluate(matcher: AgencyMatcher, items: list[dict], *, baseline: bool = True,
             show_misses: bool = False) -> dict[str, Row]:
    rows = {c: Row(c) for c, _, _ in CATEGORIES}
    agencies = matcher.agencies.agencies
    names = [a.name for a in agencies]
    for item in items:
        row = rows[item["category"]]
        result = matcher.check(item["query"])
        row.n += 1
        ok = is_correct(item, result)
        row.correct += ok
        if show_misses and not ok:
            print(f"MISS [{item['category']}] {item['query']!r} expect={item['expect']} "
                  f"{item['license_nos'][:3]} got={result.verdict}/{result.reason} "
                  f"{[(c.agency.name, c.score) for c in result.candidates[:3]]}")
        if baseline:
            hit = process.extractOne(item["query"], names, scorer=fuzz.WRatio, score_cutoff=85)
            row.baseline += baseline_correct(item, hit, names, agencies)
    return rows


def table(rows: dict[str, Row]) -> list[str]:
    lines = ["| Category | n | correct | % | goal | pass | extractOne (WRatio ≥ 85) |",
             "|---|---:|---:|---:|---:|:---:|---:|"]
    total_n = total_ok = 0
    for cat, label, goal in CATEGORIES:
        r = rows[cat]
        pct = r.correct / r.n if r.n else 0.0
        base = f"{r.baseline / r.n:.1%}" if r.n and cat != "shared" else "—"
        lines.append(f"| {label} | {r.n} | {r.correct} | {pct:.1%} | {goal:.0%} | "
                     f"{'✅' if pct >= goal else '❌'} | {base} |")
        total_n += r.n
        total_ok += r.correct
    lines.append(f"| **All** | {total_n} | {total_ok} | {total_ok / max(total_n, 1):.1%} | | | |")
    return lines


def write_section(path: Path, marker: str, body: list[str]) -> None:
    """Replace (or append) the section between <!-- marker --> and <!-- /marker -->."""
    start, end = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Agency check: results\n"
    block = "\n".join([start, *body, end])
    if start in text and end in text:
        head, rest = text.split(start, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def heldout(matcher: AgencyMatcher, agencies: list, seeds: list[int], build) -> list[str]:
    """The same categories regenerated with other seeds: a check against over-tuning."""
    lines = ["### Held-out sets", "",
             "The same generator with other seeds (new agencies, typos, spellings and sentences; "
             "these seeds were never looked at while tuning). % correct per category:", "",
             "| Category | goal | " + " | ".join(f"seed {s}" for s in seeds) + " |",
             "|---|---:|" + "---:|" * len(seeds)]
    runs = [evaluate(matcher, build(agencies, seed), baseline=False) for seed in seeds]
    for cat, label, goal in CATEGORIES:
        cells = []
        for rows in runs:
            r = rows[cat]
            pct = r.correct / r.n if r.n else 0.0
            cells.append(f"{pct:.1%}{'' if pct >= goal else ' ❌'}")
        lines.append(f"| {label} | {goal:.0%} | " + " | ".join(cells) + " |")
    wrong = sum(rows[c].n - rows[c].correct for rows in runs for c in ("impostor", "unrelated"))
    lines += ["", f"Impostor or unrelated queries called licensed across the held-out sets: {wrong}."]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=Path, default=AGENCIES)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--show-misses", action="store_true")
    parser.add_argument("--eval", type=Path, default=EVAL, help="another labelled set")
    parser.add_argument("--heldout", type=int, nargs="*", default=[707, 808],
                        help="generator seeds for held-out sets (reported, not tuned on)")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "benchmarks" / "agency_eval"))
    from generate import TODAY, build  # the date the labels were computed for

    agency_list = load_agency_list(args.agencies)
    matcher = AgencyMatcher(agency_list, today=TODAY)
    items = load_eval(args.eval)
    t0 = time.perf_counter()
    rows = evaluate(matcher, items, show_misses=args.show_misses)
    elapsed = time.perf_counter() - t0
    lines = table(rows)
    imp, unr = rows["impostor"], rows["unrelated"]
    certified = (imp.n - imp.baseline) + (unr.n - unr.baseline)
    ours = (imp.n - imp.correct) + (unr.n - unr.correct)
    summary = [
        "",
        f"{len(items)} labelled queries over {len(agency_list.agencies):,} agencies "
        f"(`{args.agencies.relative_to(ROOT) if args.agencies.is_relative_to(ROOT) else args.agencies}`, "
        f"demonstration list; labels for {TODAY.isoformat()}).",
        f"Impostor or unrelated queries called licensed: Rahnuma {ours} of {imp.n + unr.n}; "
        f"plain `extractOne(WRatio, score_cutoff=85)` {certified} of {imp.n + unr.n}.",
    ]
    print("\n".join(lines + summary))
    print(f"(evaluated in {elapsed:.1f} s including the baseline)")
    if not args.no_write:
        body = ["## Accuracy", "", "`.venv/bin/python benchmarks/agency_accuracy.py` "
                "(set: `benchmarks/agency_eval/queries.jsonl`, built by "
                "`benchmarks/agency_eval/generate.py`)", "", *lines, *summary]
        write_section(RESULTS, "agency-accuracy", body)
        print(f"wrote {RESULTS.relative_to(ROOT)}")
    if args.heldout:
        held = heldout(matcher, [a for a in agency_list.agencies], args.heldout, build)
        print("\n".join(held))
        if not args.no_write:
            write_section(RESULTS, "agency-heldout", [*held, "", *NOTES])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
