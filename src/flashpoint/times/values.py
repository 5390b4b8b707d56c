"""The value of a time expression (``TimeValue``) and the calendar arithmetic that builds one.

Why apart from the rules: every rule, the event-relative resolver and the tagger end in the same few
constructions (a day, an ISO week, a month, a year, a range), and the policy on values and precision
(see the package docstring) is written once here: the smallest ISO unit that holds a range, precision
1 for a day, 2 up to a week, 3 beyond.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass

from .vocabulary import NUMBER_WORDS

Date = dt.date


@dataclass(frozen=True, slots=True)
class TimeValue:
    value: str
    precision: int  # ACLED time_precision: 1 day, 2 a week or a range of days, 3 a month or coarser
    date_start: str
    date_end: str
    # "published", "anchor" (the anchor_date), "event", "text" (the date the text named just before), or None
    # for absolute dates
    anchor: str | None

    def days_spanned(self) -> int | None:
        """Days from the first to the last date the value covers (0 for one day); None when its
        bounds are not calendar dates."""
        try:
            return (Date.fromisoformat(self.date_end[:10]) - Date.fromisoformat(self.date_start[:10])).days
        except ValueError:
            return None


def _month_end(year: int, month: int) -> Date:
    return Date(year, month, calendar.monthrange(year, month)[1])


def _add_months(d: Date, months: int) -> Date:
    y, m = divmod(d.month - 1 + months, 12)
    year, month = d.year + y, m + 1
    return Date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _week_start(d: Date) -> Date:
    return d - dt.timedelta(days=d.weekday())


def _precision(start: Date, end: Date) -> int:
    days = (end - start).days + 1
    return 1 if days <= 1 else 2 if days <= 7 else 3


def _range_value(start: Date, end: Date) -> str:
    """The smallest ISO unit that holds the range (see the module's policy on values)."""
    if start == end:
        return start.isoformat()
    iso_start, iso_end = start.isocalendar(), end.isocalendar()
    if (iso_start.year, iso_start.week) == (iso_end.year, iso_end.week):
        return f"{iso_start.year}-W{iso_start.week:02d}"
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.year}-{start.month:02d}"
    if start.year == end.year:
        return str(start.year)
    return f"{start.isoformat()}/{end.isoformat()}"


def _tv(start: Date, end: Date, anchor: str | None, *, value: str | None = None,
        precision: int | None = None) -> TimeValue:
    if end < start:
        start, end = end, start
    return TimeValue(value or _range_value(start, end), precision or _precision(start, end),
                     start.isoformat(), end.isoformat(), anchor)


def _day(d: Date, anchor: str | None) -> TimeValue:
    return _tv(d, d, anchor)


def _month(year: int, month: int, anchor: str | None) -> TimeValue:
    return _tv(Date(year, month, 1), _month_end(year, month), anchor, value=f"{year}-{month:02d}", precision=3)


def _year(year: int, anchor: str | None, part: str | None = None) -> TimeValue:
    start, end = Date(year, 1, 1), Date(year, 12, 31)
    if part == "early":
        end = Date(year, 4, 30)
    elif part in ("mid", "middle"):
        start, end = Date(year, 5, 1), Date(year, 8, 31)
    elif part == "late":
        start = Date(year, 9, 1)
    return _tv(start, end, anchor, value=str(year), precision=3)


def _iso_week(d: Date, anchor: str | None) -> TimeValue:
    start = _week_start(d)
    return _tv(start, start + dt.timedelta(days=6), anchor)


def _safe_date(year: int, month: int, day: int) -> Date | None:
    try:
        return Date(year, month, day)
    except ValueError:
        return None


def _number(q: str) -> int | None:
    q = q.lower().strip()
    if q.isdigit():
        return int(q)
    return NUMBER_WORDS.get(q)


def _two_digit_year(yy: int, base: Date | None) -> int:
    pivot = (base.year if base else 2030) + 1
    year = 2000 + yy
    return year if year <= pivot else 1900 + yy


def _with_anchor(tv: TimeValue, anchor: str) -> TimeValue:
    if tv.anchor == "published" and anchor != "published":
        return TimeValue(tv.value, tv.precision, tv.date_start, tv.date_end, anchor)
    return tv


def _parse_iso(value: str | None) -> Date | None:
    if not value:
        return None
    try:
        return Date.fromisoformat(value[:10])
    except ValueError:
        return None


def is_vague_value(value: str | None) -> bool:
    """Whether a value is one of TimeML's vague ones (PRESENT_REF, PAST_REF, FUTURE_REF, an "X" wildcard):
    no calendar position, so never an event's date."""
    return value is not None and ("REF" in value or "X" in value)
