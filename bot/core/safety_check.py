"""The job-offer safety check: questions from `content/safety_check.yaml`, and the scoring."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.core.languages import LANGUAGES as LANGS

ANSWERS = ("yes", "no", "unsure")
_ANSWER_KEYS: dict[object, str] = {True: "yes", False: "no"}


class QuestionnaireError(ValueError):
    """The questionnaire file is malformed; the message says where and how to fix it."""


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    ask: dict[str, str]
    points: dict[str, int]
    reason: dict[str, str]
    critical: bool = False


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
    where = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise QuestionnaireError(f"{where}: cannot read the questionnaire: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("questions"), list):
        raise QuestionnaireError(f"{where}: expected a 'questions:' list — see the example at the top")
    questions = []
    for n, item in enumerate(data["questions"], start=1):
        if not isinstance(item, dict) or not item.get("id"):
            raise QuestionnaireError(f"{where}: question {n} has no id")
        for field in ("ask", "reason"):
            missing = [lang for lang in LANGS if not str((item.get(field) or {}).get(lang, "")).strip()]
            if missing:
                raise QuestionnaireError(
                    f"{where}: question '{item['id']}': '{field}' is missing for {', '.join(missing)}")
        # YAML 1.1 reads a bare yes/no key as true/false: accept both spellings.
        points = {_ANSWER_KEYS.get(k, k): v for k, v in (item.get("points") or {}).items()}
        if set(points) != set(ANSWERS) or not all(isinstance(v, int) for v in points.values()):
            raise QuestionnaireError(
                f"{where}: question '{item['id']}': 'points' needs whole numbers for yes, no and unsure")
        questions.append(Question(str(item["id"]), dict(item["ask"]), dict(points),
                                  dict(item["reason"]), bool(item.get("critical", False))))
    levels = data.get("levels") or {}
    return Questionnaire(tuple(questions), int(levels.get("high", 5)), int(levels.get("medium", 2)))
