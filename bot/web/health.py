"""``GET /healthz``: 200 while the database answers, else 503; the known problems as JSON.

The database is asked on every request (with a short timeout), so the answer turns 503 within
seconds of the database going away and 200 as soon as it is back. Other problems (a staff
chat the bot cannot post to) are listed but leave the status at 200: the bot still works.
"""

from __future__ import annotations

from aiohttp import web

from bot.runtime import Runtime


def add_health_routes(app: web.Application, runtime: Runtime) -> None:
    async def healthz(request: web.Request) -> web.Response:
        database = await runtime.database_now()
        problems = [p for p in runtime.health() if p != runtime.database_problem]
        if database:
            problems.append(database)
        return web.json_response(
            {"status": "unavailable" if database else "ok", "database": database or "ok",
             "problems": problems},
            status=503 if database else 200, headers={"Cache-Control": "no-store"})

    app.router.add_get("/healthz", healthz)
