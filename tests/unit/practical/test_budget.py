"""The per-process image budget: a semaphore weighted by bytes, with a timeout."""

from __future__ import annotations

import threading
import time

import pytest

from lti_tool.practical.budget import Busy, MemoryBudget


def test_holders_share_the_budget_and_give_it_back():
    budget = MemoryBudget(100)
    with budget.hold(60, 0), budget.hold(40, 0):
        assert budget.used == 100
        with pytest.raises(Busy):
            with budget.hold(1, 0.01):
                pass
    assert budget.used == 0 and budget.waiting == 0


def test_a_waiter_goes_on_when_room_is_given_back():
    budget = MemoryBudget(100)
    order: list[str] = []
    first = budget.hold(80, 0)
    first.__enter__()

    def second():
        with budget.hold(50, 5):
            order.append("second")

    thread = threading.Thread(target=second)
    thread.start()
    while budget.waiting != 1:
        time.sleep(0.01)
    order.append("first done")
    first.__exit__(None, None, None)
    thread.join(timeout=5)
    assert order == ["first done", "second"] and budget.used == 0


def test_more_than_the_whole_budget_runs_alone_rather_than_never():
    budget = MemoryBudget(100)
    with budget.hold(10_000, 0):
        assert budget.used == 100
    with budget.hold(10, 0), pytest.raises(Busy):
        with budget.hold(10_000, 0.01):
            pass


def test_an_error_inside_gives_the_room_back():
    budget = MemoryBudget(100)
    with pytest.raises(RuntimeError):
        with budget.hold(70, 0):
            raise RuntimeError("decoder failed")
    assert budget.used == 0
