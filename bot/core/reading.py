"""One reading of a free-text message, shared by every channel, the console and `ask`.

`Reader.read(text, lang)` decides, once per message:
- `urgent`: the person may be in danger now (content/urgent.yaml, `bot.core.urgency`);
- `intent`: what the bot does with it:
  `agency`      a licence number (also without its office code), a phone number, or a short
                message that asks about a named recruiter (content/recruiter.yaml);
  `small_talk`  greetings, thanks, goodbyes, "ok" (content/small_talk.yaml);
  `question`    a topic of the content answers it;
  `off_topic`   nothing in it is about migration;
  `unclear`     about migration, but no topic fits well (the bot asks back / offers topics);
- `lang`: the language to answer in: the message's when that is clear, else the chosen one;
  small talk ("ok", "shukriya", "salam") never switches it, and Roman script after choosing
  Sindhi stays Sindhi (Roman Sindhi and Roman Urdu share most words);
- `countries`: the guide topics of destination countries the message names
  (content/countries.yaml), only those that exist in the content.
The answer to a question comes with it (`answer`), so a message is matched once.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

import phonenumbers

from bot.core.agencies.matcher import find_identifier
from bot.core.content.answering import (
    GENERIC,
    LONG_WORDS,
    Answer,
    Answerer,
    question_part,
    tokens,
)
from bot.core.content.topics import ContentTree
from bot.core.language import Detection, detect_language
from bot.core.reading_words import Countries, RecruiterWords, SmallTalk
from bot.core.text import clean, match_words
from bot.core.urgency import UrgentWords

INTENTS = ("question", "agency", "small_talk", "off_topic", "unclear")
MAX_CHARS = 4096          # what one Telegram message can hold; longer text is read for danger only
NAME_WORDS = 6            # after "Check a recruiter", a text this short is a name to check
OFF_TOPIC_FLOOR = 0.1     # below this best topic score, nothing in the message is about migration
GUIDE_SHARE = 0.8         # a named destination's guide answers when it scores this share of the best
GUIDE_SHARE_ASKED = 0.6   # … or this share when the question sentence itself names the destination
                          # ("is it normal for qatar", "is that how bahrain work permits work")
# Question words: "how do I check a licence" is a question, "is X licensed" a look-up.
HOW_WORDS = frozenset(match_words(
    "how where which what when why whom kaise kese kaisay kesay kahan kab kyun kyon konsa kaunsa "
    "kidhar kiyan kithe kehro کیسے کہاں کب کیوں کونسا کون سا کدھر ڪيئن ڪٿي ڪڏهن ڇو ڪهڙو ڪهڙي"))


def _real_phone(number: str) -> bool:
    """A phone number some network could reach ("123 123 123" is not one)."""
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number))
    except phonenumbers.NumberParseException:
        return False


@dataclass(frozen=True)
class Reading:
    """What the bot makes of one free-text message."""

    text: str                       # the message, cleaned (what was read)
    lang: str                       # the language to answer in
    intent: str                     # one of INTENTS
    urgent: bool
    detection: Detection
    signs: frozenset[str] = frozenset()   # urgent.yaml signs found ("violence", "unpaid" …)
    small_talk: str | None = None         # "salam" | "greeting" | "thanks" | "goodbye" | "ok" …
    answer: Answer | None = None          # the content answer (question / unclear / off_topic)
    countries: tuple[str, ...] = field(default=())  # guide topic ids, existing ones only

    @property
    def topic_id(self) -> str | None:
        return self.answer.topic_id if self.answer and self.intent == "question" else None

    def to_json(self) -> dict:
        """The CONTRACTS.md `ask` object."""
        topic = self.answer.topic if self.answer and self.intent == "question" else None
        return {"query": self.text, "lang": self.lang,
                "topic": topic.id if topic else None,
                "score": round(self.answer.score, 4) if self.answer else 0.0,
                "answer": topic.answer if topic else None,
                "intent": self.intent, "urgent": self.urgent}


def reply_language(detection: Detection, chosen: str | None, *, small_talk: bool = False) -> str:
    """The message's language when it is clear, else the chosen one. Small talk never switches
    it; Roman script after choosing Sindhi stays Sindhi (Roman Sindhi often reads as Roman Urdu)."""
    if chosen and (small_talk or not detection.confident):
        return chosen
    if chosen == "sd" and detection.lang == "ur" and detection.roman_urdu:
        return "sd"
    return detection.lang


class Reader:
    """Reads free text. Build once per content (`load`); `read` is thread-safe."""

    def __init__(self, tree: ContentTree, answerer: Answerer, urgent: UrgentWords,
                 small_talk: SmallTalk, recruiter: RecruiterWords, countries: Countries) -> None:
        self.tree = tree
        self.answerer = answerer
        self.urgent = urgent
        self.small_talk = small_talk
        self.recruiter = recruiter
        self.countries = countries

    @classmethod
    def load(cls, content_dir: Path, tree: ContentTree, answerer: Answerer,
             urgent: UrgentWords) -> Reader:
        """Raises ValueError (file and what is wrong) when a word list is broken."""
        return cls(tree, answerer, urgent, SmallTalk.load(content_dir / "small_talk.yaml"),
                   RecruiterWords.load(content_dir / "recruiter.yaml"),
                   Countries.load(content_dir / "countries.yaml"))

    def read(self, text: str, lang: str | None = None, *, expect_agency: bool = False) -> Reading:
        """Read one message. `lang` is the person's chosen language (None: not known);
        `expect_agency`: the bot has just asked for a recruiter's name or number (a short
        text is then a name; a longer question is still read as one)."""
        raw = text if isinstance(text, str) else ""
        cleaned = clean(raw, max_len=MAX_CHARS + 1)   # longer than a message: not a question
        words = match_words(cleaned)
        detection = detect_language(cleaned)
        signs = self.urgent.signs(cleaned, words) if words else frozenset()
        urgent = self.urgent.is_urgent(signs)
        small = None if urgent else self.small_talk.kind_of(words)
        out_lang = reply_language(detection, lang, small_talk=small is not None)
        countries = self._countries(words, out_lang)
        reading = partial(Reading, text=cleaned, lang=out_lang, urgent=urgent, detection=detection,
                          signs=signs, countries=countries)
        if not any(ch.isalnum() for ch in cleaned):   # empty, emoji, punctuation: nothing to read
            return reading(intent="unclear")
        if small is not None:
            return reading(intent="small_talk", small_talk=small)
        if (expect_agency and not urgent and len(words) <= NAME_WORDS) \
                or self._about_recruiter(cleaned, words):
            return reading(intent="agency")
        answer = self.answerer.ask(cleaned, lang=out_lang, detection=detection)
        if answer.lang != out_lang:   # e.g. Roman Sindhi kept in Sindhi
            topic = self.answerer.topic_in(answer.topic_id, out_lang) if answer.topic_id else None
            answer = replace(answer, lang=out_lang, topic=topic)
        if len(countries) == 1:
            asked = question_part(cleaned, detection.lang)   # a story's question sentences
            several = asked != cleaned   # several sentences, the question among them
            story = several or len(words) >= LONG_WORDS   # (a run-on story too)
            if not story and self.countries.asks_for_embassy(words):
                # "the embassy in kuwait": its guide has it. In a story ("my son was arrested in
                # dubai … how do we get help from the embassy") the problem told is the need;
                # the guide is offered with it (`countries`).
                answer = self._country_guide(answer, countries[0], out_lang)
            else:
                share = GUIDE_SHARE_ASKED if several and countries[0] in \
                    self.countries.topics_in(match_words(asked)) else GUIDE_SHARE
                answer = self._guide_when_close(answer, countries[0], out_lang, share)
        if answer.topic is not None:
            intent = "question"
        elif not urgent and self._off_topic(cleaned, words, answer):   # danger is never off topic
            intent = "off_topic"
        else:
            intent = "unclear"
        return reading(intent=intent, answer=answer)

    # --- parts ---------------------------------------------------------------------------

    def _countries(self, words: list[str], lang: str) -> tuple[str, ...]:
        return tuple(t for t in self.countries.topics_in(words)
                     if self.tree.topic(lang, t) or self.tree.topic("en", t))

    def _guide_when_close(self, answer: Answer, guide_id: str, lang: str, share: float) -> Answer:
        """One destination named, and its guide scores at least `share` of the best topic: the
        guide answers (a country's names are domain-wide words that count little, so a guide
        is rarely first on words alone), and the topic the words found is offered with it."""
        if answer.topic is None or answer.topic_id == guide_id:
            return answer
        score = dict(answer.candidates).get(guide_id)
        if score is None or score < share * answer.score:
            return answer
        return self._country_guide(answer, guide_id, lang)

    def _country_guide(self, answer: Answer, guide_id: str, lang: str) -> Answer:
        """The one destination named: its guide answers (it has the embassy, consulate and
        welfare attaché too), and the topic the words alone found is offered with it."""
        guide = self.answerer.topic_in(guide_id, lang)
        if guide is None or answer.topic_id == guide_id:
            return answer
        offered = (answer.topic_id,) if answer.topic_id else ()
        return replace(answer, topic=guide, also=offered)

    def _about_recruiter(self, text: str, words: list[str]) -> bool:
        """A licence or phone number, a bare licence number, or a short message about a named
        recruiter ("is X licensed", "X wale asli hain", "کیا X رجسٹرڈ ہے")."""
        found = find_identifier(text)
        if found and (not found.startswith("+") or _real_phone(found)):
            return True
        cue = self.recruiter
        digits = [w for w in words if w.isdigit()]
        others = [w for w in words if not w.isdigit()]
        if len(digits) == 1 and 3 <= len(digits[0]) <= 5 and len(others) <= 2 \
                and all(w in cue.city for w in others):
            return True   # "8112", "۸۱۱۲ کراچی", "licence 8112"
        if len(words) > cue.max_words:
            return False
        business = cue.spans(words, cue.business)
        ask = cue.spans(words, cue.ask)
        if not business and not ask:
            return False
        taken = {i for start, end in business + ask for i in range(start, end)}
        rest = " ".join(w for i, w in enumerate(words) if i not in taken and w not in cue.city)
        content = tokens(rest)
        name = [w for w in content if w not in GENERIC and not self.answerer.knows(w)]
        place = [w for w in content if w in GENERIC]
        asks_how = any(w in HOW_WORDS for w in words)
        if business and name:
            return True                     # "al falah overseas", "star manpower kya registered hai"
        if asks_how:
            return False                    # "how do I know if an agency is licensed"
        return bool(name and ask) or bool(business and place)   # "is X licensed", "madina manpower"

    def _off_topic(self, text: str, words: list[str], answer: Answer) -> bool:
        """Nothing in it is about migration: no word of the topics, no destination or "abroad"
        (a family's "beta dubai jana chahta hai, dar lagta hai" is about migration)."""
        if self.countries.about_abroad(words):
            return False
        content = [w for w in tokens(text) if w not in GENERIC]
        best = answer.candidates[0][1] if answer.candidates else 0.0
        return best < OFF_TOPIC_FLOOR or not any(self.answerer.knows(w) for w in content)
