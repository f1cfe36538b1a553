"""Agency check: a licence number, a phone number or a name -> a verdict (CONTRACTS.md `check`).

The order is fixed: a licence number anywhere in the text, then a phone number, then a name.
A name is read as a sequence of *distinctive* words (generic words such as Overseas, Manpower,
Pvt Ltd, اوورسیز … say what kind of business it is, not which one). Only a query whose
distinctive words agree, in order and one for one, with exactly one agency on the list is given
that agency's status; a replaced, added or swapped distinctive word gives `similar` at best.
Words agree through Roman-Urdu folding (Shaheen/Shahin), small typos (rapidfuzz OSA distance on
the list's vocabulary, never on the whole list), or, for Urdu/Sindhi script, transliteration to a
consonant skeleton. Near misses are ranked by rarity-weighted (IDF) word overlap.
"""

from __future__ import annotations

import itertools
import logging
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import phonenumbers
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA, Levenshtein

from bot.core.agencies.records import Agency, AgencyList, Provenance, Status
from bot.core.romanize import fold_word, skeleton
from bot.core.text import ascii_digits, clean, match_form
from bot.core.transliterate import ASPIRATE, transliterate_word, urdu_letters

log = logging.getLogger(__name__)

MAX_QUERY_CHARS = 10_000   # longer queries are refused (reason "too_long")
MAX_TOKENS = 60            # words of a query that are read as a possible name
MAX_CANDIDATES = 5
MAX_COMBOS = 64            # readings tried when several words each have several spellings
STRONG = 85.0             # every word of a name must agree at least this well to identify
WEAK = 70.0               # a far-fetched agreement: enough for "similar", never for a verdict
SIMILAR_MIN = 25.0         # weighted-overlap score (0-100) below which nothing is "similar"
MAX_SCORED = 20_000        # agencies scored for near misses, at most

# Words that say what kind of business it is, not which one. Never enough to identify an agency.
GENERIC_LATIN = frozenset("""
overseas oversea oversease oversease employment employments employement promoters promoter
promotors promotor oep oeps manpower services service servises international intl inter
internationals human resource resources hr consultants consultant consultancy consultancies
consultents recruiting recruitment recruiters recruiter recruit agency agencies agancy enterprises
enterprise enterprizes associates trade traders links corporation corp travel travels tours tour pvt private
privat ltd limited smcpvt pvtltd co company companies smc and the of op llc inc
""".split())

# Latin phrases whose words are generic only together.
GENERIC_PHRASES = (("man", "power"), ("human", "resource"), ("human", "resources"))

GENERIC_ARABIC = frozenset("""
اوورسیز اورسیز اوورسیزز اوورسیس اوورسیاز اوورسیبز اوورسیر اوورسیظ ایمپلائمنٹ ایمپلائیمنٹ ایمپلایمنٹ
امپلائمنٹ ایمپلائمینٹ ایمپلاءمنٹ پروموٹرز پروموٹر پروموٹرس پروموٹرذ مین پاور مینپاور سروسز سروس
سروسس سروسیز سرویسز انٹرنیشنل انٹرنیشنیل انٹرنیشنال ہیومن ہیومین ریسورس ریسورسز ریسورسیز کنسلٹنٹس
کنسلٹنٹ کنسلٹینٹس کنسلٹنسی ریکروٹنگ ریکروٹمنٹ ریکروٹنگ ایجنسی ایجنسیز انٹرپرائزز انٹرپرائز
انٹرپرائسز انٹرپرائیزز ٹریڈ لنکس کارپوریشن کارپوریشن ٹریول ٹریولز ٹریولس ٹریولنگ اینڈ ٹورز ٹورس
ایسوسی ایٹس ایسوسیایٹس
ٹور پرائیویٹ پرائیوٹ پراءیویٹ پرائیوٹ لمیٹڈ لمیٹیڈ لیمیٹڈ لمٹیڈ کمپنی کو اور پی وی ٹی ایل ایس
ایم سی او ای پرائيويٽ
اوورسيز ايمپلائمينٽ پروموٽرز انٽرنيشنل سروسز ڪنسلٽنٽس پرائيويٽ لميٽڊ ٽريول ٽورز ايجنسي ڪمپني
""".split())

# Question and filler words around a name ("is … licensed?", "kya … registered hai").
FILLER_LATIN = frozenset("""
is are was were be been am the a an this that these those it its licensed licenced license
licence licenses licences lisence lisense liscense licens licensee registered register registerd
registred registration reg legit legal legitimate real genuine fake fraud scam scammer check
checking verify verified verification confirm please pls plz kindly can could would you u tell
me about whether if name called named hi hello hey salam aoa assalam assalamualaikum
assalamoalaikum asalam does do did have has valid ok okay my agent agents from in at by for with
to on or not no yes what which who whom how status give want know i we our he she they them
their his her government govt approved authorised authorized number num number? sir madam
brother bro bhai dear thanks thank office going abroad send sent sending pay paid money should
trust trustworthy safe honest proper official really any there here one someone recruiter
recruiters promoter agentt
kya kia kiya ye yeh yah ya hai hy hay he hain hein hen hei wali wala walay wale ka ki ke ko se
sy sey main mein mai me mujhe muje mujhy mera meri mere hamara hamari batao bataen bataein
bataiye bataye btao bta btaen btayen sahi sahih asli naqli nakli jali jaali jaaali karo karein
karen kijiye kijye kren kr kar krna karna dein den do ho hoti hota hui hua hue nahi nahin nai
naam nam wo woh vo us iska uska iski uski inka unka kaun kon konsi kaisi kesi kaisa kesa theek
thik bhi agar to tou toh jana ja raha rahi rahe chahiye chahta chahti hoon hun hon sakta sakti
pata karna sarkari manzoor manzoorshuda shuda yafta kahan kahaan yahan wahan aur or ap aap apko
aapko plz pta bata btana
""".split())

