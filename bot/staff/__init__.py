"""Staff work that no channel owns: reloading, /stats (text and chart), the reports export,
importing and fetching the agency list, the daily update. In the background, one job of each
kind at a time, one answer each; a channel supplies only how a command arrives and how an
answer is sent (Telegram: bot/telegram_app/admin.py)."""

from bot.staff.answers import problems_answer, reports_csv, spreadsheet_safe, stats_chart, stats_text
from bot.staff.jobs import StaffJobs, upload_problem

__all__ = ["StaffJobs", "problems_answer", "reports_csv", "spreadsheet_safe", "stats_chart",
           "stats_text", "upload_problem"]
