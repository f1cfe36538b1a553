"""The real-names evaluation: an evaluation list and labelled queries, built at run time.

The list: every name and licence number of ``../shared/data/beoe_real_names.csv`` exactly as
BE&OE writes them, with SYNTHETIC statuses, expiry dates and phone numbers (the file has none:
its "Active" is not real). The list is written to a temporary directory and never shipped.

Queries are made the way people type: names as written, "M/s", case and punctuation, keyboard
slips in any word (also business words), business words dropped or shortened, Roman-Urdu
respellings, Urdu and Sindhi script typed by hand (`tune_data` / `heldout_data`), licence and
phone forms, sentences, statuses, shared names, and the queries that must never be `licensed`:
one-letter look-alikes that are real names, look-alikes with other business words, borrowed
licences, a valid name with a suspended agency's licence or phone, "sub agent of X", "Not X",
greetings and unrelated text. Expected verdicts come from an oracle with its own word list
(below), not from the matcher.

Agencies are split in three by licence number: the held-out part (every fifth) is built with
its own seed and its own hand-written material; the second held-out part (numbers ending in 3,
`heldout2_data`) is a set of queries typed by hand and frozen; the tuning part is the rest.
Held-out 1/2: measured 2026-12-01, used for development from 2026-12-02.
"""

from __future__ import annotations

import csv
import os
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
REAL_NAMES = Path(os.environ.get("SHARED_DIR") or ROOT.parent / "shared") / "data" / "beoe_real_names.csv"
TODAY = date(2026, 12, 1)

# The oracle's own words (not the matcher's). Classes: words with one meaning share a class.
BUSINESS = {
    "overseas": "overseas", "oversea": "overseas", "oversease": "overseas", "employment": "employment",
    "promoter": "promoter", "promoters": "promoter", "promotion": "promoter", "oep": "oep",
    "manpower": "manpower", "man": "manpower?", "power": "manpower?",
    "services": "service", "service": "service", "international": "international",
    "intl": "international", "internnational": "international", "agency": "agency",
    "agencies": "agency", "recruiting": "recruit", "recruitment": "recruit", "recruting": "recruit",
    "recuiting": "recruit", "recruiters": "recruit", "recruiter": "recruit",
    "enterprises": "enterprise", "enterprise": "enterprise", "ent": "enterprise",
    "corporation": "corporation", "corp": "corporation", "bureau": "bureau",
    "traders": "trade", "trading": "trade", "trade": "trade", "travel": "travel",
    "travels": "travel", "tours": "tours", "tour": "tours", "consultants": "consultant",
    "consultant": "consultant", "consultancy": "consultant", "associates": "associates",
    "human": "hr", "resource": "hr", "resources": "hr", "hr": "hr", "group": "group",
    "solutions": "solutions", "exporters": "exporters", "company": "legal", "co": "legal",
    "pvt": "legal", "private": "legal", "ltd": "legal", "limited": "legal", "smc": "legal",
    "the": "legal", "and": "legal", "of": "legal", "emloyment": "employment",
    "placement": "placement",
}
PREFIXES = {"ms", "m s", "messrs"}

SHORTEN = {"international": "Intl", "enterprises": "Ent.", "corporation": "Corp.",
           "private": "Pvt", "limited": "Ltd", "services": "Service", "promoters": "Promoter",
           "agency": "Agency", "overseas": "Oversease", "manpower": "Man Power"}

OTHER_BUSINESS = ["Manpower Services", "Overseas Employment Promoters", "Travel & Tours",
                  "Consultants", "Recruiting Agency", "Trading Corporation", "Enterprises",
                  "HR Consultants"]

ROMAN = [("muhammad", "mohammad"), ("mohammad", "muhammad"), ("ahmed", "ahmad"),
         ("ahmad", "ahmed"), ("hussain", "husain"), ("rehman", "rahman"), ("rahman", "rehman"),
         ("usman", "osman"), ("ee", "i"), ("oo", "u"), ("ou", "u"), ("q", "k"),
         ("chaudhry", "chaudhary"), ("ch", "ch"), ("aa", "a"), ("bb", "b"), ("ss", "s"),
         ("ll", "l"), ("mm", "m"), ("zz", "z"), ("ai", "ae"), ("ei", "ai"), ("y", "i"),
         ("i", "ee"), ("u", "oo"), ("w", "v"), ("z", "x"), ("e", "a")]