FILLER_ARABIC = frozenset("""
کیا کیاں یہ ہے ہیں ہیے رجسٹرڈ رجسٹر رجسٹریشن لائسنس لائسنسڈ لائیسنس لائسنسیافتہ یافتہ کا کی کے
کو سے میں بتائیں بتائیے بتایئے بتاؤ بتاو بتا اصلی جعلی نقلی فراڈ چیک کریں کرو کیجیے کیجئے کرے
نام والی والا والے منظور منظورشدہ شدہ ہو وہ براہ کرم برائے مہربانی مجھے میرا میری ایجنٹ سرکاری
درست صحیح ٹھیک نہیں یا کون کیسی کیسا بھی پتا پتہ ہوں چاہیے جانا باہر نمبر تصدیق ہوئی ہوا اس
اسکا اسکی ان آپ سلام السلام علیکم جی ہاں حکومت کی
کس کون کونسی ڇا آهي آھي هي ھي رجسٽرڊ لائسنس ڪمپني ايجنسي جو جي کي سان ۾ ٻڌايو ٻڌايو اصلي جعلي نقلي چيڪ
ڪريو نالو آهن ڪيو ته به مون منهنجو منهنجي توهان ٿيل سرڪاري صحيح ٺيڪ نه يا ڪير ڪهڙي ڪهڙو پتو
آهيان هئي هو ۽ اهو اها هيءَ ڏسو ڏسي يافته منظور شده ڪرائي ٿي ٿو ڪري سگهو
""".split())

# Cities (as a name's last words they say where the agency is, not which one it is).
CITIES: dict[str, tuple[str, ...]] = {
    "lahore": ("lahore", "لاہور"),
    "karachi": ("karachi", "کراچی", "ڪراچي"),
    "rawalpindi": ("rawalpindi", "pindi", "راولپنڈی", "پنڈی", "راولپنڊي"),
    "islamabad": ("islamabad", "اسلام آباد", "اسلام اباد", "اسلامآباد"),
    "peshawar": ("peshawar", "پشاور"),
    "malakand": ("malakand", "ملاکنڈ", "ملاڪنڊ"),
    "sialkot": ("sialkot", "سیالکوٹ", "سيالڪوٽ"),
    "multan": ("multan", "ملتان"),
    "gujranwala": ("gujranwala", "گوجرانوالہ", "گوجرانواله"),
    "faisalabad": ("faisalabad", "فیصل آباد", "فیصلآباد", "فيصل آباد"),
    "dera ghazi khan": ("dera ghazi khan", "dg khan", "ڈیرہ غازی خان", "ڊيرا غازي خان"),
    "quetta": ("quetta", "کوئٹہ", "ڪوئيٽا"),
    "hyderabad": ("hyderabad", "حیدرآباد", "حیدر آباد", "حيدرآباد"),
    "mingora": ("mingora", "swat city"),
    "gujrat": ("gujrat", "گجرات"),
    "sukkur": ("sukkur", "سکھر", "سکر"),
    "larkana": ("larkana", "لاڑکانہ", "لاڙڪاڻو"),
    "mirpur": ("mirpur", "میرپور"),
}

# Licence-number office codes (the list adds any others it uses).
OFFICE_CODES = frozenset({
    "LHR", "RWP", "ISB", "KHI", "PEW", "PSW", "MLK", "SKT", "MUX", "MLN", "GRW", "FSD", "DGK",
    "QTA", "HYD", "SGD", "BWP", "GJT", "SKR", "MPR",
})

# Real words and names. A typed word that is one of these is that word, never a typo of another
# (so "Hassan" never agrees with "Hussain", "Star" never with "Sitara").
KNOWN_WORDS = frozenset("""
muhammad mohammad ahmed ahmad ali hassan hasan hussain husain usman osman bilal imran tariq
khalid rashid asif naveed shahid zahid javed arshad waqas faisal kamran adnan sajid amjad nadeem
iftikhar zafar ghulam abdul mushtaq ijaz riaz fazal sher gul noor nur habib aurangzeb shafiq
rafiq saeed mehmood mahmood akhtar pervaiz parvez liaqat nasir haroon hamid hamza umar omar
abbas raza zaman akram aslam rehman rahman din ullah khan nawaz anwar rasool hameed latif iqbal
malik chaudhry butt qureshi sheikh awan janjua raja mughal abbasi siddiqui shah bukhari gillani
niazi afridi yousafzai khattak bangash gill bajwa cheema warraich sandhu tarar gondal baloch
memon soomro jatoi rajput arain jutt kiyani satti durrani swati tanoli hashmi zaidi rizvi
samina nasreen shazia rubina farzana nargis tahira saima kausar bushra fatima ayesha zainab
star gulf brothers associates crescent royal golden green united global falcon eagle sky
citizens friends pioneer prime hope bright future excel elite noble sun moon link connect
vision mission dynamic alpha zenith summit horizon pearl diamond emerald lion tiger hawk
express galaxy planet career jobs fortune success victory unique classic modern national
faithful trust able smart best first sons group pak saudi sitara sahara silver super new city
frontier kashmir taj rehmat barkat ittehad asia oman qatar kuwait bahrain emirates arabian
dubai makkah mecca madina medina khyber punjab sindh indus ravi chenab swat hazara mehran
shaheen falah karam syed khair ameen raheem zamzam hijaz mustafa haramain khidmat buraq aqsa
shifa hamra mumtaz qasim jannat fajr muslim barakah hilal huda sadiq fatah maroof
murtaza manzoor aziz yousuf ghani wahab qadir khaleej nasr safa marwa taif qaswa burhan
ghausia faizan qadria chishtia naqshbandia sabri ansar muhajir tayyaba islam haq zia bab bait
jamia ummah ehsan maal aman amaan salam dar ibn hashim ahl
lahore karachi rawalpindi islamabad peshawar malakand sialkot multan gujranwala faisalabad
quetta hyderabad
red blue white black gold king queen light power world euro america canada europe london
africa china japan turkey iran iraq oman libya jordan malaysia korea poland romania
stars gulfs links lines line way ways point center centre house home land plus max smart
best top one two three seven eight nine ten seven eleven hundred zero
""".split())

