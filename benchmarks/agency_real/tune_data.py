"""Hand-written material for the TUNING part of the real-names evaluation.

Keys are licence numbers as BE&OE writes them; the script spellings were typed by hand (not
made by the bot's transliterator).
"""

URDU = {
    "2106 / LHR": "کاسموس مین پاور سروسز",
    "5079 / MLK": "گلاب مین پاور",
    "0664 / RWP": "العباسی انٹرپرائزز",
    "3280 / RWP": "جانشین انٹرپرائزز",
    "0849 / RWP": "المبشر ریکروٹنگ ایجنسی",
    "1649 / RWP": "پلاٹینم مین پاور سروسز",
    "2595 / SKT": "لاثانی سروسز بیورو",
    "0316 / RWP": "حمید ریکروٹنگ ایجنسی",
    "1801 / MLK": "اکبر ریکروٹنگ ایجنسی",
    "2664 / LHR": "انمول مین پاور ایکسپورٹرز",
    "1040 / RWP": "پوٹھوہار مین پاور",
    "1549 / MTN": "شاہ جہاں انٹرنیشنل",
    "1949 / MLK": "الازہر ریکروٹنگ ایجنسی",
    "1705 / DGK": "غزالی انٹرنیشنل",
    "2229 / PWR": "العمران برادرز",
    "1900 / RWP": "اسلام برادرز ریکروٹنگ ایجنسی",
    "0510 / RWP": "الخیر انٹرپرائزز",
    "2752 / RWP": "لبیک سروسز پرائیویٹ لمیٹڈ",
    "2298 / RWP": "النصر انٹرپرائزز",
    "2412 / LHR": "اریبہ انٹرپرائزز",
    "2338 / RWP": "آرزو ٹریولز",
    "0551 / LHR": "بیگ ٹریولز",
    "0899 / LHR": "النجم انٹرنیشنل",
    "2107 / RWP": "پاکستان مین پاور بیورو",
    "0008 / RWP": "ممتاز ایجنسیز",
    "0035 / KAR": "ہارون ریکروٹنگ ایجنسی",
    "0140 / RWP": "جان محمد اینڈ سنز",
    "0167 / LHR": "وڑائچ انٹرپرائزز",
    "2633 / LHR": "برکت انٹرپرائزز",
    "2364 / MLK": "الدنیا ریکروٹنگ ایجنسی",
}

SINDHI = {
    "2106 / LHR": "ڪاسموس مين پاور سروسز",
    "5079 / MLK": "گلاب مين پاور",
    "0316 / RWP": "حميد ريڪروٽنگ ايجنسي",
    "1801 / MLK": "اڪبر ريڪروٽنگ ايجنسي",
    "2633 / LHR": "برڪت انٽرپرائزز",
    "0008 / RWP": "ممتاز ايجنسيون",
    "0035 / KAR": "هارون ريڪروٽنگ ايجنسي",
    "2229 / PWR": "العمران برادرز",
    "1705 / DGK": "غزالي انٽرنيشنل",
    "0551 / LHR": "بيگ ٽريولز",
    "2338 / RWP": "آرزو ٽريولز",
    "0510 / RWP": "الخير انٽرپرائزز",
    "2664 / LHR": "انمول مين پاور ايڪسپورٽرز",
    "0167 / LHR": "وڙائچ انٽرپرائزز",
    "2412 / LHR": "اريبا انٽرپرائزز",
}

SENTENCES_LATIN = [
    "Is {n} licensed?",
    "is {n} a registered agency",
    "my cousin got a visa offer from {n}, are they real?",
    "please check {n}",
    "{n} wale asli hain?",
    "kya {n} registered hai",
    "{n} ka license check karo",
    "کیا {n} رجسٹرڈ ہے؟",
]
SENTENCES_SCRIPT = [
    "کیا {u} رجسٹرڈ ہے؟",
    "{u} والے اصلی ہیں؟",
    "{u} کے بارے میں بتائیں",
    "ڇا {u} رجسٽرڊ آهي؟",
]

UNRELATED = [
    "السلام علیکم", "کیا حال ہے", "salam", "hello", "how are you", "thanks",
    "mera bhai lapata hai", "کرکٹ کا اسکور", "ok", "good morning", "jazakallah",
    "what is the fee for saudi visa", "hi there", "شکریہ", "مهرباني", "aoa",
    "kya main dubai ja sakta hoon", "my salary is not paid", "ڪيئن آهين", "bye",
    "hello how are you doing today", "السلام علیکم کیا حال ہے", "help", "?", "123",
]

LOOKALIKE_PAIRS = [
    ("asif", "atif"), ("nasir", "nasim"), ("sajid", "majid"), ("zahid", "zahir"),
    ("kamal", "jamal"), ("amir", "amin"), ("jamil", "kamil"), ("nadir", "nazir"),
    ("saleem", "haleem"), ("royal", "loyal"), ("star", "stag"), ("gold", "bold"),
    ("abid", "adil"), ("waqas", "waqar"), ("hamid", "hamad"),
]

