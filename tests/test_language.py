"""Language detection for short chat messages: en, ur, sd, Roman Urdu (as ur)."""

from __future__ import annotations

import pytest

from bot.core.language import Detection, detect_language


@pytest.mark.parametrize("text, lang, roman", [
    ("how much can the agent charge me", "en", False),
    ("Is this agency licensed?", "en", False),
    ("what documents do i need for saudi", "en", False),
    ("agent kitni fees le sakta hai", "ur", True),
    ("mujhe protector ke bare mein batao", "ur", True),
    ("visa kitne ka hai", "ur", True),
    ("mera agent ne paise le liye ab kya karun", "ur", True),
    ("kya ye agency sahi hai", "ur", True),
    ("ایجنٹ کتنی فیس لے سکتا ہے", "ur", False),
    ("پروٹیکٹر کیا ہوتا ہے", "ur", False),
    ("میرا agent پیسے مانگ رہا ہے", "ur", False),
    ("ايجنٽ ڪيتري في وٺي سگهي ٿو", "sd", False),
    ("پروٽيڪٽر ڇا آهي", "sd", False),
    ("مون کي visa بابت ٻڌايو", "sd", False),
    ("ويزا جي باري ۾ ٻڌايو", "sd", False),
    ("سلام", "ur", False),  # Arabic script with neither marker -> Urdu
    # Roman Sindhi -> sd (Roman Urdu stays ur)
    ("naukri jaali aahe ya asli", "sd", False),
    ("protector kiyan lagrayjey", "sd", False),
    ("mukhe dubai wanjan aahe kehra kagaz ghurjan", "sd", False),
    ("tawhan jo number kithe aahe", "sd", False),
    # Sindhi possessives and words Roman Urdu does not use, with words both share (thi, aa, na)
    ("muhinjo bhau doha me aa, kafeel pagar na thi dey", "sd", False),
    ("mujhe 3 mahine se pagar nahi mili", "ur", True),
    ("meri maan ki tabiyat kharab hai", "ur", True),
])
def test_detects(text: str, lang: str, roman: bool) -> None:
    det = detect_language(text)
    assert (det.lang, det.roman_urdu) == (lang, roman), det


@pytest.mark.parametrize("text", ["hi", "ok", "visa", "protector", "?", "", "   ", "👍👍",
                                  "12345", "۱۲۳۴۵"])
def test_short_or_empty_is_not_confident(text: str) -> None:
    det = detect_language(text)
    assert isinstance(det, Detection)
    assert not det.confident


@pytest.mark.parametrize("text", ["agent kitni fees le sakta hai", "how much can the agent "
                                  "charge me", "ایجنٹ کتنی فیس لے سکتا ہے",
                                  "ايجنٽ ڪيتري في وٺي سگهي ٿو"])
def test_clear_messages_are_confident(text: str) -> None:
    assert detect_language(text).confident


def test_long_and_odd_input() -> None:
    assert detect_language("a" * 10_000).lang in ("en", "ur")
    assert detect_language("\u200f\u200bہے\u202e").lang == "ur"
    assert detect_language("کيا ہے ڪٿي").lang in ("ur", "sd")


@pytest.mark.parametrize("text", [
    "asaan khe madad khappe agent paisa khanee bhaji wayo",
    "bhau saudi wiyo hane phone band aa",
    "agent chawe tho visa milando",
    "kafeel munhnjo passport pahnje wat rakhyo aa",
])
def test_roman_sindhi_without_aahe(text: str) -> None:
    assert detect_language(text).lang == "sd", text


@pytest.mark.parametrize("text", [
    "asaan tareeqa kya hai visa ka", "ye kaam asaan hai ya mushkil",
    "mera bhai dubai gaya tha ab rabta nahi",
])
def test_roman_urdu_with_a_weak_sindhi_marker_stays_urdu(text: str) -> None:
    assert detect_language(text).lang == "ur", text