SYNTH_STATUS = [("valid", 80), ("suspended", 4), ("cancelled", 4), ("expired", 4),
                ("surrendered", 3), ("invalid", 2), ("blacklisted", 3)]
STATUS_VERDICT = {"valid": "licensed", "suspended": "suspended", "cancelled": "cancelled",
                  "expired": "expired", "surrendered": "surrendered", "invalid": "invalid",
                  "blacklisted": "blacklisted"}
URDU_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


@dataclass
class Row:
    license_no: str      # as BE&OE writes it: "0008 / RWP"
    name: str
    status: str
    valid_until: str
    phone: str
    heldout: bool
    heldout2: bool = False
    words: tuple[str, ...] = ()
    classes: frozenset[str] = frozenset()

    @property
    def canonical(self) -> str:
        return re.sub(r"\s*/\s*", "/", self.license_no.strip())

    @property
    def verdict(self) -> str:
        if self.status == "valid" and self.valid_until and self.valid_until < TODAY.isoformat():
            return "expired"
        return STATUS_VERDICT[self.status]


@dataclass
class Query:
    query: str
    category: str
    expect: str                   # a verdict, "not_licensed", or "similar"
    license_nos: list[str] = field(default_factory=list)
    heldout: bool = False


def tokens(name: str) -> list[str]:
    """The oracle's words: lower case, letters and digits, runs of single letters joined."""
    low = name.lower().replace("&", " and ")
    low = re.sub(r"^\s*m\s*/\s*s\b\.?", " ", low)
    raw = re.findall(r"[a-z0-9]+", low)
    out: list[str] = []
    run = ""
    for t in raw:
        if len(t) == 1 and t.isalpha():
            run += t
            continue
        if run:
            out.append(run)
            run = ""
        out.append(t)
    if run:
        out.append(run)
    joined: list[str] = []
    i = 0
    while i < len(out):   # Al-Falah, Al Falah -> alfalah
        if out[i] in ("al", "el") and i + 1 < len(out) and out[i + 1] not in BUSINESS:
            joined.append("al" + out[i + 1])
            i += 2
            continue
        joined.append(out[i])
        i += 1
    return joined


def describe(name: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """(distinctive words, business classes) of a name, by the oracle's word list."""
    words, classes = [], set()
    toks = tokens(name)
    for i, t in enumerate(toks):
        cls = BUSINESS.get(t)
        if cls == "manpower?":
            pair = (t, toks[i + 1] if i + 1 < len(toks) else "")
            prev = (toks[i - 1] if i else "", t)
            if pair == ("man", "power") or prev == ("man", "power"):
                classes.add("manpower")
                continue
            cls = None
        if cls is None:
            words.append(t)
        elif cls not in ("legal",):
            classes.add(cls)
    return tuple(words), frozenset(classes)


def read_real(path: Path = REAL_NAMES) -> list[tuple[str, str]]:
    """(licence number, name) for every row of the real file."""
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r["license_number"], r["agency_name"]) for r in csv.DictReader(fh)]


def is_heldout(license_no: str) -> bool:
    num = int(re.match(r"\s*(\d+)", license_no).group(1))
    return num % 5 == 0


def is_heldout2(license_no: str) -> bool:
    """The second held-out part: licence numbers ending in 3, minus the hand-written ones."""
    num = int(re.match(r"\s*(\d+)", license_no).group(1))
    return num % 10 == 3


