"""The job-offer safety check: typed answers, buttons that say what they mean, urgent help for a
held passport, next steps by risk (content/safety_check.yaml), in en, ur and sd."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import test_dialogue

from bot.core.dialogue.messages import Result
from bot.core.markup import html_to_plain
from bot.core.safety_check import QuestionnaireError, load_questionnaire

REPO = Path(__file__).resolve().parents[1]
QUESTIONNAIRE = load_questionnaire(REPO / "content" / "safety_check.yaml")
knowledge = test_dialogue.knowledge  # the same fixtures: the dialogue on a real SQLite file
talk = test_dialogue.talk


def plain(result: Result) -> str:
    return "\n".join(html_to_plain(m.text) for m in result.messages)


def question_id(result: Result) -> str:
    datas = [b.data for row in result.messages[-1].buttons for b in row]
    return next(d.split(":")[1] for d in datas if d.startswith("sc:"))


@pytest.mark.parametrize(("typed", "answer"), [
    ("haan", "yes"), ("Han ji", "yes"), ("ji", "yes"), ("ہاں", "yes"), ("جی", "yes"),
    ("ها", "yes"), ("yes", "yes"), ("Y", "yes"), ("nahi", "no"), ("nahin", "no"),
    ("نہیں", "no"), ("نه", "no"), ("no.", "no"), ("n", "no"), ("pata nahi", "unsure"),
    ("معلوم نہیں", "unsure"), ("خبر ناهي", "unsure"), ("not sure", "unsure"),
])
def test_typed_answers_are_read_like_the_buttons(typed: str, answer: str) -> None:
    assert QUESTIONNAIRE.read_typed(typed) == answer


@pytest.mark.parametrize("text", ["how do I check a licence", "ایجنٹ کون ہے", "", "1234/LHR"])
def test_other_text_is_not_an_answer(text: str) -> None:
    assert QUESTIONNAIRE.read_typed(text) is None


@pytest.mark.parametrize(("lang_code", "yes", "no"), [
    ("en", "yes", "no"), ("ur", "ہاں", "نہیں"), ("sd", "ها", "نه")])
async def test_typing_answers_goes_through_the_whole_check(talk, lang_code: str, yes: str,
                                                           no: str) -> None:
    first = await talk(command="safety", language_code=lang_code)
    assert question_id(first) == "licensed"
    result = await talk(text=no, language_code=lang_code)  # licence: no -> next question
    assert question_id(result) == "money"
    safe = {"licensed": yes, "contract": yes, "protector": yes}
    for _ in range(len(QUESTIONNAIRE.questions) - 1):
        qid = question_id(result)
        result = await talk(text=safe.get(qid, no), language_code=lang_code)
    final = plain(result)
    assert "🟠" in final  # licence not confirmed: medium risk
    medium_steps = QUESTIONNAIRE.steps("medium", lang_code)
    assert medium_steps[0] in final
    assert QUESTIONNAIRE.steps("low", lang_code)[0] not in final


async def test_next_steps_differ_by_risk(talk) -> None:
    seen = {}
    for user, answers in [(1, {}), (2, {"contract": "no"}), (3, {"route": "yes"})]:
        result = await talk(user, command="safety", language_code="ur")
        for q in QUESTIONNAIRE.questions:
            default = "yes" if q.id in ("licensed", "contract", "protector") else "no"
            result = await talk(user, button=f"sc:{q.id}:{answers.get(q.id, default)}")
        seen[QUESTIONNAIRE.score({**answers}).level] = plain(result)
    assert set(seen) == {"low", "medium", "high"}
    for level, text in seen.items():
        assert all(step in text for step in QUESTIONNAIRE.steps(level, "ur")), level
        others = {"low", "medium", "high"} - {level}
        assert not any(QUESTIONNAIRE.steps(o, "ur")[0] in text for o in others)
    high = seen["high"]  # the one thing to do comes first, the reasons after it
    route_reason = next(q for q in QUESTIONNAIRE.questions if q.id == "route").reason["ur"]
    assert high.index(QUESTIONNAIRE.steps("high", "ur")[0]) < high.index(route_reason)


@pytest.mark.parametrize("lang_code", ["en", "ur", "sd"])
async def test_a_passport_held_by_someone_else_brings_up_the_helpline(talk, lang_code) -> None:
    await talk(command="safety", language_code=lang_code)
    step = [q.id for q in QUESTIONNAIRE.questions].index("passport")
    for q in QUESTIONNAIRE.questions[:step]:
        await talk(button=f"sc:{q.id}:unsure")
    result = await talk(button="sc:passport:yes")
    text = plain(result)
    assert "111-247-786" in text  # the helpline's first lines, at once
    assert any(b.data == "menu:helpline" for m in result.messages for row in m.buttons for b in row)
    assert question_id(result) == QUESTIONNAIRE.questions[step + 1].id  # the check goes on
    for q in QUESTIONNAIRE.questions[step + 1:]:
        result = await talk(button=f"sc:{q.id}:no")
    assert "🔴" in plain(result)  # critical: high risk whatever else was answered


@pytest.mark.parametrize("lang_code", ["en", "ur", "sd"])
async def test_buttons_say_what_they_mean_where_yes_is_the_safe_answer(talk, lang_code) -> None:
    result = await talk(command="safety", language_code=lang_code)
    labels = {b.data: b.label for row in result.messages[-1].buttons for b in row}
    licensed = QUESTIONNAIRE.questions[0]
    assert labels["sc:licensed:yes"] == licensed.label("yes", lang_code)
    assert labels["sc:licensed:yes"].startswith("✅") and labels["sc:licensed:no"].startswith("❌")
    for q in QUESTIONNAIRE.questions:  # every question: "yes" is a warning sign, or labelled
        safe_yes = q.points["yes"] < q.points["no"]
        assert not safe_yes or (q.label("yes", lang_code) and q.label("no", lang_code)), q.id


def test_a_malformed_questionnaire_is_refused_with_its_reason(tmp_path: Path) -> None:
    path = tmp_path / "safety_check.yaml"
    shutil.copy(REPO / "content" / "safety_check.yaml", path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  medium:\n    en:", "  medium:\n    xx:", 1), encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="no steps for en"):
        load_questionnaire(path)
    path.write_text("a: &x [1]\nb: *x\n", encoding="utf-8")
    with pytest.raises(QuestionnaireError, match="anchor or alias"):
        load_questionnaire(path)
