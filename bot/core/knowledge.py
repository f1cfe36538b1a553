"""Everything the bot knows, loaded together: content, answers, agencies, questionnaire.

A :class:`Knowledge` is immutable. Reloading builds a new one; when anything is wrong the
caller keeps serving the old one and shows the problems.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.core.agencies.listfile import AgencyListError, load_agency_list
from bot.core.agencies.matcher import AgencyMatcher
from bot.core.agencies.records import AgencyList
from bot.core.content.answering import Answerer
from bot.core.content.loader import load_content
from bot.core.content.topics import ContentTree
from bot.core.reading import Reader
from bot.core.safety_check import Questionnaire, QuestionnaireError, load_questionnaire
from bot.core.urgency import UrgentWords


@dataclass(frozen=True)
class Knowledge:
    content: ContentTree
    answerer: Answerer
    agencies: AgencyList
    matcher: AgencyMatcher
    questionnaire: Questionnaire
    urgent: UrgentWords
    reader: Reader


def load_knowledge(content_dir: Path, agencies_file: Path) -> tuple[Knowledge | None, list[str]]:
    """Load everything; on any error return (None, problems) and change nothing."""
    problems: list[str] = []
    tree, content_problems = load_content(content_dir)
    problems += [p.format() for p in content_problems if p.severity == "error"]
    agencies = None
    try:
        agencies = load_agency_list(agencies_file)
    except AgencyListError as exc:
        problems.append(exc.report())
    questionnaire = urgent = None
    try:
        questionnaire = load_questionnaire(content_dir / "safety_check.yaml")
    except QuestionnaireError as exc:
        problems.append(str(exc))
    try:
        urgent = UrgentWords.load(content_dir / "urgent.yaml")
    except (OSError, ValueError) as exc:
        problems.append(f"{content_dir / 'urgent.yaml'}: {exc}")
    reader = None
    if tree is not None and urgent is not None:
        answerer = Answerer(tree)
        try:
            reader = Reader.load(content_dir, tree, answerer, urgent)
        except (OSError, ValueError) as exc:
            problems.append(str(exc))
    if problems or tree is None or agencies is None or questionnaire is None or urgent is None \
            or reader is None:
        return None, problems or ["content could not be loaded"]
    return Knowledge(tree, reader.answerer, agencies, AgencyMatcher(agencies), questionnaire,
                     urgent, reader), []
