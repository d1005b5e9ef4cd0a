"""Rotating check-in codes: six digits per 30-second step from the session's secret,
accepted in their step and the next, inside the window only; late after 10 minutes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from lti_tool.sessions import codes

T0 = datetime(2026, 11, 24, 1, 0, 0, tzinfo=timezone.utc)  # a step boundary
SECRET, UID = codes.new_secret(), "a" * 32


def test_a_code_is_six_digits_and_changes_every_step():
    first = codes.code_at(SECRET, UID, T0)
    assert len(first) == 6 and first.isdigit()
    assert codes.code_at(SECRET, UID, T0 + timedelta(seconds=29)) == first
    following = [codes.code_at(SECRET, UID, T0 + timedelta(seconds=30 * n)) for n in range(1, 6)]
    assert first not in following


def test_codes_differ_by_session_and_secret():
    assert codes.code_at(SECRET, UID, T0) != codes.code_at(SECRET, "b" * 32, T0) or \
        codes.code_at(SECRET, UID, T0 + timedelta(seconds=30)) != codes.code_at(SECRET, "b" * 32, T0 + timedelta(seconds=30))
    assert codes.code_at(codes.new_secret(), UID, T0) != codes.code_at(SECRET, UID, T0) or \
        codes.code_at(codes.new_secret(), UID, T0) != codes.code_at(SECRET, UID, T0)


def test_the_current_and_the_previous_code_are_accepted_and_no_older():
    now = T0 + timedelta(seconds=65)
    assert codes.verify(SECRET, UID, codes.code_at(SECRET, UID, now), now)
    assert codes.verify(SECRET, UID, codes.code_at(SECRET, UID, now - timedelta(seconds=30)), now)
    older = codes.code_at(SECRET, UID, now - timedelta(seconds=60))
    assert older in (codes.code_at(SECRET, UID, now), codes.code_at(SECRET, UID, now - timedelta(seconds=30))) or \
        not codes.verify(SECRET, UID, older, now)
    assert codes.verify(SECRET, UID, " " + codes.code_at(SECRET, UID, now)[:3] + " " + codes.code_at(SECRET, UID, now)[3:], now)
    assert not codes.verify(SECRET, UID, "12345", now) and not codes.verify(SECRET, UID, "", now)


def test_the_window_opens_30_minutes_before_the_start_and_closes_at_the_end():
    opens, closes = codes.window(T0, T0 + timedelta(hours=2))
    assert opens == T0 - timedelta(minutes=30) and closes == T0 + timedelta(hours=2)
    assert not codes.is_late(T0, T0 + timedelta(minutes=10))
    assert codes.is_late(T0, T0 + timedelta(minutes=10, seconds=1))
    assert codes.seconds_left(T0) == 30 and codes.seconds_left(T0 + timedelta(seconds=29)) == 1
