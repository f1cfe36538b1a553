"""The bad-input corpus: whatever arrives, the bot does not crash, answers where an answer is
due, stores nothing it should not, and keeps answering the next normal message.

One bot (in-process, real Application) serves the whole module; each case uses its own user.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from harness import (
    ADMIN_ID,
    REPO,
    STAFF_CHAT,
    STAFF_MEMBER,
    RunningBot,
    bot_settings,
    buttons_of,
    replies,
    text_of,
)
from reliability_kit import BotEnv, db_file, db_rows, markers, rows_about_chat, tables_holding, texts
from standin import BotApiStandin

pytestmark = pytest.mark.asyncio(loop_scope="module")

TABLES = {"users", "recent_activity", "tickets", "relay_map", "outbox", "processed_updates",
          "reports", "stats"}
MEDIA_REPLY = "I can only read text messages"
VOICE_REPLY = "Shall I pass this one to the helpline team?"  # the one-tap offer (issue 14)
EMPTY_REPLY = "Your message was empty"
OLD_BUTTON = "That button is old"


@dataclass
class Case:
    """What one case does, for user `uid`; `mark` is a unique token put into the input."""

    env: BotEnv
    uid: int
    mark: str
    base: int = 0  # bot messages sent before the case began

    @property
    def s(self) -> BotApiStandin:
        return self.env.s

    async def reply(self, timeout: float = 30.0) -> str:  # noqa: ASYNC109
        return text_of(await replies(self.s, self.uid, timeout=timeout, quiet=0.1))

    async def staff(self, done: Callable[[list[str]], bool],
                    timeout: float = 30.0) -> list[dict]:  # noqa: ASYNC109
        """Staff-chat messages sent since the case began, once `done(their texts)` holds."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            got = [m for m in self.s.outbox[self.base:] if m["chat"]["id"] == STAFF_CHAT]
            if done(texts(got)):
                return got
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"staff chat: {texts(got)}")
            await asyncio.sleep(0.05)

    async def staff_with(self, needle: str, count: int = 1) -> list[dict]:
        got = await self.staff(lambda ts: sum(needle in t for t in ts) >= count)
        return [m for m in got if needle in (m.get("text") or m.get("caption") or "")]

    async def open_ticket(self) -> dict:
        await self.s.user_sends(self.uid, "/helpline")
        header = (await self.staff_with("Ticket #"))[0]
        await self.reply()
        return header


CaseFn = Callable[[Case], Awaitable[None]]
CASES: dict[str, tuple[CaseFn, frozenset[str]]] = {}


def case(name: str, *, may_store_in: tuple[str, ...] = ()) -> Callable[[CaseFn], CaseFn]:
    """Register a case; `may_store_in`: tables where the input's marker may legitimately stay."""
    def register(fn: CaseFn) -> CaseFn:
        CASES[name] = (fn, frozenset(may_store_in))
        return fn
    return register


# --- media from a person who is not in a helpline chat: a clear "text only" reply --------------

@case("sticker")
async def _(c: Case) -> None:
    await c.s.user_sends(c.uid, sticker="😈")
    assert MEDIA_REPLY in await c.reply()


@case("voice note")
async def _(c: Case) -> None:
    await c.s.user_sends(c.uid, voice=b"OggS\x00fake-voice", caption=c.mark)
    assert VOICE_REPLY in await c.reply()


@case("photo with caption")
async def _(c: Case) -> None:
    await c.s.user_sends(c.uid, photo=b"\xff\xd8\xff\xe0photo", caption=f"{c.mark} my passport page")
    assert MEDIA_REPLY in await c.reply()


@case("document from a non-admin")
async def _(c: Case) -> None:
    await c.s.user_sends(c.uid, document=("contract.pdf", b"%PDF-1.4 " + c.mark.encode(), None),
                         caption=c.mark)
    assert MEDIA_REPLY in await c.reply()