# Connectors inside Arabic-derived names (Nur-ul-Huda, Faizan-e-Madina, Dar-us-Salam).
_CONNECTORS = frozenset({"ul", "us", "ud", "un", "ur", "e", "i", "ut", "ush", "uz"})
_ARTICLES = frozenset({"al", "el"})
# Arabic words written joined to a following connector: Darul, Baitul, Noorul, Ziaul, Abdul …
_STEMS = frozenset("""dar bait bab noor nur anwar zia abd fazl fazal zain siraj shams najm saif
habib ruh ain nasr fakhr izz ahl ibn inam ikram ahsan shafi rafi qamar badr bahr""".split())
# Generic words that only make a name "legal"; ignored when telling same-named agencies apart.
_LEGAL = frozenset({"pvt", "private", "privat", "ltd", "limited", "co", "smc", "and", "the", "of",
                    "llc", "inc", "company"})
_STATUS_VERDICT = {
    Status.VALID: "licensed", Status.SUSPENDED: "suspended", Status.CANCELLED: "cancelled",
    Status.EXPIRED: "expired", Status.SURRENDERED: "surrendered",
    Status.BLACKLISTED: "blacklisted",
}
_ARABIC_RUN = "\u0600-\u06ff\u0750-\u077f\ue000"
_TOKEN = re.compile(rf"[a-z0-9]+|[{_ARABIC_RUN}]+")
_ARABIC = re.compile(rf"[{_ARABIC_RUN}]")
_LICENSE = re.compile(
    r"(?<![A-Z0-9])(?:([A-Z]{2,4})\s*[/\\\-.]\s*)?(\d{1,5})\s*[/\\\-.,_]?\s*([A-Z]{3})(?![A-Z])")
_LICENSE_REVERSED = re.compile(r"(?<![A-Z0-9])([A-Z]{3})\s*[/\\\-]\s*(\d{1,5})(?![\d/])")
_PHONE_RUN = re.compile(r"(?:\+|\b)\d[\d\s\-().]{7,18}\d")
_NON_DIGIT = re.compile(r"\D")


# --- results ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Candidate:
    """An agency the query may mean, with a 0-100 score."""

    agency: Agency
    score: float


@dataclass(frozen=True)
class CheckResult:
    """The verdict for one query (CONTRACTS.md `check`)."""

    query: str
    verdict: str
    match: Agency | None
    candidates: tuple[Candidate, ...]
    list_date: date | None
    demo: bool
    reason: str
    today: date | None = field(default=None, compare=False)

    def to_json(self) -> dict:
        """Exactly the CONTRACTS.md `check` object (plus "demo")."""
        today = self.today or date.today()
        return {
            "query": self.query,
            "verdict": self.verdict,
            "match": _match_json(self.match, today) if self.match is not None else None,
            "candidates": [_candidate_json(c, today) for c in self.candidates[:MAX_CANDIDATES]],
            "list_date": self.list_date.isoformat() if self.list_date else None,
            "demo": self.demo,
        }


def _match_json(agency: Agency, today: date) -> dict:
    return {
        "license_no": agency.license_no, "name": agency.name, "proprietor": agency.proprietor,
        "city": agency.city, "address": agency.address, "phone": agency.phone,
        "status": agency.effective_status(today).value,
        "valid_until": agency.valid_until.isoformat() if agency.valid_until else None,
    }


def _candidate_json(candidate: Candidate, today: date) -> dict:
    a = candidate.agency
    return {"license_no": a.license_no, "name": a.name, "city": a.city,
            "status": a.effective_status(today).value, "score": round(float(candidate.score), 1)}


# --- tokens -----------------------------------------------------------------------------------
@lru_cache(maxsize=65536)
def _fold(word: str) -> str:
    return fold_word(word)


@lru_cache(maxsize=65536)
def _arabic_key(word: str) -> tuple[str, str, str]:
    """(transliteration, folded key, skeleton) of an Arabic-script word."""
    tr = transliterate_word(word)
    key = fold_word(tr)
    return tr, key, skeleton(key)


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def raw_tokens(text: str) -> list[str]:
    """Lower-case Latin words and folded Arabic-script words (ھ kept as `ASPIRATE`), in order.

    Runs of single Latin letters are joined: "O.E.P" -> "oep", "p v t" -> "pvt".
    """
    form = _strip_marks(match_form(text.replace("ھ", ASPIRATE)))
    form = form.replace("&", " and ").replace("'", "")
    out: list[str] = []
    run: list[str] = []
    for tok in _TOKEN.findall(form):
        if len(tok) == 1 and tok.isalpha() and tok.isascii():
            run.append(tok)
            continue
        if run:
            out.append("".join(run))
            run = []
        out.append(urdu_letters(tok) if _ARABIC.match(tok) else tok)
    if run:
        out.append("".join(run))
    return out


def _lex(tok: str) -> str:
    """The form used for word-list look-ups (ھ and ہ alike)."""
    return tok.replace(ASPIRATE, "ہ")


def is_arabic(token: str) -> bool:
    return bool(_ARABIC.match(token))


