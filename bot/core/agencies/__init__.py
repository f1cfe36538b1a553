"""The licensed overseas-employment-promoter list: records, import and matching."""

from bot.core.agencies.listfile import import_agency_file, load_agency_list
from bot.core.agencies.matcher import AgencyMatcher, Candidate, CheckResult, find_identifier

__all__ = ["AgencyMatcher", "Candidate", "CheckResult", "find_identifier", "import_agency_file",
           "load_agency_list"]
