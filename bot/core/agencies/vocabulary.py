"""Word lists: generic business words, question/filler words (en, ur, sd, Roman Urdu), cities
and common names, plus the forms of them that names are compared in (folded, skeleton, tokens).
"""

from __future__ import annotations

from bot.core.agencies.tokens import fold, lex, raw_tokens
from bot.core.romanize import fold_word, skeleton

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
CONNECTORS = frozenset({"ul", "us", "ud", "un", "ur", "e", "i", "ut", "ush", "uz"})
ARTICLES = frozenset({"al", "el"})
# Arabic words written joined to a following connector: Darul, Baitul, Noorul, Ziaul, Abdul …
STEMS = frozenset("""dar bait bab noor nur anwar zia abd fazl fazal zain siraj shams najm saif
habib ruh ain nasr fakhr izz ahl ibn inam ikram ahsan shafi rafi qamar badr bahr""".split())
# Generic words that only make a name "legal"; ignored when telling same-named agencies apart.
LEGAL = frozenset({"pvt", "private", "privat", "ltd", "limited", "co", "smc", "and", "the", "of",
                   "llc", "inc", "company"})

# --- the lists in the forms that names are compared in ------------------------------------
GENERIC_PAIRS = frozenset(GENERIC_PHRASES)


def latin_generic(word: str) -> bool:
    """A Latin-script business word (Overseas, Pvt, Manpower …), as typed or folded."""
    return word in GENERIC_LATIN or fold(word) in GENERIC_FOLDS


GENERIC_FOLDS = frozenset(fold_word(w) for w in GENERIC_LATIN | {a + b for a, b in GENERIC_PHRASES})
GENERIC_SKELETONS = frozenset(s for s in (skeleton(k) for k in GENERIC_FOLDS) if len(s) >= 3)
GENERIC_ARABIC_KEYS = frozenset(lex(t) for w in GENERIC_ARABIC for t in raw_tokens(w))
FILLER_ARABIC_KEYS = frozenset(lex(t) for w in FILLER_ARABIC for t in raw_tokens(w))
GENERIC_LATIN_SORTED = sorted(GENERIC_LATIN)
KNOWN_FOLDS = frozenset(fold_word(w) for w in KNOWN_WORDS)
LEGAL_FOLDS = frozenset(fold_word(w) for w in LEGAL)
# Business words that are also used as a name's own word; must not be added by the query.
MARKED = frozenset({fold_word("associates")})


def _city_phrases() -> dict[tuple[str, ...], str]:
    """Each written form of a city, as tokens -> the city."""
    phrases: dict[tuple[str, ...], str] = {}
    for city, forms in CITIES.items():
        for form in forms:
            phrases[tuple(raw_tokens(form))] = city
    return phrases


CITY_PHRASES = _city_phrases()
CITY_MAX = max(len(p) for p in CITY_PHRASES)


def city_key(city: str) -> str:
    """A list's city cell -> the city's name (Pindi -> rawalpindi), else its tokens."""
    toks = tuple(raw_tokens(city))
    return CITY_PHRASES.get(toks, " ".join(toks))
