"""The per-person flood limit."""

from bot.core.flood import FloodGuard


def test_flood_limit_allows_a_burst_then_refuses_and_recovers() -> None:
    guard = FloodGuard(per_minute=3)
    assert [guard.allow(1, now=t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert guard.should_warn(1) and not guard.should_warn(1)  # one warning a minute
    assert guard.allow(2, now=4)  # other people are not affected
    assert guard.allow(1, now=70)  # the next minute
    assert guard.should_warn(1)


def test_no_limit_when_switched_off() -> None:
    guard = FloodGuard(per_minute=0)
    assert all(guard.allow(1, now=0) for _ in range(1000))