@case("document captioned /import_agencies from a non-admin")
async def _(c: Case) -> None:
    before = c.env.agencies.read_bytes()
    bad = b"license_no,name,proprietor,city,address,phone,status,valid_until\n9999/EVL,Evil,,,,,valid,\n"
    await c.s.user_sends(c.uid, document=("agencies.csv", bad, "text/csv"), caption="/import_agencies")
    assert "admins only" in await c.reply()
    assert c.env.agencies.read_bytes() == before
    assert not c.s.calls("getFile")  # the file was not even fetched


@case("location")
async def _(c: Case) -> None:
    await c.s.user_sends(c.uid, location=(24.860734, 67.001136))
    assert MEDIA_REPLY in await c.reply()
    assert not tables_holding(c.env.data, "24.86") and not tables_holding(c.env.data, "67.00")


@case("contact card")
async def _(c: Case) -> None:
    await c.s.user_sends(c.uid, contact={"phone_number": "+923001234567", "first_name": c.mark})
    assert MEDIA_REPLY in await c.reply()
    assert not tables_holding(c.env.data, "3001234567")


@case("poll")
async def _(c: Case) -> None:
    await c.s.user_sends(c.uid, poll=(f"{c.mark} which agent?", ["A", "B"]))
    assert MEDIA_REPLY in await c.reply()


@case("dice")
async def _(c: Case) -> None:
    await c.s.user_sends(c.uid, extra={"dice": {"emoji": "🎲", "value": 4}})
    assert MEDIA_REPLY in await c.reply()


# --- updates to ignore: no reply, nothing stored ---------------------------------------------

async def assert_ignored(c: Case, chat_id: int | None = None) -> None:
    """Nothing was sent because of the update, and no row names the chat."""
    await c.s.wait_updates_confirmed(timeout=30)
    await c.s.user_sends(c.uid + 500_000, "/help")  # handled after the update: updates are in order
    await replies(c.s, c.uid + 500_000, timeout=30, quiet=0.1)
    if chat_id is not None:
        assert c.s.sent(chat_id) == []
        assert rows_about_chat(c.env.data, chat_id) == {}


@case("edited message")
async def _(c: Case) -> None:
    await c.s.user_sends(c.uid, "hello")
    await c.reply()
    sent_before = len(c.s.sent(c.uid))
    await c.s.user_sends(c.uid, f"{c.mark} edited: the agent is Bad Recruiters", edited=True)
    await assert_ignored(c)
    assert len(c.s.sent(c.uid)) == sent_before


@case("channel post")
async def _(c: Case) -> None:
    channel = -1009000000000 - c.uid
    post = await c.s.channel_post(channel, f"{c.mark} /start /stats")
    await c.s.channel_post(channel, f"{c.mark} edited", edited=True, message_id=post["message_id"])
    await assert_ignored(c, channel)


@case("messages in an unknown group")
async def _(c: Case) -> None:
    group = -1008000000000 - c.uid
    await c.s.user_sends(c.uid, f"{c.mark} hi bot", chat_id=group, chat_type="supergroup")
    await c.s.user_sends(c.uid, "/helpline", chat_id=group)
    await c.s.user_sends(c.uid, "/delete_my_data", chat_id=group)
    await c.s.user_sends(ADMIN_ID, "/stats", chat_id=group)  # admin commands: private/staff only
    await c.s.user_sends(c.uid, photo=b"\xff\xd8x", caption=c.mark, chat_id=group)
    await assert_ignored(c, group)
    assert rows_about_chat(c.env.data, c.uid) == {}


@case("message in an unknown basic group")
async def _(c: Case) -> None:
    group = -700000 - c.uid
    await c.s.user_sends(c.uid, f"{c.mark} /start", chat_id=group, chat_type="group")
    await assert_ignored(c, group)


@case("staff chat: chatter that is not a reply")
async def _(c: Case) -> None:
    before = len(c.s.sent(STAFF_CHAT))
    await c.s.user_sends(STAFF_MEMBER, f"{c.mark} lunch at one?", chat_id=STAFF_CHAT)
    await c.s.user_sends(STAFF_MEMBER, "/close", chat_id=STAFF_CHAT)
    await assert_ignored(c)
    assert len(c.s.sent(STAFF_CHAT)) == before


