"""Build the DEMONSTRATION agency list (content/agencies.csv + provenance).

The list is invented: realistic Pakistani overseas-employment-promoter naming patterns, made to
exercise the matcher (many agencies sharing a first word, legal suffixes, Arabic-derived names,
names shared by several agencies in different cities, every status). It is NOT from BE&OE and
every phone number in it is invented.

    python benchmarks/make_demo_agencies.py                      # writes content/agencies.csv
    python benchmarks/make_demo_agencies.py --rows 100000 --out /tmp/agencies-100k.csv

`generate(rows, seed)` is importable by the benchmarks; it is deterministic for a given seed.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bot.core.agencies.listfile import write_agency_list  # noqa: E402
from bot.core.agencies.records import Agency, Provenance, Status  # noqa: E402

DEFAULT_ROWS = 3000
DEFAULT_SEED = 20240810
RETRIEVED = date(2026, 11, 1)  # the "as of" date recorded for the demo list

# Licence-number code, city name, landline area code, weight, localities for addresses.
CITIES: list[tuple[str, str, str, int, tuple[str, ...]]] = [
    ("LHR", "Lahore", "042", 22, ("Gulberg III", "Main Boulevard Gulberg", "Mall Road",
                                  "Davis Road", "Johar Town", "Allama Iqbal Town", "Egerton Road",
                                  "Ferozepur Road", "Shadman", "Township")),
    ("RWP", "Rawalpindi", "051", 16, ("Murree Road", "Saddar", "Committee Chowk", "Satellite Town",
                                      "Commercial Market", "Liaquat Road", "Chandni Chowk")),
    ("ISB", "Islamabad", "051", 7, ("Blue Area", "F-10 Markaz", "G-9 Markaz", "I-8 Markaz",
                                    "Jinnah Avenue", "F-7 Markaz")),
    ("KHI", "Karachi", "021", 12, ("Shahrah-e-Faisal", "Saddar", "M.A. Jinnah Road",
                                   "Gulshan-e-Iqbal", "Tariq Road", "I.I. Chundrigar Road",
                                   "North Nazimabad", "Clifton")),
    ("PEW", "Peshawar", "091", 10, ("University Road", "Saddar Road", "Khyber Bazar",
                                    "G.T. Road", "Hayatabad", "Dabgari Gardens")),
    ("MLK", "Malakand", "0946", 7, ("Mingora", "Saidu Sharif", "Batkhela", "Timergara",
                                    "Chakdara", "Grassy Ground Mingora")),
    ("SKT", "Sialkot", "052", 6, ("Kashmir Road", "Paris Road", "Daska Road", "Defence Road",
                                  "Cantt")),
    ("MUX", "Multan", "061", 5, ("Bosan Road", "Nishtar Road", "Abdali Road", "Gulgasht Colony",
                                 "Vehari Road")),
    ("GRW", "Gujranwala", "055", 5, ("G.T. Road", "Satellite Town", "Sialkot Road",
                                     "Model Town", "Civil Lines")),
    ("FSD", "Faisalabad", "041", 4, ("Kohinoor City", "D-Ground", "Susan Road",
                                     "Jail Road", "Madina Town")),
    ("DGK", "Dera Ghazi Khan", "064", 3, ("Block 13", "Jampur Road", "Circular Road",
                                          "Pul Dat")),
    ("QTA", "Quetta", "081", 2, ("Jinnah Road", "Prince Road", "Zarghoon Road")),
    ("HYD", "Hyderabad", "022", 1, ("Saddar", "Latifabad", "Qasimabad")),
]
CITY_WEIGHTS = [c[3] for c in CITIES]

# First words that many agencies share.
FIRST_WORDS = [
    "Al-Falah", "Shaheen", "Madina", "Pak", "Al-Noor", "Bismillah", "Gulf", "Saudi", "Khyber",
    "Punjab", "Sindh", "Al-Rehman", "Al-Madina", "Makkah", "Star", "Royal", "Crescent", "Green",
    "Golden", "United", "Global", "Falcon", "Eagle", "Al-Karam", "Al-Habib", "Al-Syed", "Indus",
    "Ravi", "Chenab", "Swat", "Hazara", "Mehran", "Pak-Arab", "Arabian", "Emirates", "Qatar",
    "Oman", "Kuwait", "Bahrain", "Asia", "Zam Zam", "Al-Khair", "Al-Ameen", "Al-Raheem",
    "New", "Super", "Prime", "City", "Frontier", "Kashmir", "Noor", "Taj", "Rehmat", "Barkat",
    "Usman", "Hamza", "Bilal", "Faisal", "Ittehad", "Sitara", "Sahara", "Sky", "Silver",
]
# Qualifiers that follow a shared first word ("Shaheen Star", "Shaheen Gulf").
QUALIFIERS = [
    "Star", "Gulf", "Brothers", "Associates", "Crescent", "Royal", "Golden", "Green", "United",
    "Global", "Falcon", "Eagle", "Sky", "Citizens", "Friends", "Pioneer", "Prime", "Hope",
    "Bright", "Future", "Excel", "Elite", "Noble", "Sun", "Moon", "Link", "Connect", "Vision",
    "Mission", "Dynamic", "Alpha", "Zenith", "Summit", "Horizon", "Pearl", "Diamond", "Emerald",
    "Lion", "Tiger", "Hawk", "Express", "Galaxy", "Planet", "Career", "Jobs", "Fortune",
    "Success", "Victory", "Unique", "Classic", "Modern", "National", "Faithful", "Trust",
    "Able", "Smart", "Best", "First", "Al-Hamd", "Sons", "Group", "Pak", "Saudi", "Khan",
    "Ali", "Raza", "Hassan", "Abbas", "Zaman", "Arshad", "Janjua", "Malik", "Chaudhry",
    "Awan", "Butt", "Qureshi", "Shah", "Mughal", "Rajput", "Niazi", "Yousafzai", "Afridi",
    "Gill", "Bajwa", "Cheema", "Warraich", "Sandhu", "Tarar", "Gondal", "Swati", "Bangash",
]
# Stand-alone Arabic-derived names.
ARABIC_NAMES = [
    "Al Hijaz", "Al-Mustafa", "Darul Amaan", "Al-Haramain", "Baitul Aman", "Dar-us-Salam",
    "Al-Khidmat", "Ibn-e-Hashim", "Al Buraq", "Al-Aqsa", "Al-Shifa", "Al-Hamra", "Al-Mumtaz",
    "Al-Qasim", "Al-Jannat", "Al-Fajr", "Al-Kausar", "Al-Muslim", "Al-Barakah", "Al-Hilal",
    "Al-Huda", "Al-Saudia", "Al-Rashid", "Al-Sadiq", "Al-Fatah", "Al-Maroof", "Al-Murtaza",
    "Al-Manzoor", "Al-Aziz", "Al-Yousuf", "Al-Ghani", "Al-Wahab", "Al-Qadir", "Al-Khaleej",
    "Al-Nasr", "Al-Safa", "Al-Marwa", "Al-Taif", "Al-Qaswa", "Al-Burhan", "Darul Ehsan",
    "Darul Khair", "Baitul Maal", "Nur-ul-Huda", "Ghausia", "Faizan-e-Madina", "Qadria",
    "Chishtia", "Naqshbandia", "Sabri", "Ansar", "Muhajir", "Tayyaba", "Noor-e-Islam",
    "Anwar-ul-Haq", "Zia-ul-Haq", "Bab-ul-Madina", "Ahl-e-Bait", "Jamia", "Ummah",
]
# Legal suffixes, weighted: the common ones come first.
SUFFIXES: list[tuple[str, int]] = [
    ("Overseas Employment Promoters", 26), ("Manpower Services", 12), ("Overseas", 8),
    ("Overseas Employment Promoters (Pvt) Ltd", 6), ("Human Resource Consultants", 5),
    ("International", 6), ("Pvt Ltd", 3), ("(SMC-Pvt) Ltd", 3), ("Travel & Tours", 4),
    ("Trade Links", 4), ("Enterprises", 5), ("& Co", 2), ("Manpower Consultants", 3),
    ("Overseas Employment Corporation", 2), ("Recruiting Agency", 2), ("Associates", 2),
    ("Overseas Employment Services", 3), ("Employment Promoters", 2), ("OEP", 2),
    ("International (Pvt) Ltd", 2), ("Corporation", 1), ("Human Resources", 2),
    ("Manpower & Travel Services", 1),
]
SUFFIX_NAMES = [s for s, _ in SUFFIXES]
SUFFIX_WEIGHTS = [w for _, w in SUFFIXES]

MALE_FIRST = [
    "Muhammad", "Ahmed", "Ali", "Hassan", "Hussain", "Usman", "Bilal", "Imran", "Tariq",
    "Khalid", "Rashid", "Asif", "Naveed", "Shahid", "Zahid", "Javed", "Arshad", "Waqas",
    "Faisal", "Kamran", "Adnan", "Sajid", "Amjad", "Nadeem", "Iftikhar", "Zafar", "Ghulam",
    "Abdul", "Mushtaq", "Ijaz", "Riaz", "Fazal", "Sher", "Gul", "Noor", "Habib", "Aurangzeb",
    "Shafiq", "Rafiq", "Saeed", "Mehmood", "Akhtar", "Pervaiz", "Liaqat", "Nasir", "Haroon",
]
MIDDLE = ["", "", "", "Ahmed", "Ali", "Hussain", "Iqbal", "Akram", "Aslam", "Rehman", "Din",
          "Ullah", "Khan", "Nawaz", "Anwar", "Mehmood", "Rasool", "Hameed", "Latif"]
SURNAMES = [
    "Khan", "Malik", "Chaudhry", "Butt", "Qureshi", "Sheikh", "Awan", "Janjua", "Raja",
    "Mughal", "Abbasi", "Siddiqui", "Shah", "Bukhari", "Gillani", "Niazi", "Afridi",
    "Yousafzai", "Khattak", "Bangash", "Gill", "Bajwa", "Cheema", "Warraich", "Sandhu",
    "Tarar", "Gondal", "Baloch", "Memon", "Soomro", "Jatoi", "Rajput", "Arain", "Jutt",
    "Kiyani", "Satti", "Durrani", "Swati", "Tanoli", "Hashmi", "Zaidi", "Rizvi", "",
]
FEMALE_FIRST = ["Samina", "Nasreen", "Shazia", "Rubina", "Farzana", "Nargis", "Tahira",
                "Saima", "Kausar", "Bushra"]
PLAZAS = ["Al-Hafeez Plaza", "Siddique Trade Centre", "Pak Tower", "Hassan Arcade",
          "Mall Plaza", "Shaheen Complex", "Business Centre", "Al-Karim Market",
          "City Tower", "Gulf Plaza", "Kohistan Plaza", "Madina Market", "Zaitoon Plaza",
          "Faisal Centre", "Taj Complex", "Royal Arcade", "Saeed Plaza", "Al-Rehman Centre"]
MOBILE_PREFIXES = ["300", "301", "302", "303", "304", "305", "306", "307", "308", "309",
                   "310", "311", "312", "313", "314", "315", "320", "321", "322", "323",
                   "331", "332", "333", "334", "335", "336", "340", "341", "342", "343",
                   "344", "345", "346", "347"]

# Names given on purpose to two or three agencies in different cities ("similar" verdicts).
SHARED_NAME_GROUPS = 45


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", name.lower())


def _core_key(core: str) -> str:
    return _norm(core)


class _Builder:
    """Holds the random generator and the uniqueness sets while a list is generated."""

    def __init__(self, rows: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.rows = rows
        self.cores: set[str] = set()
        self.names: set[str] = set()
        self.phones: set[tuple[str, str]] = set()
        top = max(9999, rows * 3)
        self.numbers = self.rng.sample(range(1, top + 1), rows)

    # -- names ------------------------------------------------------------------
    def core(self) -> str:
        """A distinctive core name, unique as far as the word stock allows."""
        rng = self.rng
        for attempt in range(60):
            roll = rng.random()
            if roll < 0.14:
                core = rng.choice(ARABIC_NAMES)
                if rng.random() < 0.35 or attempt > 5:
                    core = f"{core} {rng.choice(QUALIFIERS)}"
            elif roll < 0.22:
                core = rng.choice(FIRST_WORDS)
            elif roll < 0.27:
                first = rng.choice(MALE_FIRST)
                core = f"{first} {rng.choice([s for s in SURNAMES if s])}"
            else:
                first = rng.choice(FIRST_WORDS)
                qual = rng.choice(QUALIFIERS)
                if _norm(qual) in _norm(first):
                    continue
                core = f"{first} {qual}"
            if attempt > 20 or self.rows > 20000:
                core = f"{core} {rng.choice(QUALIFIERS + ARABIC_NAMES)}"
            if attempt > 40:
                core = f"{core} {rng.choice(MALE_FIRST)}"
            key = _core_key(core)
            if key not in self.cores:
                self.cores.add(key)
                return core
        return core  # very large lists: a repeat is acceptable for benchmarks

    def name(self) -> str:
        core = self.core()
        suffix = self.rng.choices(SUFFIX_NAMES, SUFFIX_WEIGHTS)[0]
        name = f"{core} {suffix}"
        self.names.add(_norm(name))
        return name

    def proprietor(self) -> str:
        rng = self.rng
        if rng.random() < 0.06:
            return f"{rng.choice(FEMALE_FIRST)} {rng.choice(['Bibi', 'Begum', 'Akhtar', 'Kausar'])}"
        parts = [rng.choice(MALE_FIRST), rng.choice(MIDDLE), rng.choice(SURNAMES)]
        if rng.random() < 0.15:
            parts.insert(0, rng.choice(["Mr.", "Ch.", "Haji", "Malik", "Rana", "Syed"]))
        return " ".join(p for p in parts if p)

    # -- contact --------------------------------------------------------------------
    def mobile(self) -> str:
        """An invented mobile number: subscriber part starts with 00 (unallocated-looking)."""
        rng = self.rng
        while True:
            prefix = rng.choice(MOBILE_PREFIXES)
            sub = f"00{rng.randrange(0, 100000):05d}"
            if (prefix, sub) not in self.phones:
                self.phones.add((prefix, sub))
                break
        style = rng.random()
        if style < 0.45:
            return f"0{prefix}-{sub}"
        if style < 0.65:
            return f"0{prefix}{sub}"
        if style < 0.78:
            return f"+92 {prefix} {sub}"
        if style < 0.88:
            return f"0{prefix} {sub}"
        if style < 0.95:
            return f"+92{prefix}{sub}"
        return f"0092-{prefix}-{sub}"

    def landline(self, area: str) -> str:
        rng = self.rng
        digits = 8 if len(area) == 3 and area in {"042", "021", "051"} else 7
        for _ in range(20):
            sub = "3000" + "".join(str(rng.randrange(10)) for _ in range(digits - 4))
            if (area, sub) not in self.phones:
                self.phones.add((area, sub))
                break
        else:  # this city's invented landline range is used up (very large lists)
            return self.mobile()
        if rng.random() < 0.5:
            return f"{area}-{sub}"
        return f"({area}) {sub[:4]}-{sub[4:]}"

    def phone(self, area: str) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.02:
            return ""
        if roll < 0.70:
            return self.mobile()
        if roll < 0.85:
            return self.landline(area)
        return f"{self.landline(area)}, {self.mobile()}"

    def address(self, city: str, localities: tuple[str, ...]) -> str:
        rng = self.rng
        locality = rng.choice(localities)
        form = rng.random()
        if form < 0.5:
            floor = rng.choice(["Ground Floor", "1st Floor", "2nd Floor", "3rd Floor", "Mezzanine"])
            return (f"Office No. {rng.randrange(1, 60)}, {floor}, {rng.choice(PLAZAS)}, "
                    f"{locality}, {city}")
        if form < 0.8:
            return f"{rng.randrange(1, 400)}-{rng.choice('ABCDEFGH')}, {locality}, {city}"
        return f"Shop No. {rng.randrange(1, 40)}, {rng.choice(PLAZAS)}, {locality}, {city}"

    # -- status and dates -------------------------------------------------------------
    def status_and_date(self) -> tuple[Status, date | None]:
        rng = self.rng
        roll = rng.random()
        if roll < 0.66:
            return Status.VALID, self._future()
        if roll < 0.70:  # valid in the list but the date has already passed
            return Status.VALID, self._past()
        if roll < 0.71:
            return Status.VALID, None
        if roll < 0.83:
            return Status.EXPIRED, self._past()
        if roll < 0.92:
            return Status.CANCELLED, rng.choice([self._past(), self._future(), None])
        if roll < 0.96:
            return Status.SUSPENDED, self._future()
        if roll < 0.975:
            return Status.SURRENDERED, rng.choice([self._past(), None])
        if roll < 0.985:  # BE&OE's "Invalid"
            return Status.INVALID, rng.choice([self._past(), None])
        return Status.BLACKLISTED, rng.choice([self._past(), self._future(), None])

    def _future(self) -> date:
        rng = self.rng
        if rng.random() < 0.9:
            start = date(2027, 1, 1)
            return start + timedelta(days=rng.randrange(0, 3 * 365))
        return date(2026, 12, 1) + timedelta(days=rng.randrange(0, 31))

    def _past(self) -> date:
        return date(2024, 1, 1) + timedelta(days=self.rng.randrange(0, 2 * 365 + 300))

    # -- licence numbers -------------------------------------------------------------
    def license_no(self, index: int, code: str) -> str:
        number = f"{self.numbers[index]:04d}"
        if code == "LHR" and self.rng.random() < 0.08:
            return f"MPD/{number}/LHR"
        return f"{number}/{code}"


def generate(rows: int = DEFAULT_ROWS, seed: int = DEFAULT_SEED) -> list[Agency]:
    """`rows` invented agencies, deterministic for `seed`. Licence numbers are unique."""
    b = _Builder(rows, seed)
    rng = b.rng
    # Names shared on purpose: each used by 2-3 agencies in different cities.
    shared_names: list[str] = []
    groups = min(SHARED_NAME_GROUPS, rows // 40)
    for _ in range(groups):
        shared_names.extend([b.name()] * rng.choice([2, 2, 3]))
    shared_names = shared_names[:rows]
    slots = rng.sample(range(rows), len(shared_names))
    name_at = dict(zip(slots, shared_names, strict=True))
    cities_used: dict[str, set[str]] = {}

    agencies: list[Agency] = []
    for i in range(rows):
        city = rng.choices(CITIES, CITY_WEIGHTS)[0]
        if i in name_at:
            name = name_at[i]
            used = cities_used.setdefault(name, set())
            choices = [c for c in CITIES if c[0] not in used] or CITIES
            city = rng.choice(choices)
            used.add(city[0])
        else:
            name = b.name()
        code, city_name, area, _, localities = city
        status, valid_until = b.status_and_date()
        agencies.append(Agency(
            license_no=b.license_no(i, code),
            name=name,
            proprietor=b.proprietor(),
            city=city_name,
            address=b.address(city_name, localities),
            phone=b.phone(area),
            status=status,
            valid_until=valid_until,
        ))
    return agencies


def demo_provenance(rows: int, seed: int) -> Provenance:
    return Provenance(
        source=f"benchmarks/make_demo_agencies.py (seed {seed}, {rows} rows)",
        retrieved=RETRIEVED,
        demo=True,
        note=("DEMONSTRATION DATA - NOT from the Bureau of Emigration & Overseas Employment "
              "(BE&OE). Every agency name, licence number, proprietor, address and phone number "
              "in this list is invented. Do not use it to decide whether a real recruiter is "
              "licensed: check the BE&OE list of OEPs."),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=ROOT / "content" / "agencies.csv")
    args = parser.parse_args(argv)
    agencies = generate(args.rows, args.seed)
    write_agency_list(args.out, agencies, demo_provenance(args.rows, args.seed))
    print(f"wrote {len(agencies)} demonstration agencies to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
