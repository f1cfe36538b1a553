"""Two WhatsApp adapters on one PostgreSQL (each with its own store, web app and sender, as two
`serve` instances have), behind a round-robin balancer that spreads Meta's webhook posts over
both: together they keep WHATSAPP_MAX_RATE, and what a status means does not depend on which
instance Meta posts it to. Skipped without RAHNUMA_TEST_DATABASE_URL (tests/pg.py).

And, on either database: a row sent as several WhatsApp messages keeps its progress in the
database, so an instance that takes it over after a crash goes on with the next part."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web
from round_robin import RoundRobin

from bot.channels import whatsapp_chat_id
from bot.config import Settings
from bot.core.dialogue.engine import Dialogue
from bot.core.dialogue.messages import Outgoing
from bot.core.knowledge_holder import KnowledgeHolder
from bot.core.markup import html_to_plain
from bot.storage import open_store
from bot.storage.store import Store
from bot.whatsapp import WhatsAppService, WhatsAppSettings
from tests.test_whatsapp import TEMPLATES, serve_adapter
from tests.whatsapp_standin import GraphApiStandin, text_of

REPO = Path(__file__).resolve().parents[1]
STAFF = -100
PEOPLE = [f"92300555{i:04d}" for i in range(4)]


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeHolder:
    return KnowledgeHolder(REPO / "content", REPO / "content" / "agencies.csv")


@dataclass
class Instance:
    service: WhatsAppService
    store: Store
    runner: web.AppRunner
    url: str

    async def stop(self) -> None:
        await self.service.stop()
        await self.runner.cleanup()
        await self.store.close()


async def instance(wa: GraphApiStandin, knowledge: KnowledgeHolder, data_dir: Path,
                   database_url: str | None, *, max_rate: float = 0) -> Instance:
    """One adapter, as `serve` wires it, on its own store (its own connections)."""
    store = await open_store(Settings(data_dir=data_dir, database_url=database_url))
    settings = WhatsAppSettings(token=wa.token, phone_number_id=wa.phone_number_id,
                                app_secret=wa.app_secret, verify_token="verify-me",
                                api_base_url=wa.base_url, max_rate=max_rate)
    service = WhatsAppService(settings, store, Dialogue(knowledge, STAFF), templates=TEMPLATES,
                              ambiguous_grace=2.0)
    runner, url = await serve_adapter(service)
    return Instance(service, store, runner, url)


@dataclass
class Pair:
    wa: GraphApiStandin
    a: Instance
    b: Instance
    balancer: RoundRobin


async def start_pair(knowledge: KnowledgeHolder, tmp_path: Path, pg_url: str, *, bot_rate: float = 0,
                     **standin: object) -> AsyncIterator[Pair]:
    wa = await GraphApiStandin(enforce_window=False, **standin).start()  # type: ignore[arg-type]
    a = await instance(wa, knowledge, tmp_path / "a", pg_url, max_rate=bot_rate)
    b = await instance(wa, knowledge, tmp_path / "b", pg_url, max_rate=bot_rate)
    balancer = await RoundRobin([a.url, b.url]).start()
    wa.webhook_url = balancer.url + "/whatsapp"
    try:
        yield Pair(wa, a, b, balancer)
    finally:
        await balancer.stop()
        await a.stop()
        await b.stop()
        await wa.stop()


async def staff_texts(store: Store) -> list[str]:
    return [html_to_plain(m.payload.get("text", "")) for m in await store.pending(STAFF, 100)]


async def test_two_instances_together_keep_whatsapp_max_rate(
        knowledge: KnowledgeHolder, tmp_path: Path, pg_url: str) -> None:
    """Meta's limit (the stand-in: more than 8 messages in any second is refused with 130429)
    is the two instances' WHATSAPP_MAX_RATE=8 in total, not each: 4 people x 10 messages,
    half of them sent by each instance, go out with no refusal, each person's in order. (Each
    instance alone at 8/s would offer about 16/s together, and half would be refused.)"""
    async for pair in start_pair(knowledge, tmp_path, pg_url, bot_rate=8, max_rate=8):
        for wa_id in PEOPLE:
            await pair.wa.user_sends(wa_id, "/start")  # opens the window; first answers go out
        for n, wa_id in enumerate(PEOPLE):
            chat = whatsapp_chat_id(wa_id)
            owner = (pair.a if n % 2 else pair.b).service
            owner.wake(await owner.store.enqueue([Outgoing(chat, f"m{i}") for i in range(10)], user_id=chat))
        for wa_id in PEOPLE:
            await pair.wa.wait_for(wa_id, lambda m: text_of(m) == "m9", timeout=60)
        await pair.a.service.delivery.idle()
        await pair.b.service.delivery.idle()
        assert [r for r in pair.wa.rejected if r[1]["code"] == 130429] == []
        for wa_id in PEOPLE:
            numbered = [text_of(m) for m in pair.wa.sent_to(wa_id) if text_of(m).startswith("m")]
            assert numbered == [f"m{i}" for i in range(10)]
        times = sorted(m["time"] for m in pair.wa.sent)
        assert max(sum(1 for t in times if s <= t < s + 1) for s in times) <= 8


async def test_a_status_posted_to_the_other_instance_confirms_a_send_whose_answer_was_lost(
        knowledge: KnowledgeHolder, tmp_path: Path, pg_url: str) -> None:
    """Instance A sends; the connection drops after Meta accepted it; Meta's "sent" status goes
    to instance B. A learns it through the database and does not send the message again."""
    async for pair in start_pair(knowledge, tmp_path, pg_url, auto_statuses=("sent",)):
        wa_id = PEOPLE[0]
        chat = whatsapp_chat_id(wa_id)
        await pair.wa.user_sends(wa_id, "/start")
        await pair.wa.wait_for(wa_id, timeout=20)
        await pair.wa.settled()
        pair.wa.webhook_url = pair.b.url + "/whatsapp"  # every status to B
        sent_before = len(pair.wa.sent_to(wa_id))
        pair.wa.fail_next("drop_after")
        pair.a.service.wake(await pair.a.store.enqueue([Outgoing(chat, "only once")], user_id=chat))
        await pair.wa.wait_for(wa_id, lambda m: text_of(m) == "only once", timeout=20)
        await pair.a.service.delivery.idle()
        await pair.wa.settled()
        assert pair.wa.faults_injected == ["drop_after"]
        assert [text_of(m) for m in pair.wa.sent_to(wa_id)[sent_before:]] == ["only once"]
        assert await pair.a.store.pending(chat, 10) == []


async def test_a_person_who_cannot_be_reached_is_reported_once_whichever_instance_hears_it(
        knowledge: KnowledgeHolder, tmp_path: Path, pg_url: str) -> None:
    """Meta accepts each message, then posts a failed status (131026) for it: the statuses
    are spread over both instances; staff hear it once, and nothing is sent again."""
    async for pair in start_pair(knowledge, tmp_path, pg_url):
        wa_id = PEOPLE[1]
        chat = whatsapp_chat_id(wa_id)
        await pair.wa.user_sends(wa_id, "/helpline")
        await pair.wa.wait_for(wa_id, count=2, timeout=20)
        pair.wa.unreachable.add(wa_id)
        sent_before = len(pair.wa.sent)
        rows = [Outgoing(chat, f"reply {i}") for i in range(4)]
        pair.a.service.wake(await pair.a.store.enqueue(rows, user_id=chat))
        await pair.a.service.delivery.idle()
        await pair.wa.settled()
        await pair.a.service.delivery.idle()
        await pair.b.service.delivery.idle()
        assert len(pair.wa.failed_statuses) == 4
        assert {i for i, status in pair.balancer.log[-4:] if status == 200} == {0, 1}
        told = [s for s in await staff_texts(pair.a.store) if "could not reach" in s]
        assert len(told) == 1
        assert len(pair.wa.sent) == sent_before and await pair.a.store.pending(chat, 10) == []


async def parts_recorded(store: Store, chat: int, parts: int, within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while True:
        if (await store.pending(chat, 1))[0].parts_done >= parts:
            return
        assert time.monotonic() < deadline, "the first part was never recorded"
        await asyncio.sleep(0.01)


async def test_a_long_answer_goes_on_from_the_part_after_the_last_one_recorded(
        knowledge: KnowledgeHolder, tmp_path: Path, database_url: str | None) -> None:
    """A row of three WhatsApp messages: instance A sends the first and records it, then stops
    before the second (its pace holds it; stopped as a crash would stop it); instance B, on the
    same database, sends the second and the third, not the first again."""
    wa = await GraphApiStandin(enforce_window=False).start()
    try:
        a = await instance(wa, knowledge, tmp_path / "data", database_url, max_rate=0.5)
        chat = whatsapp_chat_id(PEOPLE[2])
        wa.webhook_url = a.url + "/whatsapp"
        await wa.user_sends(PEOPLE[2], "/start")  # the window opens (the answer waits its turn)
        await a.service.delivery.idle()
        greeting = len(wa.sent_to(PEOPLE[2]))
        paragraphs = [f"part {n}: " + "word " * 700 for n in range(3)]  # 3 x 3,508 characters
        a.service.wake(await a.store.enqueue([Outgoing(chat, "\n\n".join(paragraphs))], user_id=chat))
        [first] = await wa.wait_for(PEOPLE[2], lambda m: text_of(m).startswith("part"), timeout=20)
        await parts_recorded(a.store, chat, 1)  # else it is in the known window (accepted, not recorded)
        await a.stop()
        b = await instance(wa, knowledge, tmp_path / "data", database_url)
        try:
            await wa.wait_for(PEOPLE[2], lambda m: text_of(m).startswith("part 2"), timeout=20)
            await b.service.delivery.idle()
            texts = [text_of(m) for m in wa.sent_to(PEOPLE[2])[greeting:]]
            assert [t.split(":")[0] for t in texts] == ["part 0", "part 1", "part 2"]
            assert texts[0] == text_of(first)
            assert await b.store.pending(chat, 10) == []
        finally:
            await b.stop()
    finally:
        await wa.stop()