# --- text -------------------------------------------------------------------------------------

@case("4096-character text")
async def _(c: Case) -> None:
    text = ("can i work on a visit visa " * 200)[:4096 - len(c.mark) - 1] + " " + c.mark
    await c.s.user_sends(c.uid, text)
    assert await c.reply()


@case("10,000-character text")
async def _(c: Case) -> None:
    await c.s.user_sends(c.uid, c.mark + " " + "ایجنٹ نے پاسپورٹ لے لیا " * 420)
    assert await c.reply()


@case("4096 characters of <&> relayed to staff", may_store_in=())
async def _(c: Case) -> None:
    await c.open_ticket()
    text = c.mark + "<&>" * 1360
    await c.s.user_sends(c.uid, text)
    # Escaped, shown literally, split at 4096, nothing dropped.
    parts = await c.staff(lambda ts: text in "".join(ts))
    assert all(len(t) <= 4096 for t in texts(parts))


@case("10,000 characters relayed to staff")
async def _(c: Case) -> None:
    await c.open_ticket()
    text = c.mark + "x" * 10_000
    await c.s.user_sends(c.uid, text)
    parts = await c.staff(lambda ts: text in "".join(ts))
    assert all(len(t) <= 4096 for t in texts(parts))


@case("bidi overrides, zero-width, NUL and control characters")
async def _(c: Case) -> None:
    await c.s.user_sends(c.uid, f"\u202e{c.mark}\u202c \u200b\u200d\ufeff\x00\x01\x07\x1b[31m"
                                "\u2066visit\u2069 visa\u200f job\x7f")
    assert await c.reply()


@case("only NUL and control characters")
async def _(c: Case) -> None:
    await c.s.user_sends(c.uid, "\x00\x01\x02\u200b\u202e")
    assert EMPTY_REPLY in await c.reply()


@case("control characters relayed to staff")
async def _(c: Case) -> None:
    await c.open_ticket()
    await c.s.user_sends(c.uid, f"{c.mark}\x00\x01\u202e\u200b end")
    relayed = texts(await c.staff_with(c.mark))[0]
    assert "end" in relayed


@case("white space only")
async def _(c: Case) -> None:
    await c.s.user_sends(c.uid, " \t \n \u3000 ")
    assert EMPTY_REPLY in await c.reply()


@case("emoji only")
async def _(c: Case) -> None:
    await c.s.user_sends(c.uid, "😀🙏🇵🇰👩‍👩‍👧")
    assert await c.reply()


@case("HTML-looking text in a check", may_store_in=("recent_activity",))
async def _(c: Case) -> None:
    await c.s.user_sends(c.uid, f"/check <b>{c.mark}</b> <script>alert(1)</script> &amp; <a href='x'>")
    messages = await replies(c.s, c.uid, timeout=30, quiet=0.1)
    for message in messages:  # never interpreted: either shown literally or not at all
        if c.mark in (message.get("text") or ""):
            assert f"<b>{c.mark}</b>" in message["text"]


@case("HTML-looking text relayed to staff")
async def _(c: Case) -> None:
    await c.open_ticket()
    html = f'<b>{c.mark}</b> <a href="tg://user?id=1">x</a> <script>&lt;</script> </i>'
    await c.s.user_sends(c.uid, html)
    relayed = (await c.staff_with(c.mark))[0]
    assert html in relayed["text"]
    covered = [e for e in relayed.get("entities", []) if e["offset"] >= relayed["text"].index(html)]
    assert covered == []  # no bold, no link made from the person's text


@case("SQL-looking text", may_store_in=("recent_activity",))
async def _(c: Case) -> None:
    users_before = len(db_rows(c.env.data)["users"])
    for text in (f"Robert'); DROP TABLE users;-- {c.mark}",
                 f"/check 1' OR '1'='1'; DELETE FROM tickets; --{c.mark}",
                 f'"; UPDATE users SET lang = NULL; -- {c.mark}'):
        await c.s.user_sends(c.uid, text)
        assert await c.reply()
    rows = db_rows(c.env.data)
    assert set(rows) >= TABLES
    assert len(rows["users"]) >= users_before
    assert all(r["lang"] is not None for r in rows["users"])


