"""What staff are told, in the core's markup: /stats as text and as a chart (aggregate counts
only), a list of problems as its first lines plus a file with all of them, and the reports as
a spreadsheet that cannot run formulas."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from PIL import Image, ImageDraw

from bot.core.dialogue.messages import Attachment
from bot.core.markup import escape

SHOWN_PROBLEMS = 10
SUMMARY_CHARS = 600  # the first problems, shown as the caption of the file with all of them
# A formula can start a cell, or any piece of it that a spreadsheet may split off
# (Excel in many locales splits CSV on ";"; a line break starts a new row when pasted).
_FORMULA_START = re.compile(r"(^|[;,\t\r\n|])(\s*)(?=[=+\-@])")
STATS_KINDS = ("verdict", "topic", "lang", "tickets", "reports", "relay", "urgent", "watch",
               "watching now")


def stats_chart(stats: dict[str, dict[str, int]]) -> bytes:
    """A plain bar chart (PNG) of the counts: aggregate numbers only."""
    rows = [(f"{kind}: {key}", n) for kind in ("verdict", "topic", "lang", "tickets")
            for key, n in sorted(stats.get(kind, {}).items(), key=lambda kv: -kv[1])[:12]]
    rows = rows or [("no activity yet", 0)]
    width, bar_h, left = 900, 22, 330
    image = Image.new("RGB", (width, 40 + bar_h * len(rows)), "white")
    draw = ImageDraw.Draw(image)
    draw.text((10, 10), "Rahnuma: last 30 days (counts only, no personal data)", fill="black")
    top = max(n for _, n in rows) or 1
    for i, (label, n) in enumerate(rows):
        y = 35 + i * bar_h
        end = left + int((width - left - 60) * n / top)
        draw.text((10, y + 4), label[:48], fill="black")
        draw.rectangle((left, y + 3, end, y + bar_h - 3), fill=(46, 125, 50))
        draw.text((end + 6, y + 4), str(n), fill="black")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def stats_text(stats: dict[str, dict[str, int]], health: list[str]) -> str:
    lines = ["<b>Rahnuma — last 30 days</b>"]
    lines += [f"<b>{kind}</b>: " + ", ".join(f"{escape(k)}: {n}" for k, n in stats[kind].items())
              for kind in STATS_KINDS if stats.get(kind)]
    lines += [f"⚠️ {escape(problem)}" for problem in health]
    return "\n".join(lines)


def problems_answer(title: str, problems: list[str]) -> tuple[str, Attachment | None]:
    """One answer: the title, the first problems, and (when there are more) a file with all."""
    shown: list[str] = []
    for problem in problems[:SHOWN_PROBLEMS]:
        if sum(len(p) for p in shown) + len(problem) > SUMMARY_CHARS:
            break
        shown.append(problem)
    text = title + ("\n" + escape("\n".join(shown)) if shown else "")
    if len(shown) == len(problems):
        return text, None
    text += escape(f"\n… {len(problems) - len(shown)} more: all {len(problems)} are in the file.")
    return text, Attachment("document", "problems.txt", "\n".join(problems).encode("utf-8"))


def spreadsheet_safe(value: str) -> str:
    """Neutralise formula injection: every = + - @ that could start a formula is quoted."""
    return _FORMULA_START.sub(lambda m: f"{m[1]}{m[2]}'", value)


def reports_csv(reports: Iterable[Any]) -> bytes:
    """The reports (``Store.reports`` rows) as CSV for a spreadsheet (UTF-8 with a BOM)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["report", "created_utc", "lang", "agent_name", "agent_phone", "what_happened"])
    for row in reports:
        created = datetime.fromtimestamp(row["created_at"], UTC).strftime("%Y-%m-%d %H:%M:%S")
        values = (row["id"], created, row["lang"], row["agent_name"], row["agent_phone"], row["story"])
        writer.writerow([spreadsheet_safe(str(v)) for v in values])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
