"""The job-offer safety check: questions from `content/safety_check.yaml`, and the scoring."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.core.languages import LANGUAGES as LANGS
from bot.core.text import match_form

ANSWERS = ("yes", "no", "unsure")
_ANSWER_KEYS: dict[object, str] = {True: "yes", False: "no"}


class QuestionnaireError(ValueError):
    """The questionnaire file is malformed; the message says where and how to fix it.

    `question` is the 1-based number of the question at fault (None: the file as a whole)."""

    def __init__(self, message: str, question: int | None = None) -> None:
        super().__init__(message)
        self.question = question


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    ask: dict[str, str]
    points: dict[str, int]
    reason: dict[str, str]
    critical: bool = False
    urgent: bool = False  # a "yes" means danger now: the helpline comes up at once
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # answer -> lang -> button

    def label(self, answer: str, lang: str) -> str | None:
        """The button text for `answer` in `lang` when the file gives one (else None)."""
        words = self.labels.get(answer) or {}
        return words.get(lang) or words.get("en")


@dataclass(frozen=True, slots=True)
class Outcome:
    level: str  # "low" | "medium" | "high"
    points: int
    reasons: tuple[str, ...]  # question ids that raised the risk, in question order


@dataclass(frozen=True, slots=True)
class Questionnaire:
    questions: tuple[Question, ...]
    high: int
    medium: int
    next_steps: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)
    typed: dict[str, frozenset[str]] = field(default_factory=dict)  # answer -> typed forms

    def steps(self, level: str, lang: str) -> tuple[str, ...]:
        by_lang = self.next_steps.get(level) or {}
        return by_lang.get(lang) or by_lang.get("en") or ()

    def read_typed(self, text: str) -> str | None:
        """'yes', 'no' or 'unsure' for a typed answer (haan, nahi, ہاں, نه, not sure …)."""
        form = _typed_form(text)
        if not form:
            return None
        for answer in ("unsure", "yes", "no"):  # "nahi pata" is unsure, not no
            forms = self.typed.get(answer, frozenset())
            if form in forms or (answer == "unsure" and any(
                    " " in f and f" {f} " in f" {form} " for f in forms)):
                return answer
        words = form.split()
        if len(words) <= 3:
            for answer in ("yes", "no"):
                if words[0] in self.typed.get(answer, frozenset()):
                    return answer
        return None

    def index_of(self, question_id: str) -> int | None:
        for i, q in enumerate(self.questions):
            if q.id == question_id:
                return i
        return None

    def score(self, answers: dict[str, str]) -> Outcome:
        total, reasons, critical = 0, [], False
        for q in self.questions:
            answer = answers.get(q.id)
            gained = q.points.get(answer, 0) if answer else 0
            if gained:
                total += gained
                reasons.append(q.id)
                critical |= q.critical and answer == "yes"
        level = "high" if critical or total >= self.high else "medium" if total >= self.medium else "low"
        return Outcome(level, total, tuple(reasons))


def load_questionnaire(path: Path) -> Questionnaire:
    """Read and check content/safety_check.yaml (safely: regular file, size limit, no aliases)."""
    from bot.core.content import files

    text, problem = files.read_text(path)
    if problem is not None:
        raise QuestionnaireError(problem.format())
    assert text is not None
    try:
        data, _node = files.load_yaml(text)
    except yaml.YAMLError as exc:
        raise QuestionnaireError(files.yaml_problem(exc, text, path, 1, path.name).format()) from exc
    return parse_questionnaire(data, path)


def parse_questionnaire(data: object, path: Path) -> Questionnaire:
    """The questionnaire from the parsed YAML; QuestionnaireError says what is wrong."""
    where = str(path)
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise QuestionnaireError(f"{where}: expected a 'questions:' list — see the example at the top")
    questions = []
    for n, item in enumerate(data["questions"], start=1):
        if not isinstance(item, dict) or not item.get("id"):
            raise QuestionnaireError(f"{where}: question {n} has no id", n)
        for part in ("ask", "reason"):
            value = item.get(part)
            missing = [lang for lang in LANGS
                       if not isinstance(value, dict) or not str(value.get(lang, "")).strip()]
            if missing:
                raise QuestionnaireError(
                    f"{where}: question '{item['id']}': '{part}' is missing for {', '.join(missing)}", n)
        # YAML 1.1 reads a bare yes/no key as true/false: accept both spellings.
        raw_points = item.get("points")
        points = {_ANSWER_KEYS.get(k, k): v for k, v in (
            raw_points.items() if isinstance(raw_points, dict) else ())}
        if set(points) != set(ANSWERS) or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in points.values()):
            raise QuestionnaireError(
                f"{where}: question '{item['id']}': 'points' needs whole numbers for yes, no and unsure", n)
        labels = item.get("answers") or {}
        if not isinstance(labels, dict) or not all(
                isinstance(v, dict) for v in labels.values()):
            raise QuestionnaireError(f"{where}: question '{item['id']}': 'answers' needs a "
                                     "button text per language for yes / no / unsure", n)
        labels = {_ANSWER_KEYS.get(k, k): {str(lang): str(t) for lang, t in v.items()}
                  for k, v in labels.items()}
        if set(labels) - set(ANSWERS):
            raise QuestionnaireError(f"{where}: question '{item['id']}': 'answers' may only "
                                     "name yes, no and unsure", n)
        questions.append(Question(str(item["id"]), dict(item["ask"]), dict(points),
                                  dict(item["reason"]), bool(item.get("critical", False)),
                                  bool(item.get("urgent", False)), labels))
    levels = data.get("levels") or {}
    try:
        high, medium = int(levels.get("high", 5)), int(levels.get("medium", 2))
    except (AttributeError, TypeError, ValueError) as exc:
        raise QuestionnaireError(f"{where}: 'levels' needs whole numbers for high and medium") from exc
    return Questionnaire(tuple(questions), high, medium, _next_steps(data, where),
                         _typed(data, where))


def _typed_form(text: str) -> str:
    return " ".join(re.sub(r"[^\w']+", " ", match_form(text)).split())


def _next_steps(data: dict, where: str) -> dict[str, dict[str, tuple[str, ...]]]:
    raw = data.get("next_steps") or {}
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        raise QuestionnaireError(f"{where}: 'next_steps' needs high:, medium: and low:, each "
                                 "with a list of steps per language")
    out = {}
    for level, by_lang in raw.items():
        if level not in ("high", "medium", "low"):
            raise QuestionnaireError(f"{where}: next_steps: '{level}' is not high, medium or low")
        out[str(level)] = {str(lang): tuple(str(s) for s in steps or ())
                           for lang, steps in by_lang.items()}
        missing = [lang for lang in LANGS if not out[str(level)].get(lang)]
        if missing:
            raise QuestionnaireError(f"{where}: next_steps: {level}: no steps for "
                                     f"{', '.join(missing)}")
    return out


def _typed(data: dict, where: str) -> dict[str, frozenset[str]]:
    raw = data.get("typed_answers") or {}
    if not isinstance(raw, dict):
        raise QuestionnaireError(f"{where}: 'typed_answers' needs lists for yes, no and unsure")
    out = {}
    for key, forms in raw.items():
        answer = _ANSWER_KEYS.get(key, key)
        if answer not in ANSWERS or not isinstance(forms, list):
            raise QuestionnaireError(f"{where}: typed_answers: '{key}' must be yes, no or "
                                     "unsure, with a list of words")
        # YAML 1.1 reads bare yes / no / y / n as true / false: keep the word that was meant.
        out[answer] = frozenset(_typed_form(_BOOL_WORDS.get(f, str(f))) for f in forms
                                if f is not None)
    return out


_BOOL_WORDS: dict[object, str] = {True: "yes", False: "no"}