MADE_UP = ["Qwerty Zxcv", "Shahbaz Recruiters", "Blue Sky Job Makers", "Xylo Brint",
           "Kamran Visa Point", "Faizan Travel Point", "Zebra Kona Overseas", "Trulo Manpower"]

NEGATED = ["sub agent of {n}", "Not {n}", "{n} (Fake)", "branch of {n}", "fake {n}",
           "{n} ka sub agent hai"]

# --- grown on 2026-12-01 for the weak categories of issue 10 (tuning part only) -------------
# Greetings and small talk in Urdu and Sindhi script and in Roman Urdu.
UNRELATED_MORE = [
    "وعلیکم السلام", "وعليڪم السلام", "آداب", "اللہ حافظ", "شب بخیر", "جی بھائی", "ٹھیک ہے",
    "سائين ڀلي", "ها سائين", "موڪلاڻي", "kya hal chal hai", "theek hoon aap sunao",
    "walikum assalam bhai", "bohat shukria", "mashallah", "inshallah", "good afternoon",
    "hello ji", "Hi sir", "سلام علیکم بھائی جان", "کیا حال چال ہے", "ميان ڪٿي آهين",
    "السلام علیکم ورحمۃ اللہ", "Salam bhai kaise ho", "hello hello", "assalamualaikum sir g",
    "جزاک اللہ", "مهرباني سائين", "ok bhai", "Hello, good morning",
]

# More one-letter look-alikes, each side a real name or word.
LOOKALIKE_PAIRS_MORE = [
    ("sabir", "sabit"), ("hamza", "hamna"), ("arif", "arfa"), ("jamil", "jamal"),
    ("shahid", "shahida"), ("saeed", "saeeda"), ("nadeem", "nadeema"), ("azhar", "azhan"),
    ("ashraf", "ashrafi"), ("kashif", "kashifa"), ("mirza", "mirzai"), ("irfan", "irfana"),
    ("zafar", "zafir"), ("abbas", "abbasi"), ("rehman", "rehmani"), ("javed", "javeda"),
]

# Business words that a shared or own word may be given by a look-alike ("Madina Overseas").
SOFT_LOOKALIKE = ["Overseas", "OEP", "Overseas Employment", "Overseas Employment Promoters"]

# --- grown again on 2026-12-01 for the categories that were weak (tuning part only) ---------
UNRELATED_MORE += [
    "سائين ڪيئن آهيو", "توهان جي مهرباني", "خوش رهو", "الله واهي", "سڀ خير آهي",
    "آپ کا شکریہ", "خوش آمدید", "شام بخیر", "کیسے ہو بھائی", "سب خیریت ہے", "بہت بہت شکریہ",
    "kaise hain aap", "shukriya bhai", "khush raho", "bhai jan salam", "sab khairiyat",
    "good nite", "hello dear", "Hi, how r u", "thank u sir", "ہیلو", "ہائے", "ہیلو بھائی",
    "السلام علیکم سر", "ٺيڪ آهيان", "مھرباني ڪري مدد ڪريو", "kya scene hai", "Sir ji",
]

# Sentences around a Latin-script name ({n}) and a script name ({u}), Urdu and English.
SENTENCES_MORE_LATIN = [
    "میرے ماموں نے {n} کو دو لاکھ دیے",
    "{n} wale kehte hain Saudi bhej denge",
    "I want to know if {n} is a real company",
    "{n} ka office Lahore mein hai, check karein",
    "the agent says he is from {n}",
    "is this agency ok: {n}",
    "{n} نے مجھے نوکری کی آفر دی ہے",
    "sir {n} ke bare mein bataen",
]
SENTENCES_MORE_SCRIPT = [
    "{u} والوں نے ویزا کا وعدہ کیا ہے",
    "کیا {u} قانونی ہے؟",
    "{u} بابت ٻڌايو",
    "بھائی {u} کا پتہ کریں",
]

# More names typed by hand in Urdu and Sindhi script (tuning agencies only).
URDU_MORE = {
    "0777 / RWP": "نور ریکروٹنگ ایجنسی",
    "1046 / LHR": "منیر ریکروٹنگ ایجنسی",
    "4774 / LHR": "تعبیر انٹرپرائزز",
    "2687 / MLK": "ناظم انٹرپرائزز",
    "0741 / RWP": "عدنان کارپوریشن",
    "2167 / MLK": "حماد ریکروٹنگ ایجنسی",
    "0658 / RWP": "اقبال مین پاور کنسلٹنٹس",
    "1319 / MLK": "کوہستان ریکروٹنگ ایجنسی",
}
SINDHI_MORE = {
    "0777 / RWP": "نور ريڪروٽنگ ايجنسي",
    "1046 / LHR": "منير ريڪروٽنگ ايجنسي",
    "2687 / MLK": "ناظم انٽرپرائزز",
    "0741 / RWP": "عدنان ڪارپوريشن",
}
