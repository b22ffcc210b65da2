import datetime as dt

import pytest

from crmtool.domain.durations import Duration, add, add_months, parse_duration


@pytest.mark.parametrize("text, expected", [
    ("P2Y", Duration(2, 0, 0)), ("P6M", Duration(0, 6, 0)), ("P1Y6M", Duration(1, 6, 0)),
    ("P30D", Duration(0, 0, 30)), ("P4W", Duration(0, 0, 28)), ("P1Y2M3D", Duration(1, 2, 3)),
])
def test_parse(text, expected):
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["P", "2Y", "P1.5Y", "PT1H", "", None, 12])
def test_not_a_duration(text):
    assert parse_duration(text) is None


def test_month_arithmetic_is_calendar_months():
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 11, 2), 1) == dt.date(2026, 12, 2)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert add(dt.date(2024, 2, 29), Duration(years=1)) == dt.date(2025, 2, 28)
    assert add(dt.date(2026, 1, 1), Duration(days=31)) == dt.date(2026, 2, 1)
