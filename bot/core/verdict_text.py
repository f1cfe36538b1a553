"""The words a person reads for an agency check, in their language.

Every verdict shows the licence details it rests on and the list's date, and says so when
the list is demonstration data. "Not found" means "could not confirm", never an accusation.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from bot.core.agencies.records import Agency
from bot.core.agencies.verdict import CheckResult
from bot.core.i18n import format_date, translator
from bot.core.markup import escape, html_to_plain

Gettext = Callable[[str], str]
_STATUS_VERDICTS = {"suspended", "cancelled", "expired", "surrendered", "invalid", "blacklisted"}


def status_word(status: str, _: Gettext) -> str:
    """A licence status in the reader's language (also used for watches)."""
    return {
        "valid": _("valid"), "suspended": _("suspended"), "cancelled": _("cancelled"),
        "expired": _("expired"), "surrendered": _("surrendered"), "invalid": _("invalid"),
        "blacklisted": _("blacklisted"),
    }.get(status, status)


def _headline(result: CheckResult, _: Gettext) -> str:
    verdict, reason = result.verdict, result.reason
    if verdict == "licensed":
        return "✅ " + _("Licensed: this agency is on the list with a valid licence.")
    if verdict in _STATUS_VERDICTS:
        return "⛔ " + _("This licence is NOT valid now. Status: {status}.").format(
            status=status_word(verdict, _).upper())
    if verdict == "similar" and reason == "shared_name":
        return "⚠️ " + _("Several licensed agencies have this name. I cannot tell which one you mean.")
    if verdict == "similar" and reason == "mismatch":
        return "⚠️ " + _("Not confirmed: the licence number, phone and name you sent do not belong "
                         "to the same agency.")
    if verdict == "similar" and reason == "qualified":
        return "⚠️ " + _("Not confirmed: a sub-agent, a branch or a copy of a licensed agency is "
                         "not licensed itself.")
    if verdict == "similar" and reason == "lookalike_business":
        return "⚠️ " + _("Not confirmed: a licensed agency has this name, but with other business "
                         "words. It may be a look-alike.")
    if verdict == "similar" and reason == "unknown_number":
        return "⚠️ " + _("Not confirmed: this licence number or phone is not on the list.")
    if reason == "error":
        return "❔ " + _("Sorry, I could not check right now. Please try again in a few minutes.")
    if reason == "unknown_number":
        return "❔ " + _("Could not confirm: this licence number or phone is not on the list.")
    if verdict == "similar":
        return "⚠️ " + _("Not confirmed: this name is similar to a licensed agency, but not the same.")
    if reason == "generic_only":
        return "❔ " + _("That name is too general to check: many agencies use these words.")
    if reason == "empty":
        return "❔ " + _("Send me the agency's name, licence number (like 1234/LHR) or phone number.")
    return "❔ " + _("Could not confirm: I did not find this in the list of licensed agencies.")


def _evidence(result: CheckResult, _: Gettext) -> list[str]:
    """One line per licence number or phone that belongs to an agency other than the answer's."""
    if result.reason != "mismatch":
        return []
    lines = []
    for kind, value, agency in result.mentioned:
        if agency is None:
            line = (_("Licence {licence} is not on the list.") if kind == "license_no"
                    else _("Phone {phone} is not on the list.")).format(licence=value, phone=value)
        elif result.match is not None and agency == result.match:
            continue
        elif kind == "license_no":
            line = _("Licence {licence} belongs to {name}, not to the name you gave. Agents who "
                     "borrow a licence are not licensed.").format(licence=value, name=agency.name)
        else:
            line = _("Phone {phone} belongs to {name}, not to the name you gave.").format(
                phone=value, name=agency.name)
        lines.append(line)
    return lines


def notice_kind(kind: str, _: Gettext) -> str:
    """A BE&OE notice's kind in the reader's language."""
    return {
        "show-cause": _("show-cause notice"), "warning": _("warning"),
        "suspension": _("suspension"), "blacklisting": _("blacklisting"),
        "restoration": _("restoration"), "cancellation": _("cancellation"),
        "sealing": _("office sealed"), "notice": _("notice"),
    }.get(kind, kind)


