"""The licensed overseas-employment-promoter list and the recruiter check.

Three concepts, one sub-module each:
- `listing`: reading and writing the list (files, saved pages, the BE&OE site) with provenance,
  and BE&OE's notices and complaint results (saved pages, and fetched with the list);
- `names`: the list's names as words, and a message read as a name;
- `verdict` (with `identifiers` for licence and phone numbers): the answer to one message.
`records` holds the data types. Other code imports from here.
"""

from bot.core.agencies.identifiers import find_identifier
from bot.core.agencies.listing import (
    AgencyListError,
    ImportSummary,
    RowProblem,
    import_agency_file,
    import_agency_files,
    load_agency_list,
    read_agency_file,
    read_provenance,
    write_agency_list,
)
from bot.core.agencies.listing.notices import import_notices
from bot.core.agencies.listing.update import (
    DEFAULT_URL,
    UpdateError,
    UpdateSummary,
    fetch_and_update,
    notice_urls_from_env,
    update_agency_list,
)
from bot.core.agencies.records import Agency, AgencyList, Provenance, Status
from bot.core.agencies.verdict import AgencyMatcher, Candidate, CheckResult

__all__ = [
    "DEFAULT_URL", "Agency", "AgencyList", "AgencyListError", "AgencyMatcher", "Candidate",
    "CheckResult", "ImportSummary", "Provenance", "RowProblem", "Status", "UpdateError",
    "UpdateSummary", "fetch_and_update", "find_identifier", "import_agency_file",
    "import_agency_files", "import_notices", "load_agency_list", "notice_urls_from_env",
    "read_agency_file", "read_provenance", "update_agency_list", "write_agency_list",
]
