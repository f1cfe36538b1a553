"""The job-offer safety check as a conversation: one question at a time, buttons to answer."""

from __future__ import annotations

from bot.core.dialogue.messages import Button
from bot.core.dialogue.turn import Turn
from bot.core.i18n import N_
from bot.core.markup import escape, markdown_to_html
from bot.core.safety_check import ANSWERS

_ANSWER_LABELS = {"yes": N_("Yes"), "no": N_("No"), "unsure": N_("Not sure")}


def start(turn: Turn) -> None:
    turn.user.state = {"mode": "safety", "answers": {}, "step": 0}
    turn.say("Let's check this job offer together. I will ask {n} short questions.",
             n=len(turn.knowledge.questionnaire.questions))
    ask_current(turn)


def ask_current(turn: Turn) -> None:
    questions = turn.knowledge.questionnaire.questions
    step = int(turn.user.state.get("step", 0))
    q = questions[step]
    buttons = tuple((Button(q.label(a, turn.lang) or turn._(_ANSWER_LABELS[a]), f"sc:{q.id}:{a}"),)
                    for a in ANSWERS)
    text = f"<b>{step + 1}/{len(questions)}</b> {escape(q.ask.get(turn.lang) or q.ask['en'])}"
    turn.reply(text, (*buttons, (turn.button("✖ Stop", "menu:main"),)))


def typed(turn: Turn, text: str) -> bool:
    """A typed answer (haan, nahi, ہاں, نہیں, ها, نه, yes, no …) during the check, taken like
    the button. False when the text is not an answer (then it is read as a question)."""
    state = turn.user.state
    questions = turn.knowledge.questionnaire.questions
    step = int(state.get("step", 0))
    if state.get("mode") != "safety" or step >= len(questions):
        return False
    value = turn.knowledge.questionnaire.read_typed(text)
    if value is None:
        return False
    answer(turn, questions[step].id, value)
    return True


def answer(turn: Turn, question_id: str, value: str) -> None:
    """A button press. Old buttons (another question, or after the check ended) are handled."""
    state = turn.user.state
    questions = turn.knowledge.questionnaire.questions
    step = int(state.get("step", 0))
    if state.get("mode") != "safety" or step >= len(questions) or value not in ANSWERS:
        turn.result.toast = turn._("That button is from an earlier check.")
        turn.say("Tap below to start the safety check again.",
                 ((turn.button("🛡 Is this job offer safe?", "menu:safety"),),))
        return
    if questions[step].id != question_id:
        turn.result.toast = turn._("That question was already answered.")
        ask_current(turn)
        return
    state["answers"][question_id] = value
    state["step"] = step + 1
    if questions[step].urgent and value == "yes":
        _urgent_help(turn)
    if state["step"] < len(questions):
        ask_current(turn)
    else:
        finish(turn)


def finish(turn: Turn) -> None:
    questionnaire = turn.knowledge.questionnaire
    outcome = questionnaire.score(turn.user.state.get("answers", {}))
    turn.user.state = {}
    headline = {
        "high": "🔴 " + turn._("High risk: do not pay and do not travel yet."),
        "medium": "🟠 " + turn._("Medium risk: check more before you pay anything."),
        "low": "🟢 " + turn._("Low risk from what you told me. Still follow the legal steps."),
    }[outcome.level]
    # What to do comes first (the first screen); why, after it.
    next_steps = turn._("Next steps:")
    lines = [f"<b>{escape(headline)}</b>", "", f"<b>{escape(next_steps)}</b>"]
    lines += [f"• {escape(step)}" for step in questionnaire.steps(outcome.level, turn.lang)]
    by_id = {q.id: q for q in questionnaire.questions}
    if outcome.reasons:
        why = turn._("Why:")
        lines += ["", f"<b>{escape(why)}</b>"]
        lines += [f"• {escape(by_id[r].reason.get(turn.lang) or by_id[r].reason['en'])}"
                  for r in outcome.reasons]
    buttons = [(turn.button("📚 Red flags of fake jobs", "topic:fake-job-red-flags"),)]
    if outcome.level == "high":  # the next steps already say: talk to the helpline now
        buttons.insert(0, (turn.button("☎️ Talk to the helpline", "menu:helpline"),))
    buttons.append((turn.button("☰ Menu", "menu:main"),))
    turn.reply("\n".join(lines), tuple(buttons))


def _urgent_help(turn: Turn) -> None:
    """Someone else holds the passport: the helpline's first lines now, the check goes on."""
    helpline = turn.topic("helpline")
    text = "⚠️ " + escape(turn._("Nobody may keep your passport. This can be a sign of "
                                 "forced labour or trafficking. Get help now:"))
    if helpline is not None:
        text += "\n\n" + markdown_to_html(helpline.lead)
    turn.reply(text, ((turn.button("☎️ Talk to the helpline", "menu:helpline"),),))
