"""Check that a change to the reading (speed work) leaves every result as it was.

Usage: .venv/bin/python benchmarks/reading_identical.py [--against REV] [--content DIR ...]
                                                        [--keep FILE]

Reads a fixed list of messages with the code of git revision REV (default: BEFORE, the last
commit before the matcher was made faster) and with the code of the working tree, on the same
content, and compares what `ask --jsonl` reports for each message (topic, score rounded to 4
places, intent, urgent, lang, answer), plus the three best topic candidates (score rounded to
6 places) and the second topic offered. Exits 1 and prints the differences when any result
differs.

The messages: both reading sets (benchmarks/reading_eval), every question of benchmarks/qa_eval,
the text written in the reading and answering tests, every example question and title of the
content; the same messages with one letter dropped from a word (typos); pairs of them joined
into one story (long messages, new lines included, which `ask --jsonl` cannot carry); and bad
input (empty, emoji, 4,000 characters, control and bidi characters, digits of three scripts).
They are read with the first content directory (default content/) once without a chosen
language and once per language, and with the others (default: the tests' mini content)
without one.
"""

from __future__ import annotations

import argparse
import ast
import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
BEFORE = "fcd96b4"
LANGS = (None, "en", "ur", "sd")   # the chosen language: none, then each
TEST_FILES = ("test_reading.py", "test_content_answering.py", "test_content_qa.py",
              "test_language.py")

# Run in a separate interpreter with the tree to test first on sys.path; reads the runs
# ([content dir, chosen language], ...) and the messages as JSON on stdin, writes one JSON
# line per result.
WORKER = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from bot.core.content.answering import Answerer
from bot.core.content.loader import load_content
from bot.core.reading import Reader
from bot.core.urgency import UrgentWords

job = json.load(sys.stdin)
readers = {}
for content, lang in job["runs"]:
    if content not in readers:
        root = Path(content)
        tree, problems = load_content(root)
        readers[content] = Reader.load(root, tree, Answerer(tree),
                                       UrgentWords.load(root / "urgent.yaml"))
    reader = readers[content]
    for text in job["messages"]:
        r = reader.read(text, lang=lang)
        out = r.to_json() | {"query": text}
        a = r.answer
        out["candidates"] = [[t, round(s, 6)] for t, s in a.candidates] if a else None
        out["also"] = list(a.also) if a else None
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
"""


def _tsv_texts(path: Path) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.split("\t")[-1] for line in lines if line.strip() and not line.startswith("#")]


def _test_texts() -> list[str]:
    """Every string written in the reading and answering tests (most are messages)."""
    out = []
    for name in TEST_FILES:
        path = ROOT / "tests" / name
        if path.exists():
            tree = ast.parse(path.read_text(encoding="utf-8"))
            out += [n.value for n in ast.walk(tree)
                    if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value.strip()]
    return out


def _content_texts(content: Path) -> list[str]:
    """The titles and example questions of the topic files (their front matter)."""
    out = []
    for md in sorted(content.glob("*/*.md")):
        head = md.read_text(encoding="utf-8").split("---")[1]
        meta = yaml.safe_load(head) or {}
        out += [str(meta.get("title", "")), *map(str, meta.get("questions") or ())]
    return out


def _typo(text: str, rng: random.Random) -> str:
    words = text.split()
    long_words = [i for i, w in enumerate(words) if len(w) >= 5]
    if not long_words:
        return text
    i = rng.choice(long_words)
    j = rng.randrange(len(words[i]))
    words[i] = words[i][:j] + words[i][j + 1:]
    return " ".join(words)


BAD = ["", " ", "😀😀😀", "🙏", "?!", "....", "fees " * 2000, "۸۱۱۲ ٨١١٢ 8112", "8112",
       "0300-1234567", "+923001234567", "\u202eagent fees\u202c", "agent\x00\x07 fees\x1b",
       "ایجنٹ fees کتنی hai ڪيتري", "a", "ok ok ok ok ok ok ok ok ok ok",
       "Agent took my passport. " * 170, "\n\n\n", "کیا\nایجنٹ\nفیس\nلے\nسکتا\nہے"]


def messages(contents: list[Path]) -> list[str]:
    base = []
    for name in ("dev.tsv", "holdout.tsv"):
        base += _tsv_texts(BENCH / "reading_eval" / name)
    for path in sorted((BENCH / "qa_eval").glob("*.tsv")):
        base += _tsv_texts(path)
    base += _test_texts()
    for content in contents:
        base += _content_texts(content)
    base = list(dict.fromkeys(base))        # each once, in order
    rng = random.Random(11)
    typos = [_typo(t, rng) for t in base]
    stories = [f"{a}. {b}?" if i % 2 else f"{a}\n{b}"
               for i, (a, b) in enumerate(zip(base[::2], base[1::2], strict=False))]
    return list(dict.fromkeys(base + typos + stories + BAD))


def run(tree: Path, runs: list[tuple[str, str | None]], msgs: list[str]) -> list[dict]:
    job = json.dumps({"runs": runs, "messages": msgs}, ensure_ascii=False)
    proc = subprocess.run([sys.executable, "-c", WORKER, str(tree)], input=job, text=True,
                          capture_output=True, check=False, cwd=tree)
    if proc.returncode != 0:
        sys.exit(f"reading with the code in {tree} failed:\n{proc.stderr}")
    return [json.loads(line) for line in proc.stdout.splitlines()]


def reference_tree(rev: str, into: Path) -> Path:
    """The `bot` package of `rev`, extracted into `into` (with this tree's content/, which
    the package reads its word lists from)."""
    archive = subprocess.run(["git", "archive", rev, "bot"], cwd=ROOT, capture_output=True,
                             check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    (into / "content").symlink_to(ROOT / "content")
    return into


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--against", default=BEFORE, help=f"git revision (default {BEFORE})")
    parser.add_argument("--content", action="append", type=Path,
                        help="content directory (repeatable; default: content/ and the "
                             "tests' mini content)")
    parser.add_argument("--keep", type=Path, help="also write this tree's results here (JSONL)")
    args = parser.parse_args(argv)
    contents = [c.resolve() for c in (args.content or [
        ROOT / "content", ROOT / "tests" / "data" / "content_fixtures" / "mini"])]
    msgs = messages(contents)
    # every chosen language on the first content, none on the others (the small test content)
    runs = [(str(contents[0]), lang) for lang in LANGS] + [(str(c), None) for c in contents[1:]]
    now = run(ROOT, runs, msgs)
    with tempfile.TemporaryDirectory(prefix="reading-identical-") as tmp:
        before = run(reference_tree(args.against, Path(tmp)), runs, msgs)
    if args.keep:
        args.keep.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in now),
                             encoding="utf-8")
    if len(now) != len(before):
        print(f"{len(now)} results now, {len(before)} with {args.against}")
        return 1
    differ = [(b, n) for b, n in zip(before, now, strict=True) if b != n]
    for b, n in differ[:40]:
        keys = [k for k in n if n.get(k) != b.get(k)]
        print(f"- {n['query'][:80]!r}: " + "; ".join(f"{k}: {b.get(k)!r} -> {n.get(k)!r}"
                                                     for k in keys))
    print(f"{len(now):,} results ({len(msgs):,} messages, {len(runs)} runs of content and "
          f"chosen language) compared with {args.against}: {len(differ)} differ")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
