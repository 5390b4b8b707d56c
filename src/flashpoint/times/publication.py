"""Expressions relative to the publication (or anchor) date: "yesterday", "on Sunday", "last week",
"the weekend", "the past three days", "three days ago".

Why apart from the calendar forms: these name no calendar position at all without a base date, and
each follows one of the reporting conventions in the package docstring (the most recent weekday, the
previous ISO week, the latest weekend begun by publication).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Literal

from .values import (
    Date,
    TimeValue,
    _add_months,
    _day,
    _iso_week,
    _month,
    _month_end,
    _number,
    _safe_date,
    _tv,
    _week_start,
    _with_anchor,
    _year,
)
from .vocabulary import _NUM_RE, _TIME_OF_DAY, _UNIT_RE, _WEEKDAY_RE, SIMPLE_DAYS, VAGUE_QUANTITIES, WEEKDAYS


def _weekend(base: Date, which: str) -> TimeValue:
    """A Saturday-Sunday weekend: "recent" (the latest one begun by base), "upcoming" (the one not yet
    over), "previous" (before the current one), "following" (after the current one)."""
    saturday = _week_start(base) + dt.timedelta(days=5)
    on_weekend = base.weekday() >= 5
    week = dt.timedelta(days=7)
    if which == "recent":
        sat = saturday if on_weekend else saturday - week
    elif which == "upcoming":
        sat = saturday
    elif which == "previous":
        sat = saturday - week
    else:
        sat = saturday + week if on_weekend else saturday
    iso = sat.isocalendar()
    return TimeValue(f"{iso.year}-W{iso.week:02d}-WE", 2, sat.isoformat(), (sat + dt.timedelta(days=1)).isoformat(),
                     "published")


def _relative(s: str, base: Date, anchor: str, direction: str | None = None) -> TimeValue | None | Literal[False]:
    """Expressions that need the base date: yesterday, on Sunday, last week, three days ago ...

    False means "recognised, and no date fits": the caller must not ask dateparser to guess.
    """
    low = " ".join(s.lower().split())
    if low in SIMPLE_DAYS:
        first, last, first_is_value = SIMPLE_DAYS[low]
        start, end = base + dt.timedelta(days=first), base + dt.timedelta(days=last)
        return _tv(start, end, anchor, value=start.isoformat() if first_is_value else None)

    m = re.fullmatch(rf"(?P<wd>{_WEEKDAY_RE}),?\s+(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?{_TIME_OF_DAY}", low)
    if m:  # "Friday 5": the latest day numbered 5 that fell on a Friday, within the past year
        wd, day = WEEKDAYS[m["wd"].rstrip(".")], int(m["day"])
        for back in range(13):
            month = _add_months(base.replace(day=1), -back)
            d = _safe_date(month.year, month.month, day)
            if d is not None and d <= base and d.weekday() == wd:
                return _day(d, anchor)
        return False

    m = re.fullmatch(rf"(?:(?P<rel>last|this|next|this past|this coming|past)\s+)?(?P<wd>{_WEEKDAY_RE})"
                     rf"{_TIME_OF_DAY}", low)
    if m:
        wd = WEEKDAYS[m["wd"].rstrip(".")]
        rel = m["rel"] or ""
        if rel in ("next", "this coming"):
            delta = (wd - base.weekday()) % 7 or 7
            return _day(base + dt.timedelta(days=delta), anchor)
        if rel == "this":
            return _day(_week_start(base) + dt.timedelta(days=wd), anchor)
        if not rel and direction == "future":  # "talks will resume on Monday": the coming one
            return _day(base + dt.timedelta(days=(wd - base.weekday()) % 7), anchor)
        delta = (base.weekday() - wd) % 7
        if rel in ("last", "past", "this past") and delta == 0:
            delta = 7
        return _day(base - dt.timedelta(days=delta), anchor)

    m = re.fullmatch(r"(?:(?P<rel>this|last|next|past|coming|the)\s+)?weekend", low)
    if m:  # "over the weekend": the latest one; "this weekend": the coming one unless told of the past
        rel = m["rel"] or ""
        if rel in ("last", "past"):
            which = "previous" if base.weekday() >= 5 else "recent"
        elif rel in ("next", "coming"):
            which = "following" if rel == "next" else "upcoming"
        elif rel == "this":
            which = "recent" if direction == "past" else "upcoming"
        else:
            which = "upcoming" if direction == "future" else "recent"
        return _with_anchor(_weekend(base, which), anchor)

    m = re.fullmatch(r"(?:in\s+|over\s+|during\s+)?(?:the\s+)?past\s+(?P<unit>week|month|year)|"
                     r"(?:in\s+|over\s+|during\s+)?the\s+last\s+(?P<unit2>week|month|year)", low)
    if m:  # "the past week": the seven days up to and including the base date, not the calendar week
        days = {"week": 7, "month": 30, "year": 365}[m["unit"] or m["unit2"]]
        return _tv(base - dt.timedelta(days=days - 1), base, anchor)

    m = re.fullmatch(r"(?P<rel>last|this|next|previous|earlier this|later this|the previous|the coming|the next|"
                     r"the current|current)\s+(?P<unit>week|month|quarter|year)", low)
    if m:
        return _calendar_unit(m["rel"], m["unit"], base, anchor)

    m = re.fullmatch(
        rf"(?:in\s+|over\s+|during\s+)?(?:the\s+)?(?:past|last|previous)\s+(?P<q>{_NUM_RE})\s+{_UNIT_RE}", low
    )
    if m:  # "the past three days": up to and including the base date
        n = _number(m["q"]) if m["q"] not in VAGUE_QUANTITIES else 7
        days = _unit_days(m["unit"]) * (n or 1)
        if days:
            return _tv(base - dt.timedelta(days=days - 1), base, anchor)
        return None

    m = re.fullmatch(r"(?:in\s+)?recent\s+(?P<unit>days|weeks|months)", low)
    if m:
        days = {"days": 7, "weeks": 28, "months": 90}[m["unit"]]
        return _tv(base - dt.timedelta(days=days - 1), base, anchor)

    m = re.fullmatch(rf"(?P<q>{_NUM_RE})\s+{_UNIT_RE}\s+(?:from\s+now|hence)", low)
    if m:  # "two years from now"; the tagger also reads "in two years" so in a sentence about the future
        return _ahead(m["q"], m["unit"], base, anchor)

    m = re.fullmatch(rf"(?:(?:nearly|almost|about|around|some|roughly|approximately|more than|less than|over|"
                     rf"just|only|barely|at least)\s+)?(?P<q>{_NUM_RE})?\s*{_UNIT_RE}(?:\s+or\s+so)?\s+ago", low)
    if m:
        if not m["q"] and m["unit"].endswith("s"):
            return False  # "years ago", "decades ago": no count, no calendar position (a vague PAST_REF)
        return _ago(m["q"] or "", m["unit"], base, anchor)
    return None


def _unit_days(unit: str) -> int:
    unit = unit.rstrip("s")
    return {"day": 1, "night": 1, "week": 7, "fortnight": 14, "month": 30, "year": 365}.get(unit, 0)


def _calendar_unit(rel: str, unit: str, base: Date, anchor: str) -> TimeValue | None:
    rel = rel.replace("the ", "").replace("current", "this")
    one = dt.timedelta(days=1)
    if unit == "week":
        this = _week_start(base)
        if rel in ("last", "previous"):
            return _iso_week(this - 7 * one, anchor)
        if rel == "this":
            return _iso_week(base, anchor)
        if rel in ("next", "coming"):
            return _iso_week(this + 7 * one, anchor)
        if rel == "earlier this":
            return _tv(this, max(this, base - one), anchor)
        if rel == "later this":
            return _tv(min(base + one, this + 6 * one), this + 6 * one, anchor)
    if unit == "month":
        first = base.replace(day=1)
        if rel in ("last", "previous"):
            prev = _add_months(first, -1)
            return _month(prev.year, prev.month, anchor)
        if rel == "this":
            return _month(base.year, base.month, anchor)
        if rel in ("next", "coming"):
            nxt = _add_months(first, 1)
            return _month(nxt.year, nxt.month, anchor)
        if rel == "earlier this":
            return _tv(first, max(first, base - one), anchor, value=f"{base.year}-{base.month:02d}")
        if rel == "later this":
            end = _month_end(base.year, base.month)
            return _tv(min(base + one, end), end, anchor, value=f"{base.year}-{base.month:02d}")
    if unit == "quarter":  # "this quarter", "next quarter": calendar quarters
        first = Date(base.year, 3 * ((base.month - 1) // 3) + 1, 1)
        step = {"last": -3, "previous": -3, "this": 0, "next": 3, "coming": 3}.get(rel)
        if step is None:
            return None
        start = _add_months(first, step)
        q = (start.month - 1) // 3 + 1
        return _tv(start, _month_end(start.year, start.month + 2), anchor, value=f"{start.year}-Q{q}", precision=3)
    if unit == "year":
        if rel in ("last", "previous"):
            return _year(base.year - 1, anchor)
        if rel == "this":
            return _year(base.year, anchor)
        if rel in ("next", "coming"):
            return _year(base.year + 1, anchor)
        if rel == "earlier this":
            first = Date(base.year, 1, 1)
            return _tv(first, max(first, base - one), anchor, value=str(base.year), precision=3)
        if rel == "later this":
            end = Date(base.year, 12, 31)
            return _tv(min(base + one, end), end, anchor, value=str(base.year), precision=3)
    return None


def _ahead(q: str, unit: str, base: Date, anchor: str) -> TimeValue | None:
    """The day, ISO week, month or year a counted length after the base date ("in five years": that year)."""
    if q.lower().strip() in VAGUE_QUANTITIES:
        return None
    n, unit = _number(q) or 0, unit.rstrip("s")
    if unit in ("day", "night"):
        return _day(base + dt.timedelta(days=n), anchor)
    if unit in ("week", "fortnight"):
        return _iso_week(base + dt.timedelta(days=7 * n * (2 if unit == "fortnight" else 1)), anchor)
    if unit == "month":
        d = _add_months(base, n)
        return _month(d.year, d.month, anchor)
    if unit == "year":
        return _year(base.year + n, anchor)
    if unit == "decade":
        return _year(base.year + 10 * n, anchor)
    return None


def _ago(q: str, unit: str, base: Date, anchor: str) -> TimeValue | None:
    unit = unit.rstrip("s")
    vague = q.lower().strip() in VAGUE_QUANTITIES
    n = 0 if vague else (_number(q) or 0)
    if unit in ("day", "night"):
        if vague:
            return _tv(base - dt.timedelta(days=7), base - dt.timedelta(days=2), anchor)
        return _day(base - dt.timedelta(days=n), anchor)
    if unit in ("week", "fortnight"):
        days = 7 * (n or 2) * (2 if unit == "fortnight" else 1)
        return _iso_week(base - dt.timedelta(days=days), anchor)
    if unit == "month":
        d = _add_months(base, -(n or 2))
        return _month(d.year, d.month, anchor)
    if unit == "year":
        return _year(base.year - (n or 2), anchor)
    if unit in ("hour", "minute"):
        return _day(base, anchor)
    return None
