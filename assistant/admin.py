"""The admin login's guard: a few failed attempts per client and window, then a wait."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class LoginGuard:
    """Counts failed logins per client (its address) over the last ``window_s`` seconds; after
    ``max_failures`` the client waits until the oldest of them leaves the window."""

    max_failures: int = 5
    window_s: float = 60.0
    clock: Callable[[], float] = time.monotonic
    _failures: dict[str, deque[float]] = field(default_factory=dict, repr=False)

    def wait_s(self, client: str) -> float:
        """Seconds ``client`` must wait before it may try again (0 when it may now)."""
        failures = self._recent(client)
        if len(failures) < self.max_failures:
            return 0.0
        return max(0.0, failures[0] + self.window_s - self.clock())

    def failed(self, client: str) -> int:
        """Record a failed attempt; returns the client's failures in the window."""
        failures = self._recent(client)
        failures.append(self.clock())
        self._failures[client] = failures
        return len(failures)

    def succeeded(self, client: str) -> None:
        """A successful login clears the client's failures."""
        self._failures.pop(client, None)

    def _recent(self, client: str) -> deque[float]:
        now = self.clock()
        for key in [k for k, v in self._failures.items() if v and v[-1] <= now - self.window_s]:
            del self._failures[key]  # forget clients whose last failure left the window
        failures = self._failures.get(client, deque())
        while failures and failures[0] <= now - self.window_s:
            failures.popleft()
        return failures


def wait_message(seconds: float) -> str:
    """The Finnish notice shown to a client that has to wait."""
    return (
        "Liian monta epäonnistunutta kirjautumista. "
        f"Yritä uudelleen {max(1, round(seconds))} sekunnin kuluttua."
    )
