"""End-to-end conversations through the real Application and the Bot API stand-in,
in English, Urdu, Sindhi and Roman Urdu."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from harness import ADMIN_ID, REPO, STAFF_CHAT, STAFF_MEMBER, buttons_of, replies, text_of
from standin import BotApiStandin

URDU_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def demo_agencies() -> list[dict[str, str]]:
    with (REPO / "content" / "agencies.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def a_valid_agency() -> dict[str, str]:
    return next(a for a in demo_agencies() if a["status"] == "valid" and a["valid_until"] > "2027")


def topic_title(lang: str, topic_id: str) -> str:
    for line in (REPO / "content" / lang / f"{topic_id}.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("title:"):
            return line.split(":", 1)[1].strip().strip('"')
    raise AssertionError("no title")


async def test_start_offers_languages_then_menu(rahnuma, staffed_standin: BotApiStandin) -> None:
    s = staffed_standin
    await s.user_sends(1, "/start", language_code="ur")
    first = await replies(s, 1)
    assert {data for _, data in buttons_of(first[-1])} == {"lang:en", "lang:ur", "lang:sd"}
    await s.press_button(1, "lang:sd", first[-1]["message_id"])
    menu = await replies(s, 1)
    datas = [data for _, data in buttons_of(menu[-1])]
    assert datas == ["menu:check", "menu:ask", "menu:safety", "menu:helpline", "menu:report",
                     "menu:language"]
    # The button press was acknowledged (no spinning button on a cheap phone).
    assert s.calls("answerCallbackQuery")


@pytest.mark.parametrize("lang_code", ["en", "ur", "sd"])
async def test_licence_number_in_urdu_digits_is_checked(rahnuma, staffed_standin: BotApiStandin,
                                                        lang_code: str) -> None:
    agency = a_valid_agency()
    number, city = agency["license_no"].split("/", 1)[0], agency["license_no"].split("/")[-1]
    s = staffed_standin
    await s.user_sends(2, f"{number.translate(URDU_DIGITS)}/{city}", language_code=lang_code)
    text = text_of(await replies(s, 2))
    assert agency["name"] in text
    assert agency["license_no"] in text
    assert "DEMONSTRATION" in text.upper() or "BE&OE" in text  # demo data is always announced
    assert "✅" in text


async def test_impostor_name_is_never_licensed(rahnuma, staffed_standin: BotApiStandin) -> None:
    s = staffed_standin
    await s.user_sends(3, "/check Zzyzx Qwerty Overseas Employment Promoters")
    text = text_of(await replies(s, 3))
    assert "✅" not in text
    assert "❔" in text or "⚠️" in text


@pytest.mark.parametrize(("text", "lang", "topic"), [
    ("can i go for a job on a visit visa?", "en", "visit-visa-trap"),
    ("کیا میں وزٹ ویزا پر نوکری کے لیے جا سکتا ہوں؟", "ur", "visit-visa-trap"),
    ("ڇا مان وزٽ ويزا تي نوڪري لاءِ وڃي سگهان ٿو؟", "sd", "visit-visa-trap"),
    ("kya visit visa pe kaam karne ja sakta hun", "ur", "visit-visa-trap"),
])
async def test_question_is_answered_in_the_language_it_is_written_in(
        rahnuma, staffed_standin: BotApiStandin, text: str, lang: str, topic: str) -> None:
    s = staffed_standin
    await s.user_sends(4, text, language_code="en")
    answer = text_of(await replies(s, 4))
    assert topic_title(lang, topic) in answer


async def test_safety_check_high_risk_offers_helpline(rahnuma, staffed_standin: BotApiStandin) -> None:
    s = staffed_standin
    await s.user_sends(5, "/safety", language_code="ur")
    messages = await replies(s, 5)
    for _ in range(8):
        question = messages[-1]
        yes = next(data for _, data in buttons_of(question) if data.endswith(":yes"))
        await s.press_button(5, yes, question["message_id"])
        messages = await replies(s, 5)
    result = messages[-1]
    assert "🔴" in result["text"]
    assert ("☎️" in "".join(label for label, _ in buttons_of(result))
            and "menu:helpline" in [d for _, d in buttons_of(result)])
    # An old button after the check has ended gets a clear answer, not a crash.
    await s.press_button(5, "sc:licensed:no", question["message_id"])
    assert await replies(s, 5)


async def test_escalation_both_ways_and_staff_close(rahnuma, staffed_standin: BotApiStandin) -> None:
    s = staffed_standin
    await s.user_sends(6, "/helpline", language_code="sd")
    user_side = await replies(s, 6)
    assert "111-247-786" in text_of(user_side)  # helpline numbers first, from the content
    header = (await s.wait_for(STAFF_CHAT))[0]
    assert "#" in header["text"]
    await s.user_sends(6, "منهنجو پاسپورٽ ايجنٽ وٽ آهي <b>not bold</b>", language_code="sd")
    relayed = (await s.wait_for(STAFF_CHAT))[0]
    assert "منهنجو پاسپورٽ ايجنٽ وٽ آهي" in relayed["text"]
    assert "<b>not bold</b>" in relayed["text"]  # user text escaped, shown literally
    await s.user_sends(STAFF_MEMBER, "We are here. Where are you now?", chat_id=STAFF_CHAT,
                       reply_to_message_id=relayed["message_id"])
    delivered = text_of(await replies(s, 6))
    assert "We are here. Where are you now?" in delivered
    await s.user_sends(6, photo=b"\xff\xd8photo", caption="receipt")
    copied = await s.wait_for_call("copyMessage")
    assert copied[-1]["chat_id"] in (STAFF_CHAT, str(STAFF_CHAT))
    await s.user_sends(STAFF_MEMBER, "/close", chat_id=STAFF_CHAT,
                       reply_to_message_id=header["message_id"])
    closed = text_of(await replies(s, 6))
    assert "/helpline" in closed
    # After the ticket is closed, the person's text is answered by the bot again.
    await s.user_sends(6, "hello?")
    await replies(s, 6)
    staff_texts = text_of(s.sent(STAFF_CHAT))
    assert "hello?" not in staff_texts


async def test_admin_commands_refused_to_non_admins(rahnuma, staffed_standin: BotApiStandin) -> None:
    s = staffed_standin
    await s.user_sends(7, "/reload")
    assert "admins only" in text_of(await replies(s, 7))
    await s.user_sends(STAFF_MEMBER, "/stats", chat_id=STAFF_CHAT)
    refused = await replies(s, STAFF_CHAT)
    assert "admins only" in text_of(refused)
    assert not s.calls("sendPhoto")
    await s.user_sends(ADMIN_ID, "/stats", chat_id=STAFF_CHAT)
    await s.wait_for_call("sendPhoto")


def test_console_chat_runs_the_same_dialogue(tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "TELEGRAM_BOT_TOKEN"}
    env["DATA_DIR"] = str(tmp_path)
    out = subprocess.run([sys.executable, "-m", "bot"], input="/start\n1\nvisit visa job\n",
                         capture_output=True, text=True, cwd=REPO, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "[1] English" in out.stdout
    assert topic_title("en", "visit-visa-trap") in out.stdout


@pytest.mark.parametrize(("text", "lang"), [
    ("is Al Falah Overseas Employment Promoters licensed?", "en"),
    ("کیا الفلاح اوورسیز ایمپلائمنٹ پروموٹرز رجسٹرڈ ہے؟", "ur"),
    ("ڇا الفلاح اوورسيز ايمپلائمينٽ پروموٽرز رجسٽرڊ آهي؟", "sd"),
    # "al falah overseas" alone is shared by several listed agencies (answered `similar`, listed)
    ("kya al falah overseas employment promoters wale licensed hain", "ur"),
])
async def test_agency_name_check_in_every_language(rahnuma, staffed_standin: BotApiStandin,
                                                   text: str, lang: str) -> None:
    from bot.core.i18n import translator

    s = staffed_standin
    await s.user_sends(8, "/check " + text, language_code="en")
    reply = text_of(await replies(s, 8))
    headline = translator(lang, REPO / "content").gettext(
        "Licensed: this agency is on the list with a valid licence.")
    assert headline in reply
    assert "7979/LHR" in reply and "Al-Falah Overseas Employment Promoters" in reply
    list_date = translator(lang, REPO / "content").gettext("List date: {date}").split("{")[0]
    assert list_date in reply


async def test_safety_check_in_english_low_risk(rahnuma, staffed_standin: BotApiStandin) -> None:
    s = staffed_standin
    await s.user_sends(9, "/start", language_code="en")
    first = await replies(s, 9)
    await s.press_button(9, "lang:en", first[-1]["message_id"])
    menu = await replies(s, 9)
    await s.press_button(9, "menu:safety", menu[-1]["message_id"])
    messages = await replies(s, 9)
    safe = {"licensed": "yes", "contract": "yes", "protector": "yes"}
    for _ in range(8):
        question = messages[-1]
        options = [data for _, data in buttons_of(question) if data.startswith("sc:")]
        qid = options[0].split(":")[1]
        await s.press_button(9, f"sc:{qid}:{safe.get(qid, 'no')}", question["message_id"])
        messages = await replies(s, 9)
    assert "🟢" in messages[-1]["text"]
    assert "menu:helpline" not in [d for _, d in buttons_of(messages[-1])]


async def test_a_voice_note_is_offered_to_the_helpline_and_copied_there_on_yes(
        rahnuma, staffed_standin: BotApiStandin) -> None:
    s = staffed_standin
    note = await s.user_sends(8, voice=b"OggS\x00voice", language_code="ur")
    offer = (await replies(s, 8))[-1]
    assert {"vn:yes", "vn:no"} <= {data for _, data in buttons_of(offer)}
    assert s.sent(STAFF_CHAT) == []  # nothing reaches staff before the person agrees
    await s.press_button(8, "vn:yes", offer["message_id"])
    await replies(s, 8)
    copied = await s.wait_for_call("copyMessage")
    assert copied[-1]["message_id"] in (note["message_id"], str(note["message_id"]))
    assert copied[-1]["chat_id"] in (STAFF_CHAT, str(STAFF_CHAT))
    assert "Telegram" in text_of(s.sent(STAFF_CHAT))  # the ticket header names the channel
