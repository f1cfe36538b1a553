"""A stand-in of the BE&OE "list of OEPs" pages on 127.0.0.1, in the site's page format.

`BeoeStandin(agencies, per_page=50)` serves `/list-of-oeps?show=all&page=N`: a page with the
site's table (Licence No. `0008  / RWP`, Proprietor Name, Licence Title "M/s. …", Status,
Expiry Date day first, Head Office with address and phones, Branch Office(s)) and the harmless
`challenge-platform` script; past the last page, a page with an empty table. Faults to inject:
`browser_check` (403 "Just a moment..."), `fail_first` (that many 500s before answering),
`repeat_last` (pages past the end repeat the last page, as some sites do).

It also serves BE&OE's notices (`/notices?show=all&page=N`: a table of titles such as "Show
Cause Notice To M/s. Ihtisham Overseas Employment Promoter, OEPL No.2056/RWP", several licences
in one title, a date written day first, a Download link) and complaint results
(`/complaint-results?show=all&page=N`: Complaint No., Licence Title, Complaint Status, Fine
Imposed, Date), `notices_per_page` to a page; the faults above apply to them too.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from aiohttp import web


@dataclass
class Row:
    number: int
    code: str
    name: str
    status: str = "Active"
    expiry: str = "31-12-2027"
    proprietor: str = "Proprietor"
    office: str = "Office 1, Blue Area, Islamabad. Ph: 051-2345678, 0300-1234567"


_PAGE = """<!DOCTYPE html><html><head><title>List of OEPs | Bureau of Emigration</title>
<script src="/cdn-cgi/challenge-platform/scripts/jsd/main.js"></script></head><body>
<h2>List of Overseas Employment Promoters</h2>
<table class="table table-bordered table-striped"><thead><tr><th>Licence No.</th>
<th>Proprietor Name</th><th>Licence Title</th><th>Status</th><th>Expiry Date</th>
<th>Head Office</th><th>Branch Office(s)</th></tr></thead><tbody>
{rows}
</tbody></table><ul class="pagination"><li>page {page}</li></ul></body></html>"""
_NOTICES = """<!DOCTYPE html><html><head><title>Notices | Bureau of Emigration</title>
<script src="/cdn-cgi/challenge-platform/scripts/jsd/main.js"></script></head><body>
<h2>Notices</h2>
<table class="table table-bordered table-striped"><thead><tr><th>Sr. No.</th><th>Title</th>
<th>Date</th><th>Download</th></tr></thead><tbody>
{rows}
</tbody></table><ul class="pagination"><li>page {page}</li></ul></body></html>"""
_COMPLAINTS = """<!DOCTYPE html><html><head><title>Complaint Results | Bureau of Emigration</title>
<script src="/cdn-cgi/challenge-platform/scripts/jsd/main.js"></script></head><body>
<h2>Status of Complaints against OEPs</h2>
<table class="table table-bordered table-striped"><thead><tr><th>Sr. No.</th>
<th>Complaint No.</th><th>Licence Title</th><th>Complaint Status</th><th>Fine Imposed (Rs.)</th>
<th>Date</th></tr></thead><tbody>
{rows}
</tbody></table><ul class="pagination"><li>page {page}</li></ul></body></html>"""
_CHECK = ("<!DOCTYPE html><html><head><title>Just a moment...</title></head>"
          "<body>Checking your browser before accessing beoe.gov.pk.</body></html>")


@dataclass
class NoticeRow:
    title: str          # "Show Cause Notice To M/s. X, OEPL No.2056/RWP"
    date: str = "08-06-2026"


@dataclass
class ComplaintRow:
    number: str         # "C-2026-0001"
    title: str          # "M/s. Barkat Enterprises (OEPL No.2633/LHR)"
    status: str = "Under Investigation"
    fine: str = "-"
    date: str = ""


class BeoeStandin:
    def __init__(self, rows: list[Row], per_page: int = 50, *,
                 notices: list[NoticeRow] | None = None,
                 complaints: list[ComplaintRow] | None = None,
                 notices_per_page: int = 20) -> None:
        self.rows = rows
        self.per_page = per_page
        self.notices = notices if notices is not None else []
        self.complaints = complaints if complaints is not None else []
        self.notices_per_page = notices_per_page
        self.browser_check = False
        self.fail_first = 0
        self.repeat_last = False
        self.requests: list[tuple[str, str, float]] = []   # (query string, user agent, time)
        self.paths: list[str] = []                          # the path of each request
        self._runner: web.AppRunner | None = None
        self.url = ""
        self.notices_url = ""
        self.complaints_url = ""

    def _row_html(self, r: Row) -> str:
        cells = [f"{r.number:04d}  / {r.code}", r.proprietor, f"M/s. {r.name}", r.status,
                 r.expiry, r.office, ""]
        return "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>"

    def _fault(self, request: web.Request) -> web.Response | None:
        import time

        self.requests.append((request.query_string, request.headers.get("User-Agent", ""),
                              time.monotonic()))
        self.paths.append(request.path)
        if self.browser_check:
            return web.Response(status=403, text=_CHECK, content_type="text/html")
        if self.fail_first > 0:
            self.fail_first -= 1
            return web.Response(status=500, text="server error")
        return None

    def _chunk(self, items: list, request: web.Request, per_page: int) -> tuple[list, int, int]:
        """(the page's items, its number, the number of the first item)."""
        page = int(request.query.get("page", "1"))
        pages = max(1, -(-len(items) // per_page))
        if page > pages and self.repeat_last:
            page = pages
        first = (page - 1) * per_page
        return items[first: first + per_page], page, first + 1

    def _table_page(self, request: web.Request, items: list, per_page: int, template: str,
                    row_html) -> web.Response:
        fault = self._fault(request)
        if fault is not None:
            return fault
        chunk, page, first = self._chunk(items, request, per_page)
        rows = "\n".join(row_html(n, r) for n, r in enumerate(chunk, start=first))
        return web.Response(text=template.format(rows=rows, page=page), content_type="text/html")

    @staticmethod
    def _notice_html(n: int, r: NoticeRow) -> str:
        return (f"<tr><td>{n}</td><td>{html.escape(r.title)}</td><td>{html.escape(r.date)}</td>"
                f'<td><a href="/uploads/notices/{n}.pdf">Download</a></td></tr>')

    @staticmethod
    def _complaint_html(n: int, r: ComplaintRow) -> str:
        return "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in
                                (str(n), r.number, r.title, r.status, r.fine, r.date)) + "</tr>"

    async def _notices(self, request: web.Request) -> web.Response:
        return self._table_page(request, self.notices, self.notices_per_page, _NOTICES,
                                self._notice_html)

    async def _complaints(self, request: web.Request) -> web.Response:
        return self._table_page(request, self.complaints, self.notices_per_page, _COMPLAINTS,
                                self._complaint_html)

    async def _page(self, request: web.Request) -> web.Response:
        return self._table_page(request, self.rows, self.per_page, _PAGE,
                                lambda _, r: self._row_html(r))

    async def start(self) -> str:
        app = web.Application()
        app.router.add_get("/list-of-oeps", self._page)
        app.router.add_get("/notices", self._notices)
        app.router.add_get("/complaint-results", self._complaints)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/list-of-oeps"
        self.notices_url = f"http://127.0.0.1:{port}/notices"
        self.complaints_url = f"http://127.0.0.1:{port}/complaint-results"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
