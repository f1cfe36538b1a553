"""The one reading of free text (bot.core.reading): intent, urgency, language, countries."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.core.content.answering import LONG_THRESHOLD, LONG_WORDS, Answerer
from bot.core.content.loader import load_content
from bot.core.reading import INTENTS, Reader
from bot.core.urgency import UrgentWords

REPO = Path(__file__).resolve().parents[1]
CONTENT = REPO / "content"


def make_reader(content: Path = CONTENT) -> Reader:
    tree, _ = load_content(content)
    assert tree is not None
    return Reader.load(content, tree, Answerer(tree), UrgentWords.load(content / "urgent.yaml"))


@pytest.fixture(scope="module")
def reader() -> Reader:
    return make_reader()


@pytest.mark.parametrize("text", [
    "kafeel beats me daily", "my sister housemaid in riyadh, malik beat her and lock in room",
    "mujhe bachao", "مجھے بچاؤ", "ايجنٽ پاسپورٽ واپس نٿو ڪري", "mera bhai lapata hai",
    "malik ne passport rakh liya", "ہمیں کمرے میں بند کر دیا گیا ہے", "اسان کي ڪمري ۾ بند ڪري ڇڏيو آهي",
    "mukhe bachayo", "6 mahine se tankhwa nahi mili", "we are stuck in iran border",
    "husband went to greece through iran 3 weeks ago not heard from him",
    "beta saudi gaya tha, 2 hafte se baat nahi hui", "بھائی ملائیشیا میں ہے، ایک ہفتے سے فون نہیں اٹھا رہا",
])
def test_cries_for_help_are_urgent(reader: Reader, text: str) -> None:
    assert reader.read(text).urgent, text


def test_word_forms_come_from_rules_not_lists(reader: Reader) -> None:
    # none of these forms is written in urgent.yaml; its stems and endings make them
    for text in ("seth mujhe maarti hai", "kafeel marte hain", "boss is beating us", "ماريائين",
                 "کفیل مارتے ہیں", "agent kept my pasport"):
        assert reader.read(text).urgent, text


@pytest.mark.parametrize("text", [
    "how much fee can a recruiter legally charge", "should i give my original passport to the agent",
    "can you help me find a job in dubai", "passport banwane me kitne din lagte hain",
    "what happens if my salary is late one month", "ایجنٹ کو کتنی فیس دینی چاہیے",
    "my son has been in dubai for 6 months how can he send money", "پاسپورٽ ٺهرائڻ ۾ ڪيترا ڏينهن لڳن ٿا",
    "my visa is stuck in processing", "mera phone band hai", "agent paise le kar bhaag gaya",
    "I have not heard back from the agent about my visa",
])
def test_calm_questions_are_not_alarms(reader: Reader, text: str) -> None:
    assert not reader.read(text).urgent, text


@pytest.mark.parametrize("text", [
    "assalam o alaikum", "salam", "walaikum salam", "thanks", "shukriya", "مهرباني", "شکریہ",
    "ok", "khuda hafiz", "ٺيڪ آهي", "tawhan ji meharbani saeen", "thank you so much bhai",
    "shukirya",  # a typo
    # thanks for what was done is still thanks
    "thanks a lot for the information", "bohat shukriya aap ki rehnumai ka", "آپ کی مدد کا شکریہ",
    "توهان جي رهنمائي لاءِ مهرباني",
])
def test_small_talk_is_small_talk(reader: Reader, text: str) -> None:
    r = reader.read(text)
    assert r.intent == "small_talk" and not r.urgent and r.topic_id is None, text


@pytest.mark.parametrize(("text", "chosen"), [
    ("assalam o alaikum", "en"), ("shukriya", "en"), ("salam", "sd"), ("ok", "ur"), ("thanks", "ur"),
])
def test_shared_words_never_switch_the_language(reader: Reader, text: str, chosen: str) -> None:
    assert reader.read(text, chosen).lang == chosen


def test_reply_language_follows_a_clear_message(reader: Reader) -> None:
    assert reader.read("agent ko kitni fees deni chahiye", "en").lang == "ur"
    assert reader.read("ايجنٽ کي ڪيتري في ڏيڻ گهرجي", "en").lang == "sd"
    assert reader.read("how much fee can an agent take", "ur").lang == "en"
    # Roman Sindhi after choosing Sindhi stays Sindhi
    assert reader.read("agent khe kitri fees dian ghurje", "sd").lang == "sd"
    assert reader.read("passport thahrain me kitra dinhan lagan tha", "sd").lang == "sd"


@pytest.mark.parametrize("text", [
    "is al falah overseas licensed", "al falah overseas wale asli hain", "کیا الفلاح اوورسیز رجسٹرڈ ہے",
    "ڇا الفلاح اوورسيز رجسٽرڊ آهي", "8112", "۸۱۱۲ کراچی", "1234/LHR", "0300-1234567",
    "۰۳۰۰۱۲۳۴۵۶۷", "is madina manpower genuine", "star manpower licensed aahe",
])
def test_recruiter_look_ups_go_to_the_agency_check(reader: Reader, text: str) -> None:
    assert reader.read(text).intent == "agency", text


@pytest.mark.parametrize("text", [
    "salam", "thanks", "مهرباني", "mera bhai lapata hai", "کرکٹ کا اسکور", "what is the cricket score",
    "how do i know which agent is licensed by the government", "which overseas agency is best for saudi",
    "my son wants to go to saudi, i am worried, what should i check",
])
def test_greetings_worries_and_questions_never_reach_the_agency_check(reader: Reader, text: str) -> None:
    assert reader.read(text).intent != "agency", text


def test_a_bare_name_after_check_a_recruiter_goes_to_the_check(reader: Reader) -> None:
    assert reader.read("Shaheen", "en").intent != "agency"
    assert reader.read("Shaheen", "en", expect_agency=True).intent == "agency"
    assert reader.read("thanks", "en", expect_agency=True).intent == "small_talk"
    question = reader.read("how much fee can a licensed agent take from me", "en", expect_agency=True)
    assert question.intent == "question"


def test_off_topic_and_unclear(reader: Reader) -> None:
    for text in ("what is the cricket score", "کرکٹ کا اسکور", "tell me a joke", "what is the weather today"):
        r = reader.read(text)
        assert r.intent == "off_topic" and r.topic_id is None, text
    assert reader.read("how much fee can an agent take").intent == "question"


def test_a_long_story_is_answered_from_its_question(reader: Reader) -> None:
    story = ("Assalam o alaikum sir. I am from Gujranwala and an agent here promised me a driver "
             "job in Riyadh. He has taken 4 lakh rupees from me in three parts but never gave me any "
             "receipt. Now he is asking 1 lakh more. How much can an agent legally take?")
    assert reader.read(story).topic_id == "fees-and-receipts"
    urdu = ("میرا قطر کا ویزا آ گیا ہے اور اگلے ہفتے فلائٹ ہے۔ ایجنٹ کہہ رہا ہے کہ پروٹیکٹر کی ضرورت "
            "نہیں کمپنی وہاں سب سنبھال لے گی۔ مجھے سمجھ نہیں آ رہی۔ "
            "کیا جانے سے پہلے پروٹیکٹر لگوانا ضروری ہے؟")
    assert reader.read(urdu).topic_id == "protector-registration"


@pytest.mark.parametrize("text", [
    "my cousin went to saudi on a driver visa two years ago and now his iqama has expired and the "
    "kafeel is not renewing it he cannot go to the hospital or the bank what can he do about it",
    "میں دبئی میں ایک کمپنی میں کام کرتا ہوں کمپنی نے چار مہینے سے تنخواہ نہیں دی اور کہتے ہیں کام "
    "چھوڑا تو مفرور کر دیں گے میں کہاں شکایت کروں",
    "my daughter got married last month in lahore and the guests were many and the caterer asked "
    "for more money now what is a good menu for a wedding dinner for three hundred guests",
])
def test_a_story_without_full_stops_is_still_a_long_message(reader: Reader, text: str) -> None:
    # many people write a whole story as one line: 25+ words are held to the long threshold
    assert len(text.split()) >= LONG_WORDS and "." not in text and "۔" not in text
    r = reader.read(text)
    assert r.answer is not None
    assert (r.answer.topic is not None) == (r.answer.score >= LONG_THRESHOLD)


def test_a_run_on_story_gets_its_topic(reader: Reader) -> None:
    unpaid = ("میں دبئی میں ایک کمپنی میں کام کرتا ہوں کمپنی نے چار مہینے سے تنخواہ نہیں دی اور "
              "کہتے ہیں کام چھوڑا تو مفرور کر دیں گے میں کہاں شکایت کروں")
    assert reader.read(unpaid).topic_id == "unpaid-wages"


def test_a_vague_question_leaves_the_topic_to_the_story(reader: Reader) -> None:
    # "will we get anything?" names no topic: the injury told before it decides
    story = ("میرے شوہر کویت میں تھے اور وہاں کام کے دوران حادثے میں زخمی ہو گئے۔ اب وہ کام نہیں "
             "کر سکتے۔ کیا ہمیں کچھ ملے گا؟")
    assert reader.read(story).topic_id == "insurance-and-welfare"
    # a question that names its topic still leads
    story = ("I work in a hotel in Doha and the manager shouts at everyone. Last month I paid the "
             "agent in Lahore 2 lakh without any receipt. How much fee can an agent take?")
    assert reader.read(story).topic_id == "fees-and-receipts"


@pytest.mark.parametrize(("text", "topic"), [
    ("سعودی عرب میں ملازمت کی خالی آسامیاں کہاں دیکھوں", "finding-real-jobs"),   # not "نوکری"
    ("قطر ۾ ملازمت جون خالي آساميون ڪٿي ڏسان", "finding-real-jobs"),
    ("کمپنی نے تین مہینے سے سیلری نہیں دی", "unpaid-wages"),   # the English loanword
])
def test_words_people_use_for_the_same_thing(reader: Reader, text: str, topic: str) -> None:
    assert reader.read(text).topic_id == topic


@pytest.mark.parametrize(("text", "topic"), [
    # unpaid salary is its own topic now, not the general help-abroad one
    ("kafeel ne 5 mahine se tankhwa nahi di, ab kya karun?", "unpaid-wages"),
    # an overland route through Iran is the irregular route, whatever the agent charges
    ("I want to go to italy through iran by road, the agent says it costs 20 lakh. is it safe?",
     "irregular-routes"),
])
def test_the_specific_topic_answers_not_the_general_one(reader: Reader, text: str,
                                                        topic: str) -> None:
    assert reader.read(text).topic_id == topic


def test_asking_for_help_is_not_thanks(reader: Reader) -> None:
    for text in ("madad ki zaroorat hai", "مجھے مدد کی ضرورت ہے", "thanks, how do i renew my iqama"):
        assert reader.read(text).intent != "small_talk", text


@pytest.mark.parametrize(("text", "guide"), [
    ("what is the phone number of the pakistan embassy in kuwait", "country-kuwait"),
    ("jeddah consulate ka number chahiye", "country-saudi-arabia"),
    ("مسقط میں پاکستانی سفارت خانہ کہاں ہے", "country-oman"),
    ("ملائيشيا ۾ پاڪستاني سفارتخاني جو نمبر", "country-malaysia"),
])
def test_the_embassy_of_a_named_country_is_in_its_guide(reader: Reader, text: str,
                                                        guide: str) -> None:
    r = reader.read(text)
    assert r.intent == "question" and r.topic_id == guide
    # without a country, or with two, the general topic answers
    assert reader.read("embassy ka number kya hai").topic_id != guide
    assert not (reader.read("embassy in dubai or doha, which is closer").topic_id or "").startswith(
        "country-")


def test_two_topics_the_main_one_answered_the_other_offered(reader: Reader) -> None:
    text = ("I paid the agent 3 lakh for a job in Qatar and he gave me no receipt. He also kept my "
            "original passport and CNIC. How much fee can an agent take?")
    r = reader.read(text)
    # the fee asked about and the passport kept score within a hair of each other: one answers,
    # the other is offered
    needed = {"fees-and-receipts", "passport-and-documents"}
    assert r.topic_id in needed
    assert r.answer is not None and set(r.answer.also) == needed - {r.topic_id}


@pytest.mark.parametrize("text", [
    "", "   ", "👍🎉🙏", "?!?!", "\u202e\u200f\x00\x07", "x" * 4000, "mujhe " * 700,
    "دبئی " * 800, "salam \u202eسلام\u202c hello ہیلو", "۱۲۳ ١٢٣ 123", "\ufeff\u2066\u2069",
])
def test_bad_input_gets_an_answer_never_a_crash_never_a_verdict(reader: Reader, text: str) -> None:
    r = reader.read(text, "ur")
    assert r.intent in INTENTS and r.lang in ("en", "ur", "sd")
    assert r.intent != "agency"
    assert set(r.to_json()) == {"query", "lang", "topic", "score", "answer", "intent", "urgent"}


def test_text_longer_than_a_message_gets_no_topic(reader: Reader) -> None:
    r = reader.read("fees " * 2000)
    assert r.topic_id is None and r.intent != "agency"


def test_a_4000_character_story_is_read(reader: Reader) -> None:
    story = ("My brother went abroad two years ago and we speak every week. " * 60)[:3900]
    r = reader.read(story + " Agent took my passport and beats me.")
    assert r.urgent   # the sign at the end of a long story is found


def test_countries_offered_only_when_their_guide_exists(tmp_path: Path, reader: Reader) -> None:
    for text in ("how much fee for a job in dubai", "دبئی میں نوکری کے لیے فیس کتنی ہے", "dubai"):
        assert reader.read(text).countries == ("country-uae",), text
    assert reader.read("how much fee for a job in qatar").countries == ("country-qatar",)
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content, ignore=shutil.ignore_patterns("locale"))
    for lang in ("en", "ur", "sd"):
        (content / lang / "country-uae.md").unlink()
    without_guide = make_reader(content)
    assert without_guide.read("how much fee for a job in dubai").countries == ()
    assert without_guide.read("how much fee for a job in qatar").countries == ("country-qatar",)


def test_broken_word_lists_are_reported(tmp_path: Path) -> None:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content, ignore=shutil.ignore_patterns("locale", "en", "ur", "sd"))
    (content / "small_talk.yaml").write_text("kinds:\n  ok:\n    en: [ok, yes, no]\n", encoding="utf-8")
    tree, _ = load_content(CONTENT)
    assert tree is not None
    with pytest.raises(ValueError, match="quotes"):
        Reader.load(content, tree, Answerer(tree), UrgentWords.load(content / "urgent.yaml"))


def test_news_is_not_a_saudi_city(reader: Reader) -> None:
    # «خبر» is "news"; the Saudi city Al Khobar is «الخبر»
    assert reader.read("بیٹا دبئی میں ہے، دس دن سے کوئی خبر نہیں").countries == ("country-uae",)
    assert reader.read("منهنجو پٽ ڪويت ۾ آهي، ڪا خبر ناهي").countries == ("country-kuwait",)
    assert reader.read("الخبر میں نوکری کا ویزا").countries == ("country-saudi-arabia",)


def test_the_question_part_of_a_story() -> None:
    from bot.core.content.answering import question_part

    story = ("My brother went to Dubai last year. The company kept his passport. "
             "How can he get it back?")
    assert question_part(story, "en") == "How can he get it back?"
    assert question_part("how do i get my passport back", "en") == "how do i get my passport back"
    # no sentence asks: the last one carries the question
    assert question_part("Agent took my money. He does not answer now.", "en") == \
        "He does not answer now."


@pytest.mark.parametrize("text", [
    "my employer keeps me inside the house", "they do not let me leave the house",
    "my sponsor doesn't let me go out", "he is not letting me leave", "my boss locks me in at night",
    "they won't let us out of the camp", "they took my phone so i cannot call",
    "the agent has taken our phones", "kafeel snatched my phone",
    "they have taken my phone and i cannot call anyone", "the madam took my mobile and locked it",
    "please help me i am in big trouble here",
    "my brother is on a boat, water is coming in", "مالک نے میرا فون چھین لیا",
])
def test_english_confinement_and_pleas_are_urgent(reader: Reader, text: str) -> None:
    assert reader.read(text).urgent, text


@pytest.mark.parametrize("text", [
    "the agent took my phone number and said he will call me",
    "he has taken my phone number for the visa file",
    "my company does not let me take annual leave, is that legal",
    "i cannot leave my job until i finish 2 years, is that the law",
    "my employer won't let me change my sponsor, what can i do",
    "can i take my phone and laptop on the plane to dubai",
    "please help me find a job in saudi arabia",
])
def test_calm_look_alikes_of_confinement_are_not_urgent(reader: Reader, text: str) -> None:
    assert not reader.read(text).urgent, text


def test_joined_words_of_a_phrase_come_together() -> None:
    urgent = UrgentWords({"endings": {"latin": ["ing", "s"]},
                          "signs": {"confinement": {"en": ["not let*_me_leave"]}}})
    assert urgent.found_in("they will not let me leave")
    assert urgent.found_in("not letting me leave")
    assert not urgent.found_in("they will not let me take annual leave")


@pytest.mark.parametrize("text", ["السلام علیکم بھائی جان کیا حال ہے", "tamam mehrbani ada",
                                  "shukriya baji", "thank you uncle"])
def test_small_talk_with_a_way_of_addressing(reader: Reader, text: str) -> None:
    assert reader.read(text).intent == "small_talk", text


@pytest.mark.parametrize("text", [
    "the agent took 6 lakh from my brother and handed him a visit visa",
    "agent ne bhai se 6 lakh le kar usay visit visa pakra diya",
])
def test_a_visit_visa_given_for_money_is_the_visit_visa_topic(reader: Reader, text: str) -> None:
    assert reader.read(text).topic_id == "visit-visa-trap", text


def test_in_a_story_the_embassy_is_a_means_the_problem_is_the_need(reader: Reader) -> None:
    story = ("میرا بھائی کویت میں گرفتار ہو گیا ہے۔ گھر والے پریشان ہیں۔ سفارت خانہ کیسے مدد "
             "کرے گا؟")
    r = reader.read(story)
    assert r.topic_id == "detained-or-deported"
    assert r.countries == ("country-kuwait",)   # the guide (embassy numbers) is offered with it
    english = reader.read("My son was arrested in Kuwait last week. We have no news. How can "
                          "the embassy help us?")
    assert english.topic_id != "country-kuwait" and english.countries == ("country-kuwait",)
    # a story written as one run-on line is a story too
    run_on = ("میرے بھائی کو کویت میں پولیس نے کسی جھگڑے کی وجہ سے پکڑ لیا ہے اور ہمیں کچھ پتا نہیں "
              "کہ وہ کس جیل میں ہے اور اس کا کیس کب چلے گا سفارت خانہ ہماری کیسے مدد کرے گا")
    assert reader.read(run_on).topic_id == "detained-or-deported"
    # one line asking for the embassy: the guide answers
    assert reader.read("the pakistan embassy in kuwait phone number").topic_id == "country-kuwait"


@pytest.mark.parametrize("text", [
    # blessings added to thanks, courtesy about the other's health, a goodbye with "talk later"
    "shukriya bhai allah aap ko khush rakhe", "شکریہ اللہ آپ کا بھلا کرے", "ٿوري مهرباني الله خوش رکي",
    "hi sir hope you are doing well", "salam saeen khair aa", "ok bhai baad mein baat karte hain allah hafiz",
    "thanks alot bro",
])
def test_courtesies_around_small_talk_are_small_talk(reader: Reader, text: str) -> None:
    assert reader.read(text).intent == "small_talk", text


def test_a_question_after_a_blessing_is_not_small_talk(reader: Reader) -> None:
    for text in ("allah khush rakhe, mera iqama kab renew hoga", "hope you are fine, is my visa real"):
        assert reader.read(text).intent != "small_talk", text
