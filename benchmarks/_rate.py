"""Messages per second of this process's CPU time (the machine is shared: wall-clock time
would measure the neighbours)."""

from __future__ import annotations

import time
from collections.abc import Callable


def per_cpu_second(fn: Callable[[str], object], texts: list[str], seconds: float) -> float:
    """`fn` on `texts` round-robin for about `seconds` of CPU time -> calls per CPU second."""
    n, start = 0, time.process_time()
    while time.process_time() - start < seconds:
        for t in texts:
            fn(t)
        n += len(texts)
    return n / (time.process_time() - start)
