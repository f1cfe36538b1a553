"""Build the labelled agency-check evaluation set (benchmarks/agency_eval/queries.jsonl).

    .venv/bin/python benchmarks/agency_eval/generate.py [--agencies content/agencies.csv]

Queries are made the way people type them: keyboard slips, Roman-Urdu respellings and Urdu /
Sindhi spellings from the hand-written dictionary in vocabulary.py, licence and phone numbers
in their many written forms, names inside questions, impostor names (a distinctive word replaced
or swapped) and unrelated text. Nothing here uses the matcher's own normalisation.
Each line: {"query", "category", "expect": verdict | "not_licensed" | "similar",
"license_nos": [...]}.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from vocabulary import ROMAN, SINDHI_OVERRIDES, URDU, URDU_SUFFIX, sindhi  # noqa: E402

from bot.core.agencies.listfile import load_agency_list  # noqa: E402
from bot.core.agencies.records import Agency, Status  # noqa: E402

TODAY = date(2026, 11, 1)   # the evaluation's "today" (the demo list's retrieval date)
SEED = 7
OUT = HERE / "queries.jsonl"
SUFFIXES = sorted([
    "Overseas Employment Promoters", "Manpower Services", "Overseas",
    "Overseas Employment Promoters (Pvt) Ltd", "Human Resource Consultants", "International",
    "Pvt Ltd", "(SMC-Pvt) Ltd", "Travel & Tours", "Trade Links", "Enterprises", "& Co",
    "Manpower Consultants", "Overseas Employment Corporation", "Recruiting Agency", "Associates",
    "Overseas Employment Services", "Employment Promoters", "OEP", "International (Pvt) Ltd",
    "Corporation", "Human Resources", "Manpower & Travel Services"], key=len, reverse=True)
VERDICT = {Status.VALID: "licensed", Status.SUSPENDED: "suspended",
           Status.CANCELLED: "cancelled", Status.EXPIRED: "expired",
           Status.SURRENDERED: "surrendered", Status.INVALID: "invalid",
           Status.BLACKLISTED: "blacklisted"}
QWERTY = ["qwertyuiop", "asdfghjkl", "zxcvbnm"]
IMPOSTOR_WORDS = [
    "Paradise", "Kingdom", "Venus", "Orbit", "Rocket", "Falak", "Zeeshan", "Kohinoor", "Mashriq",
    "Maghrib", "Sunrise", "Sunset", "Royalty", "Marvel", "Legend", "Titan", "Phoenix", "Karwan",
    "Manzil", "Safar", "Rahbar", "Sabz", "Chandni", "Roshan", "Bahar", "Shama", "Jugnu",
    "Parwaz", "Uqab", "Sultan", "Nawab", "Badshah", "Mehtab", "Aftab", "Qamar", "Hilal",
    "Makran", "Thar", "Bolan", "Margalla", "Karakoram", "Nanga", "Tarbela", "Mangla",
    "Dolphin", "Panther", "Cobra", "Orient", "Atlas", "Everest", "Crown", "Empire", "Imperial",
    "Metro", "Capital", "Pacific", "Atlantic", "Sapphire", "Ruby", "Topaz", "Coral",
]
UNRELATED = [
    "hello", "salam", "assalamualaikum bhai", "what is the fee for a Saudi work visa?",
    "how do I register with the protector of emigrants", "mujhe Dubai jana hai kya karun",
    "visa kitne ka milta hai", "weather in Karachi today", "thank you so much", "ok",
    "I paid 250000 rupees to an agent, what should I do?", "where is the BE&OE office in Lahore",
    "کیا میں سعودی عرب جا سکتا ہوں؟", "ویزا کی فیس کتنی ہے؟", "شکریہ", "مجھے نوکری چاہیے",
    "آئون دبئي وڃڻ چاهيان ٿو", "ويزا جي في ڪيتري آهي؟", "مهرباني", "help", "menu", "/start",
    "my passport is with the agent", "is it safe to go on a visit visa for work?",
    "Qatar mein driver ki job", "Saudi Arabia construction jobs", "nurse jobs in UK",
    "agent ne paise le liye aur bhag gaya", "how much is the protector fee",
    "tell me about medical tests", "GAMCA medical kahan hota hai", "insurance kya hoti hai",
    "1234567", "12", "2024", "Rs. 50,000", "https://example.com/jobs",
    "lorem ipsum dolor sit amet", "the quick brown fox jumps over the lazy dog",
    "Overseas Employment Promoters", "Manpower Services (Pvt) Ltd", "OEP", "Travel & Tours",
    "اوورسیز ایمپلائمنٹ پروموٹرز", "مین پاور سروسز", "licensed agency list",
    "which agencies are licensed in Peshawar?", "is this licensed?", "kya ye registered hai?",
    "ڇا هي رجسٽرڊ آهي؟", "کیا یہ رجسٹرڈ ہے؟", "Human Resource Consultants International",
    "my brother works in Oman", "Kuwait visa price", "Malaysia job offer real or fake",
    "job in Poland through agent", "Romania work permit", "Ali", "Khan", "Muhammad",
]
SENTENCES_EN = ["is {} licensed?", "Is {} a registered agency?", "please check {}",
                "can you tell me if {} is legit", "{} - is it genuine?",
                "my agent is from {}, is it licensed?", "hi, is {} registered with the bureau?",
                "check {} please", "{} real or fake?", "Is {} OEP approved by government?"]
SENTENCES_RO = ["kya {} registered hai?", "{} ka license check karo", "{} asli hai ya naqli?",
                "bhai {} sahi company hai?", "kya {} licensed hai", "{} registered hai kya",
                "plz check karein {} ka license"]
SENTENCES_UR = ["کیا {} رجسٹرڈ ہے؟", "{} کا لائسنس چیک کریں", "کیا {} اصلی کمپنی ہے؟",
                "براہ کرم {} کی تصدیق کریں", "{} رجسٹرڈ ہے یا نہیں؟"]
SENTENCES_SD = ["ڇا {} رجسٽرڊ آهي؟", "{} جو لائسنس چيڪ ڪريو", "ڇا {} اصلي ڪمپني آهي؟"]


def split_name(name: str) -> tuple[str, str]:
    """(core, suffix) as the demo list builds names."""
    for suffix in SUFFIXES:
        if name.endswith(" " + suffix):
            return name[: -len(suffix) - 1], suffix
    return name, ""


def norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", text.lower())


def one_word(core: str) -> bool:
    """A one-word core ("Barkat") is only a name with a business word next to it."""
    return len(core_words(core, URDU) or core.split(" ")) == 1


def core_words(core: str, vocab: dict) -> list[str] | None:
    """The core as dictionary entries (longest first: "Zam Zam", "Al Hijaz")."""
    words, rest = [], core
    keys = sorted(vocab, key=len, reverse=True)
    while rest:
        for key in keys:
            if rest == key or rest.startswith(key + " "):
                words.append(key)
                rest = rest[len(key):].strip()
                break
        else:
            return None
    return words


class Builder:
    """Generates every category from one agency list."""

    def __init__(self, agencies: list[Agency], seed: int) -> None:
        self.rng = random.Random(seed)
        self.agencies = agencies
        self.rows: list[dict] = []
        by_name: dict[str, list[Agency]] = defaultdict(list)
        by_core: dict[str, list[Agency]] = defaultdict(list)
        for a in agencies:
            by_name[a.name].append(a)
            core = split_name(a.name)[0]
            by_core[norm(core)].append(a)
            by_core[norm(core.replace("Associates", ""))].append(a)
        self.cores = {k for k in by_core}
        self.shared_groups = [g for g in by_name.values() if len(g) > 1]
        self.clean = [a for a in agencies if len(by_name[a.name]) == 1
                      and len({x.license_no for x in by_core[norm(split_name(a.name)[0])]}) == 1
                      and len({x.license_no for x in by_core[norm(split_name(a.name)[0]
                                                                   .replace("Associates", ""))]}) == 1]

    def add(self, query: str, category: str, expect: str, agencies: list[Agency]) -> None:
        self.rows.append({"query": query, "category": category, "expect": expect,
                          "license_nos": [a.license_no for a in agencies]})

    def verdict(self, a: Agency) -> str:
        return VERDICT[a.effective_status(TODAY)]

    def sample(self, pool: list, n: int) -> list:
        return self.rng.sample(pool, min(n, len(pool)))

    # -- categories ---------------------------------------------------------------------------
    def exact(self, n: int) -> None:
        for a in self.sample(self.clean, n):
            self.add(a.name, "exact", self.verdict(a), [a])

    def case_punct(self, n: int) -> None:
        forms = [str.lower, str.upper, str.title,
                 lambda s: s.replace("-", " "), lambda s: s.replace("-", ""),
                 lambda s: re.sub(r"[()&.-]", " ", s), lambda s: s.replace(" ", "  ") + " ?",
                 lambda s: s.lower().replace("(pvt)", "pvt.").replace("&", "and"),
                 lambda s: "  " + s.upper().replace("-", "") + ".",
                 lambda s: s.replace("(", "").replace(")", "").replace(" Ltd", " Ltd.")]
        for a in self.sample(self.clean, n):
            q = self.rng.choice(forms)(a.name)
            if q == a.name:
                q = a.name.lower()
            self.add(q, "case_punct", self.verdict(a), [a])

    def _typo(self, word: str) -> str:
        rng = self.rng
        i = rng.randrange(1, len(word)) if len(word) > 2 else 0
        kind = rng.choice(["adjacent", "drop", "double", "swap"])
        ch = word[i].lower()
        if kind == "adjacent":
            for row in QWERTY:
                j = row.find(ch)
                if j >= 0:
                    near = [row[k] for k in (j - 1, j + 1) if 0 <= k < len(row)]
                    return word[:i] + rng.choice(near) + word[i + 1:]
        if kind == "drop":
            return word[:i] + word[i + 1:]
        if kind == "double":
            return word[:i] + word[i] + word[i:]
        if i + 1 < len(word):
            return word[:i] + word[i + 1] + word[i] + word[i + 2:]
        return word[:i] + word[i] + word[i:]

    def typos(self, n: int) -> None:
        """1-2 slips, in words of 4+ letters (at most one per word shorter than 7)."""
        names = {x.name.lower() for x in self.agencies}
        made = 0
        for a in self.rng.sample(self.clean, len(self.clean)):
            if made >= n:
                break
            words = a.name.split(" ")
            idx = [i for i, w in enumerate(words) if sum(c.isalpha() for c in w) >= 4]
            if not idx:
                continue
            edits = self.rng.choice([1, 2])
            for _ in range(edits):
                i = self.rng.choice(idx)
                words[i] = self._typo(words[i])
                if len(words[i]) < 7:
                    idx.remove(i)
                if not idx:
                    break
            q = " ".join(words)
            if q.lower() in names or q == a.name:
                continue
            self.add(q, "typos", self.verdict(a), [a])
            made += 1

    def suffix(self, n: int) -> None:
        made = 0
        for a in self.rng.sample(self.clean, len(self.clean)):
            if made >= n:
                break
            core, suffix = split_name(a.name)
            if not suffix or suffix == "Associates" or core.endswith("Associates"):
                continue
            if "Overseas Employment Promoters" in suffix:
                q = core + self.rng.choice([" OEP", " (OEP)", " O.E.P", " Overseas", ""])
            elif any(w in suffix for w in ("Pvt", "Ltd", "& Co", "SMC")):
                q = core + " " + re.sub(r"\s*(\(SMC-Pvt\)|\(Pvt\)|Pvt|Ltd|& Co)", "", suffix)
            else:
                q = core + self.rng.choice(["", " OEP", " Pvt Ltd"])
            if one_word(core) and q.strip() == core:
                q = core + " OEP"
            self.add(q.strip(), "suffix", self.verdict(a), [a])
            made += 1

    def roman(self, n: int) -> None:
        made = 0
        for a in self.rng.sample(self.clean, len(self.clean)):
            if made >= n:
                break
            core, suffix = split_name(a.name)
            words = core_words(core, URDU)
            if not words or not any(w in ROMAN for w in words):
                continue
            out = [self.rng.choice(ROMAN[w]) if w in ROMAN else w for w in words]
            tail = self.rng.choice(["", " " + suffix, " overseas", " OEP"])
            if one_word(core) and not tail.strip():
                tail = " overseas"
            q = " ".join(out) + tail
            self.add(q.strip(), "roman_urdu", self.verdict(a), [a])
            made += 1

    def _script(self, a: Agency, sd: bool) -> str | None:
        core, suffix = split_name(a.name)
        words = core_words(core, URDU)
        if not words:
            return None
        if sd:
            parts = [SINDHI_OVERRIDES.get(w) or sindhi(URDU[w]) for w in words]
            suf = sindhi(URDU_SUFFIX.get(suffix, "")) if suffix else ""
            suf = suf.replace("اوورسيز", SINDHI_OVERRIDES["Overseas"])
        else:
            parts = [URDU[w] for w in words]
            suf = URDU_SUFFIX.get(suffix, "")
        if suffix and self.rng.random() < 0.3 and len(words) > 1:
            suf = ""
        return " ".join([*parts, suf]).strip()

    def script(self, n: int, sd: bool) -> None:
        made = 0
        for a in self.rng.sample(self.clean, len(self.clean)):
            if made >= n:
                break
            q = self._script(a, sd)
            if q:
                self.add(q, "sindhi" if sd else "urdu", self.verdict(a), [a])
                made += 1

    def licence(self, n: int) -> None:
        urdu_digits = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
        for a in self.sample(self.agencies, n):
            m = re.fullmatch(r"(?:(MPD)/)?(\d+)/([A-Z]+)", a.license_no)
            if not m:
                continue
            prefix, num, code = m.groups()
            forms = [f"{num}/{code}", f"{num} {code.lower()}", f"{num}-{code}",
                     f"License No. {num}-{code}", f"OEP {num}/{code}", f"Lic # {num}/{code}",
                     f"{num.translate(urdu_digits)}/{code}", f"licence {num}/{code.lower()}",
                     f"is {num}/{code} valid?", f"kya {num}/{code} registered hai",
                     f"لائسنس نمبر {num.translate(urdu_digits)}/{code}", f"{num} / {code}",
                     f"Licence #{int(num)}/{code}", f"{code}-{num}"]
            if prefix:
                forms += [f"MPD/{num}/{code}", f"mpd {num} {code.lower()}"]
            self.add(self.rng.choice(forms), "licence", self.verdict(a), [a])

    def phone(self, n: int) -> None:
        urdu_digits = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
        made = 0
        for a in self.rng.sample(self.agencies, len(self.agencies)):
            if made >= n:
                break
            digits = [re.sub(r"\D", "", p) for p in a.phone.split(",") if p.strip()]
            if not digits:
                continue
            d = self.rng.choice(digits)
            national = d[4:] if d.startswith("0092") else d[2:] if d.startswith("92") else d[1:]
            if national.startswith("3"):
                forms = [f"0{national[:3]}-{national[3:]}", f"0{national}",
                         f"+92 {national[:3]} {national[3:]}", f"+92{national}",
                         f"0092 {national[:3]} {national[3:]}", f"0{national[:3]} {national[3:]}",
                         f"0{national}".translate(urdu_digits),
                         f"0{national[:3]} {national[3:6]} {national[6:]}",
                         f"call 0{national[:3]}-{national[3:]} is this agency licensed?",
                         f"یہ نمبر 0{national} کس کا ہے"]
            else:
                area, sub = (national[:2], national[2:]) if national[:2] in {"42", "21", "51"} \
                    else (national[:2], national[2:]) if len(national) == 9 else \
                    (national[:3], national[3:])
                forms = [f"0{area}-{sub}", f"(0{area}) {sub}", f"+92 {area} {sub}",
                         f"0{area} {sub}".translate(urdu_digits), f"0{area}{sub}"]
            self.add(self.rng.choice(forms), "phone", self.verdict(a), [a])
            made += 1

    def sentence(self, n: int) -> None:
        made = 0
        for a in self.rng.sample(self.clean, len(self.clean)):
            if made >= n:
                break
            roll = self.rng.random()
            core, suffix = split_name(a.name)
            name = self.rng.choice([a.name, core + (" overseas" if suffix else ""), core])
            if one_word(core) and name == core:
                name = a.name
            if roll < 0.4:
                q = self.rng.choice(SENTENCES_EN).format(name)
            elif roll < 0.65:
                q = self.rng.choice(SENTENCES_RO).format(name)
            else:
                sd = roll >= 0.85
                script = self._script(a, sd)
                if not script:
                    continue
                q = self.rng.choice(SENTENCES_SD if sd else SENTENCES_UR).format(script)
            self.add(q, "sentence", self.verdict(a), [a])
            made += 1

    def status(self, n: int) -> None:
        pool = [a for a in self.clean if a.effective_status(TODAY) is not Status.VALID]
        by_status: dict[Status, list[Agency]] = defaultdict(list)
        for a in pool:
            by_status[a.effective_status(TODAY)].append(a)
        picked: list[Agency] = []
        for group in by_status.values():   # every status, then fill
            picked += self.sample(group, max(6, n // len(by_status) // 2))
        rest = [a for a in pool if a not in picked]
        picked += self.sample(rest, max(0, n - len(picked)))
        for a in picked[:n]:
            core, suffix = split_name(a.name)
            q = self.rng.choice([a.name, a.name.lower(), core + " " + suffix.split(" ")[0],
                                 f"is {a.name} licensed?"])
            if one_word(core) and not suffix:
                q = a.name
            self.add(q.strip(), "status", self.verdict(a), [a])

    def impostor(self, n: int) -> None:
        made = 0
        for a in self.rng.sample(self.clean, len(self.clean)):
            if made >= n:
                break
            core, suffix = split_name(a.name)
            words = core.split(" ")
            if self.rng.random() < 0.25 and len(words) >= 2:
                words = [words[1], words[0], *words[2:]]            # swap
            else:
                i = self.rng.randrange(len(words))
                new = self.rng.choice(IMPOSTOR_WORDS + [w for w in URDU if " " not in w])
                old = words[i].lower().replace("al-", "")
                if _lev(new.lower().replace("al-", ""), old) < 3 or new.lower() in core.lower():
                    continue
                words[i] = new
            fake = " ".join(words)
            if norm(fake) in self.cores or norm(fake) == norm(core):
                continue
            q = f"{fake} {suffix}".strip()
            if self.rng.random() < 0.2:
                q = self.rng.choice(SENTENCES_EN + SENTENCES_RO).format(q)
            self.add(q, "impostor", "not_licensed", [a])
            made += 1

    def unrelated(self) -> None:
        for q in UNRELATED:
            self.add(q, "unrelated", "not_licensed", [])

    def shared(self, n: int) -> None:
        made = 0
        for group in self.rng.sample(self.shared_groups, len(self.shared_groups)):
            if made >= n:
                break
            name = group[0].name
            core, suffix = split_name(name)
            for q in {name, self.rng.choice([name.lower(), core, f"is {name} licensed?",
                                             core + " " + suffix.split(" ")[0]])}:
                self.add(q.strip(), "shared", "similar", group)
                made += 1


def _lev(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def build(agencies: list[Agency], seed: int = SEED) -> list[dict]:
    b = Builder(agencies, seed)
    b.exact(80)
    b.case_punct(80)
    b.typos(100)
    b.suffix(80)
    b.roman(80)
    b.script(70, sd=False)
    b.script(60, sd=True)
    b.licence(80)
    b.phone(70)
    b.sentence(100)
    b.status(70)
    b.impostor(120)
    b.unrelated()
    b.shared(80)
    return b.rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agencies", type=Path, default=ROOT / "content" / "agencies.csv")
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--seed", type=int, default=SEED, help="another seed: a held-out set")
    args = parser.parse_args(argv)
    rows = build(list(load_agency_list(args.agencies).agencies), args.seed)
    with args.out.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"wrote {len(rows)} queries to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
