"""Hand-written spellings used to build agency-check queries the way people type them.

URDU: how an Urdu speaker writes each name word (typed by hand, not transliterated by the
matcher's rules). SINDHI_OVERRIDES: words a Sindhi writer spells differently from the letter-for-
letter Sindhi form of the Urdu spelling (see `sindhi()`). ROMAN: common Roman-Urdu spellings.
"""

from __future__ import annotations

URDU: dict[str, str] = {
    # first words
    "Al-Falah": "الفلاح", "Shaheen": "شاہین", "Madina": "مدینہ", "Pak": "پاک", "Al-Noor": "النور",
    "Bismillah": "بسم اللہ", "Gulf": "گلف", "Saudi": "سعودی", "Khyber": "خیبر",
    "Punjab": "پنجاب", "Sindh": "سندھ", "Al-Rehman": "الرحمان", "Al-Madina": "المدینہ",
    "Makkah": "مکہ", "Star": "سٹار", "Royal": "رائل", "Crescent": "کریسنٹ", "Green": "گرین",
    "Golden": "گولڈن", "United": "یونائیٹڈ", "Global": "گلوبل", "Falcon": "فالکن",
    "Eagle": "ایگل", "Al-Karam": "الکرم", "Al-Habib": "الحبیب", "Al-Syed": "السید",
    "Indus": "انڈس", "Ravi": "راوی", "Chenab": "چناب", "Swat": "سوات", "Hazara": "ہزارہ",
    "Mehran": "مہران", "Pak-Arab": "پاک عرب", "Arabian": "عریبین", "Emirates": "ایمریٹس",
    "Qatar": "قطر", "Oman": "عمان", "Kuwait": "کویت", "Bahrain": "بحرین", "Asia": "ایشیا",
    "Zam Zam": "زم زم", "Al-Khair": "الخیر", "Al-Ameen": "الامین", "Al-Raheem": "الرحیم",
    "New": "نیو", "Super": "سپر", "Prime": "پرائم", "City": "سٹی", "Frontier": "فرنٹیئر",
    "Kashmir": "کشمیر", "Noor": "نور", "Taj": "تاج", "Rehmat": "رحمت", "Barkat": "برکت",
    "Usman": "عثمان", "Hamza": "حمزہ", "Bilal": "بلال", "Faisal": "فیصل", "Ittehad": "اتحاد",
    "Sitara": "ستارہ", "Sahara": "صحارا", "Sky": "سکائی", "Silver": "سلور",
    # qualifiers
    "Brothers": "برادرز", "Associates": "ایسوسی ایٹس", "Citizens": "سٹیزنز",
    "Friends": "فرینڈز", "Pioneer": "پائنیر", "Hope": "ہوپ", "Bright": "برائٹ",
    "Future": "فیوچر", "Excel": "ایکسل", "Elite": "ایلیٹ", "Noble": "نوبل", "Sun": "سن",
    "Moon": "مون", "Link": "لنک", "Connect": "کنیکٹ", "Vision": "ویژن", "Mission": "مشن",
    "Dynamic": "ڈائنامک", "Alpha": "الفا", "Zenith": "زینتھ", "Summit": "سمٹ",
    "Horizon": "ہورائزن", "Pearl": "پرل", "Diamond": "ڈائمنڈ", "Emerald": "ایمرالڈ",
    "Lion": "لائن", "Tiger": "ٹائیگر", "Hawk": "ہاک", "Express": "ایکسپریس",
    "Galaxy": "گلیکسی", "Planet": "پلینٹ", "Career": "کیریئر", "Jobs": "جابز",
    "Fortune": "فارچون", "Success": "سکسیس", "Victory": "وکٹری", "Unique": "یونیک",
    "Classic": "کلاسک", "Modern": "ماڈرن", "National": "نیشنل", "Faithful": "فیتھ فل",
    "Trust": "ٹرسٹ", "Able": "ایبل", "Smart": "سمارٹ", "Best": "بیسٹ", "First": "فرسٹ",
    "Al-Hamd": "الحمد", "Sons": "سنز", "Group": "گروپ", "Khan": "خان", "Ali": "علی",
    "Raza": "رضا", "Hassan": "حسن", "Abbas": "عباس", "Zaman": "زمان", "Arshad": "ارشد",
    "Janjua": "جنجوعہ", "Malik": "ملک", "Chaudhry": "چودھری", "Awan": "اعوان", "Butt": "بٹ",
    "Qureshi": "قریشی", "Shah": "شاہ", "Mughal": "مغل", "Rajput": "راجپوت", "Niazi": "نیازی",
    "Yousafzai": "یوسفزئی", "Afridi": "آفریدی", "Gill": "گل", "Bajwa": "باجوہ",
    "Cheema": "چیمہ", "Warraich": "وڑائچ", "Sandhu": "سندھو", "Tarar": "تارڑ",
    "Gondal": "گوندل", "Swati": "سواتی", "Bangash": "بنگش",
    # Arabic-derived names
    "Al Hijaz": "الحجاز", "Al-Mustafa": "المصطفیٰ", "Darul Amaan": "دارالامان",
    "Al-Haramain": "الحرمین", "Baitul Aman": "بیت الامان", "Dar-us-Salam": "دارالسلام",
    "Al-Khidmat": "الخدمت", "Ibn-e-Hashim": "ابن ہاشم", "Al Buraq": "البراق",
    "Al-Aqsa": "الاقصیٰ", "Al-Shifa": "الشفاء", "Al-Hamra": "الحمرا", "Al-Mumtaz": "الممتاز",
    "Al-Qasim": "القاسم", "Al-Jannat": "الجنت", "Al-Fajr": "الفجر", "Al-Kausar": "الکوثر",
    "Al-Muslim": "المسلم", "Al-Barakah": "البرکہ", "Al-Hilal": "الہلال", "Al-Huda": "الہدیٰ",
    "Al-Saudia": "السعودیہ", "Al-Rashid": "الراشد", "Al-Sadiq": "الصادق", "Al-Fatah": "الفتح",
    "Al-Maroof": "المعروف", "Al-Murtaza": "المرتضیٰ", "Al-Manzoor": "المنظور",
    "Al-Aziz": "العزیز", "Al-Yousuf": "الیوسف", "Al-Ghani": "الغنی", "Al-Wahab": "الوہاب",
    "Al-Qadir": "القادر", "Al-Khaleej": "الخلیج", "Al-Nasr": "النصر", "Al-Safa": "الصفا",
    "Al-Marwa": "المروہ", "Al-Taif": "الطائف", "Al-Qaswa": "القصویٰ", "Al-Burhan": "البرہان",
    "Darul Ehsan": "دارالاحسان", "Darul Khair": "دارالخیر", "Baitul Maal": "بیت المال",
    "Nur-ul-Huda": "نورالہدیٰ", "Ghausia": "غوثیہ", "Faizan-e-Madina": "فیضان مدینہ",
    "Qadria": "قادریہ", "Chishtia": "چشتیہ", "Naqshbandia": "نقشبندیہ", "Sabri": "صابری",
    "Ansar": "انصار", "Muhajir": "مہاجر", "Tayyaba": "طیبہ", "Noor-e-Islam": "نور اسلام",
    "Anwar-ul-Haq": "انوارالحق", "Zia-ul-Haq": "ضیاءالحق", "Bab-ul-Madina": "باب المدینہ",
    "Ahl-e-Bait": "اہل بیت", "Jamia": "جامعہ", "Ummah": "امہ",
    # people's names
    "Muhammad": "محمد", "Ahmed": "احمد", "Hussain": "حسین", "Imran": "عمران",
    "Tariq": "طارق", "Khalid": "خالد", "Rashid": "راشد", "Asif": "آصف", "Naveed": "نوید",
    "Shahid": "شاہد", "Zahid": "زاہد", "Javed": "جاوید", "Waqas": "وقاص", "Kamran": "کامران",
    "Adnan": "عدنان", "Sajid": "ساجد", "Amjad": "امجد", "Nadeem": "ندیم",
    "Iftikhar": "افتخار", "Zafar": "ظفر", "Ghulam": "غلام", "Mushtaq": "مشتاق",
    "Ijaz": "اعجاز", "Riaz": "ریاض", "Fazal": "فضل", "Sher": "شیر", "Gul": "گل",
    "Habib": "حبیب", "Aurangzeb": "اورنگزیب", "Shafiq": "شفیق", "Rafiq": "رفیق",
    "Saeed": "سعید", "Mehmood": "محمود", "Akhtar": "اختر", "Pervaiz": "پرویز",
    "Liaqat": "لیاقت", "Nasir": "ناصر", "Haroon": "ہارون", "Sheikh": "شیخ", "Raja": "راجہ",
    "Abbasi": "عباسی", "Siddiqui": "صدیقی", "Bukhari": "بخاری", "Gillani": "گیلانی",
    "Khattak": "خٹک", "Baloch": "بلوچ", "Memon": "میمن", "Soomro": "سومرو", "Jatoi": "جتوئی",
    "Arain": "آرائیں", "Jutt": "جٹ", "Kiyani": "کیانی", "Satti": "ستی", "Durrani": "درانی",
    "Tanoli": "تنولی", "Hashmi": "ہاشمی", "Zaidi": "زیدی", "Rizvi": "رضوی",
}

