"""Dates read as the values of first and last dates (EXT001): every way a table prints a date gives its day."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from scanner.rules.extremes import date_ordinal

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)))
def test_every_printed_form_of_a_date_gives_its_day(day: dt.date) -> None:
    want = float(day.toordinal())
    forms = [
        day.isoformat(),  # 2008-01-14
        f"{day.day:02d}-{day.month:02d}-{day.year}",  # 14-01-2008
        f"{day.day}.{day.month}.{day.year}",  # 14.1.2008 (Finnish)
        f"{day.day:02d}/{day.month:02d}/{day.year}",  # 14/01/2008
        f"{day.day:02d}{_MONTHS[day.month - 1]}{day.year}",  # Stata's %td: 14jan2008
        f"{day.isoformat()} 00:00:00",  # a timestamp at midnight
    ]
    for form in forms:
        assert date_ordinal(form) == want, form
    assert date_ordinal(day) == want
    assert date_ordinal(dt.datetime(day.year, day.month, day.day, 13, 5)) == want


def test_what_is_no_date_gives_none() -> None:
    for text in ("Region Nordjylland", "2008", "31.02.2020", "14-13-2008", "12.5", "", "1-2", "2008-01"):
        assert date_ordinal(text) is None, text
    assert date_ordinal(12.0) is None
    assert date_ordinal(None) is None
