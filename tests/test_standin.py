"""The Bot API stand-in, exercised through a real PTB Application and a raw HTTP client."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import Awaitable, Callable

import httpx
import pytest
from standin import BotApiStandin, Faults
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

USER = 1001

PtbAppRunner = Callable[..., Awaitable[Application]]


def echo_bot(app: Application) -> None:
    """A minimal echo bot: /start greets, text is echoed."""

    async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text("Welcome!")

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(update.effective_message.text or "")

    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))


def api(standin: BotApiStandin, method: str) -> str:
    return f"{standin.base_url}{standin.token}/{method}"


async def test_echo_bot_start_and_text(standin: BotApiStandin, run_ptb_app: PtbAppRunner) -> None:
    await run_ptb_app(echo_bot)
    sent = await standin.user_sends(USER, "/start", first_name="Amina", language_code="ur")
    assert sent["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    [welcome] = await standin.wait_for(USER)
    assert welcome["text"] == "Welcome!"
    assert welcome["from"]["is_bot"] is True
    await standin.user_sends(USER, "salaam")
    [echo] = await standin.wait_for(USER)
    assert echo["text"] == "salaam"
    assert echo["message_id"] > welcome["message_id"] > sent["message_id"]
    assert [m["text"] for m in standin.sent(USER)] == ["Welcome!", "salaam"]
    assert standin.delivered[USER] == 2
    methods = {name for name, _ in standin.all_calls}
    assert {"getMe", "deleteWebhook", "getUpdates", "sendMessage"} <= methods


async def test_html_parse_mode_validation(
    standin: BotApiStandin, run_ptb_app: PtbAppRunner
) -> None:
    app = await run_ptb_app()
    await standin.user_sends(USER, "hi")
    good = await app.bot.send_message(
        USER, "<b>Licensed</b> &lt;1234/LHR&gt; &amp; <i>ok</i>", parse_mode=ParseMode.HTML
    )
    assert good.text == "Licensed <1234/LHR> & ok"
    assert [(e.type, e.offset, e.length) for e in good.entities] == [
        ("bold", 0, 8),
        ("italic", 22, 2),
    ]
    for bad in ["a < b", "<b>open", "<b><i>x</b></i>", "<script>x</script>", "x</b>"]:
        with pytest.raises(BadRequest, match="Can't parse entities"):
            await app.bot.send_message(USER, bad, parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Message text is empty"):
        await app.bot.send_message(USER, "<b> </b>", parse_mode=ParseMode.HTML)
    assert len(standin.sent(USER)) == 1


async def test_4096_limit_counts_text_after_parsing(
    standin: BotApiStandin, run_ptb_app: PtbAppRunner
) -> None:
    app = await run_ptb_app()
    await standin.user_sends(USER, "hi")
    await app.bot.send_message(USER, "ک" * 4096)
    await app.bot.send_message(USER, "<b>" + "x" * 4096 + "</b>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match="Message is too long"):
        await app.bot.send_message(USER, "x" * 4097)
    with pytest.raises(BadRequest, match="Message is too long"):
        await app.bot.send_message(USER, "&amp;" * 4097, parse_mode=ParseMode.HTML)
    assert standin.delivered[USER] == 2


async def test_long_polling_order_and_offset(standin: BotApiStandin) -> None:
    for i in range(3):
        await standin.user_sends(USER, f"m{i}")
    async with httpx.AsyncClient() as client:
        first = (await client.post(api(standin, "getUpdates"), json={"timeout": 0})).json()
        ids = [u["update_id"] for u in first["result"]]
        assert [u["message"]["text"] for u in first["result"]] == ["m0", "m1", "m2"]
        assert ids == sorted(ids)
        # Not confirmed yet: the same updates come again (what a crashed bot sees).
        again = (await client.post(api(standin, "getUpdates"), data={"limit": "2"})).json()
        assert [u["update_id"] for u in again["result"]] == ids[:2]
        # Confirming with offset discards them.
        params = {"offset": ids[-1] + 1, "timeout": 0}
        confirmed = (await client.post(api(standin, "getUpdates"), json=params)).json()
        assert confirmed == {"ok": True, "result": []}
        assert standin.pending_updates == []
        # A long poll waits for the next update and returns it at once.
        started = time.monotonic()
        poll = asyncio.create_task(
            client.post(api(standin, "getUpdates"), json={**params, "timeout": 5})
        )
        await asyncio.sleep(0.2)
        await standin.user_sends(USER, "late")
        result = (await poll).json()["result"]
        assert [u["message"]["text"] for u in result] == ["late"]
        assert time.monotonic() - started < 2
        # An empty long poll lasts about `timeout` seconds.
        started = time.monotonic()
        params = {"offset": result[0]["update_id"] + 1, "timeout": 1}
        empty = (await client.post(api(standin, "getUpdates"), json=params)).json()
        assert empty["result"] == [] and 0.9 < time.monotonic() - started < 2


async def test_ptb_receives_updates_in_order(
    standin: BotApiStandin, run_ptb_app: PtbAppRunner
) -> None:
    await run_ptb_app(echo_bot)
    for i in range(30):
        await standin.user_sends(USER, f"n{i}")
    replies = await standin.wait_for(USER, count=30)
    assert [m["text"] for m in replies] == [f"n{i}" for i in range(30)]
    await standin.wait_updates_confirmed(timeout=5)


async def test_copy_photo_and_voice_to_staff_group(
    standin: BotApiStandin, run_ptb_app: PtbAppRunner
) -> None:
    app = await run_ptb_app()
    staff = standin.create_group("Helpline staff", members=[7, 8])
    photo = await standin.user_sends(USER, photo=b"\xff\xd8jpeg", caption="my contract")
    voice = await standin.user_sends(USER, voice=b"OggS-voice")
    copied = await app.bot.copy_message(staff, USER, photo["message_id"])
    await app.bot.copy_message(
        staff, USER, voice["message_id"], caption="<b>Ticket #1</b>", parse_mode=ParseMode.HTML
    )
    photo_copy, voice_copy = await standin.wait_for(staff, count=2)
    assert photo_copy["message_id"] == copied.message_id
    assert photo_copy["photo"] == photo["photo"] and photo_copy["caption"] == "my contract"
    assert voice_copy["voice"]["file_id"] == voice["voice"]["file_id"]
    assert voice_copy["caption"] == "Ticket #1"
    with pytest.raises(BadRequest, match="Message to copy not found"):
        await app.bot.copy_message(staff, USER, 999)
    # A staff member replies to the copy; the reply carries reply_to_message.
    reply = await standin.user_sends(
        7, "We will call you", chat_id=staff, reply_to_message_id=voice_copy["message_id"]
    )
    assert reply["reply_to_message"]["voice"] == voice["voice"]


async def test_get_file_downloads_user_document(
    standin: BotApiStandin, run_ptb_app: PtbAppRunner
) -> None:
    content = b"license_no,name\n1234/LHR,Example\n"
    received: list[bytes] = []

    async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message and update.effective_message.document
        tg_file = await update.effective_message.document.get_file()
        received.append(bytes(await tg_file.download_as_bytearray()))
        buffer = io.BytesIO()
        await tg_file.download_to_memory(buffer)
        received.append(buffer.getvalue())
        await update.effective_message.reply_document(buffer.getvalue(), filename="back.csv")

    await run_ptb_app(lambda a: a.add_handler(MessageHandler(filters.Document.ALL, on_document)))
    await standin.user_sends(
        USER, document=("agencies.csv", content, "text/csv"), caption="/import_agencies"
    )
    [answer] = await standin.wait_for(USER)
    assert received == [content, content]
    assert answer["document"]["file_name"] == "back.csv"
    assert standin.file_bytes(answer["document"]["file_id"]) == content


async def test_blocked_user_gets_forbidden(
    standin: BotApiStandin, run_ptb_app: PtbAppRunner
) -> None:
    app = await run_ptb_app()
    await standin.user_sends(USER, "hi")
    standin.block_user(USER)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await app.bot.send_message(USER, "hello?")
    with pytest.raises(BadRequest, match="Chat not found"):
        await app.bot.send_message(424242, "nobody wrote from here")
    standin.unblock_user(USER)
    await app.bot.send_message(USER, "hello again")
    assert [m["text"] for m in standin.sent(USER)] == ["hello again"]


async def test_faults_500_share_is_seeded(standin: BotApiStandin) -> None:
    await standin.user_sends(USER, "hi")
    standin.faults = Faults(error_rate=0.3, kinds={"500"}, seed=7)
    codes: list[int] = []
    async with httpx.AsyncClient() as client:
        for i in range(400):
            r = await client.post(api(standin, "sendMessage"), json={"chat_id": USER, "text": i})
            codes.append(r.status_code)
            if r.status_code == 500:
                assert r.json() == {
                    "ok": False, "error_code": 500, "description": "Internal Server Error"
                }
        # getUpdates is not faulted by default.
        for _ in range(20):
            r = await client.post(api(standin, "getUpdates"), json={"timeout": 0})
            assert r.status_code == 200
    failures = codes.count(500)
    assert 90 <= failures <= 150, failures
    assert standin.faults_injected["500"] == failures
    # A faulted send is not delivered.
    assert standin.delivered[USER] == codes.count(200) == 400 - failures


async def test_retry_after_reaches_ptb(standin: BotApiStandin, run_ptb_app: PtbAppRunner) -> None:
    app = await run_ptb_app()
    await standin.user_sends(USER, "hi")
    standin.faults = Faults(error_rate=1.0, kinds={"429"}, retry_after=3, methods={"sendMessage"})
    with pytest.raises(RetryAfter) as caught:
        await app.bot.send_message(USER, "x")
    assert caught.value._retry_after.total_seconds() == 3
    async with httpx.AsyncClient() as client:
        body = (await client.post(api(standin, "sendMessage"), json={"chat_id": USER})).json()
    assert body == {
        "ok": False,
        "error_code": 429,
        "description": "Too Many Requests: retry after 3",
        "parameters": {"retry_after": 3},
    }
    assert standin.too_many_requests == 2 and standin.delivered[USER] == 0


async def test_dropped_and_lost_answers(
    standin: BotApiStandin, run_ptb_app: PtbAppRunner
) -> None:
    app = await run_ptb_app()
    await standin.user_sends(USER, "hi")
    standin.faults = Faults(error_rate=1.0, kinds={"drop"})
    with pytest.raises(NetworkError):
        await app.bot.send_message(USER, "lost in transit")
    assert standin.sent(USER) == []
    standin.faults = Faults(error_rate=1.0, kinds={"drop_after"})
    with pytest.raises(NetworkError):
        await app.bot.send_message(USER, "delivered, answer lost")
    assert [m["text"] for m in standin.sent(USER)] == ["delivered, answer lost"]
    standin.faults = Faults(error_rate=1.0, kinds={"slow"}, slow_seconds=0.3)
    started = time.monotonic()
    await app.bot.send_message(USER, "slow but fine")
    assert time.monotonic() - started >= 0.3
    assert standin.faults_injected == {"drop": 1, "drop_after": 1, "slow": 1}


async def test_flood_limit_answers_429_above_30_per_second(standin: BotApiStandin) -> None:
    await standin.user_sends(USER, "hi")
    standin.flood_limit = 30
    async with httpx.AsyncClient() as client:
        responses = await asyncio.gather(
            *(
                client.post(api(standin, "sendMessage"), json={"chat_id": USER, "text": f"{i}"})
                for i in range(40)
            )
        )
        codes = [r.status_code for r in responses]
        assert codes.count(200) == 30 and codes.count(429) == 10
        assert all(r.json()["parameters"]["retry_after"] >= 1 for r in responses if r.status_code == 429)
        assert standin.too_many_requests == 10
        await asyncio.sleep(1.05)
        r = await client.post(api(standin, "sendMessage"), json={"chat_id": USER, "text": "later"})
        assert r.status_code == 200
    assert standin.delivered[USER] == 31


async def test_buttons_edits_and_callback_answers(
    standin: BotApiStandin, run_ptb_app: PtbAppRunner
) -> None:
    async def menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("اردو", callback_data="lang:ur")]])
        await update.effective_message.reply_text("Choose a language", reply_markup=keyboard)

    async def chosen(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        assert query is not None
        await query.answer()
        await query.edit_message_text(f"Language: {query.data}")

    def configure(app: Application) -> None:
        app.add_handler(CommandHandler("start", menu))
        app.add_handler(CallbackQueryHandler(chosen))

    app = await run_ptb_app(configure)
    await standin.user_sends(USER, "/start")
    [prompt] = await standin.wait_for(USER)
    assert prompt["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "lang:ur"
    query_id = await standin.press_button(USER, "lang:ur", prompt["message_id"])
    await standin.wait_for_call("editMessageText")
    assert query_id in standin.callback_answers
    edited = standin.sent(USER)[0]
    assert edited["text"] == "Language: lang:ur" and "reply_markup" not in edited
    with pytest.raises(BadRequest, match="Message is not modified"):
        await app.bot.edit_message_text("Language: lang:ur", USER, prompt["message_id"])
    with pytest.raises(BadRequest, match="Query is too old"):
        await app.bot.answer_callback_query(query_id)


async def test_commands_menu_and_errors(standin: BotApiStandin, run_ptb_app: PtbAppRunner) -> None:
    app = await run_ptb_app()
    await app.bot.set_my_commands([("start", "Start"), ("help", "Help")])
    await app.bot.set_my_commands([("start", "شروع کریں")], language_code="ur")
    assert [c.command for c in await app.bot.get_my_commands()] == ["start", "help"]
    assert [c.description for c in await app.bot.get_my_commands(language_code="ur")] == [
        "شروع کریں"
    ]
    assert standin.commands_for("sd") == []
    with pytest.raises(BadRequest, match="Bot_command_invalid"):
        await app.bot.set_my_commands([("Start", "bad name")])
    assert await app.bot.set_chat_menu_button()
    async with httpx.AsyncClient() as client:
        r = await client.post(api(standin, "noSuchMethod"), json={})
        assert (r.status_code, r.json()) == (
            404, {"ok": False, "error_code": 404, "description": "Not Found"}
        )
        r = await client.post(f"{standin.base_url}999:WRONG/getMe")
        assert (r.status_code, r.json()["description"]) == (401, "Unauthorized")


async def test_every_update_kind_parses_in_ptb(
    standin: BotApiStandin, run_ptb_app: PtbAppRunner
) -> None:
    seen: list[Update] = []

    async def collect(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        seen.append(update)

    app = await run_ptb_app(lambda a: a.add_handler(TypeHandler(Update, collect)))
    staff = standin.create_group("Staff", members=[7])
    relayed = await app.bot.send_message(staff, "Ticket #1: help")
    await standin.user_sends(USER, sticker="😀")
    await standin.user_sends(USER, location=(24.86, 67.0))
    await standin.user_sends(USER, contact=("+923001234567", "Agent"))
    await standin.user_sends(USER, "first")
    await standin.user_sends(USER, "first, edited", edited=True)
    await standin.channel_post(-100777, "news")
    await standin.user_sends(7, "reply", chat_id=staff, reply_to_message_id=relayed.message_id)
    await standin.user_sends(USER, poll=("Pay the agent now?", ["yes", "no"]))
    await standin.press_button(USER, "never-issued", 12345)
    await standin.wait_updates_confirmed(timeout=5)
    for _ in range(50):
        if len(seen) == 9:
            break
        await asyncio.sleep(0.05)
    sticker, location, contact, text, edited, post, reply, polled, query = seen
    assert sticker.message and sticker.message.sticker and sticker.message.sticker.emoji == "😀"
    assert location.message and location.message.location
    assert contact.message and contact.message.contact
    assert edited.edited_message and edited.edited_message.message_id == text.message.message_id
    assert post.channel_post and post.channel_post.text == "news"
    assert reply.message and reply.message.reply_to_message
    assert reply.message.reply_to_message.message_id == relayed.message_id
    assert polled.message and polled.message.poll
    assert query.callback_query and query.callback_query.data == "never-issued"


# ------------------------------------------------------------------ webhooks


async def test_webhook_mode_posts_each_update_with_the_secret_and_retries_refusals(
    standin: BotApiStandin,
) -> None:
    """With a webhook set, updates are POSTed (not queued for getUpdates), with the secret
    header; an answer other than 2xx is retried until it is 200; one chat stays in order."""
    from aiohttp import web

    seen: list[tuple[int, str]] = []
    refuse = {"left": 2}

    async def receive(request: web.Request) -> web.Response:
        update = await request.json()
        seen.append((update["update_id"], request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")))
        if refuse["left"]:
            refuse["left"] -= 1
            return web.Response(status=500)
        return web.Response(text="ok")

    app = web.Application()
    app.router.add_post("/hook", receive)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    try:
        async with httpx.AsyncClient(base_url=f"{standin.base_url}{standin.token}/") as api:
            answer = (await api.post("setWebhook", json={
                "url": f"http://127.0.0.1:{port}/hook", "secret_token": "s3cret",
                "allowed_updates": ["message"]})).json()
            assert answer == {"ok": True, "result": True}
            first = await standin.user_sends(USER, "one")
            await standin.user_sends(USER, "two")
            await standin.wait_updates_confirmed(timeout=10)
            ids = [uid for uid, _ in seen]
            assert ids == [ids[0]] * 3 + [ids[0] + 1]  # refused twice, then in order
            assert {secret for _, secret in seen} == {"s3cret"}
            assert [status for _, status in standin.webhook_deliveries] == [500, 500, 200, 200]
            assert first["text"] == "one"
            conflict = (await api.post("getUpdates", json={"timeout": 0})).json()
            assert conflict["error_code"] == 409 and "webhook is active" in conflict["description"]
            standin.pause_webhook()
            await standin.user_sends(USER, "three")
            assert len(standin.pending_updates) == 1  # held until resumed
            assert await standin.post_update(standin.pending_updates[0], secret="") == 200
            standin.resume_webhook()
            await standin.wait_updates_confirmed(timeout=10)
            assert seen[-1][1] == "s3cret" and seen[-2][1] == ""
            info = (await api.post("getWebhookInfo")).json()["result"]
            assert info["url"].endswith("/hook") and info["allowed_updates"] == ["message"]
            assert (await api.post("deleteWebhook")).json()["result"] is True
            assert (await api.post("getUpdates", json={"timeout": 0})).json()["ok"]
    finally:
        await runner.cleanup()
