"""The admin login guard: a few failures per client and minute, then a wait."""

from __future__ import annotations

from assistant.admin import LoginGuard, wait_message


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_fifth_failure_makes_the_client_wait_until_the_oldest_leaves_the_window() -> None:
    clock = Clock()
    guard = LoginGuard(max_failures=5, window_s=60, clock=clock)
    for i in range(4):
        assert guard.wait_s("10.0.0.1") == 0
        assert guard.failed("10.0.0.1") == i + 1
        clock.now += 5
    assert guard.wait_s("10.0.0.1") == 0
    guard.failed("10.0.0.1")  # the fifth, at t = 1020
    assert guard.wait_s("10.0.0.1") == 40  # the first (t = 1000) leaves at 1060
    assert guard.wait_s("10.0.0.2") == 0  # another client is not affected
    clock.now = 1060
    assert guard.wait_s("10.0.0.1") == 0  # four failures left in the window
    guard.failed("10.0.0.1")
    assert guard.wait_s("10.0.0.1") == 5  # the second (t = 1005) leaves at 1065


def test_success_clears_and_old_clients_are_forgotten() -> None:
    clock = Clock()
    guard = LoginGuard(max_failures=2, window_s=60, clock=clock)
    guard.failed("a")
    guard.succeeded("a")
    guard.failed("a")
    assert guard.wait_s("a") == 0
    guard.failed("b")
    clock.now += 61
    guard.wait_s("c")
    assert guard._failures == {}


def test_wait_message_is_finnish_and_rounds_up_to_a_second() -> None:
    assert wait_message(0.2) == (
        "Liian monta epäonnistunutta kirjautumista. Yritä uudelleen 1 sekunnin kuluttua."
    )
    assert "40 sekunnin" in wait_message(40.4)
