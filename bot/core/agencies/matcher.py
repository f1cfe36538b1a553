"""Old import path of the agency check; the check lives in `verdict` (see its docstring)."""

from bot.core.agencies.identifiers import find_identifier
from bot.core.agencies.verdict import AgencyMatcher, Candidate, CheckResult

__all__ = ["AgencyMatcher", "Candidate", "CheckResult", "find_identifier"]
