"""Agency-check accuracy on a hand-typed held-out set (held-out 3, 4 or 5): category totals only.

Usage: .venv/bin/python benchmarks/agency_heldout4.py [--set 3|4|5] [--no-write] [--real FILE]
       .venv/bin/python benchmarks/agency_heldout4.py [--set 3|4|5] --check-data

One scorer for the hand-typed held-out sets (`--set 4`, the default: the fourth,
`benchmarks/agency_real/heldout4_data.py`; `--set 5`: the fifth, `heldout5_data.py`;
`--set 3`: the third, `heldout3_data.py`, which `benchmarks/agency_heldout3.py` still runs with
its own CLI and output). The queries are scored
exactly as `agency_real_accuracy.py` scores the second held-out set (its judge, run, baselines,
categories and goals are imported, not copied), against plain `rapidfuzz.process.extractOne(
WRatio, score_cutoff=85)` and a portal-style substring search in the same run, on the same
evaluation list (`build.eval_rows`, seed 2026). Prints only category totals, never a query, and
writes the set's section (`<!-- agency-heldout3 -->`, `-4 -->` or `-5 -->`) of
benchmarks/results/agency.md. Each set is measured once, after the matcher work it checks has
landed; never tune on it.

`--check-data` validates the data file alone and does not run (or import) the matcher: every
licence number exists in ../shared/data/beoe_real_names.csv, every phone is the evaluation
list's phone of the agency named, every status query names an agency whose status is not
valid, every query (but unrelated text) lists one of the set's agencies, no query stands word for
word in the earlier sets' queries, and so on; held-outs 4 and 5 also check that no look-alike
is a listed name by the evaluation oracle and that the plain name categories name valid agencies;
held-out 5 also that its draw shares no agency with held-outs 3 and 4 and that a quarter of its
queries at least are traps (never `licensed`).
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "benchmarks" / "agency_real"))

import build  # noqa: E402
from _machine import cpu_model, load_average  # noqa: E402
from build import Row, tokens  # noqa: E402
from tune_data import SINDHI as TUNE_SD  # noqa: E402
from tune_data import URDU as TUNE_UR  # noqa: E402

EXPECTS = {"agency", "never", "similar"}
URDU_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")
HELDOUT4_SEED = 20261202
HELDOUT4_SIZE = 220
HELDOUT5_SEED = 520261202
HELDOUT5_SIZE = 200
# Categories that must never come back `licensed` (agency_real_accuracy.NEVER, without importing
# the matcher).
TRAPS = ("lookalike_name", "lookalike_business", "borrowed", "negated", "unrelated")
# Categories whose queries name one agency by its name alone: its status must be valid (sets 4, 5).
PLAIN = ("exact", "case_punct", "ms", "typos", "business", "roman_urdu", "urdu", "sindhi",
         "sentences")


def _canonical(lic: str) -> str:
    return re.sub(r"\s*/\s*", "/", lic.strip())


def _number(row: Row) -> int:
    return int(re.match(r"\s*(\d+)", row.license_no).group(1))


def is_heldout3(row: Row) -> bool:
    """Licence numbers ending in 7, by the rule heldout2 uses for 3 (minus hand-written ones)."""
    hand_written = row.license_no in TUNE_UR or row.license_no in TUNE_SD
    return _number(row) % 10 == 7 and not row.heldout and not hand_written


def heldout4_agencies(rows: list[Row]) -> set[str]:
    """The fourth set's agencies (canonical licence numbers): a seeded draw of 220 over every row
    of the list, in its order, whose licence number does not end in 7 (held-out 3's)."""
    pool = [r for r in rows if _number(r) % 10 != 7]
    drawn = random.Random(HELDOUT4_SEED).sample(pool, min(HELDOUT4_SIZE, len(pool)))
    return {r.canonical for r in drawn}


def heldout5_agencies(rows: list[Row]) -> set[str]:
    """The fifth set's agencies (canonical licence numbers): a seeded draw of 200 over every row
    of the list, in its order, that is neither held-out 3's (number ending in 7) nor one of
    held-out 4's drawn agencies."""
    taken = heldout4_agencies(rows)
    pool = [r for r in rows if _number(r) % 10 != 7 and r.canonical not in taken]
    drawn = random.Random(HELDOUT5_SEED).sample(pool, min(HELDOUT5_SIZE, len(pool)))
    return {r.canonical for r in drawn}


@dataclass(frozen=True)
class HeldoutSet:
    number: int
    data: str            # module under benchmarks/agency_real
    marker: str          # section marker in benchmarks/results/agency.md
    title: str
    agencies: str        # how the agencies were chosen, for the results text
    earlier: tuple[str, ...]   # hand-typed sets whose queries this one must not repeat

    def members(self, rows: list[Row]) -> set[str]:
        if self.number == 3:
            return {r.canonical for r in rows if is_heldout3(r)}
        if self.number == 4:
            return heldout4_agencies(rows)
        return heldout5_agencies(rows)

    def queries(self) -> list:
        return __import__(self.data).QUERIES


SETS = {
    3: HeldoutSet(3, "heldout3_data", "agency-heldout3", "Third held-out set (heldout3)",
                  "on the agencies whose licence number ends in 7", ()),
    4: HeldoutSet(4, "heldout4_data", "agency-heldout4", "Fourth held-out set (heldout4)",
                  "on 220 agencies drawn with a fixed seed over the whole list (numbers ending "
                  "in 7 excluded)", ("heldout3_data",)),
    5: HeldoutSet(5, "heldout5_data", "agency-heldout5", "Fifth held-out set (heldout5)",
                  "on 200 agencies drawn with a fixed seed over the whole list, held-outs 3 and "
                  "4's agencies excluded", ("heldout3_data", "heldout4_data")),
}


def _norm(text: str) -> str:
    return " ".join(text.lower().split())


def check_data(entries: list, real: list[tuple[str, str]], rows: list[Row],
               elsewhere: set[str] = frozenset(), number: int = 3) -> list[str]:
    """Problems with the data file of held-out set `number` (empty when it is sound). Never runs
    the matcher. `elsewhere`: the other evaluation sets' queries (lower case, spaces folded); a
    query typed here must not stand in any of them word for word."""
    from heldout2_data import QUERIES as HELDOUT2

    problems: list[str] = []
    real_lics = {_canonical(lic) for lic, _ in real}
    by_canon = {r.canonical: r for r in rows}
    members = SETS[number].members(rows)
    label = f"held-out-{number}"
    phones = {re.sub(r"\D", "", r.phone): r for r in rows}
    names = {" ".join(tokens(r.name)) for r in rows}
    oracle = build.Oracle(rows) if number >= 4 else None
    categories = {c for c, *_ in HELDOUT2}
    seen: set[str] = set()
    for i, entry in enumerate(entries):
        where = f"entry {i}"
        if not (isinstance(entry, tuple) and len(entry) == 4):
            problems.append(f"{where}: not a (category, query, expect, licences) tuple")
            continue
        cat, text, expect, lics = entry
        if cat not in categories:
            problems.append(f"{where}: category {cat!r} is not one of heldout2's")
        if expect not in EXPECTS:
            problems.append(f"{where}: expect {expect!r} is not one of {sorted(EXPECTS)}")
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where}: empty query")
            continue
        if text in seen:
            problems.append(f"{where}: duplicate query")
        if _norm(text) in elsewhere:
            problems.append(f"{where}: the same query stands in another evaluation set")
        seen.add(text)
        if not isinstance(lics, list):
            problems.append(f"{where}: licence numbers must be a list")
            continue
        for lic in lics:
            if lic not in real_lics:
                problems.append(f"{where}: licence {lic} is not in the real list")
        if any(lic not in by_canon for lic in lics):
            continue
        if expect == "agency" and not lics:
            problems.append(f"{where}: 'agency' names no licence")
        if expect == "similar" and not 2 <= len(lics) <= 5:
            problems.append(f"{where}: 'similar' must list 2 to 5 agencies (at most 5 candidates)")
        if cat == "unrelated" and lics:
            problems.append(f"{where}: an unrelated query names an agency")
        if cat != "unrelated" and not set(lics) & members:
            problems.append(f"{where}: lists no {label} agency")
        if expect == "agency" and lics and cat in ("statuses", "borrowed") \
                and by_canon[lics[0]].verdict == "licensed":
            problems.append(f"{where}: a {cat} query whose first agency is valid")
        if expect == "never" and tokens(text) and " ".join(tokens(text)) in names:
            problems.append(f"{where}: a 'never' query that is exactly a real agency's name")
        if oracle is not None:
            # The oracle reads Latin letters only: a look-alike in Urdu or Sindhi script (no
            # Latin word) was checked by hand.
            if cat in ("lookalike_name", "lookalike_business") and tokens(text) \
                    and oracle.names_agency(text):
                problems.append(f"{where}: a look-alike that names a listed agency")
            if cat in PLAIN and expect == "agency" and lics \
                    and by_canon[lics[0]].verdict != "licensed":
                problems.append(f"{where}: a {cat} query whose agency is not valid")
        digits = re.sub(r"\D", "", text.translate(URDU_DIGITS))
        if len(digits) >= 10:   # a phone: it must be the evaluation list's phone of that agency
            hit = [r for d, r in phones.items() if d[-10:] == digits[-10:]]
            if not hit or hit[0].canonical not in lics:
                problems.append(f"{where}: the phone is not the listed agency's")
    counts = Counter(e[0] for e in entries if isinstance(e, tuple) and e)
    for cat in sorted(categories):
        if counts[cat] < 15:
            problems.append(f"category {cat}: {counts[cat]} queries (fewer than 15)")
    if number >= 5:
        earlier = SETS[3].members(rows) | SETS[4].members(rows)
        if members & earlier:
            problems.append(f"{label}: {len(members & earlier)} agencies drawn by held-outs 3/4")
        traps = sum(counts[c] for c in TRAPS)
        if traps * 4 < len(entries):
            problems.append(f"{label}: {traps} traps of {len(entries)} queries (under a quarter)")
    return problems