URDU_SUFFIX: dict[str, str] = {
    "Overseas Employment Promoters": "اوورسیز ایمپلائمنٹ پروموٹرز",
    "Manpower Services": "مین پاور سروسز", "Overseas": "اوورسیز",
    "Overseas Employment Promoters (Pvt) Ltd": "اوورسیز ایمپلائمنٹ پروموٹرز پرائیویٹ لمیٹڈ",
    "Human Resource Consultants": "ہیومن ریسورس کنسلٹنٹس", "International": "انٹرنیشنل",
    "Pvt Ltd": "پرائیویٹ لمیٹڈ", "(SMC-Pvt) Ltd": "ایس ایم سی پرائیویٹ لمیٹڈ",
    "Travel & Tours": "ٹریول اینڈ ٹورز", "Trade Links": "ٹریڈ لنکس",
    "Enterprises": "انٹرپرائزز", "& Co": "اینڈ کمپنی", "Manpower Consultants": "مین پاور کنسلٹنٹس",
    "Overseas Employment Corporation": "اوورسیز ایمپلائمنٹ کارپوریشن",
    "Recruiting Agency": "ریکروٹنگ ایجنسی", "Associates": "ایسوسی ایٹس",
    "Overseas Employment Services": "اوورسیز ایمپلائمنٹ سروسز",
    "Employment Promoters": "ایمپلائمنٹ پروموٹرز", "OEP": "او ای پی",
    "International (Pvt) Ltd": "انٹرنیشنل پرائیویٹ لمیٹڈ", "Corporation": "کارپوریشن",
    "Human Resources": "ہیومن ریسورسز", "Manpower & Travel Services": "مین پاور اینڈ ٹریول سروسز",
}