def canonical_words(tokens: Sequence[str]) -> list[str]:
    """Articles joined to their word (Al Falah -> alfalah), connectors dropped, Man Power joined.

    Applied identically to list names and to queries, so both sides agree.
    """
    out: list[str] = []
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        nxt = tokens[i + 1] if i + 1 < n else None
        if nxt is not None and not is_arabic(tok) and (tok, nxt) in _PHRASES:
            out.append(tok + nxt)
            i += 2
            continue
        if (tok in _ARTICLES and nxt is not None and not is_arabic(nxt) and nxt.isalpha()
                and not _latin_generic(nxt)):
            out.append(tok + nxt)
            i += 2
            continue
        if tok in _CONNECTORS and out:
            i += 1
            continue
        if nxt is not None and tok[-2:] in ("ul", "us", "ud", "ur") and tok[:-2] in _STEMS:
            tok = tok[:-2]
        out.append(tok)
        i += 1
    return out


_PHRASES = frozenset(GENERIC_PHRASES)


def _latin_generic(word: str) -> bool:
    return word in GENERIC_LATIN or _fold(word) in _GENERIC_FOLDS


_GENERIC_FOLDS = frozenset(fold_word(w) for w in GENERIC_LATIN | {a + b for a, b in GENERIC_PHRASES})
_GENERIC_SKELETONS = frozenset(s for s in (skeleton(k) for k in _GENERIC_FOLDS) if len(s) >= 3)
_GENERIC_ARABIC = frozenset(_lex(t) for w in GENERIC_ARABIC for t in raw_tokens(w))
_FILLER_ARABIC = frozenset(_lex(t) for w in FILLER_ARABIC for t in raw_tokens(w))
_GENERIC_RAW = sorted(GENERIC_LATIN)
_KNOWN_FOLDS = frozenset(fold_word(w) for w in KNOWN_WORDS)
_LEGAL_FOLDS = frozenset(fold_word(w) for w in _LEGAL)
# Business words that are also used as a name's own word; must not be added by the query.
_MARKED = frozenset({fold_word("associates")})


def _city_phrases() -> dict[tuple[str, ...], str]:
    phrases: dict[tuple[str, ...], str] = {}
    for city, forms in CITIES.items():
        for form in forms:
            phrases[tuple(raw_tokens(form))] = city
    return phrases


_CITY_PHRASES = _city_phrases()
_CITY_MAX = max(len(p) for p in _CITY_PHRASES)


def _city_key(city: str) -> str:
    toks = tuple(raw_tokens(city))
    return _CITY_PHRASES.get(toks, " ".join(toks))


# --- identifiers ------------------------------------------------------------------------------
def _license_key(num: str, code: str) -> tuple[int, str]:
    return int(num), code.upper()


def parse_license(text: str) -> tuple[str, int, str] | None:
    """A list's licence number `MPD/2671/LHR` -> ("MPD", 2671, "LHR")."""
    m = re.fullmatch(r"\s*(?:([A-Za-z]{2,4})\s*/\s*)?(\d{1,5})\s*/\s*([A-Za-z]{3})\s*",
                     ascii_digits(text))
    if not m:
        return None
    return (m.group(1) or "").upper(), int(m.group(2)), m.group(3).upper()


def _find_licenses(text: str, codes: frozenset[str]) -> list[tuple[str, int, str, tuple[int, int]]]:
    """Licence numbers in free text: (prefix, number, office code, span)."""
    upper = ascii_digits(clean(text)).upper()
    found = []
    for m in _LICENSE.finditer(upper):
        prefix, num, code = m.group(1) or "", m.group(2), m.group(3)
        if code in codes and prefix not in codes:
            found.append((prefix, int(num), code, m.span()))
    if not found:
        for m in _LICENSE_REVERSED.finditer(upper):
            if m.group(1) in codes:
                found.append(("", int(m.group(2)), m.group(1), m.span()))
    return found


def pk_e164(raw: str) -> str | None:
    """A Pakistani phone number as written in a list cell -> E.164 (+92…), without validation."""
    digits = _NON_DIGIT.sub("", ascii_digits(raw))
    if digits.startswith("0092"):
        digits = digits[4:]
    elif digits.startswith("92") and len(digits) >= 11:
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = digits[1:]
    if 9 <= len(digits) <= 10 and not digits.startswith("0"):
        return "+92" + digits
    return None


def _find_phones(text: str) -> list[tuple[str, tuple[int, int]]]:
    """Phone numbers in free text as E.164, found by `phonenumbers` (region PK)."""
    digits_text = ascii_digits(clean(text))
    found: list[tuple[str, tuple[int, int]]] = []
    try:
        for m in phonenumbers.PhoneNumberMatcher(digits_text, "PK",
                                                 leniency=phonenumbers.Leniency.VALID):
            e164 = phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164)
            if len(e164) >= 12:   # +92 and at least 9 national digits
                found.append((e164, (m.start, m.end)))
    except Exception:
        log.debug("phonenumbers failed on %r", digits_text[:80])
    if not found:
        for m in _PHONE_RUN.finditer(digits_text):
            e164 = pk_e164(m.group())
            if e164:
                found.append((e164, m.span()))
    return found


def find_identifier(text: str) -> str | None:
    """A licence number (canonical `1234/LHR`) or phone number (E.164) found in free text."""
    try:
        text = text[:MAX_QUERY_CHARS]
        lic = _find_licenses(text, OFFICE_CODES)
        if lic:
            prefix, num, code, _ = lic[0]
            return f"{prefix + '/' if prefix else ''}{num:04d}/{code}"
        phones = _find_phones(text)
        return phones[0][0] if phones else None
    except Exception:
        log.exception("find_identifier failed")
        return None


# --- the matcher ------------------------------------------------------------------------------
@dataclass(slots=True)
class _Word:
    """One distinctive word of the list's vocabulary (identity: its folded key)."""

    key: str
    skel: str
    postings: list[int] = field(default_factory=list)
    idf: float = 1.0


@dataclass(frozen=True, slots=True)
class _Entry:
    """One agency prepared for matching."""

    words: tuple[int, ...]
    generic: frozenset[str]
    city: str
    weight: float


@dataclass(slots=True)
class _Pos:
    """One distinctive word of a query and the list words it may be."""

    text: str
    options: dict[int, float]
    weight: float = 0.0


