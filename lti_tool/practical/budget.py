"""A per-process budget of memory for decoding photos: a semaphore weighted by bytes.

Each upload holds as many bytes as its decoded pixels take while it decodes and
re-encodes them; uploads that would go over the budget wait, and after ``timeout``
seconds give up (the view answers "busy, try again"), so parallel uploads cannot
take a process's memory however many arrive at once. The standard library has no
weighted semaphore; this is one condition variable.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Busy(Exception):
    """The budget stayed full for the whole wait."""


class MemoryBudget:
    def __init__(self, capacity: int) -> None:
        self.capacity = max(1, int(capacity))
        self.used = 0
        self.waiting = 0  # uploads waiting for room (tests and logs read it)
        self._room = threading.Condition()

    @contextmanager
    def hold(self, amount: int, timeout: float) -> Iterator[None]:
        """Hold ``amount`` bytes (at most the whole budget: one photo always fits an
        idle process) for the ``with`` block; raises ``Busy`` after ``timeout``."""
        amount = min(max(0, int(amount)), self.capacity)
        with self._room:
            self.waiting += 1
            try:
                if not self._room.wait_for(lambda: self.used + amount <= self.capacity, timeout):
                    raise Busy(f"{amount} bytes did not fit in {timeout:g} s")
            finally:
                self.waiting -= 1
            self.used += amount
        try:
            yield
        finally:
            with self._room:
                self.used -= amount
                self._room.notify_all()