def earlier_queries(number: int, real_path: Path = build.REAL_NAMES) -> set[str]:
    """Every query (lower case, spaces folded) of the evaluation sets before held-out `number`:
    the generated tuning and held-out 1 queries, held-out 2, and the earlier hand-typed sets."""
    _, tune, held, held2 = build.build(real_path)   # the generator only, not the matcher
    elsewhere = {_norm(q.query) for q in (*tune, *held, *held2)}
    for module in SETS[number].earlier:
        elsewhere |= {_norm(text) for _, text, _, _ in __import__(module).QUERIES}
    return elsewhere


def check_set(number: int, real_path: Path = build.REAL_NAMES) -> list[str]:
    """Problems with held-out set `number`'s data file, checked against the real names at
    `real_path` and every earlier set (what `--check-data` prints). Never runs the matcher; the
    data tests of every set call this one function."""
    real = build.read_real(real_path)
    return check_data(SETS[number].queries(), real, build.eval_rows(real),
                      earlier_queries(number, real_path), number=number)


def table(tally: dict, categories, never: tuple[str, ...]) -> list[str]:
    """Category totals, one row each: n, Rahnuma, extractOne, portal search."""
    lines = ["| Category | goal | n | Rahnuma | extractOne | portal search |",
             "|---|---:|---:|---:|---:|---:|"]

    def pct(x: int, n: int) -> str:
        return f"{x / n:.1%}" if n else "—"

    for cat, label, goal in categories:
        t = tally[cat]
        mark = "" if (t.n == 0 or t.ours / t.n >= goal) else " ❌"
        lines.append(f"| {label} | {goal:.0%} | {t.n} | {pct(t.ours, t.n)}{mark} | "
                     f"{pct(t.fuzzy, t.n)} | {pct(t.portal, t.n)} |")
    n = sum(t.n for t in tally.values())
    lines.append(f"| **All** | | {n} | {pct(sum(t.ours for t in tally.values()), n)} | "
                 f"{pct(sum(t.fuzzy for t in tally.values()), n)} | "
                 f"{pct(sum(t.portal for t in tally.values()), n)} |")
    traps = sum(tally[c].n for c in never)
    lines += ["", "False `licensed` (every category, including the wrong agency certified): "
              f"Rahnuma **{sum(t.false_ours for t in tally.values())}**, extractOne "
              f"{sum(t.false_fuzzy for t in tally.values())}, portal search "
              f"{sum(t.false_portal for t in tally.values())} ({traps} look-alike, borrowed, "
              "negated and unrelated queries)."]
    return lines