def eval_rows(real: list[tuple[str, str]], seed: int = 2026) -> list[Row]:
    """The evaluation list: real names and numbers, synthetic status, expiry and phone."""
    from heldout_data import SINDHI as H_SD
    from heldout_data import URDU as H_UR

    rnd = random.Random(seed)
    statuses = [s for s, w in SYNTH_STATUS for _ in range(w)]
    forced_heldout = set(H_UR) | set(H_SD)
    rows = []
    used_phones: set[str] = set()
    for lic, name in real:
        status = rnd.choice(statuses)
        expiry = TODAY + timedelta(days=rnd.randint(60, 1500))
        if status == "expired":
            expiry = TODAY - timedelta(days=rnd.randint(10, 900))
        valid_until = expiry.isoformat() if rnd.random() < 0.9 else ""
        while True:   # invented numbers in the 03xx mobile range
            phone = f"03{rnd.randint(0, 4)}{rnd.randint(0, 9)}-{rnd.randint(1000000, 9999999)}"
            if phone not in used_phones:
                used_phones.add(phone)
                break
        held = lic in forced_heldout or (is_heldout(lic) and lic not in _tune_keys())
        held2 = not held and is_heldout2(lic) and lic not in _tune_keys()
        row = Row(lic, name, status, valid_until, phone, held, held2)
        row.words, row.classes = describe(name)
        rows.append(row)
    return rows


def _tune_keys() -> set[str]:
    from tune_data import SINDHI, URDU

    return set(URDU) | set(SINDHI)


def write_list(rows: list[Row], dest: Path) -> None:
    """The evaluation list as a canonical agency CSV with its provenance (demonstration)."""
    import json

    with dest.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["license_no", "name", "proprietor", "city", "address", "phone", "status",
                    "valid_until"])
        for r in rows:
            w.writerow([r.license_no, r.name, "", "", "", r.phone, r.status, r.valid_until])
    dest.with_name(dest.stem + ".provenance.json").write_text(json.dumps({
        "source": "evaluation list: real BE&OE names with synthetic statuses",
        "retrieved": TODAY.isoformat(), "demo": True,
        "note": "evaluation only; statuses, expiry dates and phones are invented"}))


class Oracle:
    """Which agencies a name means, by the oracle's own words."""

    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self.by_words: dict[tuple[str, ...], list[Row]] = defaultdict(list)
        self.vocab: set[str] = set()
        for r in rows:
            self.by_words[tuple(sorted(r.words))].append(r)
            self.vocab.update(r.words)

    def expect(self, name: str, target: Row) -> tuple[str, list[str]]:
        """(expected verdict, licence numbers) for a query naming `target` this way."""
        words, classes = describe(name)
        return self.expect_parts(words, classes, target)

    def expect_parts(self, words, classes, target: Row) -> tuple[str, list[str]]:
        same = self.by_words.get(tuple(sorted(words)), [])
        fit = [r for r in same if classes <= r.classes]
        if target not in fit:
            return "not_licensed", []
        if len(fit) == 1:
            return target.verdict, [target.canonical]
        exact = [r for r in fit if r.classes == classes]
        if exact == [target]:
            return target.verdict, [target.canonical]
        return "similar", [r.canonical for r in fit][:5]

    def names_agency(self, name: str) -> bool:
        """Does this name (its distinctive words and business classes) fit any agency?"""
        words, classes = describe(name)
        return any(classes <= r.classes for r in self.by_words.get(tuple(sorted(words)), []))


# --- query makers ---------------------------------------------------------------------------
def _typo(word: str, rnd: random.Random) -> str:
    i = rnd.randrange(1, len(word))
    kind = rnd.choice(["drop", "double", "swap", "sub"])
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "swap" and i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    near = {"a": "s", "e": "r", "i": "o", "o": "i", "u": "y", "n": "m", "m": "n", "r": "t",
            "s": "a", "t": "r", "l": "k", "h": "j", "d": "s", "c": "v", "g": "h", "k": "l"}
    ch = word[i].lower()
    return word[:i] + near.get(ch, "e") + word[i + 1:]


