"""Report a recruiter: name, phone, what happened (each optional), stored and sent to staff."""

from __future__ import annotations

from bot.core.dialogue.ports import Report
from bot.core.dialogue.turn import LANG_NAMES, Turn
from bot.core.i18n import N_
from bot.core.markup import escape

STEPS = ("name", "phone", "story")
FIELD_LIMIT = 2000
_PROMPTS = {
    "name": N_("What is the name of the agent or agency? (You can skip this.)"),
    "phone": N_("What phone number did they use? (You can skip this.)"),
    "story": N_("What happened? Write it in your own words. (You can skip this.)"),
}


def start(turn: Turn) -> None:
    turn.user.state = {"mode": "report", "step": 0, "fields": {}}
    turn.say("You can report a recruiter. Every question is optional. Send /cancel to stop.")
    _prompt(turn)


def _prompt(turn: Turn) -> None:
    step = STEPS[int(turn.user.state.get("step", 0))]
    turn.say(_PROMPTS[step], ((turn.button("⏭ Skip", f"rp:skip:{step}"),),
                              (turn.button("✖ Stop", "menu:main"),)))


async def receive(turn: Turn, text: str | None, *, skip_step: str | None = None) -> None:
    """A text answer to the current step, or a Skip press (old Skip buttons are ignored)."""
    state = turn.user.state
    step_index = int(state.get("step", 0))
    if state.get("mode") != "report" or step_index >= len(STEPS):
        turn.result.toast = turn._("That button is from an earlier report.")
        return
    step = STEPS[step_index]
    if skip_step is not None and skip_step != step:
        turn.result.toast = turn._("That question was already answered.")
        return
    if text:
        state["fields"][step] = text[:FIELD_LIMIT]
    state["step"] = step_index + 1
    if state["step"] < len(STEPS):
        _prompt(turn)
    else:
        await _submit(turn)


async def _submit(turn: Turn) -> None:
    fields = turn.user.state.get("fields", {})
    turn.user.state = {}
    if not any(fields.values()):
        turn.say("Nothing was filled in, so no report was saved.", turn.back_to_menu())
        return
    report = Report(fields.get("name", ""), fields.get("phone", ""), fields.get("story", ""))
    number = await turn.conv.add_report(turn.user.user_id, turn.lang, report)
    await turn.conv.count("reports", "received")
    turn.to_staff("\n".join([
        f"📝 <b>Report R{number}</b> · {LANG_NAMES[turn.lang]}",
        f"<b>Agent:</b> {escape(report.agent_name) or '—'}",
        f"<b>Phone:</b> {escape(report.agent_phone) or '—'}",
        f"<b>What happened:</b> {escape(report.story) or '—'}",
    ]))
    turn.say("Thank you. Your report R{n} is saved. You can also complain at the Protector of "
             "Emigrants office or to the FIA.", n=number)
    report_topic = turn.topic_html("report-fraud")
    if report_topic:
        turn.reply(report_topic, turn.back_to_menu())
