"""A `kill -9` in the middle of a helpline ticket loses nothing, in either direction."""

from __future__ import annotations

import asyncio

from harness import STAFF_CHAT, STAFF_MEMBER, replies, text_of
from standin import BotApiStandin


async def test_kill_9_in_the_middle_of_a_ticket_loses_nothing(staffed_standin: BotApiStandin,
                                                              bot_process) -> None:
    s = staffed_standin
    bot = bot_process()
    bot.start()
    await s.user_sends(21, "/helpline", language_code="ur")
    await replies(s, 21, timeout=30)
    header = (await s.wait_for(STAFF_CHAT, timeout=10))[0]
    await s.user_sends(21, "پہلا پیغام: ایجنٹ نے پاسپورٹ رکھ لیا")
    first = (await s.wait_for(STAFF_CHAT, timeout=10))[0]
    assert "پہلا پیغام" in first["text"]
    # Let the bot record the delivery: a kill in the millisecond between Telegram accepting a
    # message and the database noting it would send it again (see README, "Delivery").
    await asyncio.sleep(0.5)

    bot.kill9()  # no clean shutdown: whatever was in memory is gone
    await s.user_sends(21, "دوسرا پیغام while the bot is down")
    await s.user_sends(STAFF_MEMBER, "staff answer while the bot is down", chat_id=STAFF_CHAT,
                       reply_to_message_id=first["message_id"])
    await s.user_sends(21, "teesra paigham")

    restarted = bot_process()
    restarted.start()
    # what waited is relayed in order (joined into one message when it waited together)
    relayed = text_of(await replies(s, STAFF_CHAT, timeout=30))
    assert "دوسرا پیغام" in relayed and "teesra paigham" in relayed
    assert relayed.index("دوسرا پیغام") < relayed.index("teesra paigham")
    to_user = text_of(await replies(s, 21, timeout=30))
    assert "staff answer while the bot is down" in to_user

    # The mapping survived: a reply to the header (sent by the first process) still reaches 21.
    await s.user_sends(STAFF_MEMBER, "after restart", chat_id=STAFF_CHAT,
                       reply_to_message_id=header["message_id"])
    assert "after restart" in text_of(await replies(s, 21, timeout=30))
    await asyncio.sleep(0.5)
    staff_texts = [m.get("text", "") for m in s.sent(STAFF_CHAT)]
    assert sum("دوسرا پیغام" in t for t in staff_texts) == 1  # exactly once
