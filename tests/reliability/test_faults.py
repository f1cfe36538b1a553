"""Telegram misbehaving: 30% of calls fail (500, 429, dropped connection) or are slow.

Every question still gets its answer; every helpline message arrives once, in order, in both
directions. With ``drop_after`` (Telegram did the work but the answer was lost) the bot cannot
know the message arrived, so it sends it again: that is counted and documented, never lost.
"""

from __future__ import annotations

import asyncio

import pytest
from harness import STAFF_CHAT, replies, text_of
from reliability_kit import QUESTIONS, open_ticket, tally, texts, title, two_way
from standin import BotApiStandin, Faults


@pytest.mark.parametrize("kinds", [("500", "429", "drop"), ("slow",)], ids=["500-429-drop", "slow"])
async def test_thirty_percent_faults_lose_and_duplicate_nothing(
        rahnuma, staffed_standin: BotApiStandin, kinds: tuple[str, ...]) -> None:
    s = staffed_standin
    s.faults = Faults(error_rate=0.3, kinds=set(kinds), retry_after=1, slow_seconds=0.5, seed=7)

    async def questions() -> None:
        """Every question gets its answer (six people ask at the same time)."""
        asked = dict(enumerate(list(QUESTIONS.items())[:6], start=100))
        for uid, (question, _) in asked.items():
            await s.user_sends(uid, question)
        for uid, (_, topic) in asked.items():
            assert title(topic) in text_of(await replies(s, uid, timeout=60, quiet=0.2))

    async def helpline() -> tuple:
        """Meanwhile a helpline chat: 8 messages each way, interleaved."""
        return await two_way(s, 150, await open_ticket(s, 150), 8)

    _, (to_staff, to_user) = await asyncio.gather(questions(), helpline())
    for side in (to_staff, to_user):  # exactly once, in order
        assert side.lost == [] and side.duplicated == {} and side.in_order
    assert s.faults_total >= 10, s.faults_injected  # the faults really happened
    print(f"\nfaults {kinds}: injected {dict(s.faults_injected)}; 0 lost, 0 duplicated")


async def test_answer_lost_after_delivery_is_resent_and_counted(rahnuma,
                                                                staffed_standin: BotApiStandin) -> None:
    """drop_after: Telegram accepted the message but the bot never heard back.

    Nothing is lost. Each lost answer makes the outbox send that message once more (Telegram has
    no idempotency key), so each lost answer is a duplicate (of each text, when several were
    joined into one staff message); the order of first copies is kept.
    """
    s = staffed_standin
    header = await open_ticket(s, 160)
    s.faults = Faults(error_rate=0.3, kinds={"drop_after"}, methods={"sendMessage", "copyMessage"},
                      seed=11)
    to_staff, to_user = await two_way(s, 160, header, 10)
    for _ in range(100):  # a resend after a lost answer may still be waiting for its back-off
        lost_answers = s.faults_injected["drop_after"]
        to_staff = tally(to_staff.expected, texts(s.sent(STAFF_CHAT)))
        to_user = tally(to_user.expected, texts(s.sent(160)))
        duplicates = to_staff.n_duplicates + to_user.n_duplicates
        if duplicates >= lost_answers:
            break
        await asyncio.sleep(0.1)
    print(f"\ndrop_after: {lost_answers} answers lost after delivery -> {duplicates} duplicates "
          f"of 20 messages; 0 lost")
    assert to_staff.lost == [] and to_user.lost == []
    assert to_staff.in_order and to_user.in_order
    assert lost_answers > 0
    # each lost answer is one resend: one duplicate, or one per text when it was a combined relay
    assert lost_answers <= duplicates <= 5 * lost_answers
