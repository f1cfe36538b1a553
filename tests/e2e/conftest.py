"""End-to-end fixtures (see harness.py)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from harness import bot_process, rahnuma, staffed_standin  # noqa: F401
