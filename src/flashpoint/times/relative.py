"""``resolve_relative``: expressions relative to another event ("a few days after the killing", "the
same week", "the next day"), resolved against that event's date.

Why apart from ``normalize``: these have no value against the publication date; the event stage (and
the tagger, against the date the text named just before) supplies the date they are relative to.
"""

from __future__ import annotations

import datetime as dt
import re

from .cleaning import _clean
from .normalization import normalize
from .values import (
    Date,
    TimeValue,
    _add_months,
    _day,
    _iso_week,
    _month,
    _month_end,
    _number,
    _parse_iso,
    _precision,
    _range_value,
    _tv,
    _week_start,
    _year,
)
from .vocabulary import _NUM_RE, _UNIT_RE, _WEEKDAY_RE, VAGUE_QUANTITIES, WEEKDAYS

_SHIFT = re.compile(
    rf"^(?P<q>{_NUM_RE})?\s*{_UNIT_RE}[\s-]+(?P<dir>later|after|afterwards|on|earlier|before|prior to|prior)\b",
    re.I,
)
_FORWARD = frozenset({"later", "after", "afterwards", "on"})


_OTHER_WEEKDAY = re.compile(
    rf"^(?:on\s+)?(?:the\s+)?(?P<rel>previous|preceding|following|next)\s+(?P<wd>{_WEEKDAY_RE})$")
_IN_THE_UNIT_REL = re.compile(r"^(?P<rel>earlier|later)\s+in\s+the\s+(?P<unit>week|month|year)$")


def resolve_relative(text: str, event_date: TimeValue) -> TimeValue | None:
    """The date of an expression relative to another event ("a few days after the killing").

    "N days later" shifts the event's range by N days; "a few / several days after" is the week after it
    (day +1 to +7, precision 2); "the next day" is +1; "the same week" is the event's own range when that
    is a week or less, else the ISO week containing it; "the following week" the ISO week after.
    Other expressions are returned only when they are absolute ("Feb. 5, 2019"): a month-day without a
    year, read against an event instead of the publication, would be guessing.
    """
    start, end = _parse_iso(event_date.date_start), _parse_iso(event_date.date_end)
    if start is None or end is None or not text or len(text) > 200:
        return None
    s = _clean(text).lower()
    one = dt.timedelta(days=1)

    def shifted(days: int) -> TimeValue:
        return _tv(start + dt.timedelta(days=days), end + dt.timedelta(days=days), "event")

    if re.match(r"^(?:on\s+)?(?:the\s+)?(?:next|following)\s+(?:day|morning|night|evening|afternoon)\b|^a day later|"
                r"^(?:the\s+)?day after\b|^one day later", s):
        return shifted(1)
    if re.match(r"^(?:on\s+)?(?:the\s+)?(?:previous|preceding)\s+(?:day|night|evening)\b|^(?:the\s+)?day before\b|"
                r"^a day (?:earlier|before)|^one day (?:earlier|before)", s):
        return shifted(-1)
    if re.match(r"^(?:on\s+)?(?:the\s+same|that\s+same|that)\s+(?:day|night|morning|evening|afternoon)\b|"
                r"^(?:later|earlier)\s+(?:that|the same)\s+(?:day|night)\b|^(?:hours|minutes|moments)\s+"
                r"(?:later|after|earlier|before)\b", s):
        return shifted(0)
    if re.match(r"^(?:in\s+|during\s+|within\s+)?(?:the\s+same|that\s+same|that)\s+week\b", s):
        if 1 < (end - start).days + 1 <= 7:
            return _tv(start, end, "event")
        return _iso_week(start, "event")
    if re.match(r"^(?:the\s+)?(?:following|next)\s+week\b|^(?:the\s+)?week after\b", s):
        return _iso_week(_week_start(end) + 7 * one, "event")
    if re.match(r"^(?:the\s+)?(?:previous|preceding)\s+week\b|^(?:the\s+)?week before\b", s):
        return _iso_week(_week_start(start) - 7 * one, "event")
    m = _OTHER_WEEKDAY.match(s)
    if m:  # "down 4.5% from the previous Friday": the one before the event's day; "the following Monday"
        wd = WEEKDAYS[m["wd"].rstrip(".")]
        if m["rel"] in ("previous", "preceding"):
            return _day(start - dt.timedelta(days=(start.weekday() - wd) % 7 or 7), "event")
        return _day(end + dt.timedelta(days=(wd - end.weekday()) % 7 or 7), "event")
    m = _IN_THE_UNIT_REL.match(s)
    if m:  # "earlier in the year": within the event's year, before (after) it
        if m["unit"] == "year":
            first, last, value = Date(start.year, 1, 1), Date(start.year, 12, 31), str(start.year)
        elif m["unit"] == "month":
            first, last = start.replace(day=1), _month_end(start.year, start.month)
            value = f"{start.year}-{start.month:02d}"
        else:
            first, last = _week_start(start), _week_start(start) + 6 * one
            value = _range_value(first, last)
        lo, hi = (first, max(first, start - one)) if m["rel"] == "earlier" else (min(end + one, last), last)
        return _tv(lo, hi, "event", value=value, precision=_precision(lo, hi) if m["unit"] != "year" else 3)
    if re.match(r"^(?:in\s+|during\s+)?(?:the\s+same|that\s+same|that)\s+month\b", s):
        return _month(start.year, start.month, "event")
    if re.match(r"^later\s+(?:that|the same)\s+month\b", s):
        last = _month_end(end.year, end.month)
        return _tv(min(end + one, last), last, "event", value=f"{end.year}-{end.month:02d}")
    if re.match(r"^(?:the\s+)?(?:following|next)\s+month\b|^a month later\b", s):
        d = _add_months(end.replace(day=1), 1)
        return _month(d.year, d.month, "event")
    if re.match(r"^(?:in\s+|during\s+)?(?:the\s+same|that\s+same|that)\s+year\b|^later\s+(?:that|the same)\s+year\b",
                s):
        return _year(start.year, "event")
    if re.match(r"^(?:the\s+)?(?:following|next)\s+year\b|^a year later\b", s):
        return _year(end.year + 1, "event")

    m = _SHIFT.match(s)
    if m:
        return _shift(m["q"] or "", m["unit"], m["dir"].lower() in _FORWARD, start, end)
    return normalize(text, None)