@case("SQL-looking text relayed to staff")
async def _(c: Case) -> None:
    await c.open_ticket()
    await c.s.user_sends(c.uid, f"x'); DELETE FROM relay_map; -- {c.mark}")
    await c.staff_with(c.mark)
    assert db_rows(c.env.data)["relay_map"]


@case("lone surrogate")
async def _(c: Case) -> None:
    await c.s.user_sends(c.uid, f"{c.mark} \ud800 visit visa")
    assert await c.reply()


@case("lone surrogate in a check", may_store_in=("recent_activity",))
async def _(c: Case) -> None:
    await c.s.user_sends(c.uid, f"/check {c.mark} \udc00 Overseas")
    assert await c.reply()


@case("lone surrogate relayed to staff")
async def _(c: Case) -> None:
    await c.open_ticket()
    await c.s.user_sends(c.uid, f"{c.mark} \ud83d help")
    assert "help" in texts(await c.staff_with(c.mark))[0]


# --- buttons ----------------------------------------------------------------------------------

@case("callback data never issued")
async def _(c: Case) -> None:
    await c.s.user_sends(c.uid, "hello")
    await c.reply()
    for data in ("evil:payload", "x" * 64, "lang:xx", "more:../../etc/passwd", "topic:nope",
                 "del:maybe", "sc:licensed:banana", "tk:share", "tk:end", "rp:skip:name", ":", "🙂"):
        before = len(c.s.sent(c.uid))
        query = await c.s.press_button(c.uid, data, 1)
        answer = (await c.s.wait_for_call(
            "answerCallbackQuery", lambda p, q=query: p.get("callback_query_id") == q, timeout=30))[0]
        await asyncio.sleep(0.2)
        said = text_of(c.s.sent(c.uid)[before:])
        toast = answer.get("text") or ""
        assert OLD_BUTTON in said or "safety check again" in said or toast, (data, said, toast)
    await replies(c.s, c.uid, timeout=5, quiet=0.1)  # mark them read


@case("button pressed on an inaccessible (very old) message")
async def _(c: Case) -> None:
    await c.s.user_sends(c.uid, "hello")
    await c.reply()
    await c.s.press_button(c.uid, "menu:main", 987654)
    assert await c.reply()


@case("button press in a group")
async def _(c: Case) -> None:
    group = -1007000000000 - c.uid
    await c.s.user_sends(c.uid, "hi", chat_id=group)
    await c.s.press_button(c.uid, "del:yes", 1, chat_id=group)
    await assert_ignored(c, group)


# --- people and staff ---------------------------------------------------------------------------

@case("a user who blocked the bot")
async def _(c: Case) -> None:
    c.s.block_user(c.uid)
    await c.s.user_sends(c.uid, "what is protector registration")
    other = c.uid + 500_000
    await c.s.user_sends(other, "what is protector registration")
    assert await text_of_replies(c.s, other)  # other people are not held up
    await asyncio.sleep(1.0)
    mine = [r for r in db_rows(c.env.data)["outbox"] if r["chat_id"] == c.uid]
    assert mine and all(r["failed"] == 1 and r["last_error"].startswith("Forbidden") for r in mine)
    c.s.unblock_user(c.uid)


@case("a staff reply to a ticket of a user who blocked the bot")
async def _(c: Case) -> None:
    header = await c.open_ticket()
    c.s.block_user(c.uid)
    await c.s.user_sends(STAFF_MEMBER, f"{c.mark} are you safe?", chat_id=STAFF_CHAT,
                         reply_to_message_id=header["message_id"])
    await asyncio.sleep(1.5)
    pending = [r for r in db_rows(c.env.data)["outbox"]
               if r["chat_id"] == c.uid and r["delivered_at"] is None and not r["failed"]]
    assert pending == []  # given up, not retried for ever
    notice = await c.staff_with("could not be delivered")  # staff do not wait for an answer
    assert f"#{header['text'].split('#')[1].split()[0]}" in notice[0]["text"]
    c.s.unblock_user(c.uid)
    await c.s.user_sends(c.uid, "/cancel")
    await c.reply()


