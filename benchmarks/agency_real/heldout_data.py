"""HELD-OUT hand-written material ("held-out 1"), written first and frozen.

Held-out 1: measured 2026-12-01, used for development from 2026-12-02 (its per-query failures
were read then, and `agency_real_accuracy.py --show-misses` prints them). Still: do not edit
this file to make the matcher pass.
Keys are licence numbers as BE&OE writes them; the script spellings were typed by hand.
"""

URDU = {
    "1365 / RWP": "تناول اوورسیز ایمپلائمنٹ کارپوریشن",
    "1492 / RWP": "سروبا کارپوریشن",
    "0634 / KAR": "بحریہ ریکروٹنگ ایجنسی",
    "2135 / MLK": "ہوازن ریکروٹنگ ایجنسی",
    "1951 / SKT": "المساعد انٹرپرائزز",
    "3993 / LHR": "جڑانوالہ مین پاور سروسز",
    "0967 / RWP": "اشرف اینڈ سنز",
    "1813 / KAR": "ہادی سواتی انٹرپرائزز",
    "2529 / LHR": "الوحید مین پاور کنسلٹنٹ",
    "1770 / RWP": "شکیل اشتیاق انٹرنیشنل",
    "5203 / RWP": "نعمان انٹرنیشنل ریکروٹمنٹ ایجنسی",
    "0543 / KAR": "المختار ایجنسیز",
    "2104 / MLK": "نجیب ریکروٹنگ ایجنسی",
    "3076 / PWR": "نظام اوورسیز ایمپلائمنٹ پروموٹرز",
    "0662 / KAR": "داؤد انٹرپرائزز",
    "0669 / LHR": "لونا کارپوریشن",
    "1405 / KAR": "ٹرسٹ انٹرپرائزز",
    "1502 / RWP": "رہنما انٹرپرائزز",
}

SINDHI = {
    "1492 / RWP": "سروبا ڪارپوريشن",
    "0634 / KAR": "بحريا ريڪروٽنگ ايجنسي",
    "0967 / RWP": "اشرف اينڊ سنز",
    "2104 / MLK": "نجيب ريڪروٽنگ ايجنسي",
    "0662 / KAR": "دائود انٽرپرائزز",
    "3076 / PWR": "نظام اوورسيز ايمپلائمينٽ پروموٽرز",
    "1770 / RWP": "شڪيل اشتياق انٽرنيشنل",
    "0543 / KAR": "المختار ايجنسيون",
    "1405 / KAR": "ٽرسٽ انٽرپرائزز",
}

# Sentences around a Latin-script name ({n}) and around a script name ({u}).
SENTENCES_LATIN = [
    "Can I trust {n}?",
    "{n} is asking 5 lakh for a Saudi visa, is this agency approved?",
    "{n} ki registration check kar dein",
    "bhai {n} theek hain ya fraud",
    "an agent from {n} called my father, are they genuine",
    "is {n} on the government list",
]
SENTENCES_SCRIPT = [
    "میرے بھائی نے {u} کو پیسے دیے ہیں، کیا یہ لائسنس یافتہ ہے",
    "{u} کیسی کمپنی ہے؟",
    "{u} ڪمپني رجسٽرڊ آهي؟",
]

UNRELATED = [
    "walaikum salam", "shukriya", "assalam o alaikum", "kya haal hai", "مہربانی",
    "آپ کیسے ہیں", "خدا حافظ", "Allah hafiz", "I need a job in Dubai", "visa kitne ka hai",
    "my passport is with the agent", "ڪيئن آهيو", "سلام", "good night", "mujhe bachao",
    "کل بارش ہوگی؟", "what time is it", "mera beta Italy gaya tha ab phone nahi uthata",
    "Qatar mein driver ki job", "ٹکٹ کتنے کا ہے", "jazak allah khair", "OK done",
    "مجھے نوکری چاہیے", "how to make protector stamp", "thank you so much brother",
]

# One letter apart, each side a real name or word.
LOOKALIKE_PAIRS = [
    ("akram", "ikram"), ("bilal", "hilal"), ("waseem", "naseem"), ("farhan", "farman"),
    ("zubair", "zuhair"), ("amjad", "asjad"), ("khalid", "khalil"), ("rehan", "rehana"),
    ("tahir", "tahira"), ("shakeel", "shakeeb"), ("javed", "javad"), ("noman", "nomad"),
    ("sultan", "sultana"), ("ghazi", "ghani"), ("najam", "nazam"),
]

MADE_UP = ["Zorvik Plexa", "Habib Nawaz Trading Links", "Golden Kite Overseas", "Quanta Vexo",
           "Shahzeb Recruiters", "Blue Arrow Jobs", "Pak Falcon Visa Centre", "Nimbus Trex"]

NEGATED = ["{n} ka sub agent", "I am from a branch of {n}", "Not {n}", "{n} ki fake branch",
           "duplicate {n}", "{n} (fake)"]