def score(rows: list[Row], entries: list, matcher_factory=None,
          show: bool = False) -> tuple[list[str], float]:
    """(table lines, list load seconds) for `entries` against `rows`. `matcher_factory` builds
    the matcher from the loaded list (default: the bot's AgencyMatcher)."""
    import agency_real_accuracy as acc

    from bot.core.agencies import load_agency_list

    if matcher_factory is None:
        from bot.core.agencies import AgencyMatcher

        def matcher_factory(agency_list):
            return AgencyMatcher(agency_list, today=build.TODAY)

    queries = build.heldout2_queries(rows, entries)
    with tempfile.TemporaryDirectory() as tmp:
        dest = Path(tmp) / "eval_agencies.csv"
        build.write_list(rows, dest)
        t0 = time.perf_counter()
        agency_list = load_agency_list(dest)
        matcher = matcher_factory(agency_list)
        load_s = time.perf_counter() - t0
    base = acc.Baselines(agency_list.agencies)
    tally = acc.run(matcher, base, queries, show=show)
    return table(tally, acc.CATEGORIES, acc.NEVER), load_s


def main(argv: list[str] | None = None, default_set: int = 4,
         script: str = "benchmarks/agency_heldout4.py") -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--set", type=int, choices=sorted(SETS), default=default_set,
                        help="which held-out set (default %(default)s)")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--check-data", action="store_true",
                        help="validate the data file only; does not run the matcher")
    parser.add_argument("--real", type=Path, default=build.REAL_NAMES)
    parser.add_argument("--show-misses", action="store_true",
                        help="list the misses (sets 3 and 4 were measured once on 2026-12-02 "
                             "and are development sets since; never for set 5 before its one "
                             "measurement)")
    args = parser.parse_args(argv)
    if not args.real.exists():
        print(f"skipped: {args.real} is absent (the real names live in ../shared/data)")
        return 0
    hset = SETS[args.set]
    entries = hset.queries()

    real = build.read_real(args.real)
    rows = build.eval_rows(real)
    if args.check_data:
        problems = check_set(hset.number, args.real)
        counts = Counter(c for c, *_ in entries)
        print(f"{len(entries)} queries: " + ", ".join(f"{c} {n}" for c, n in sorted(counts.items())))
        for p in problems:
            print(p)
        print("data OK" if not problems else f"{len(problems)} problem(s)")
        return 1 if problems else 0
    lines, load_s = score(rows, entries, show=args.show_misses)
    lines += ["", f"Machine: {cpu_model()}, 2 cores shared with other work, load average "
              f"{load_average()}; list of {len(rows):,} names loaded and indexed in "
              f"{load_s * 1000:.0f} ms."]
    print("\n".join(lines))
    if not args.no_write:
        import agency_real_accuracy as acc

        command = script if args.set == default_set else f"{script} --set {args.set}"
        body = [f"## {hset.title}", "",
                f"`.venv/bin/python {command}` — "
                f"{len(entries)} queries typed by hand on 2026-12-02 "
                f"(`benchmarks/agency_real/{hset.data}.py`) {hset.agencies}, by someone who "
                "did not read the matcher, committed before it "
                "was first scored and measured once, after the matcher work landed; only these "
                "category totals are ever printed. Same evaluation list, judge and baselines as "
                "the \"Real BE&OE names\" section (extractOne = `rapidfuzz.process.extractOne"
                "(query, names, scorer=WRatio, score_cutoff=85)` read as licensed; portal "
                "search = a case-insensitive substring of the name or licence number).", "",
                *lines]
        acc.write_section(acc.RESULTS, hset.marker, body)
        print(f"wrote {acc.RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
