"""Language of a short chat message: en, ur, sd, Roman Urdu (reported as ur), Roman Sindhi (sd).

Arabic script: letters only Sindhi uses, letters only Urdu uses, and function words of each;
neither -> Urdu. Latin script: Roman-Urdu function words and endings against English
function words; Roman-Sindhi function words (aahe, kithe, kiyan, mukhe ...) make it sd.
Short or signal-free messages come back with confident=False so the dialogue can use the
user's saved language instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.core.text import SINDHI_LETTERS, URDU_LETTERS, clean, count_arabic, has_arabic_script

SINDHI_WORDS = frozenset("""
آهي آهن آهيان آهيون ڇا ڪٿي ڪيئن ڪير ڪڏهن ڪهڙو ڪهڙي ڪهڙا ڪيترو ڪيتري ڪيترا جي جو جا ۾ کي
مون توهان اسان سان ٿو ٿي ٿا ٿيو ته نه پر هن هي اهو اها ڪري ڪرڻ ڏيو ڏي وٺي سگهي سگهان سگهو
لاءِ لاء ڇو ڪو ڪا ڪجهه ٻڌايو ٻڌاءِ وڃڻ وڃي مونکي ڪريان پيو پئي ۽ هو ها
""".split())
URDU_WORDS = frozenset("""
ہے ہیں ہوں ہو کیا کا کی کے میں مجھے مجھ کیسے کہاں نہیں سے کو اور کر یہ وہ کون کتنے کتنی کتنا
چاہیے چاہئے ہم آپ تم اپنا اپنی میرا میری میرے کیوں کب پر بھی لیے لئے ہوتا ہوتی کرنا کریں
کروں گا گی گے رہا رہی رہے تھا تھی تھے والا والی والے جب اگر لیکن کچھ بہت بتائیں بتاؤ
""".split())

RU_WORDS: dict[str, float] = {w: 2.0 for w in """
hai hain hay hy kya kia kiya mujhe muje mujhay mujhy mjhe chahiye chahie chaiye chahye chahiya
kaise kese kaisay kaisy kesay kahan kahaan kaha nahi nahin nai nhi mera meri mere mery
ne paise pese paisay paisa kitne kitna kitni kitny kon kaun koi wala wali wale waly raha rahi rahe
tha thi thay aur bhi kar karna karni karun karoon karo karen karein karain karte karta karti
sakta sakti sakte sakti sakty lena leni dena deni diya diye liya liye lie keliye gaya gayi gya
hum ap aap tum apna apni apne yeh ye woh wo jab agar lekin kab kyun kyu kyon bata batao
bataen bataein batayen btao chahta chahti hota hoti hote jana jaana jata jati wapas pata sahi
galat kuch kuchh bohat bahut bht zaroori zaruri zaroorat baad pehle pehly sath saath hun hoon
kahin yahan wahan acha achha theek thik haan ji janab bhai behan salam assalam aoa walaikum
shukriya mein mai mjhe kisi kese kidhar kaisa konsa kaunsa kesa kitny hogi hoga honge jaye jayen
jaun jaon milega milegi mil skta skti skte sahi uska uski unka unki iska iski aisa waisa bilkul
rha rhi rhe krna krni kro krein gaye gae huwa hua hui hue abhi phir kahte kehte bolo bolte
""".split()}
RU_WEAK = {w: 0.7 for w in "ka ki ke ko se par pe ho na to me main do the".split()}
for _w, _s in RU_WEAK.items():
    RU_WORDS.setdefault(_w, _s)

EN_WORDS: dict[str, float] = {w: 2.0 for w in """
the what how can could should would will shall does did are was were is am be been being i my
me mine you your we our they their he she his her it its this that these those there here which
who whom where when why with from about for of and or but not no yes if then than an a at by on
into out up down get got need want any some much many have has had just only also please help
tell know find pay paid going go do don't doesn't can't im i'm it's much more most very
""".split()}
EN_WEAK = {w: 0.7 for w in "to in main do hi me".split()}
for _w, _s in EN_WEAK.items():
    EN_WORDS[_w] = _s

# Roman Sindhi: function words that Roman Urdu does not use (not "thi", "jo", "aa", "maan":
# Urdu has them too). A Latin message with more of these than Roman-Urdu words is Sindhi.
RSD_WORDS: dict[str, float] = {w: 2.0 for w in """
aahe ahe aahay aahin ahin aahiyan ahyan aahyan aahiyon kehro kehri kehra kehre kahro kahri
kithe kithay kithan kithaan kiyan kiyen kean tawhan tawhaan tohan tohaan toha tahan mukhe
mukhy mukhay moon moonkhe khe waro wari wara wathi wathan ghurje ghurjay gharje ghurjan
kona konhe saghe saghan saghjey saghjay wanjan wanje wanjanu chhaa chha chho dayo karyo
muhinjo munhjo munhinjo muhinji munhji munhinji muhinja munhja tuhinjo tuhinji tuhanjo
tawhanjo tawhanji asanjo asanji asaanjo bhau bhaau pagar pagaar
""".split()}
# More Roman Sindhi markers, for detection only (RSD_WORDS are also the matcher's stop words;
# these stay out of it so that topic matching does not move): "khappe" (is needed), "wayo"
# (went), "nathi" (is not), "chawe" (says), "panhje" (own), "hane" (now) … Weaker ones (1.0):
# Roman Urdu writes them too, rarely ("asaan" is Urdu for easy, "tho" and "ain" are typos of
# "to" and "hain"), so one of them alone does not make a message Sindhi.
RSD_MARKERS: dict[str, float] = {w: 2.0 for w in """
khappe khape khappay khapay khapey khappey wayo wiyo viyo vayo nathi nathee chawe chawey
chayo panhje pahnje panhinje pahinje hikro hane hanne hitey uthey aahyon ahyon saghje wya
wanjno munhnjo munhnji munhnja puttu ketri ketro kitro kitra kayo
""".split()} | {w: 1.0 for w in "asaan asan tho ain khey hik ghano ghani".split()}
# Sindhi verb endings (future and participle: "milando", "kandas", "wendo", "thiyandi").
_RSD_ENDINGS = re.compile(r"(?:andas|indas|ando|indo|andi|indi|andaa|inda)$")

_RU_ENDINGS = re.compile(r"(?:iye|iyai|ein|aon|enge|ega|egi|ogi|oge|wana|wani|tay|tey|ny)$")
_EN_ENDINGS = re.compile(r"(?:ing|tion|ed|ly|'s|'t|'m|'re|'ve)$")
_WORD = re.compile(r"[^\W\d_]+(?:'[a-z]+)?")


@dataclass(frozen=True)
class Detection:
    """The language a message is written in (Roman Urdu -> lang 'ur', roman_urdu True)."""

    lang: str
    roman_urdu: bool = False
    confident: bool = False


def _detect_arabic(words: list[str]) -> Detection:
    sd = ur = 0.0
    arabic = [w for w in words if has_arabic_script(w)]
    for w in arabic:
        if not SINDHI_LETTERS.isdisjoint(w):
            sd += 2
        if not URDU_LETTERS.isdisjoint(w):
            ur += 2
        if w in SINDHI_WORDS:
            sd += 1.5
        if w in URDU_WORDS:
            ur += 1.5
        # Sindhi writes Arabic ي and ه where Urdu writes ی and ہ (weak: keyboards differ).
        if "ي" in w or w.endswith("ه"):
            sd += 0.3
        if "ی" in w:
            ur += 0.3
    if sd > ur:
        return Detection("sd", False, sd >= 2 and sd - ur >= 1.5)
    confident = (ur >= 2 and ur - sd >= 1.5) or (sd == 0 and len(arabic) >= 3)
    return Detection("ur", False, confident)


def _detect_latin(words: list[str]) -> Detection:
    ru = en = sd = 0.0
    for w in words:
        w = w.lower()
        s = RSD_WORDS.get(w, 0.0) or RSD_MARKERS.get(w, 0.0)
        r = RU_WORDS.get(w, 0.0)
        e = EN_WORDS.get(w, 0.0)
        if not r and not e and not s and len(w) > 4 and _RSD_ENDINGS.search(w):
            s = 0.6
        sd += s
        if not r and not e and not s and len(w) > 3:
            if _RU_ENDINGS.search(w):
                r = 0.6
            elif _EN_ENDINGS.search(w):
                e = 0.6
        ru += r
        en += e
    if sd >= 2 and sd > ru and sd > en:  # Roman Sindhi: answered in Sindhi
        return Detection("sd", False, sd - max(ru, en) >= 1.5)
    if ru > en:
        return Detection("ur", True, ru >= 2 and ru - en >= 1.5)
    return Detection("en", False, en >= 2 and en - ru >= 1.5)


def detect_language(text: str) -> Detection:
    """Detect en / ur / sd (Roman Urdu as ur with roman_urdu=True) for one chat message."""
    words = _WORD.findall(clean(text, max_len=2000))
    joined = "".join(words)
    arabic = count_arabic(joined)
    latin = len(joined.encode("ascii", "ignore"))   # its ASCII characters
    if not words or (arabic == 0 and latin == 0):
        return Detection("en", False, False)
    if arabic >= latin or arabic >= 6:
        return _detect_arabic(words)
    return _detect_latin(words)
