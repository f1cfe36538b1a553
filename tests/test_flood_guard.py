"""The per-user flood limit."""

from bot.telegram_app.handlers import FloodGuard


def test_flood_limit_allows_a_burst_then_refuses_and_recovers() -> None:
    guard = FloodGuard(per_minute=3)
    assert [guard.allow(1, now=t) for t in (0, 1, 2, 3)] == [True, True, True, False]
    assert guard.should_warn(1, now=3) and not guard.should_warn(1, now=4)
    assert guard.allow(2, now=4)  # other people are not affected
    assert guard.allow(1, now=70)  # a minute later


def test_quiet_people_are_forgotten() -> None:
    guard = FloodGuard(per_minute=3)
    for user in range(FloodGuard.PRUNE_AT + 5):
        guard.allow(user, now=0)
    guard.allow(99_999, now=120)
    assert len(guard._seen) == 1


def test_many_active_people_do_not_make_every_message_scan_them_all(monkeypatch) -> None:
    guard = FloodGuard(per_minute=3)
    scans = []
    forget = guard._forget_quiet_users
    monkeypatch.setattr(guard, "_forget_quiet_users", lambda now: (scans.append(now), forget(now)))
    for user in range(5 * FloodGuard.PRUNE_AT):  # all active within the same minute
        guard.allow(user, now=user / 1000)
    assert len(guard._seen) == 5 * FloodGuard.PRUNE_AT  # nobody forgotten: all are active
    assert len(scans) <= 3  # at 1,001, 2,003 and 4,007 people, not on every message
    guard.allow(1, now=200)  # a minute later everyone else has gone quiet: forgotten
    assert len(guard._seen) == 1
