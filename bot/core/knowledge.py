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
from bot.core.content.loader import scan_content
from bot.core.content.topics import ContentTree
from bot.core.reading import Reader
from bot.core.safety_check import Questionnaire
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
    """Load everything; on any error return (None, problems) and change nothing.

    The content folder is read by the same scan as `content check` (topics, facts, the
    catalogs, safety_check.yaml, urgent.yaml and the word lists small_talk.yaml,
    recruiter.yaml, countries.yaml), so /reload refuses what the check refuses.
    """
    problems: list[str] = []
    scan = scan_content(content_dir)
    problems += [p.format() for p in scan.problems if p.is_error]
    agencies = None
    try:
        agencies = load_agency_list(agencies_file)
    except AgencyListError as exc:
        problems.append(exc.report())
    tree, questionnaire, urgent = scan.tree, scan.questionnaire, scan.urgent
    for name, loaded in (("safety_check.yaml", questionnaire), ("urgent.yaml", urgent)):
        if loaded is None and not problems:
            problems.append(f"{content_dir / name}: error: the file is missing or empty")
    reader = None
    if tree is not None and urgent is not None and scan.small_talk is not None \
            and scan.recruiter is not None and scan.countries is not None:
        reader = Reader(tree, Answerer(tree), urgent, scan.small_talk, scan.recruiter,
                        scan.countries)
    if problems or questionnaire is None or urgent is None or reader is None or agencies is None:
        return None, problems or ["content could not be loaded"]
    return Knowledge(tree, reader.answerer, agencies, AgencyMatcher(agencies), questionnaire,
                     urgent, reader), []
