"""A stand-in of the BE&OE "list of OEPs" pages on 127.0.0.1, in the site's page format.

`BeoeStandin(agencies, per_page=50)` serves `/list-of-oeps?show=all&page=N`: a page with the
site's table (Licence No. `0008  / RWP`, Proprietor Name, Licence Title "M/s. …", Status,
Expiry Date day first, Head Office with address and phones, Branch Office(s)) and the harmless
`challenge-platform` script; past the last page, a page with an empty table. Faults to inject:
`browser_check` (403 "Just a moment..."), `fail_first` (that many 500s before answering),
`repeat_last` (pages past the end repeat the last page, as some sites do).
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
_CHECK = ("<!DOCTYPE html><html><head><title>Just a moment...</title></head>"
          "<body>Checking your browser before accessing beoe.gov.pk.</body></html>")


class BeoeStandin:
    def __init__(self, rows: list[Row], per_page: int = 50) -> None:
        self.rows = rows
        self.per_page = per_page
        self.browser_check = False
        self.fail_first = 0
        self.repeat_last = False
        self.requests: list[tuple[str, str, float]] = []   # (query string, user agent, time)
        self._runner: web.AppRunner | None = None
        self.url = ""

    def _row_html(self, r: Row) -> str:
        cells = [f"{r.number:04d}  / {r.code}", r.proprietor, f"M/s. {r.name}", r.status,
                 r.expiry, r.office, ""]
        return "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>"

    async def _page(self, request: web.Request) -> web.Response:
        import time

        self.requests.append((request.query_string, request.headers.get("User-Agent", ""),
                              time.monotonic()))
        if self.browser_check:
            return web.Response(status=403, text=_CHECK, content_type="text/html")
        if self.fail_first > 0:
            self.fail_first -= 1
            return web.Response(status=500, text="server error")
        page = int(request.query.get("page", "1"))
        pages = max(1, -(-len(self.rows) // self.per_page))
        if page > pages and self.repeat_last:
            page = pages
        chunk = self.rows[(page - 1) * self.per_page: page * self.per_page]
        body = _PAGE.format(rows="\n".join(self._row_html(r) for r in chunk), page=page)
        return web.Response(text=body, content_type="text/html")

    async def start(self) -> str:
        app = web.Application()
        app.router.add_get("/list-of-oeps", self._page)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/list-of-oeps"
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
