"""Security (admin and staff commands, uploads, flood limit, secrets) and privacy (deletion,
retention, aggregate-only stats), end to end through the real Application."""

from __future__ import annotations

import asyncio
import csv
import io
import sqlite3
import zipfile
from pathlib import Path

import pytest
from harness import ADMIN_ID, REPO, STAFF_CHAT, STAFF_MEMBER, BotProcess, bot_env, replies, text_of
from reliability_kit import (
    BotEnv,
    db_file,
    db_rows,
    markers,
    rows_about_chat,
    running_bot,
    stop_process,
    tables_holding,
    texts,
)
from standin import BotApiStandin, Faults

module_loop = pytest.mark.asyncio(loop_scope="module")
HEADER = "license_no,name,proprietor,city,address,phone,status,valid_until"


async def said(s: BotApiStandin, chat_id: int) -> str:
    return text_of(await replies(s, chat_id, timeout=30, quiet=0.2))


async def staff_line(s: BotApiStandin, needle: str, after: int) -> dict:
    """The first staff-chat message containing `needle` among bot messages after index `after`."""
    for _ in range(600):
        for m in s.outbox[after:]:
            if m["chat"]["id"] == STAFF_CHAT and needle in (m.get("text") or m.get("caption") or ""):
                return m
        await asyncio.sleep(0.05)
    raise TimeoutError(f"no staff message with {needle!r}: {texts(s.outbox[after:])}")


async def upload(s: BotApiStandin, user_id: int, name: str, content: bytes,
                 chat_id: int | None = None) -> None:
    await s.user_sends(user_id, document=(name, content, None), caption="/import_agencies",
                       chat_id=chat_id)


# --- admin commands ---------------------------------------------------------------------------

ADMIN_ACTIONS = ["/reload", "/stats", "/export_reports", "/update_agencies", "/import_agencies"]


@module_loop
@pytest.mark.parametrize("where", ["private", "staff group"])
@pytest.mark.parametrize("action", ADMIN_ACTIONS)
async def test_admin_commands_refused_to_non_admins(module_bot: BotEnv, action: str, where: str) -> None:
    s = module_bot.s
    user = STAFF_MEMBER if where == "staff group" else 8100 + ADMIN_ACTIONS.index(action)
    chat = STAFF_CHAT if where == "staff group" else user
    list_before = module_bot.agencies.read_bytes()
    calls_before = {m: len(s.calls(m)) for m in ("getFile", "sendPhoto", "sendDocument")}
    if action == "/import_agencies":
        await upload(s, user, "agencies.csv", f"{HEADER}\n6666/EVL,Evil Co,,,,,valid,\n".encode(),
                     chat_id=chat)
    else:
        await s.user_sends(user, action, chat_id=chat)
    answer = await said(s, chat)
    assert "admins only" in answer
    assert "Reloaded" not in answer
    assert {m: len(s.calls(m)) for m in calls_before} == calls_before  # no file out, none fetched
    assert module_bot.agencies.read_bytes() == list_before


@module_loop
async def test_admin_import_of_a_good_csv_reloads_the_list(module_bot: BotEnv) -> None:
    s = module_bot.s
    with (REPO / "content" / "agencies.csv").open(encoding="utf-8") as fh:
        rows = fh.read().rstrip("\n")
    new = ("9876/ISB,Zarkhez Reliability Overseas Promoters,Test Person,Islamabad,Blue Area,"
           "051-1234567,valid,2030-01-01")
    await upload(s, ADMIN_ID, "new-list.csv", (rows + "\n" + new + "\n").encode())
    answer = await said(s, ADMIN_ID)
    assert "✅" in answer and "1 added" in answer, answer
    await s.user_sends(8200, "9876/ISB")
    assert "Zarkhez Reliability Overseas Promoters" in await said(s, 8200)


