"""Reading and writing the agency list: files (CSV, .xlsx, saved pages) and the BE&OE site.

`files` is the public face (load, read, write, import with provenance); `sources` turns a file
into raw tables, `columns` maps headers, `cells` reads cell values, `validation` turns rows
into agencies with a `problems` entry for every bad cell, within `limits`; `update` fetches
the list from the BE&OE site.
"""

from bot.core.agencies.listing.files import (
    ImportSummary,
    import_agency_file,
    import_agency_files,
    load_agency_list,
    provenance_path,
    read_agency_file,
    read_agency_files,
    read_provenance,
    write_agency_list,
)
from bot.core.agencies.listing.problems import AgencyListError, RowProblem

__all__ = ["AgencyListError", "ImportSummary", "RowProblem", "import_agency_file",
           "import_agency_files", "load_agency_list", "provenance_path", "read_agency_file",
           "read_agency_files", "read_provenance", "write_agency_list"]
