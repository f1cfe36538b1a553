"""Reliability fixtures: the e2e harness (stand-in, in-process bot, `python -m bot` child)."""

import sys
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest
import pytest_asyncio

HERE = Path(__file__).resolve().parent
for extra in (HERE, HERE.parent / "e2e"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

import harness  # noqa: E402
from harness import BotProcess, bot_env, rahnuma  # noqa: E402, F401
from reliability_kit import BotEnv, running_bot, stop_process  # noqa: E402
from standin import BotApiStandin  # noqa: E402


@pytest.fixture
async def bot_process(staffed_standin: BotApiStandin,
                      tmp_path: Path) -> AsyncIterator[Callable[..., BotProcess]]:
    """Like the e2e fixture, but stops the children without blocking the event loop, so a
    clean shutdown does not wait for a stand-in that cannot answer."""
    processes: list[BotProcess] = []

    def make(**extra: str) -> BotProcess:
        process = BotProcess(bot_env(staffed_standin, tmp_path / "data", **extra), tmp_path / "bot.log")
        processes.append(process)
        return process

    yield make
    for process in processes:
        await stop_process(process)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def module_bot(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BotEnv]:
    """One in-process bot shared by a module's tests (mark them asyncio(loop_scope="module"))."""
    async with running_bot(tmp_path_factory.mktemp("bot")) as env:
        yield env


staffed_standin = harness.staffed_standin