# Sindhi writers' own spellings where they differ from a letter-for-letter conversion.
SINDHI_OVERRIDES: dict[str, str] = {
    "Sindh": "سنڌ", "Mehran": "مهراڻ", "Memon": "ميمڻ", "Shah": "شاهه", "Chaudhry": "چوڌري",
    "Indus": "انڊس", "Madina": "مديني", "Soomro": "سومرو", "Jatoi": "جتوئي", "Khan": "خان",
    "Bismillah": "بسم الله", "Faizan-e-Madina": "فيضان مديني", "Hamza": "حمزه",
    "Overseas": "اوورسيز", "Manpower": "مين پاور",
}

_SINDHI_LETTERS = str.maketrans({
    "ک": "ڪ", "ی": "ي", "ے": "ي", "ٹ": "ٽ", "ڈ": "ڊ", "ڑ": "ڙ", "ں": "ن", "ہ": "ه",
})


def sindhi(urdu: str) -> str:
    """Sindhi spelling of an Urdu-spelled name: ڪ for k, ي, ٽ/ڊ/ڙ, and ه (ھ for aspirates)."""
    out = urdu.replace("ھ", "\u0000").translate(_SINDHI_LETTERS).replace("\u0000", "ھ")
    return out


# Common Roman-Urdu respellings (people type them; the list uses the first form).
ROMAN: dict[str, tuple[str, ...]] = {
    "Shaheen": ("Shahin", "Shaheem", "Shahean"), "Madina": ("Madinah", "Medina", "Madeena"),
    "Noor": ("Nur", "Nour"), "Makkah": ("Makka", "Mecca", "Makah"), "Rehmat": ("Rahmat",),
    "Barkat": ("Barakat", "Barkaat"), "Hamza": ("Hamzah", "Humza"), "Bilal": ("Belal",),
    "Usman": ("Osman", "Usmaan"), "Faisal": ("Faysal", "Faisel"),
    "Ittehad": ("Itehad", "Ittihad"), "Sitara": ("Sitaara", "Setara"),
    "Mehran": ("Mehraan", "Mehraan"), "Al-Khair": ("Al Khayr", "Alkhair"),
    "Al-Ameen": ("Al Amin", "Al-Amin"), "Al-Raheem": ("Al Rahim", "Alraheem"),
    "Al-Karam": ("Alkaram",), "Al-Habib": ("Al Habeeb", "Al-Habeeb"),
    "Al-Syed": ("Al Sayed", "Al Saiyed"), "Zam Zam": ("Zamzam",),
    "Al-Rehman": ("Al Rahman", "Al-Rahmaan"), "Qureshi": ("Qureshy", "Quraishi"),
    "Chaudhry": ("Chaudhary", "Choudhry"), "Yousafzai": ("Yusufzai", "Yousufzai"),
    "Hassan": ("Hasan",), "Awan": ("Awaan",), "Niazi": ("Niazee",), "Afridi": ("Afreedi",),
    "Mughal": ("Moghal",), "Cheema": ("Chima",), "Warraich": ("Waraich",),
    "Janjua": ("Janjoa",), "Zaman": ("Zamaan",), "Al-Mustafa": ("Al Mustapha",),
    "Al-Haramain": ("Al Harmain", "Al Haramein"), "Baitul Aman": ("Bait-ul-Amaan",),
    "Darul Amaan": ("Dar-ul-Aman", "Dar ul Aman"), "Al Buraq": ("Al Burak", "Al-Buraaq"),
    "Al-Shifa": ("Al Shifaa", "Al Shefa"), "Al-Qasim": ("Al Kasim", "Al Qaasim"),
    "Al-Kausar": ("Al Kousar", "Al Kawsar"), "Al-Barakah": ("Al Baraka", "Al-Barka"),
    "Al-Huda": ("Al Hooda",), "Al-Sadiq": ("Al Saadiq", "Al Sadik"),
    "Al-Maroof": ("Al Maruf", "Al Ma'roof"), "Al-Murtaza": ("Al Murtuza",),
    "Al-Manzoor": ("Al Manzur",), "Al-Aziz": ("Al Azeez",), "Al-Yousuf": ("Al Yusuf",),
    "Al-Ghani": ("Al Ghanee",), "Al-Wahab": ("Al Wahhab",), "Al-Qadir": ("Al Kadir", "Al Qaadir"),
    "Al-Khaleej": ("Al Khalij", "Al Khaleeg"), "Al-Burhan": ("Al Burhaan",),
    "Faizan-e-Madina": ("Faizane Madina", "Faizan e Madinah"), "Ghausia": ("Ghousia", "Gausia"),
    "Qadria": ("Qadriya",), "Chishtia": ("Chishtiya",), "Naqshbandia": ("Nakshbandia",),
    "Tayyaba": ("Tayyiba", "Tayaba"), "Noor-e-Islam": ("Nur-e-Islam", "Noore Islam"),
    "Anwar-ul-Haq": ("Anwarul Haq",), "Zia-ul-Haq": ("Ziaul Haq",),
    "Ahl-e-Bait": ("Ahle Bait",), "Muhajir": ("Mohajir",), "Jamia": ("Jamiah",),
    "Sabri": ("Saabri",), "Ansar": ("Ansaar",), "Khyber": ("Khaibar",), "Hazara": ("Hazaara",),
    "Kashmir": ("Kashmeer",), "Taj": ("Taaj",), "Al-Falah": ("Al Falaah", "Alfalah"),
    "Al-Noor": ("Al Nur", "Alnoor"), "Al-Madina": ("Al Madinah", "Al Medina"),
    "Bismillah": ("Bismilla", "Bismilah"), "Saudi": ("Saudia",), "Khan": ("Khaan",),
    "Ali": ("Aly",), "Raza": ("Rezza",), "Abbas": ("Abas",), "Arshad": ("Arshed",),
    "Malik": ("Malick",), "Rajput": ("Raajput",), "Al-Hamd": ("Al Hamad",),
    "Muhammad": ("Mohammad", "Mohammed"), "Ahmed": ("Ahmad",), "Hussain": ("Husain", "Hussein"),
    "Mehmood": ("Mahmood", "Mehmud"), "Javed": ("Javaid",), "Naveed": ("Navid",),
    "Saeed": ("Saeeed", "Said"), "Tariq": ("Tarik",), "Siddiqui": ("Siddiqi",),
    "Al-Hilal": ("Al Hillal",), "Al-Fatah": ("Al Fateh",), "Al-Hamra": ("Al Humra",),
}
