"""The fixed-window rate budget: counts, windows, keys, headers (a fake clock)."""

from __future__ import annotations

from service.access.rate_limit import WINDOW_S, RateBudget
from tests.unit.clock import Clock


def test_a_key_spends_its_limit_then_is_refused_until_its_window_ends() -> None:
    clock = Clock()
    budget = RateBudget(3, clock)
    spent = [budget.spend("token:a") for _ in range(3)]
    assert [s.allowed for s in spent] == [True, True, True]
    assert [s.remaining for s in spent] == [2, 1, 0]
    clock.now += 20.5
    refused = budget.spend("token:a")
    assert not refused.allowed
    assert refused.remaining == 0
    assert refused.reset_s == 40  # the window started at the first operation
    # Refusals spend nothing: the budget is whole again when the window ends.
    clock.now += 39.5
    renewed = budget.spend("token:a")
    assert renewed.allowed
    assert renewed.remaining == 2
    assert renewed.reset_s == WINDOW_S


def test_keys_have_budgets_of_their_own() -> None:
    budget = RateBudget(1, Clock())
    assert budget.spend("token:a").allowed
    assert not budget.spend("token:a").allowed
    assert budget.spend("token:b").allowed
    assert budget.spend("address:127.0.0.1").allowed


def test_reset_is_at_least_one_second() -> None:
    clock = Clock()
    budget = RateBudget(1, clock)
    budget.spend("k")
    clock.now += WINDOW_S - 0.01
    assert budget.spend("k").reset_s == 1


def test_headers_name_the_policy_and_retry_after_once_spent() -> None:
    budget = RateBudget(2, Clock())
    first = budget.spend("k").headers()
    assert first == {
        "RateLimit-Policy": f"2; w={WINDOW_S}",
        "RateLimit-Limit": "2",
        "RateLimit-Remaining": "1",
        "RateLimit-Reset": str(WINDOW_S),
    }
    last = budget.spend("k").headers()
    assert last["RateLimit-Remaining"] == "0"
    assert last["Retry-After"] == last["RateLimit-Reset"]


def test_ended_windows_are_dropped_when_many_keys_pile_up() -> None:
    clock = Clock()
    budget = RateBudget(1, clock)
    for n in range(10_000):
        budget.spend(f"address:{n}")
    clock.now += WINDOW_S + 1
    budget.spend("address:late")  # past 10,000 keys: the ended windows go
    assert len(budget._windows) == 1
