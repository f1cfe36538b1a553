"""Telegram misbehaving: 30% of calls fail (500, 429, dropped connection) or are slow.

Every question still gets its answer; every helpline message arrives once, in order, in both
directions. With ``drop_after`` (Telegram did the work but the answer was lost) the bot cannot
know the message arrived, so it sends it again: that is counted and documented, never lost.
"""

from __future__ import annotations

import asyncio

import pytest
from harness import REPO, STAFF_CHAT, STAFF_MEMBER, replies, text_of
from reliability_kit import markers, tally, texts, wait_markers
from standin import BotApiStandin, Faults

QUESTIONS = {
    "can i go for a job on a visit visa?": "visit-visa-trap",
    "how much fee can an agent take": "fees-and-receipts",
    "what is protector registration": "protector-registration",
    "is my contract real": "employment-contract",
    "how to send money home safely": "safe-remittances",
    "what medical tests are needed": "medical-tests",
    "the agent has my passport": "passport-and-documents",
    "how do I know if an agency is licensed": "licensed-recruiters",
    "insurance for workers abroad": "insurance-and-welfare",
    "skills training courses": "skills-and-training",
    "help when abroad embassy": "help-abroad",
}


def title(topic_id: str) -> str:
    for line in (REPO / "content" / "en" / f"{topic_id}.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("title:"):
            return line.split(":", 1)[1].strip().strip('"')
    raise AssertionError(f"no title in {topic_id}")


async def open_ticket(s: BotApiStandin, user_id: int) -> dict:
    """/helpline; returns the ticket header in the staff chat (once its delivery is recorded)."""
    await s.user_sends(user_id, "/helpline", language_code="en")
    header = (await s.wait_for(
        lambda m: m["chat"]["id"] == STAFF_CHAT and "Ticket #" in (m.get("text") or ""),
        timeout=60))[0]
    await replies(s, user_id, timeout=60)
    await asyncio.sleep(0.6)
    return header


async def two_way(s: BotApiStandin, user_id: int, header: dict, n: int) -> tuple:
    """n messages alternating person -> staff and staff -> person; the tallies of both sides."""
    to_staff, to_user = markers("U", n), markers("S", n)
    for u, st in zip(to_staff, to_user, strict=True):
        await s.user_sends(user_id, f"{u} they took my passport")
        await s.user_sends(STAFF_MEMBER, f"{st} we hear you", chat_id=STAFF_CHAT,
                           reply_to_message_id=header["message_id"])
        await asyncio.sleep(0.02)
    ok = await wait_markers(s, STAFF_CHAT, to_staff, 90) and await wait_markers(s, user_id, to_user, 90)
    assert ok, "not everything arrived within 90 s"
    await asyncio.sleep(1.0)  # duplicates, if any, would arrive now
    return tally(to_staff, texts(s.sent(STAFF_CHAT))), tally(to_user, texts(s.sent(user_id)))


@pytest.mark.parametrize("kinds", [("500", "429", "drop"), ("slow",)], ids=["500-429-drop", "slow"])
async def test_thirty_percent_faults_lose_and_duplicate_nothing(
        rahnuma, staffed_standin: BotApiStandin, kinds: tuple[str, ...]) -> None:
    s = staffed_standin
    s.faults = Faults(error_rate=0.3, kinds=set(kinds), retry_after=1, slow_seconds=0.5, seed=7)

    # Every question gets its answer (users ask at the same time).
    asked = dict(enumerate(list(QUESTIONS.items())[:6], start=100))
    for uid, (question, _) in asked.items():
        await s.user_sends(uid, question)
    for uid, (_, topic) in asked.items():
        assert title(topic) in text_of(await replies(s, uid, timeout=60, quiet=0.2))

    # A helpline chat: 10 messages each way, interleaved, exactly once and in order.
    header = await open_ticket(s, 150)
    to_staff, to_user = await two_way(s, 150, header, 10)
    for side in (to_staff, to_user):
        assert side.lost == [] and side.duplicated == {} and side.in_order
    assert s.faults_total >= 10, s.faults_injected  # the faults really happened
    print(f"\nfaults {kinds}: injected {dict(s.faults_injected)}; 0 lost, 0 duplicated")


async def test_answer_lost_after_delivery_is_resent_and_counted(rahnuma,
                                                                staffed_standin: BotApiStandin) -> None:
    """drop_after: Telegram accepted the message but the bot never heard back.

    Nothing is lost. Each lost answer makes the outbox send that message once more (Telegram has
    no idempotency key), so duplicates == answers lost; the order of first copies is kept.
    """
    s = staffed_standin
    header = await open_ticket(s, 160)
    s.faults = Faults(error_rate=0.3, kinds={"drop_after"}, methods={"sendMessage", "copyMessage"},
                      seed=11)
    to_staff, to_user = await two_way(s, 160, header, 12)
    lost_answers = s.faults_injected["drop_after"]
    duplicates = to_staff.n_duplicates + to_user.n_duplicates
    print(f"\ndrop_after: {lost_answers} answers lost after delivery -> {duplicates} duplicates "
          f"of 24 messages; 0 lost")
    assert to_staff.lost == [] and to_user.lost == []
    assert to_staff.in_order and to_user.in_order
    assert lost_answers > 0
    assert duplicates == lost_answers