class Maker:
    def __init__(self, rows: list[Row], part: str, seed: int) -> None:
        self.all = rows
        self.oracle = Oracle(rows)
        self.held = part == "heldout"
        self.rows = [r for r in rows if r.heldout == self.held and not r.heldout2]
        self.rnd = random.Random(seed)
        self.by_lic = {r.license_no: r for r in rows}
        self.out: list[Query] = []
        if self.held:
            import heldout_data as data
        else:
            import tune_data as data
        self.data = data
        self.valid = [r for r in self.rows if r.verdict == "licensed" and r.words]

    def add(self, q: str, category: str, target: Row | None, name: str | None = None,
            expect: str | None = None) -> None:
        if expect is None:
            expect, lics = self.oracle.expect(name or q, target)
        else:
            lics = [target.canonical] if target is not None else []
        self.out.append(Query(q, category, expect, lics, self.held))

    def sample(self, rows: list[Row], n: int) -> list[Row]:
        return self.rnd.sample(rows, min(n, len(rows)))

    def build(self) -> list[Query]:
        rnd = self.rnd
        for r in self.sample(self.valid, 60):
            self.add(r.name, "exact", r)
        for r in self.sample(self.valid, 50):
            v = rnd.choice([r.name.lower(), r.name.upper(), re.sub(r"[-.]", " ", r.name),
                            "  " + r.name.replace(" ", "  ") + " ", r.name.replace("-", ""),
                            r.name.title() + "."])
            self.add(v, "case_punct", r, r.name)
        for r in self.sample(self.valid, 40):
            pre = rnd.choice(["M/s ", "M/s. ", "M/S ", "m/s ", "Messrs ", "M/s."])
            self.add(pre + r.name, "ms", r, r.name)
        self._typos(60)
        self._business(50)
        self._roman(50)
        self._script(self.data.URDU, "urdu")
        self._script(self.data.SINDHI, "sindhi")
        self._identifiers(60)
        self._sentences(50)
        self._statuses(50)
        self._shared(40)
        self._lookalike_names()
        self._lookalike_business(40)
        self._borrowed(40)
        self._negated(30)
        for q in self.data.UNRELATED:
            self.add(q, "unrelated", None, expect="not_licensed")
        if not self.held:   # grown for the weak categories; the held-out part stays frozen
            self._grown()
        return self.out

    def _grown(self) -> None:
        """Tuning-only cases: typos in business words, more real-name look-alikes, a shared
        word with a business word its agency lacks, greetings in every script."""
        rnd = self.rnd
        count = 0
        for r in self.sample(self.valid, 200):
            words = r.name.split()
            idx = [i for i, w in enumerate(words) if re.sub(r"\W", "", w).lower() in BUSINESS
                   and len(re.sub(r"\W", "", w)) >= 6]
            if not idx:
                continue
            i = rnd.choice(idx)
            slip = _typo(words[i], rnd)
            if slip.lower().strip(".,()") in BUSINESS or slip.lower() in self.oracle.vocab:
                continue
            words[i] = slip
            self.add(" ".join(words), "typos", r, r.name)
            count += 1
            if count >= 40:
                break
        pairs = self.data.LOOKALIKE_PAIRS_MORE
        swaps = dict(pairs) | {b: a for a, b in pairs}
        for r in self.rows:
            toks = r.name.split()
            for i, t in enumerate(toks):
                key = re.sub(r"\W", "", t).lower()
                if key in swaps:
                    q = " ".join([*toks[:i], swaps[key].capitalize(), *toks[i + 1:]])
                    if not self.oracle.names_agency(q):
                        self.add(q, "lookalike_name", r, expect="not_licensed")
                    break
        count = 0
        for r in self.sample(self.valid, 400):
            if len(r.words) != 1 or len(self.oracle.by_words.get(r.words, [])) != 1:
                continue
            shares = [o for o in self.all if o is not r and r.words[0] in o.words]
            if not shares:
                continue
            extra = rnd.choice(self.data.SOFT_LOOKALIKE)
            if describe(extra)[1] <= r.classes:
                continue
            base = " ".join(w for w in r.name.split()
                            if re.sub(r"\W", "", w).lower() not in BUSINESS)
            q = f"{base} {extra}"
            if self.oracle.names_agency(q):
                continue
            self.add(q, "lookalike_business", r, expect="not_licensed")
            count += 1
            if count >= 25:
                break
        for q in self.data.UNRELATED_MORE:
            self.add(q, "unrelated", None, expect="not_licensed")
        self._script(self.data.URDU_MORE, "urdu")
        self._script(self.data.SINDHI_MORE, "sindhi")
        for k, r in enumerate(self.sample(self.valid, 40)):
            tpl = self.data.SENTENCES_MORE_LATIN[k % len(self.data.SENTENCES_MORE_LATIN)]
            self.add(tpl.format(n=r.name), "sentences", r, r.name)
        for k, (lic, text) in enumerate(self.data.URDU_MORE.items()):
            tpl = self.data.SENTENCES_MORE_SCRIPT[k % len(self.data.SENTENCES_MORE_SCRIPT)]
            r = self.by_lic[lic]
            exp, lics = self.oracle.expect(r.name, r)
            self.out.append(Query(tpl.format(u=text), "sentences", exp, lics, self.held))
        for r in self.sample(self.rows, 40):   # more ways of writing a licence
            num, code = [p.strip() for p in r.license_no.split("/")]
            form = rnd.choice([f"{num}  / {code}", f"OEPL No.{num}./{code}",
                               f"Licence No. {num}-{code}", f"OEP # {num}/{code}",
                               f"لائسنس نمبر {num}/{code}".translate(URDU_DIGITS),
                               f"{code} {num}", f"oep no.{int(num)}/{code.lower()}",
                               f"licence {num}/{code} wala agent"])
            self.add(form, "licence_phone", r, expect=r.verdict)

    def _typos(self, n: int) -> None:
        for r in self.sample(self.valid, n * 3):
            words = r.name.split()
            idx = [i for i, w in enumerate(words) if len(re.sub(r"\W", "", w)) >= 5]
            if not idx:
                continue
            i = self.rnd.choice(idx)
            slip = _typo(words[i], self.rnd)
            if slip.lower().strip(".,()") in self.oracle.vocab:
                continue
            words[i] = slip
            self.add(" ".join(words), "typos", r, r.name)
            if sum(q.category == "typos" for q in self.out) >= n:
                break

    def _business(self, n: int) -> None:
        count = 0
        for r in self.sample(self.valid, n * 4):
            words = r.name.split()
            lowered = [re.sub(r"\W", "", w).lower() for w in words]
            biz = [i for i, w in enumerate(lowered) if w in BUSINESS]
            if not biz:
                continue
            if self.rnd.random() < 0.5:
                drop = set(self.rnd.sample(biz, self.rnd.randint(1, len(biz))))
                kept = [w for i, w in enumerate(words) if i not in drop]
            else:
                kept = [SHORTEN.get(lowered[i], w) if i in biz else w for i, w in enumerate(words)]
            q = " ".join(kept)
            if q == r.name or not describe(q)[0]:
                continue
            self.add(q, "business", r)
            count += 1
            if count >= n:
                break

    def _roman(self, n: int) -> None:
        count = 0
        for r in self.sample(self.valid, n * 4):
            words = r.name.split()
            cand = [i for i, w in enumerate(words) if w.lower().strip(".") in r.words
                    and len(w) >= 4]
            if not cand:
                continue
            i = self.rnd.choice(cand)
            w = words[i].lower()
            subs = [(a, b) for a, b in ROMAN if a in w[1:] and a != b]
            if not subs:
                continue
            a, b = self.rnd.choice(subs)
            pos = w.find(a, 1)
            new = w[:pos] + b + w[pos + len(a):]
            if new in self.oracle.vocab or new == w:
                continue
            words[i] = new.capitalize()
            self.add(" ".join(words), "roman_urdu", r, r.name)
            count += 1
            if count >= n:
                break

    def _script(self, table: dict[str, str], category: str) -> None:
        for lic, text in table.items():
            r = self.by_lic[lic]
            exp, lics = self.oracle.expect(r.name, r)
            self.out.append(Query(text, category, exp, lics, self.held))

    def _identifiers(self, n: int) -> None:
        rnd = self.rnd
        for r in self.sample(self.rows, n):
            num, code = [p.strip() for p in r.license_no.split("/")]
            forms = [r.license_no, f"{num}/{code}", f"{int(num)}/{code.lower()}",
                     f"OEPL No.{num}/{code}", f"OEP No. {num}/{code}", f"licence no {num}-{code}",
                     f"{num} {code}", f"{num}/{code}".translate(URDU_DIGITS),
                     f"Lic # {num} / {code}", f"{code}-{num}"]
            self.add(rnd.choice(forms), "licence_phone", r, expect=r.verdict)
        for r in self.sample(self.rows, n // 2):
            d = r.phone.replace("-", "")
            forms = [r.phone, d, f"+92 {d[1:4]} {d[4:]}", f"92{d[1:]}", f"0{d[1:4]} {d[4:]}",
                     d.translate(URDU_DIGITS), f"call {r.phone} ye agent hai",
                     f"({d[:4]}) {d[4:7]}-{d[7:]}"]
            self.add(rnd.choice(forms), "licence_phone", r, expect=r.verdict)

    def _sentences(self, n: int) -> None:
        rows = self.sample(self.valid, n)
        for k, r in enumerate(rows):
            tpl = self.data.SENTENCES_LATIN[k % len(self.data.SENTENCES_LATIN)]
            self.add(tpl.format(n=r.name), "sentences", r, r.name)
        script = dict(self.data.URDU)
        for k, (lic, text) in enumerate(script.items()):
            tpl = self.data.SENTENCES_SCRIPT[k % len(self.data.SENTENCES_SCRIPT)]
            r = self.by_lic[lic]
            exp, lics = self.oracle.expect(r.name, r)
            self.out.append(Query(tpl.format(u=text), "sentences", exp, lics, self.held))

    def _statuses(self, n: int) -> None:
        bad = [r for r in self.rows if r.verdict != "licensed" and r.words]
        for r in self.sample(bad, n):
            if self.rnd.random() < 0.5:
                self.add(r.name, "statuses", r)
            else:
                self.add(r.license_no, "statuses", r, expect=r.verdict)

    def _shared(self, n: int) -> None:
        groups: dict[str, list[Row]] = defaultdict(list)
        for r in self.all:
            for w in r.words:
                if len(w) >= 4 and not w.isdigit():
                    groups[w].append(r)
        count = 0
        keys = sorted(groups)
        self.rnd.shuffle(keys)
        for w in keys:
            g = groups[w]
            mine = [r for r in g if r.heldout == self.held and not r.heldout2]
            if len(g) < 2 or len(g) > 5 or not mine:
                continue
            exact = [r for r in g if r.words == (w,)]
            if exact:
                continue   # "Haider" would then name that agency
            q = w.capitalize() if self.rnd.random() < 0.6 else f"{w.capitalize()} agency"
            # Similar, every agency with the word among the candidates.
            self.out.append(Query(q, "shared", "similar", [r.canonical for r in g], self.held))
            count += 1
            if count >= n:
                break

    def _lookalike_names(self) -> None:
        swaps = dict(self.data.LOOKALIKE_PAIRS)
        swaps.update({b: a for a, b in self.data.LOOKALIKE_PAIRS})
        for r in self.rows:
            toks = r.name.split()
            for i, t in enumerate(toks):
                key = re.sub(r"\W", "", t).lower()
                bare = key[2:] if key.startswith("al") and key[2:] in swaps else key
                if bare in swaps:
                    new = swaps[bare]
                    repl = t.lower().replace(bare, new).capitalize()
                    q = " ".join([*toks[:i], repl, *toks[i + 1:]])
                    if not self.oracle.names_agency(q):
                        self.add(q, "lookalike_name", r, expect="not_licensed")
                    break

    def _lookalike_business(self, n: int) -> None:
        count = 0
        for r in self.sample(self.valid, n * 4):
            words, classes = r.words, r.classes
            if not classes:
                continue
            other = self.rnd.choice([b for b in OTHER_BUSINESS
                                     if not describe(b)[1] <= classes])
            base = " ".join(w for w in r.name.split()
                            if re.sub(r"\W", "", w).lower() not in BUSINESS)
            q = f"{base} {other}"
            if self.oracle.names_agency(q) or describe(q)[0] != words:
                continue
            self.add(q, "lookalike_business", r, expect="not_licensed")
            count += 1
            if count >= n:
                break

    def _borrowed(self, n: int) -> None:
        rnd = self.rnd
        for k, r in enumerate(self.sample(self.valid, n)):
            kind = k % 4
            if kind in (0, 1):     # a made-up name with a real licence
                fake = self.data.MADE_UP[k % len(self.data.MADE_UP)]
                tpl = rnd.choice(["{f} {l}", "{f} licence {l}", "we work under licence {l} ({f})",
                                  "{f}, OEP No. {l}"])
                self.add(tpl.format(f=fake, l=r.license_no), "borrowed", r, expect="not_licensed")
            elif kind == 2:         # another valid agency's name with this licence
                other = rnd.choice(self.valid)
                if other is r or set(other.words) & set(r.words):
                    continue
                self.add(f"{other.name} {r.license_no}", "borrowed", r, expect="not_licensed")
            else:                   # a valid name with a bad agency's licence or phone
                bad = [b for b in self.all
                       if b.verdict not in ("licensed",) and b.words and not b.heldout2]
                b = rnd.choice(bad)
                ident = b.license_no if rnd.random() < 0.6 else b.phone
                self.add(f"{r.name} {ident}", "borrowed", b, expect=b.verdict)

    def _negated(self, n: int) -> None:
        for k, r in enumerate(self.sample(self.valid, n)):
            tpl = self.data.NEGATED[k % len(self.data.NEGATED)]
            self.add(tpl.format(n=r.name), "negated", r, expect="not_licensed")


def adversarial(seed: int = 9) -> list[str]:
    """Long and strange queries: 4,000-character words in every script, and noise."""
    rnd = random.Random(seed)
    alphabets = ["abcdefghijklmnopqrstuvwxyz", "ابپتٹثجچحخدڈذرڑزژسشصضطظعغفقکگلمنوہھءیے",
                 "ابتثپجڄڃچڇحخدڌڏڊڍذرڙزسشصضطظعغفڦقڪگڳڱلمنڻوهھءي", "абвгдежзийклмн",
                 "अआइईउऊएऐओऔकखगघ", "中文字母测试数据", "0123456789۰۱۲۳۴۵۶۷۸۹", "😀🙏🇵🇰✅⛔"]
    out = []
    for alpha in alphabets:
        for size in (4000, 1000, 300):
            out.append("".join(rnd.choice(alpha) for _ in range(size)))
            words = [("".join(rnd.choice(alpha) for _ in range(rnd.randint(2, 12))))
                     for _ in range(size // 8)]
            out.append(" ".join(words)[:4000])
    out.append("1234/LHR " * 400)
    out.append("0300-1234567 " * 300)
    out.append("al " * 1300)
    out.append("Manpower " * 440)
    out.append("\u202e\u200f" * 1000 + "Falah")
    out.append("M/s " * 1000)
    out.append("a" * 4000)
    out.append("ا" * 4000)
    out.append("دارالامان" * 400)
    return out


def heldout2_queries(rows: list[Row], entries: list | None = None) -> list[Query]:
    """The hand-typed second held-out set (or `entries` of the same format, e.g. the third,
    `heldout3_data`), its expectations resolved against the list."""
    if entries is None:
        from heldout2_data import QUERIES as entries

    by_canon = {r.canonical: r for r in rows}
    out = []
    for category, text, expect, lics in entries:
        if expect == "agency":
            out.append(Query(text, category, by_canon[lics[0]].verdict, [lics[0]], True))
        elif expect == "never":
            out.append(Query(text, category, "not_licensed", list(lics), True))
        else:
            out.append(Query(text, category, "similar", list(lics), True))
    return out


def build(real_path: Path = REAL_NAMES
          ) -> tuple[list[Row], list[Query], list[Query], list[Query]]:
    """(evaluation list rows, tuning queries, held-out queries, second held-out queries)."""
    import sys

    here = str(Path(__file__).resolve().parent)
    if here not in sys.path:
        sys.path.insert(0, here)
    rows = eval_rows(read_real(real_path))
    tune = Maker(rows, "tune", seed=11).build()
    held = Maker(rows, "heldout", seed=4242).build()
    return rows, tune, held, heldout2_queries(rows)
