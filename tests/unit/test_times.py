"""Times people read: the wall clock of a zone, labelled by its offset from UTC then."""

from __future__ import annotations

from datetime import datetime, timezone

from lti_tool.practical.helpers import DEFAULT_ZONE, local_time, page_time, zone_label

WINTER = datetime(2026, 12, 7, 2, 2, tzinfo=timezone.utc)
SUMMER = datetime(2026, 7, 1, 2, 2, tzinfo=timezone.utc)


def test_the_label_is_the_offset_at_that_time():
    assert zone_label("Asia/Shanghai", WINTER) == "UTC+8"
    assert zone_label("Asia/Kolkata", WINTER) == "UTC+5:30"
    assert (zone_label("America/New_York", WINTER), zone_label("America/New_York", SUMMER)) == ("UTC-5", "UTC-4")
    assert zone_label("UTC", WINTER) == "UTC+0"


def test_a_time_is_the_zones_wall_clock_and_outside_a_request_the_default_zone():
    assert DEFAULT_ZONE == "Asia/Shanghai"
    assert local_time(WINTER) == "2026-12-07 10:02"
    assert local_time(WINTER, "America/New_York", label=True) == "2026-12-06 21:02 UTC-5"
    assert local_time(WINTER, "Not/A_Zone") == "2026-12-07 10:02"  # a broken setting reads as the default
    assert local_time(None, label=True) == ""


def test_pages_label_a_time_of_day_and_not_a_day():
    assert page_time(WINTER) == "2026-12-07 10:02 UTC+8"
    assert page_time(WINTER, None, "%Y-%m-%d") == "2026-12-07"
    assert page_time(WINTER, None, "%H:%M", label=False) == "10:02"
