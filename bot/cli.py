"""The command line: `python -m bot …` (also installed as `rahnuma`).

Every command is a thin wrapper around the core; see `docs/architecture.md`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from bot.config import Settings
from bot.core.languages import LANGUAGES

if TYPE_CHECKING:
    from bot.core.reading import Reading

MAX_QUERY_CHARS = 10_000


def _emit(obj: dict, *, pretty: bool) -> None:
    text = json.dumps(obj, ensure_ascii=False, indent=2 if pretty else None)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _queries(args: argparse.Namespace) -> Iterable[str]:
    """One query from the argument, or one per stdin line with --jsonl."""
    if args.jsonl:
        for line in sys.stdin:
            yield line.rstrip("\r\n")
    elif args.text and args.text != ["-"]:   # "-" is standard input, as usual
        yield " ".join(args.text)
    else:
        yield sys.stdin.read().strip()


def _run_queries(args: argparse.Namespace, answer: Callable[[str], dict],
                 render: Callable[[str], str]) -> int:
    for query in _queries(args):
        if args.json or args.jsonl:
            _emit(answer(query), pretty=False)
        else:
            sys.stdout.write(render(query) + "\n")
    return 0


def _agency_matcher(args: argparse.Namespace, settings: Settings):
    """(list path, matcher), or (list path, None) after reporting why the list cannot be used."""
    from bot.core.agencies import AgencyListError, AgencyMatcher, load_agency_list

    path = Path(args.agencies) if args.agencies else settings.agencies_file
    try:
        return path, AgencyMatcher(load_agency_list(path))
    except AgencyListError as exc:
        sys.stderr.write(exc.report() + "\n")
        return path, None


def cmd_check(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.verdict_text import render_check

    _, matcher = _agency_matcher(args, settings)
    if matcher is None:
        return 1
    return _run_queries(
        args,
        lambda q: matcher.check(q).to_json(),
        lambda q: render_check(matcher.check(q), "en", html=False),
    )


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.content.answering import Answerer
    from bot.core.content.loader import load_content
    from bot.core.content.validation import format_problems
    from bot.core.reading import Reader
    from bot.core.urgency import UrgentWords

    root = Path(args.content) if getattr(args, "content", None) else settings.content_dir
    tree, problems = load_content(root)
    if tree is None:
        sys.stderr.write(format_problems(problems) + "\n")
        return 1
    try:
        reader = Reader.load(root, tree, Answerer(tree), UrgentWords.load(root / "urgent.yaml"))
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"{exc}\n")
        return 1
    return _run_queries(
        args,
        lambda q: reader.read(q[:MAX_QUERY_CHARS], lang=args.lang).to_json() | {"query": q},
        lambda q: render_reading(reader.read(q[:MAX_QUERY_CHARS], lang=args.lang)),
    )


def render_reading(reading: Reading) -> str:
    """Plain text of what the bot makes of a message (`ask` without --json)."""
    from bot.core.i18n import translator

    tr = translator(reading.lang)
    head = f"[intent: {reading.intent}" + (", URGENT: helpline first" if reading.urgent else "") + "]"
    if reading.intent == "question" and reading.answer is not None:
        return head + "\n" + reading.answer.render_plain()
    if reading.intent == "agency":
        return head + "\n" + tr.gettext("This looks like a recruiter: check it with `check`.")
    if reading.intent == "small_talk":
        return head
    return head + "\n" + tr.gettext("Sorry, I don't have an answer to that. Choose a topic from "
                                    "the menu, or talk to the helpline.")


def cmd_content_check(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.content.catalogs import format_status, scan_catalogs
    from bot.core.content.validation import check_content, format_problems

    root = Path(args.content) if args.content else settings.content_dir
    problems = check_content(root)
    errors = [p for p in problems if p.severity == "error"]
    if problems and not args.status:
        sys.stdout.write(format_problems(problems) + "\n")
    status = scan_catalogs(root).status if root.is_dir() else []
    if status:
        sys.stdout.write(("" if args.status or not problems else "\n")
                         + format_status(status) + "\n\n")
    if args.status:
        return 0 if not errors else 1
    if errors:
        sys.stdout.write(f"{len(errors)} error(s): content NOT valid. Fix every line marked "
                         "error (see docs/content-guide.md).\n")
        return 1
    sys.stdout.write(f"content OK ({root})\n")
    return 0


def cmd_agencies_import(args: argparse.Namespace, settings: Settings) -> int:
    from datetime import date

    from bot.core.agencies import AgencyListError, import_agency_file

    dest = Path(args.agencies) if args.agencies else settings.agencies_file
    try:
        summary = import_agency_file(
            [Path(f) for f in args.file], dest,
            source=args.source,
            retrieved=date.fromisoformat(args.retrieved) if args.retrieved else None,
            demo=args.demo,
        )
    except AgencyListError as exc:
        sys.stderr.write(exc.report() + f"\n{dest} was NOT changed.\n")
        return 1
    sys.stdout.write(summary.describe() + "\n")
    return 0


def cmd_agencies_update(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.agencies import DEFAULT_URL, UpdateError, update_agency_list

    dest = Path(args.agencies) if args.agencies else settings.agencies_file
    notice_urls = tuple(args.notices_url) if args.notices_url else settings.agencies_notices_urls
    try:
        summary = update_agency_list(args.url or DEFAULT_URL, dest, force=args.force,
                                     delay=args.delay, notice_urls=notice_urls)
    except UpdateError as exc:
        sys.stderr.write(f"{exc}\n{dest} was NOT changed.\n")
        return 1
    sys.stdout.write(summary.describe() + "\n")
    return 0


def cmd_agencies_notices(args: argparse.Namespace, settings: Settings) -> int:
    from bot.core.agencies import import_notices

    dest, matcher = _agency_matcher(args, settings)
    if matcher is None:
        return 1
    try:
        linked, unlinked = import_notices([Path(f) for f in args.file], dest, matcher)
    except OSError as exc:
        sys.stderr.write(f"cannot read the pages: {exc}\n")
        return 1
    sys.stdout.write(f"{linked} notice(s) and complaint result(s) linked to agencies; "
                     f"{unlinked} named no agency on the list.\n")
    return 0


def cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    if settings.token:
        from bot.telegram_app.app import run_polling

        return run_polling(settings)
    from bot.console import run_console

    return run_console(settings)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from bot.web.server import run_serve

    return run_serve(settings)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rahnuma", description=__doc__)
    sub = parser.add_subparsers(dest="command")

    check = sub.add_parser("check", help="check a recruiter's name, licence number or phone")
    check.add_argument("text", nargs="*")
    check.add_argument("--agencies", help="agency list CSV (default: AGENCIES_FILE)")
    check.set_defaults(func=cmd_check)

    ask = sub.add_parser("ask", help="answer a pre-migration question from the content")
    ask.add_argument("text", nargs="*")
    ask.add_argument("--lang", choices=list(LANGUAGES), default=None)
    ask.add_argument("--content", help="content directory (default: CONTENT_DIR)")
    ask.set_defaults(func=cmd_ask)

    for p in (check, ask):
        p.add_argument("--json", action="store_true", help="print one JSON object")
        p.add_argument("--jsonl", action="store_true", help="one query per stdin line, one JSON line out")

    content = sub.add_parser("content", help="content tools")
    content_sub = content.add_subparsers(dest="content_command", required=True)
    ccheck = content_sub.add_parser("check", help="validate the content tree")
    ccheck.add_argument("--content", help="content directory (default: CONTENT_DIR)")
    ccheck.add_argument("--status", action="store_true",
                        help="print only the translation-status table")
    ccheck.set_defaults(func=cmd_content_check)

    agencies = sub.add_parser("agencies", help="agency list tools")
    agencies_sub = agencies.add_subparsers(dest="agencies_command", required=True)
    imp = agencies_sub.add_parser("import", help="validate a CSV/XLSX/HTML list and replace the list")
    imp.add_argument("file", nargs="+", help="one or more files; saved pages are merged")
    imp.add_argument("--agencies", help="destination (default: AGENCIES_FILE)")
    imp.add_argument("--source", help="where the list came from (URL or document)")
    imp.add_argument("--retrieved", help="date the list was retrieved, YYYY-MM-DD")
    imp.add_argument("--demo", action="store_true", help="mark the list as demonstration data")
    imp.set_defaults(func=cmd_agencies_import)
    upd = agencies_sub.add_parser("update", help="fetch the whole BE&OE list and replace the list")
    upd.add_argument("--url", help="list page (default: https://beoe.gov.pk/list-of-oeps)")
    upd.add_argument("--agencies", help="destination (default: AGENCIES_FILE)")
    upd.add_argument("--force", action="store_true",
                     help="accept a list with fewer than half the agencies of the one in use")
    upd.add_argument("--delay", type=float, default=None,
                     help="seconds between requests (default 1, or AGENCIES_UPDATE_DELAY)")
    upd.add_argument("--notices-url", action="append", metavar="URL",
                     help="a BE&OE notices or complaint-results page to fetch too (repeat for "
                          "several; default AGENCIES_NOTICES_URL and AGENCIES_COMPLAINTS_URL)")
    upd.set_defaults(func=cmd_agencies_update)
    notes = agencies_sub.add_parser("notices", help="import saved BE&OE notice and complaint pages")
    notes.add_argument("file", nargs="+")
    notes.add_argument("--agencies", help="the agency list they belong to (default: AGENCIES_FILE)")
    notes.set_defaults(func=cmd_agencies_notices)

    serve = sub.add_parser("serve", help="the webhook server: Telegram updates over HTTP, /healthz, "
                                         "the outbox (HOST, PORT, TELEGRAM_WEBHOOK_SECRET/URL)")
    serve.set_defaults(func=cmd_serve)

    from bot.backup import add_backup_command  # `backup`: bot/backup.py

    add_backup_command(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8", errors="replace")
    args = build_parser().parse_args(argv)
    settings = Settings.from_env()
    func = getattr(args, "func", cmd_run)
    try:
        return func(args, settings)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
