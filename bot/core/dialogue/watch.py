"""Watching an agency: "Tell me if this changes" after a check, and telling people when it does.

Offered only when the answer names one agency (licensed, or a status verdict such as suspended):
not for `similar`, where the bot itself cannot tell which agency the person means; a later
"this agency changed" about the first look-alike would read as if it were theirs.

A watch keeps the least needed: the person's ids, the licence number, their language, the
standing they saw (status, valid until, latest notice) and when. `notify(...)` compares every
watch with the list in use (`bot.core.agencies.watching`) and, for each person with changes,
records the new standings and queues one message in their language in one transaction
(`WatchLedger.record`). A person is told at most once a day (`TELL_EVERY_SECONDS`): what changes
sooner waits for the next pass. Batches are small and `pace` waits between them, so that
thousands of watchers never hold up the people talking to the bot now.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date

from bot.core.agencies.records import AgencyList, Status
from bot.core.agencies.verdict import CheckResult
from bot.core.agencies.watching import NOT_LISTED, Change, Standing, Standings
from bot.core.dialogue.messages import Button, Keyboard, Outgoing
from bot.core.dialogue.ports import Tell, Watch, WatchLedger
from bot.core.dialogue.turn import Turn
from bot.core.i18n import N_, format_date, translator
from bot.core.knowledge import Knowledge
from bot.core.languages import LANGUAGES
from bot.core.markup import escape, split_message
from bot.core.verdict_text import list_lines, notice_kind, status_word

MAX_WATCHES = 10  # per person
TELL_EVERY_SECONDS = 24 * 3600  # a person is told at most once a day
PEOPLE_PER_PAGE = 500  # watches are read this many people at a time
WATCH_LABEL = N_("🔔 Tell me if this changes")
# For WhatsApp reply buttons (at most 20 characters in every language; tested).
WATCH_LABEL_SHORT = N_("🔔 Watch this")
STOP_LABEL = N_("🔕 Stop watching")  # short enough for WhatsApp as it is
_STATUSES = frozenset(s.value for s in Status)


# --- after a check -----------------------------------------------------------------------------

def offer(turn: Turn, result: CheckResult) -> Button | None:
    """The button for a check whose answer names one agency, else None. Its data carries the
    status the person saw, so a list that changes before they press is still news."""
    if result.match is None or result.verdict == "similar" or result.reason == "error":
        return None
    status = result.match.effective_status(result.today or date.today()).value
    data = f"w:{status}:{result.match.license_no}"
    return turn.button(WATCH_LABEL, data) if len(data.encode()) <= 64 else None


_last: list[Standings] = []  # the standings of the list in use (one press builds them once)


def _standings(agencies: AgencyList) -> Standings:
    today = date.today()
    if not _last or _last[0].agencies is not agencies or _last[0].today != today:
        _last[:] = [Standings(agencies, today)]
    return _last[0]


async def press(turn: Turn, rest: str) -> None:
    """`w:<status>:<licence>`: start watching the licence."""
    status, _, license_no = rest.partition(":")
    standings = _standings(turn.knowledge.agencies)
    agency = standings.agency(license_no)
    if agency is None or status not in _STATUSES:
        turn.say("That licence is not on the list in use now, so I cannot watch it. Send the "
                 "licence number to check it again.", turn.back_to_menu())
        return
    now = standings.now(license_no)
    watch = Watch(turn.user.user_id, turn.user.chat_id, license_no, turn.lang,
                  Standing(status, now.valid_until, now.notice), time.time())
    outcome = await turn.conv.add_watch(watch, limit=MAX_WATCHES)
    if outcome == "full":
        turn.say("You are already watching {max} agencies, the most I keep for one person. Stop "
                 "watching one first (🔕 under its message), or send /delete_my_data to remove "
                 "them all.", turn.back_to_menu(), max=MAX_WATCHES)
        return
    if outcome == "added":
        await turn.conv.count("watch", "added")
    turn.say("🔔 I will tell you when licence {licence} ({name}) changes on the BE&OE list: its "
             "status, its expiry date, or a new BE&OE notice. At most one message a day. To stop, "
             "press the button below or send /delete_my_data.",
             ((turn.button(STOP_LABEL, f"wu:{license_no}"),), *turn.back_to_menu()),
             licence=license_no, name=agency.name)


async def stop(turn: Turn, license_no: str) -> None:
    """`wu:<licence>`: stop watching it (nothing to stop says the same)."""
    if await turn.conv.remove_watch(turn.user.user_id, license_no):
        await turn.conv.count("watch", "stopped")
    turn.say("🔕 Stopped: I will not tell you about licence {licence} any more.",
             turn.back_to_menu(), licence=license_no)


# --- telling people ----------------------------------------------------------------------------

def _line(change: Change, lang: str) -> list[str]:
    _ = translator(lang).gettext
    agency = change.agency
    who = f"<b>{escape(change.license_no)}</b>" + (f" ({escape(agency.name)})" if agency else "")
    now, seen = change.now, change.seen
    lines = []
    if now.status == NOT_LISTED:
        lines.append("❔ " + who + " " + escape(_(
            "could not be found on the latest list. This does not mean it is a fraud: lists "
            "change. Check with BE&OE (the Protector of Emigrants office) before you pay or "
            "hand over your passport.")))
    elif change.status_changed:
        mark = "✅" if now.status == Status.VALID else "⛔"
        before = (_("not on the list") if seen.status == NOT_LISTED
                  else status_word(seen.status, _))
        lines.append(f"{mark} {who} " + escape(_("status now: {status} (before: {before}).").format(
            status=status_word(now.status, _).upper(), before=before)))
        if now.status != Status.VALID:
            lines.append(escape(_("Do not pay this agency and do not give it your passport.")))
    if change.expiry_changed and now.valid_until:
        until = format_date(date.fromisoformat(now.valid_until), lang)
        lines.append(("📅 " + who + " " if not lines else "📅 ")
                     + escape(_("valid until {date}.").format(date=until)))
    if change.notice is not None:
        n = change.notice
        when = format_date(n.when, lang) if n.when else _("date not given")
        lines.append(("📣 " + who + " " if not lines else "📣 ")
                     + escape(_("BE&OE notice: {kind}, {date}").format(
                         kind=notice_kind(n.kind, _), date=when)))
    return lines


def message(changes: list[tuple[Watch, Change]], lang: str, knowledge: Knowledge,
            chat_id: int) -> tuple[Outgoing, ...]:
    """One message telling a person what changed about the licences they watch."""
    _ = translator(lang).gettext
    lines = ["<b>" + escape(_("🔔 A licence you asked me to watch has changed:")) + "</b>"]
    buttons: list[tuple[Button, ...]] = []
    for _watch, change in changes:
        lines += ["", *_line(change, lang)]
        buttons.append((Button("🔎 " + change.license_no, f"wc:{change.license_no}"),
                        Button(_(STOP_LABEL), f"wu:{change.license_no}")))
    prov = knowledge.agencies.provenance
    lines += list_lines(prov.retrieved, prov.demo, lang)
    lines += ["", escape(_("Send /delete_my_data to stop all messages like this."))]
    parts = split_message("\n".join(lines))
    keyboard: Keyboard = tuple(buttons)
    return tuple(Outgoing(chat_id, part, keyboard if i == len(parts) - 1 else ())
                 for i, part in enumerate(parts))


@dataclass(slots=True)
class NotifySummary:
    people: int = 0      # told
    deferred: int = 0    # changed, but told less than a day ago: the next pass tells them
    lost: int = 0        # changed under our feet (another instance, a deletion): not told here
    superseded: bool = False  # a new list came in during the pass: run again


Pace = Callable[[list[int], set[int]], Awaitable[None]]


async def notify(knowledge: Callable[[], Knowledge], ledger: WatchLedger, pace: Pace, *,
                 batch: int = 20, now: float | None = None, today: date | None = None) -> NotifySummary:
    """One pass over every watch against the list in use; see the module docstring."""
    start = knowledge()
    standings = Standings(start.agencies, today or date.today())
    summary = NotifySummary()
    tells: list[Tell] = []
    after: int | None = None

    async def flush() -> None:
        if tells:
            ids, chats = await ledger.record(tells)
            lost = sum(1 for t in tells if t.messages[0].chat_id not in chats)
            summary.lost += lost
            summary.people += len(tells) - lost
            tells.clear()
            await pace(ids, chats)

    while True:
        page = await ledger.watches_after(after, PEOPLE_PER_PAGE)
        if not page:
            break
        if knowledge().agencies is not start.agencies:
            summary.superseded = True
            return summary
        for person in _by_person(page):
            after = person[0].user_id
            changes = [(w, c) for w in person if (c := standings.change(w.license_no, w.seen))]
            if not changes:
                continue
            at = time.time() if now is None else now
            told = max((w.told_at or 0.0) for w in person)
            if at - told < TELL_EVERY_SECONDS:
                summary.deferred += 1
                continue
            lang = _language(person)
            tells.append(Tell(tuple((w, c.now) for w, c in changes),
                              message(changes, lang, start, person[0].chat_id), at))
            if len(tells) >= batch:
                await flush()
        after = page[-1].user_id
    await flush()
    return summary


def _by_person(page: list[Watch]) -> list[list[Watch]]:
    people: dict[int, list[Watch]] = {}
    for w in page:
        people.setdefault(w.user_id, []).append(w)
    return list(people.values())


def _language(person: list[Watch]) -> str:
    """The language of their latest watch (the ledger gives their saved language, if any)."""
    lang = max(person, key=lambda w: w.created_at).lang
    return lang if lang in LANGUAGES else "en"
