"""Reliability fixtures: the e2e harness (stand-in, in-process bot, `python -m bot` child)."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for extra in (HERE, HERE.parent / "e2e"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

from harness import bot_process, rahnuma, staffed_standin  # noqa: E402, F401