def _shift(q: str, unit: str, forward: bool, start: Date, end: Date) -> TimeValue | None:
    if not q.strip() and not unit.lower().endswith("s"):
        q = "1"  # "year-earlier", "day later": one unit, not a few
    unit = unit.lower().rstrip("s")
    vague = q.lower().strip() in VAGUE_QUANTITIES
    n = 0 if vague else (_number(q) or 0)
    sign = 1 if forward else -1
    ref = end if forward else start
    if unit in ("minute", "hour"):
        return _tv(start, end, "event")
    if unit in ("day", "night"):
        if vague:  # "a few days after": the week after the event
            near, far = ref + sign * dt.timedelta(days=1), ref + sign * dt.timedelta(days=7)
            return _tv(near, far, "event")
        days = sign * n
        a, b = start + dt.timedelta(days=days), end + dt.timedelta(days=days)
        return _tv(a, b, "event")
    if unit in ("week", "fortnight"):
        weeks = (n or 2) * (2 if unit == "fortnight" else 1)
        if vague:
            near, far = ref + sign * dt.timedelta(days=7), ref + sign * dt.timedelta(days=28)
            return _tv(near, far, "event")
        a, b = start + sign * dt.timedelta(weeks=weeks), end + sign * dt.timedelta(weeks=weeks)
        return _tv(a, b, "event", precision=max(2, _precision(a, b)))
    if unit == "month":
        d = _add_months(ref, sign * (n or 2))
        return _month(d.year, d.month, "event")
    if unit == "year":
        years = sign * (n or 2)
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        if start.day == 1 and end == _month_end(end.year, end.month) and (
                months == 1 or months == 3 and start.month % 3 == 1):
            # "a year earlier" than a month or a quarter is that month or quarter a year before (TimeML)
            a = Date(start.year + years, start.month, 1)
            b = _month_end(end.year + years, end.month)
            value = f"{a.year}-{a.month:02d}" if months == 1 else f"{a.year}-Q{(a.month + 2) // 3}"
            return _tv(a, b, "event", value=value, precision=3)
        return _year(ref.year + years, "event")
    return None