@case("staff reply to a message that is not a ticket")
async def _(c: Case) -> None:
    await c.s.user_sends(STAFF_MEMBER, "/stats", chat_id=STAFF_CHAT)  # refused: a bot message
    refusal = (await c.staff_with("admins only"))[0]
    await c.s.user_sends(STAFF_MEMBER, f"{c.mark} hello?", chat_id=STAFF_CHAT,
                         reply_to_message_id=refusal["message_id"])
    await c.staff_with("not part of a ticket")
    own = await c.s.user_sends(ADMIN_ID, "a note among staff", chat_id=STAFF_CHAT)
    await c.s.user_sends(STAFF_MEMBER, "ok", chat_id=STAFF_CHAT, reply_to_message_id=own["message_id"])
    await c.s.user_sends(STAFF_MEMBER, "media", sticker=True, chat_id=STAFF_CHAT,
                         reply_to_message_id=refusal["message_id"])
    await c.staff_with("not part of a ticket", count=2)


async def test_stale_buttons_after_a_restart(tmp_path: Path) -> None:
    """Buttons sent by the previous process still work (state is in the database), and ones
    that no longer apply get a clear answer."""
    s = BotApiStandin()
    await s.start()
    s.create_group("Helpline staff", members=[ADMIN_ID, STAFF_MEMBER], chat_id=STAFF_CHAT)
    settings = bot_settings(s, tmp_path / "data", agencies_file=REPO / "content" / "agencies.csv")
    user = 7900
    try:
        bot = await RunningBot(settings).start()
        await s.user_sends(user, "/safety")
        question = (await replies(s, user, timeout=30, quiet=0.2))[-1]
        yes = next(data for _, data in buttons_of(question) if data.endswith(":yes"))
        await s.user_sends(user, "/delete_my_data")
        confirm = (await replies(s, user, timeout=30, quiet=0.2))[-1]
        await bot.stop()

        bot = await RunningBot(settings).start()
        await s.press_button(user, yes, question["message_id"])  # the check goes on
        assert "2/" in text_of(await replies(s, user, timeout=30, quiet=0.2))
        await s.press_button(user, yes, question["message_id"])  # already answered
        assert "2/" in text_of(await replies(s, user, timeout=30, quiet=0.2))
        await s.press_button(user, "del:no", confirm["message_id"])
        assert "Nothing was deleted" in text_of(await replies(s, user, timeout=30, quiet=0.2))
        await bot.stop()
    finally:
        await s.stop()


async def text_of_replies(s: BotApiStandin, chat_id: int) -> str:
    return text_of(await replies(s, chat_id, timeout=30, quiet=0.1))


# --- the runner ----------------------------------------------------------------------------------

@pytest.mark.parametrize("name", list(CASES))
async def test_bad_input(module_bot: BotEnv, name: str) -> None:
    env = module_bot
    fn, may_store_in = CASES[name]
    index = list(CASES).index(name)
    c = Case(env, uid=7000 + index, mark=markers("B", 1)[0], base=len(env.s.outbox))
    await fn(c)
    # The bot still answers the next normal message from the same person.
    await env.s.user_sends(c.uid, "/help")
    assert "/helpline" in await c.reply()
    await asyncio.sleep(0.15)
    # Nothing stored that should not be: the input's marker is nowhere but where allowed.
    stored = tables_holding(env.data, c.mark)
    assert set(stored) <= may_store_in, stored
    # The only short traces of what a person did: a few check/question summaries.
    traces = [r for r in db_rows(env.data)["recent_activity"] if r["user_id"] == c.uid]
    assert len(traces) <= 5
    assert all(r["kind"] in ("check", "question") and len(r["summary"]) <= 80 for r in traces), traces
    # Tables intact, database sound, nothing stuck in the outbox.
    with sqlite3.connect(f"file:{db_file(env.data)}?mode=ro", uri=True) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert set(db_rows(env.data)) >= TABLES