def zip_bomb_xlsx(megabytes: int = 64) -> bytes:
    """A workbook-shaped zip whose sheet inflates to `megabytes` MB from a few dozen KB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            member.write(b'<?xml version="1.0"?><worksheet><sheetData>')
            chunk = b" " * (1024 * 1024)
            for _ in range(megabytes):
                member.write(chunk)
            member.write(b"</sheetData></worksheet>")
    return out.getvalue()


@module_loop
@pytest.mark.parametrize("upload_kind", ["xlsx zip bomb", "bad csv", "not a list", "wrong file type",
                                         "over 20 MB"])
async def test_admin_upload_refused_and_list_unchanged(module_bot: BotEnv, upload_kind: str) -> None:
    s = module_bot.s
    before = module_bot.agencies.read_bytes()
    name, content = {
        "xlsx zip bomb": ("agencies.xlsx", zip_bomb_xlsx()),
        "bad csv": ("agencies.csv", f"{HEADER}\n12/XX,,,,,,maybe,yesterday\n=cmd|' /C calc'!A0,x,,,,,valid,\n"
                    .encode()),
        "not a list": ("agencies.csv", b"\x00\x01\x02 not a csv at all \xff\xfe"),
        "wrong file type": ("agencies.exe", b"MZ\x90\x00"),
        "over 20 MB": ("agencies.csv", (HEADER + "\n").encode() + b"x" * (21 * 1024 * 1024)),
    }[upload_kind]
    fetched = len(s.calls("getFile"))
    await upload(s, ADMIN_ID, name, content)
    answer = await said(s, ADMIN_ID)
    assert "✅" not in answer
    if upload_kind == "over 20 MB":
        assert len(s.calls("getFile")) == fetched  # refused unread
    assert any(n in answer for n in ("Not imported", "Please send a .csv", "too large")), answer
    assert module_bot.agencies.read_bytes() == before
    await s.user_sends(ADMIN_ID, "/help")  # the bot is still there
    assert "/helpline" in await said(s, ADMIN_ID)


@module_loop
async def test_export_neutralises_formula_injection(module_bot: BotEnv) -> None:
    s = module_bot.s
    user = 8300
    await s.user_sends(user, "/report")
    await said(s, user)
    for answer in ('=HYPERLINK("http://evil.example","click")', "+92 300 1234567", "@SUM(1+1) -2+3"):
        await s.user_sends(user, answer)
        await said(s, user)
    await s.user_sends(ADMIN_ID, "/export_reports")
    sent = (await s.wait_for_call("sendDocument", timeout=30))[-1]
    document = next(m for m in reversed(s.sent(ADMIN_ID)) if "document" in m)
    data = s.file_bytes(document["document"]["file_id"]).decode("utf-8-sig")
    assert sent
    for row in list(csv.reader(io.StringIO(data)))[1:]:
        for cell in row:
            assert not cell or cell[0] not in "=+-@\t\r", row


# --- staff commands ------------------------------------------------------------------------------

@module_loop
async def test_close_works_only_as_a_staff_reply_in_the_staff_chat(module_bot: BotEnv) -> None:
    s, user = module_bot.s, 8400
    mark = len(s.outbox)
    await s.user_sends(user, "/helpline")
    header = await staff_line(s, "Ticket #", mark)
    await said(s, user)

    def status() -> str:
        return next(r["status"] for r in db_rows(module_bot.data)["tickets"] if r["user_id"] == user)

    await s.user_sends(user, "/close")  # the person: an unknown command, nothing closed
    assert "don't know that command" in await said(s, user)
    await s.user_sends(STAFF_MEMBER, "/close", chat_id=STAFF_CHAT)  # not a reply: ignored
    group = -1006000000001
    await s.user_sends(STAFF_MEMBER, "hello", chat_id=group)
    await s.user_sends(STAFF_MEMBER, "/close", chat_id=group)  # another group: ignored
    await s.user_sends(8401, "/help")
    await said(s, 8401)
    await asyncio.sleep(0.3)
    assert status() == "open"
    await s.user_sends(STAFF_MEMBER, "/close", chat_id=STAFF_CHAT, reply_to_message_id=header["message_id"])
    assert "closed" in await said(s, user)
    assert status() == "closed"


# --- flood limit ----------------------------------------------------------------------------------

async def test_flood_limit_is_polite_and_never_drops_a_helpline_chat(tmp_path: Path) -> None:
    async with running_bot(tmp_path, user_flood_per_minute=5) as env:
        s = env.s
        for i in range(9):
            await s.user_sends(8500, f"what is protector registration {i}")
        got = texts(await replies(s, 8500, timeout=30, quiet=1.0))
        polite = [t for t in got if "very fast" in t]
        assert len(polite) == 1
        assert len(got) == 5 + 1  # five answers, then one polite message (not one per message)

        mark = len(s.outbox)
        await s.user_sends(8501, "/helpline")
        await staff_line(s, "Ticket #", mark)
        chat = markers("F", 12)
        for text in chat:
            await s.user_sends(8501, f"{text} help me")
        for text in chat:
            await staff_line(s, text, mark)  # every one relayed, far beyond the limit
        assert not any("very fast" in t for t in texts(s.sent(8501)))


# --- secrets ----------------------------------------------------------------------------------------

async def test_token_and_user_text_never_reach_the_log(tmp_path: Path) -> None:
    token = "7012345678:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    s = BotApiStandin(token=token)
    await s.start()
    s.create_group("Helpline staff", members=[ADMIN_ID, STAFF_MEMBER], chat_id=STAFF_CHAT)
    log = tmp_path / "bot.log"
    bot = BotProcess(bot_env(s, tmp_path / "data"), log)
    try:
        bot.start()
        secret_text = markers("T", 1)[0] + " my name is Zarmina, phone 03001234567"
        await s.user_sends(8600, "/helpline")
        await said(s, 8600)
        s.faults = Faults(error_rate=0.3, kinds={"500", "drop"}, include_get_updates=True, seed=3)
        await s.user_sends(8600, secret_text)
        await s.user_sends(8601, f"/check {secret_text}")
        await s.user_sends(ADMIN_ID, "/reload")
        s.block_user(8602)
        await s.user_sends(8602, secret_text)
        await s.wait_for(lambda m: "T" in (m.get("text") or "") and m["chat"]["id"] == STAFF_CHAT,
                         timeout=60)
        await s.wait_for(8601, timeout=60)
        await s.wait_for(ADMIN_ID, timeout=60)
        s.faults = None
        await asyncio.sleep(1.0)
    finally:
        await stop_process(bot)
        bot.kill9()
        await s.stop()
    content = log.read_text(encoding="utf-8", errors="replace")
    assert "Rahnuma starting" in content  # the log is really there
    assert token not in content
    assert token.split(":", 1)[1] not in content
    assert "Zarmina" not in content and "03001234567" not in content


# --- privacy ---------------------------------------------------------------------------------------

@module_loop
async def test_delete_my_data_removes_every_row_and_tells_staff(module_bot: BotEnv) -> None:
    s, user = module_bot.s, 8700
    mark = len(s.outbox)
    await s.user_sends(user, "/check Zqxy Overseas Employment")  # recent activity
    await said(s, user)
    await s.user_sends(user, "/report")
    await said(s, user)
    for answer in ("Bad Agent", "03001112223", "they took money"):
        await s.user_sends(user, answer)
        await said(s, user)
    await s.user_sends(user, "/helpline")
    await said(s, user)
    ticket_line = await staff_line(s, "Ticket #", mark)
    ticket = ticket_line["text"].split("#", 1)[1].split()[0]
    await s.user_sends(user, "I am in Riyadh, please call me")
    relayed = await staff_line(s, "please call me", mark)
    await asyncio.sleep(0.5)
    assert rows_about_chat(module_bot.data, user)

    await s.user_sends(user, "/delete_my_data")
    confirm = (await replies(s, user, timeout=30, quiet=0.2))[-1]
    await s.press_button(user, "del:yes", confirm["message_id"])
    assert "deleted" in await said(s, user)
    told = await staff_line(s, "deleted their data", mark)
    assert f"#{ticket}" in told["text"]
    await asyncio.sleep(0.5)

    left = rows_about_chat(module_bot.data, user)
    assert set(left) <= {"outbox"}, left  # only the deletion notices themselves, below
    notices = [r for r in db_rows(module_bot.data)["outbox"] if user in (r["user_id"], r["chat_id"])]
    assert len(notices) <= 2 and all(r["payload"] == "{}" for r in notices), notices
    for needle in ("Bad Agent", "03001112223", "they took money", "Riyadh", "Zqxy"):
        assert tables_holding(module_bot.data, needle) == {}, needle
    ticket_id = int(ticket.rsplit("-", 1)[-1])  # the reference is "<database token>-<id>"
    assert not [r for r in db_rows(module_bot.data)["relay_map"] if r["ticket_id"] == ticket_id]

    # Staff answer the deleted ticket: nothing reaches the person, staff are told.
    before = len(s.sent(user))
    after = len(s.outbox)
    await s.user_sends(STAFF_MEMBER, "are you still there?", chat_id=STAFF_CHAT,
                       reply_to_message_id=relayed["message_id"])
    await staff_line(s, "not part of a ticket", after)
    await asyncio.sleep(0.5)
    assert len(s.sent(user)) == before


@module_loop
async def test_delete_my_data_leaves_no_row_naming_the_person(module_bot: BotEnv) -> None:
    s, user = module_bot.s, 8710
    await s.user_sends(user, "what is protector registration")
    await said(s, user)
    await s.user_sends(user, "/delete_my_data")
    confirm = (await replies(s, user, timeout=30, quiet=0.2))[-1]
    await s.press_button(user, "del:yes", confirm["message_id"])
    await said(s, user)
    await asyncio.sleep(0.5)
    left = [r for r in db_rows(module_bot.data)["outbox"] if r["chat_id"] == user or r["user_id"] == user]
    assert len(left) <= 1, left  # only the "your data has been deleted" message itself


async def test_retention_purge_end_to_end(tmp_path: Path) -> None:
    old, young = 8800, 8801
    async with running_bot(tmp_path) as env:
        s = env.s
        for user in (old, young):
            await s.user_sends(user, "/helpline")
            await said(s, user)
            await s.user_sends(user, "hello staff")
        await s.user_sends(old, "/cancel")  # closed: will be old enough to purge
        await said(s, old)
        await s.user_sends(old, "/report")
        await said(s, old)
        for answer in ("Old Agent", "-", "-"):
            await s.user_sends(old, answer)
            await said(s, old)
        await asyncio.sleep(0.5)
    days_91 = 91 * 86400
    with sqlite3.connect(db_file(env.data)) as conn:
        conn.execute("UPDATE tickets SET opened_at = opened_at - ?, closed_at = closed_at - ?"
                     " WHERE user_id = ?", (days_91, days_91, old))
        conn.execute("UPDATE reports SET created_at = created_at - ?", (days_91,))
    async with running_bot(tmp_path):  # the same data dir: the purge runs at start-up
        for _ in range(100):
            if not db_rows(env.data)["reports"]:
                break
            await asyncio.sleep(0.1)
    rows = db_rows(env.data)
    assert [t["user_id"] for t in rows["tickets"]] == [young]  # the open ticket stays
    assert rows["reports"] == []
    assert {r["ticket_id"] for r in rows["relay_map"]} == {t["id"] for t in rows["tickets"]}


@module_loop
async def test_stats_are_aggregate_only(module_bot: BotEnv) -> None:
    s = module_bot.s
    people = [8913579, 8924680]
    for user in people:
        await s.user_sends(user, "what is protector registration Qwzx")
        await said(s, user)
        await s.user_sends(user, "/check Qwzx Manpower Services")
        await said(s, user)
    calls = len(s.calls("sendPhoto"))
    await s.user_sends(ADMIN_ID, "/stats")
    text = await said(s, ADMIN_ID)
    await s.wait_for_call("sendPhoto", count=calls + 1, timeout=30)
    assert "protector-registration" in text or "topic" in text
    for secret in (*map(str, people), "Qwzx", "Manpower"):
        assert secret not in text
    stats_rows = db_rows(module_bot.data)["stats"]
    assert not any("Qwzx" in str(r) or any(str(p) in str(r) for p in people) for r in stats_rows)