def _notices(result: CheckResult, _: Gettext, lang: str) -> list[str]:
    """The latest BE&OE notice about the agency, and its complaints."""
    notices = [n for n in result.notices if n.kind != "complaint"]
    complaints = [n for n in result.notices if n.kind == "complaint"]
    lines: list[str] = []
    if notices:
        n = notices[0]
        when = format_date(n.when, lang) if n.when else _("date not given")
        lines.append("📣 " + escape(_("BE&OE notice: {kind}, {date}").format(
            kind=notice_kind(n.kind, _), date=when)))
    if complaints:
        statuses = ", ".join(sorted({c.status for c in complaints if c.status}))
        lines.append("📣 " + escape(_("Complaints to BE&OE about this agency: {count} ({status})")
                                    .format(count=len(complaints), status=statuses or "—")))
    return ["", *lines] if lines else []


def _advice(result: CheckResult, _: Gettext) -> list[str]:
    verdict, reason = result.verdict, result.reason
    if reason == "error":
        return [_("Do not pay anyone until you can confirm the licence.")]
    if verdict == "licensed":
        return [_("Compare these details with what the recruiter gave you: name, licence number, "
                  "address and phone must all match. Someone can use a real agency's name."),
                _("Before you pay or travel, confirm the job at the Protector of Emigrants office.")]
    if verdict in _STATUS_VERDICTS:
        return [_("Do not pay this agency and do not give it your passport."),
                _("If you have already paid, report it: /report or /helpline.")]
    if verdict == "similar" and reason == "shared_name":
        return [_("Ask the recruiter for the licence number and check it here. Then compare the "
                  "city, address and phone.")]
    if verdict == "similar":
        return [_("Fraudsters often use names that look like licensed agencies. Ask for the licence "
                  "number and check that every detail matches exactly."),
                _("Do not pay until the licence number is confirmed.")]
    if reason in ("generic_only", "empty"):
        return [_("Ask the recruiter for their licence number and send it to me.")]
    return [_("This does not prove the agent is a fraud, but do not pay until you can confirm the "
              "licence. Ask for the licence number and send it to me."),
            _("If someone is recruiting without a licence, you can report it: /report")]


def _details(agency: Agency, status: str, _: Gettext, lang: str) -> list[str]:
    rows = [
        (_("Licence"), agency.license_no),
        (_("Name"), agency.name),
        (_("Proprietor"), agency.proprietor),
        (_("City"), agency.city),
        (_("Address"), agency.address),
        (_("Phone"), agency.phone),
        (_("Status"), status_word(status, _)),
        (_("Valid until"), format_date(agency.valid_until, lang) if agency.valid_until else ""),
    ]
    return [f"<b>{escape(label)}:</b> {escape(value)}" for label, value in rows if value]


def list_lines(list_date: date | None, demo: bool, lang: str) -> list[str]:
    """What every answer that rests on the list ends with: its date, and the warning when it is
    demonstration data (HTML lines, each after an empty one)."""
    _ = translator(lang).gettext
    lines = []
    if list_date:
        lines += ["", escape(_("List date: {date}").format(date=format_date(list_date, lang)))]
    if demo:
        lines += ["", "⚠️ <b>" + escape(_("DEMONSTRATION DATA: this is not the official BE&OE list. "
                                          "Do not rely on this answer; check the BE&OE website.")) + "</b>"]
    return lines


def render_check(result: CheckResult, lang: str, *, html: bool = True) -> str:
    """The full chat reply for an agency check, as Telegram HTML (or plain text)."""
    _ = translator(lang).gettext
    lines = [f"<b>{escape(_headline(result, _))}</b>"]
    evidence = _evidence(result, _)
    if evidence:
        lines += ["", *(escape(e) for e in evidence)]
    if result.match is not None:
        lines += ["", *_details(result.match, result.verdict if result.verdict != "licensed"
                                else "valid", _, lang)]
    lines += _notices(result, _, lang)
    if result.verdict == "similar" and result.candidates:
        label = (_("Agencies with this name:") if result.reason == "shared_name"
                 else _("On the list:") if result.reason in ("mismatch", "qualified")
                 else _("It resembles:"))
        lines += ["", f"<b>{escape(label)}</b>"]
        for c in result.candidates:
            a = c.agency
            status = status_word(a.effective_status(result.today or date.today()).value, _)
            lines.append(f"• {escape(a.name)} — {escape(a.city)}, {escape(a.license_no)} ({escape(status)})")
    lines += ["", *(escape(a) for a in _advice(result, _))]
    lines += list_lines(result.list_date, result.demo, lang)
    text = "\n".join(lines)
    return text if html else html_to_plain(text)