@dataclass(slots=True)
class _Reading:
    """A query read as a name."""

    positions: list[_Pos]
    generic: frozenset[str]
    has_generic: bool
    city: str | None
    script: bool = False   # read from Urdu/Sindhi script (vowels only rank, never decide)
    scattered: bool = False  # name words in several places of a sentence: never certain


class AgencyMatcher:
    """Indexes an `AgencyList` once; `check(query)` answers one query in well under 5 ms."""

    def __init__(self, agencies: AgencyList, *, today: date | None = None) -> None:
        self.agencies = agencies
        self.today = today
        self._list = agencies.agencies
        self._position = {id(a): i for i, a in enumerate(self._list)}
        self._words: list[_Word] = []
        self._word_id: dict[str, int] = {}
        self._skel: dict[str, list[int]] = defaultdict(list)
        self._raw: dict[str, int] = {}
        self._by_key: dict[tuple[int, ...], list[int]] = defaultdict(list)
        self._by_license: dict[tuple[int, str], list[int]] = defaultdict(list)
        self._by_phone: dict[str, list[int]] = defaultdict(list)
        codes = set(OFFICE_CODES)
        entries = []
        for idx, agency in enumerate(self._list):
            entries.append(self._index_name(idx, agency))
            lic = parse_license(agency.license_no)
            if lic:
                self._by_license[(lic[1], lic[2])].append(idx)
                codes.add(lic[2])
            for cell in re.split(r"[,;/]|\bor\b", agency.phone):
                e164 = pk_e164(cell)
                if e164 and idx not in self._by_phone[e164]:
                    self._by_phone[e164].append(idx)
        self._codes = frozenset(codes)
        self._finish_vocabulary(len(self._list))
        self._entries = [
            _Entry(words, generic, city, sum(self._words[w].idf for w in set(words)))
            for words, generic, city in entries
        ]
        self._keys = [w.key for w in self._words]
        self._skel_keys = list(self._skel)
        self._raw_keys = list(self._raw)
        self._raw_ids = [self._raw[k] for k in self._raw_keys]
        self._four_letter = {k: v for k, v in self._raw.items() if len(k) == 4 and k.isalpha()}
        vocab = set(self._keys) | set(self._raw)
        self._fillers = frozenset(
            f for f in FILLER_LATIN
            if f not in vocab and _fold(f) not in vocab and _fold("al" + f) not in vocab)
        # An Urdu/Sindhi filler that reads as a list word (Sindhi مون "I" / Moon) stays a word.
        self._arabic_fillers = frozenset(
            f for f in _FILLER_ARABIC
            if len(_arabic_key(f)[2]) < 2 or _best(self._skeleton_hits(f, 0.0)) < 96.0)

    # -- index --------------------------------------------------------------------------------
    def _word(self, key: str, raw: str) -> int:
        wid = self._word_id.get(key)
        if wid is None:
            wid = len(self._words)
            self._word_id[key] = wid
            word = _Word(key, skeleton(key))
            self._words.append(word)
            self._skel[word.skel].append(wid)
        self._raw.setdefault(raw, wid)
        if raw in _STEMS:   # Darul, Baitul: the written form, for typo look-ups
            for conn in ("ul", "us"):
                self._raw.setdefault(raw + conn, wid)
        return wid

    def _index_name(self, idx: int, agency: Agency) -> tuple[tuple[int, ...], frozenset[str], str]:
        words: list[int] = []
        generic: set[str] = set()
        for tok in canonical_words(raw_tokens(agency.name)):
            if is_arabic(tok):
                words.append(self._word(_arabic_key(tok)[1], tok))
            elif _latin_generic(tok):
                if _fold(tok) not in _LEGAL_FOLDS:
                    generic.add(_fold(tok))
            else:
                words.append(self._word(_fold(tok), tok))
        for wid in set(words):
            self._words[wid].postings.append(idx)
        key = tuple(words)
        if key:
            self._by_key[key].append(idx)
        return key, frozenset(generic), _city_key(agency.city)

    def _finish_vocabulary(self, n: int) -> None:
        for word in self._words:
            word.idf = math.log((n + 1) / (len(word.postings) + 0.5)) + 1.0
        self._max_idf = max((w.idf for w in self._words), default=1.0)

    # -- public -------------------------------------------------------------------------------
    def check(self, query: str) -> CheckResult:
        """The verdict for one free-text query; never raises."""
        try:
            return self._check(query if isinstance(query, str) else str(query))
        except Exception:
            log.exception("agency check failed")
            return self._result(str(query)[:MAX_QUERY_CHARS], "not_found", None, (), "no_match")

    def _check(self, query: str) -> CheckResult:
        if len(query) > MAX_QUERY_CHARS:
            return self._result(query[:MAX_QUERY_CHARS], "not_found", None, (), "too_long")
        text = clean(query)
        if not any(ch.isalnum() for ch in text):
            return self._result(query, "not_found", None, (), "empty")
        for finder in (self._by_license_text, self._by_phone_text):
            result = finder(query, text)
            if result is not None:
                return result
        return self._by_name(query, text)

    # -- results ------------------------------------------------------------------------------
    def _today(self) -> date:
        return self.today or date.today()

    def _result(self, query: str, verdict: str, match: Agency | None,
                candidates: Iterable[Candidate], reason: str) -> CheckResult:
        prov: Provenance = self.agencies.provenance
        return CheckResult(query, verdict, match, tuple(candidates)[:MAX_CANDIDATES],
                           self.agencies.list_date, prov.demo, reason, self._today())

    def _identified(self, query: str, idx: int, score: float, reason: str) -> CheckResult:
        agency = self._list[idx]
        verdict = _STATUS_VERDICT[agency.effective_status(self._today())]
        return self._result(query, verdict, agency, [Candidate(agency, score)], reason)

    def _similar(self, query: str, scored: Iterable[tuple[float, int]], reason: str) -> CheckResult:
        best: dict[int, float] = {}
        for score, idx in scored:
            best[idx] = max(score, best.get(idx, 0.0))
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], self._list[kv[0]].name,
                                                       self._list[kv[0]].license_no))
        cands = [Candidate(self._list[i], round(s, 1)) for i, s in ranked[:MAX_CANDIDATES]]
        if not cands:
            return self._result(query, "not_found", None, (), "no_match")
        return self._result(query, "similar", None, cands, reason)

    # -- identifiers --------------------------------------------------------------------------
    def _by_license_text(self, query: str, text: str) -> CheckResult | None:
        found = _find_licenses(text, self._codes)
        if not found:
            return None
        prefix, num, code, span = found[0]
        hits = self._by_license.get((num, code), [])
        if prefix and len(hits) > 1:
            hits = [i for i in hits if parse_license(self._list[i].license_no)[0] == prefix] or hits
        return self._by_identifier(query, text, hits, span, "license_no")

    def _by_phone_text(self, query: str, text: str) -> CheckResult | None:
        phones = _find_phones(text)
        if not phones:
            return None
        hits: list[int] = []
        for e164, span in phones:
            hits = self._by_phone.get(e164, [])
            if hits:
                return self._by_identifier(query, text, hits, span, "phone")
        return self._by_identifier(query, text, [], phones[0][1], "phone")

    def _by_identifier(self, query: str, text: str, hits: list[int], span: tuple[int, int],
                       reason: str) -> CheckResult:
        rest = ascii_digits(text)
        rest = rest[: span[0]] + " " + rest[span[1]:]
        reading = self._reading(rest)
        if not hits:  # a number that is not on the list: the name (if any) cannot be trusted
            named = self._by_name(query, rest, reading)
            if named.verdict in _STATUS_VERDICT.values():
                return self._similar(query, [(60.0, self._position[id(named.match)])], "near_miss")
            if named.verdict == "similar":
                return named
            return self._result(query, "not_found", None, (), "no_match")
        if len(hits) > 1:
            return self._similar(query, [(90.0, i) for i in hits], "shared_name")
        idx = hits[0]
        holder = set(self._entries[idx].words)
        if any(_best(p.options) >= 90.0 and not (set(p.options) & holder)
               for p in reading.positions):
            # A name that is not the holder's, next to a real number: a possible impostor.
            near = self._near(reading.positions)
            return self._similar(query, [(80.0, idx), *near], "near_miss")
        return self._identified(query, idx, 100.0, reason)

    # -- names --------------------------------------------------------------------------------
    def _by_name(self, query: str, text: str, reading: _Reading | None = None) -> CheckResult:
        reading = reading or self._reading(text)
        positions = reading.positions
        if not positions:
            reason = "generic_only" if reading.has_generic else "no_match"
            return self._result(query, "not_found", None, (), reason)
        keys = self._exact_keys(positions)
        if keys:
            return self._decide(query, reading, keys)
        near = self._near(positions)
        return self._similar(query, [c for c in near if c[0] >= SIMILAR_MIN], "near_miss")

    def _decide(self, query: str, reading: _Reading,
                keys: list[tuple[float, float, tuple[int, ...]]]) -> CheckResult:
        """Keys of the list that the reading agrees with, best first -> a verdict."""
        best_score, weakest, best_key = keys[0]
        clear = (len(keys) == 1 or best_score >= 98.0 > keys[1][0]
                 or (reading.script and best_score - keys[1][0] >= 3.0))
        if not clear or weakest < STRONG or reading.scattered:
            scored = [(s, i) for s, _, k in keys for i in self._by_key[k]]
            return self._similar(query, scored + self._near(reading.positions), "near_miss")
        group = self._by_key[best_key]
        if self._too_thin(reading, best_key):
            scored = [(best_score * 0.9, i) for i in group] + self._near(reading.positions)
            return self._similar(query, scored, "near_miss")
        if reading.city:
            in_city = [i for i in group if self._entries[i].city == reading.city]
            if not in_city:
                return self._similar(query, [(best_score * 0.8, i) for i in group], "near_miss")
            group = in_city
        if _MARKED & reading.generic:   # "Chenab Associates" is not "Chenab Overseas"
            group = [i for i in group if _MARKED & reading.generic <= self._entries[i].generic]
            if not group:
                scored = [(best_score * 0.8, i) for i in self._by_key[best_key]]
                return self._similar(query, scored, "near_miss")
        if len(group) > 1 and reading.generic:
            same = [i for i in group if self._entries[i].generic == reading.generic]
            group = same if len(same) == 1 else group
        if len(group) == 1:
            return self._identified(query, group[0], best_score, "name")
        return self._similar(query, [(best_score, i) for i in group], "shared_name")

    def _too_thin(self, reading: _Reading, key: tuple[int, ...]) -> bool:
        """One common word and no business word ("Qatar mein job") is not a name."""
        return (len(key) == 1 and not reading.has_generic
                and len(self._words[key[0]].postings) > 1)

    def _exact_keys(self, positions: list[_Pos]) -> list[tuple[float, float, tuple[int, ...]]]:
        """List keys whose words agree one for one, in order: (mean score, weakest, key)."""
        if any(not p.options for p in positions):
            return []
        choices = [sorted(p.options.items(), key=lambda kv: -kv[1])[:4] for p in positions]
        found: dict[tuple[int, ...], tuple[float, float]] = {}
        for combo in itertools.islice(itertools.product(*choices), MAX_COMBOS):
            key = tuple(w for w, _ in combo)
            if key in self._by_key:
                scores = [sc for _, sc in combo]
                found[key] = max((sum(scores) / len(scores), min(scores)),
                                 found.get(key, (0.0, 0.0)))
        return sorted(((m, w, k) for k, (m, w) in found.items()), key=lambda t: -t[0])

    def _near(self, positions: list[_Pos]) -> list[tuple[float, int]]:
        """Agencies sharing rare words with the reading, by IDF-weighted overlap (0-100)."""
        matched: dict[int, float] = defaultdict(float)
        qweight = sum(p.weight for p in positions)
        seen = 0
        for pos in sorted(positions, key=lambda p: -p.weight):
            best: dict[int, float] = {}
            for wid, score in pos.options.items():
                word = self._words[wid]
                contrib = word.idf * score / 100.0
                for idx in word.postings:
                    if contrib > best.get(idx, 0.0):
                        best[idx] = contrib
            for idx, contrib in best.items():
                matched[idx] += contrib
            seen += len(best)
            if seen > MAX_SCORED:
                break
        scored = []
        for idx, m in matched.items():
            denom = qweight + self._entries[idx].weight - m
            scored.append((min(100.0, 100.0 * m / denom) if denom > 0 else 0.0, idx))
        scored.sort(key=lambda si: -si[0])
        return scored[: MAX_CANDIDATES * 4]

    # -- reading a query as a name --------------------------------------------------------------
    def _reading(self, text: str) -> _Reading:
        toks = raw_tokens(text)[: MAX_TOKENS * 2]
        kinds = self._mark(toks)
        segments: list[list[str]] = [[]]
        for tok, kind in zip(toks, kinds, strict=True):
            if kind == "filler":
                segments.append([])
            else:
                segments[-1].append(tok)
        positions: list[_Pos] = []
        generic: set[str] = set()
        has_generic = False
        city: str | None = None
        named = 0
        for seg in segments:
            words, seg_generic, seg_city = self._segment(seg)
            city = seg_city or city
            if any(p.options for p in words) or seg_generic is not None:
                named += any(p.options for p in words)
                positions.extend(words)
                if seg_generic:
                    generic |= seg_generic
                has_generic = has_generic or seg_generic is not None
        return _Reading(positions[:MAX_TOKENS], frozenset(generic), has_generic, city,
                        any(is_arabic(p.text) for p in positions), scattered=named > 1)

    def _mark(self, toks: list[str]) -> list[str]:
        """"filler" / "city:<name>" / "" for each raw token."""
        kinds = [""] * len(toks)
        i = 0
        while i < len(toks):
            for size in range(min(_CITY_MAX, len(toks) - i), 0, -1):
                city = _CITY_PHRASES.get(tuple(toks[i:i + size]))
                if city:
                    kinds[i:i + size] = [f"city:{city}"] * size
                    i += size
                    break
            else:
                tok = toks[i]
                if (_lex(tok) in self._arabic_fillers) if is_arabic(tok) else (tok in self._fillers):
                    kinds[i] = "filler"
                i += 1
        return kinds

    def _segment(self, seg: list[str]) -> tuple[list[_Pos], set[str] | None, str | None]:
        """One run of words between filler words -> (positions, generic words, city)."""
        city = None
        # A city at the end says where the agency is ("Al Falah Overseas, Lahore").
        for size in range(min(_CITY_MAX, len(seg)), 0, -1):
            name = _CITY_PHRASES.get(tuple(seg[-size:]))
            if name:
                city, seg = name, seg[:-size]
                break
        generic: set[str] | None = None
        words: list[str] = []
        toks = canonical_words(seg)
        for i, tok in enumerate(toks):
            nxt = toks[i + 1] if i + 1 < len(toks) else ""
            garbled = generic is not None or (len(tok) <= 2 and self._is_generic(nxt))
            if self._is_generic(tok) or (garbled and self._garbled_suffix(tok)):
                generic = generic or set()
                if not is_arabic(tok) and _fold(tok) not in _LEGAL_FOLDS:
                    generic.add(_fold(tok))
            else:
                words.append(tok)
        return self._positions(words), generic, city

    def _garbled_suffix(self, tok: str) -> bool:
        """A short unknown bit after the business words: "(SMC-Pt Ltd", "Pv", "Co."."""
        return (not is_arabic(tok) and len(tok) <= 3 and not tok.isdigit()
                and tok not in _ARTICLES and not self._options(tok))

    def _is_generic(self, tok: str) -> bool:
        """A business word (exact, or a slip of one that is no list word)."""
        if is_arabic(tok):
            if _lex(tok) in _GENERIC_ARABIC:
                return True
            sk = _arabic_key(tok)[2]
            return sk in _GENERIC_SKELETONS and sk not in self._skel
        if _latin_generic(tok):
            return True
        key = _fold(tok)
        if len(tok) < 4 or key in self._word_id or key in _KNOWN_FOLDS or tok in _KNOWN_FOLDS:
            return False
        cutoff = 1 if len(tok) < 7 else 2
        hit = process.extractOne(tok, _GENERIC_RAW, scorer=OSA.distance, score_cutoff=cutoff)
        if hit is None:
            return False
        typo = self._typo_options(tok, key)
        return not typo or max(typo.values()) <= 100.0 - 10.0 * hit[1]

    def _positions(self, words: list[str]) -> list[_Pos]:
        """Distinctive words -> positions, joining "Zam Zam" and splitting "Zamzam" as the list has it."""
        opts = [self._options(w, inner=i > 0) for i, w in enumerate(words)]
        merged: list[tuple[str, dict[int, float]]] = []
        i = 0
        while i < len(words):
            if i + 1 < len(words) and _weak(opts[i]) and _weak(opts[i + 1]):
                joined = self._options(words[i] + words[i + 1], typos=False)
                if joined and max(joined.values()) > min(_best(opts[i]), _best(opts[i + 1])):
                    merged.append((words[i] + words[i + 1], joined))
                    i += 2
                    continue
            if _weak(opts[i]):
                split = self._split(words[i])
                if split and min(_best(o) for _, o in split) > _best(opts[i]):
                    merged.extend(split)
                    i += 1
                    continue
            merged.append((words[i], opts[i]))
            i += 1
        return [_Pos(w, o, max((self._words[k].idf for k in o), default=self._max_idf))
                for w, o in merged]

    def _split(self, word: str) -> list[tuple[str, dict[int, float]]] | None:
        """One typed word that is two list words ("Zamzam", "Nurulhuda", "دارالامان")."""
        if len(word) < 5:
            return None
        for cut in range(2, len(word) - 1):
            left, right = word[:cut], word[cut:]
            rights = [right]
            for conn in ("ul", "al", "us", "e", "ال"):
                if right.startswith(conn) and len(right) - len(conn) >= 2:
                    rights.append(right[len(conn):])
            lo = self._options(left, typos=False)
            if not lo or max(lo.values()) < 90:
                continue
            for r in rights:
                ro = self._options(r, typos=False)
                if ro and max(ro.values()) >= 90:
                    return [(left, lo), (r, ro)]
        return None

    def _options(self, word: str, *, typos: bool = True, inner: bool = False) -> dict[int, float]:
        """List words this typed word may be, with agreement scores (100 = same folded key)."""
        if is_arabic(word):
            return self._arabic_options(word, typos=typos, inner=inner)
        if word.isdigit():
            wid = self._word_id.get(word.lstrip("0") or "0", self._word_id.get(word))
            return {wid: 100.0} if wid is not None else {}
        key = _fold(word)
        wid = self._word_id.get(key)
        if wid is not None:
            return {wid: 100.0}
        out: dict[int, float] = {}
        for variant in ((key[2:] if key.startswith("al") and len(key) > 4 else None),
                        "al" + key):
            if variant and variant in self._word_id:
                out[self._word_id[variant]] = 92.0
        if not typos or key in _KNOWN_FOLDS or word in _KNOWN_FOLDS:
            return out
        if len(word) == 3 and word.isalpha():   # "Guf", "Swt": one letter dropped
            for ref, at in self._four_letter.items():
                if _drops_one(word, ref):
                    out[at] = max(out.get(at, 0.0), STRONG)
            return out
        if max(len(word), len(key)) < 4:
            return out
        for wid, score in self._typo_options(word, key).items():
            out[wid] = max(out.get(wid, 0.0), score)
        return out

    def _typo_options(self, word: str, key: str) -> dict[int, float]:
        """Keyboard slips: OSA distance 1 (2 for words of 7+ letters) on the vocabulary only."""
        out: dict[int, float] = {}
        for probe, choices, ids in ((key, self._keys, None),
                                    (word, self._raw_keys, self._raw_ids)):
            limit = 0 if len(probe) < 4 else 1 if len(probe) < 6 else 2
            if not limit:
                continue
            for ref, dist, at in process.extract(probe, choices, scorer=OSA.distance,
                                                 score_cutoff=limit, limit=8):
                if probe.startswith(ref) and len(probe) - len(ref) >= 2:
                    continue   # "Royalty" is another word, not a slip of "Royal"
                wid = at if ids is None else ids[at]
                out[wid] = max(out.get(wid, 0.0), 100.0 - 10.0 * dist)
        return out

    def _arabic_options(self, word: str, *, typos: bool = True,
                        inner: bool = False) -> dict[int, float]:
        """Urdu/Sindhi-script word -> list words with the same consonant skeleton."""
        out = self._skeleton_hits(word, 0.0)
        if inner and word.startswith("ال") and len(word) > 3:   # بیت الامان: a connector
            for wid, sc in self._skeleton_hits(word[2:], 2.0).items():
                out[wid] = max(sc, out.get(wid, 0.0))
        if not out:   # الفلاح typed where the list has Falah, or نور where it has Al-Noor
            alt = word[2:] if word.startswith("ال") and len(word) > 3 else "ال" + word
            out = self._skeleton_hits(alt, 5.0)
        if not out and typos:
            sk = _arabic_key(word)[2]
            if len(sk) >= 4:
                for _, _, at in process.extract(sk, self._skel_keys, scorer=Levenshtein.distance,
                                                score_cutoff=1, limit=3):
                    for wid in self._skel[self._skel_keys[at]]:
                        out[wid] = WEAK
        if out:
            top = max(out.values())
            out = {w: sc for w, sc in out.items() if sc >= top - 10.0}
        return out

    def _skeleton_hits(self, word: str, penalty: float) -> dict[int, float]:
        """List words with this word's consonant skeleton; the vowels only rank them."""
        tr, key, sk = _arabic_key(word)
        ends_vowel = _lex(word)[-1] in "اویےہ" and not tr.endswith("h")
        out: dict[int, float] = {}
        for wid in self._skel.get(sk, ()):
            w = self._words[wid]
            ratio = max(fuzz.ratio(key, w.key), fuzz.ratio(tr, w.key))
            score = 88.0 + 0.1 * ratio - penalty
            if ends_vowel != (w.key[-1] in "aeiou"):
                score -= 4.0
            if _vowel_onset(word) != (w.key[0] in "aeiou"):
                score -= 4.0
            out[wid] = min(score, 97.0)
        return out


def _drops_one(short: str, long: str) -> bool:
    """`short` is `long` with one letter left out (not the first)."""
    return any(long[:i] + long[i + 1:] == short for i in range(1, len(long)))


def _vowel_onset(word: str) -> bool:
    """Starts with a vowel (ا/ع …), not counting the ا written before st/sk (اسٹار = Star)."""
    w = _lex(word)
    if w[:1] not in ("ا", "ع"):
        return False
    return not (len(w) > 2 and w[1] == "س" and w[2] in "ٹتکپ")


def _weak(options: dict[int, float]) -> bool:
    return not options or max(options.values()) < 98.0


def _best(options: dict[int, float]) -> float:
    return max(options.values(), default=0.0)


_GENERIC_LIST = sorted(_GENERIC_FOLDS)
