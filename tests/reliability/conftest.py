"""Reliability fixtures: the e2e harness (stand-in, in-process bot, `python -m bot` child)."""

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

HERE = Path(__file__).resolve().parent
for extra in (HERE, HERE.parent / "e2e"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

import harness  # noqa: E402
from harness import bot_process, rahnuma  # noqa: E402, F401
from reliability_kit import BotEnv, running_bot  # noqa: E402


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def module_bot(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[BotEnv]:
    """One in-process bot shared by a module's tests (mark them asyncio(loop_scope="module"))."""
    async with running_bot(tmp_path_factory.mktemp("bot")) as env:
        yield env


staffed_standin = harness.staffed_standin
