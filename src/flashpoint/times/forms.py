"""The calendar forms of a time expression: absolute dates, numeric dates, month-days, day ranges,
months, years, decades and centuries, seasons and quarters.

Why one module: these forms name a calendar position themselves and need the publication date only to
supply a missing year (see the package docstring's policies on month-days, months and seasons). Each
rule returns a value, None for "not my form", or False for "my form, but no date fits".
"""

from __future__ import annotations

import re
from typing import Literal

from .values import Date, TimeValue, _add_months, _day, _month, _month_end, _safe_date, _tv, _two_digit_year, _year
from .vocabulary import (
    _DAY,
    _MONTH_RE,
    _NEAR_FUTURE_DAYS,
    _NEAR_FUTURE_MONTHS,
    _TIME_OF_DAY,
    _WEEKDAY_RE,
    _YEAR,
    _YEAR_AGO_WORDS,
    MONTHS,
    ORDINAL_WORDS,
    SEASON_CODES,
    SEASONS,
)


def _absolute(s: str) -> TimeValue | None:
    m = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", s) or re.fullmatch(r"(\d{4})(\d{2})(\d{2})", s)
    if m:
        d = _safe_date(int(m[1]), int(m[2]), int(m[3]))
        return _day(d, None) if d else None
    m = re.fullmatch(r"(\d{4})-(\d{2})", s)
    if m and 1 <= int(m[2]) <= 12:
        return _month(int(m[1]), int(m[2]), None)
    return None


def _numeric(s: str, base: Date | None) -> TimeValue | None:
    """3/18/19, 18.03.2019: month first (US style) unless the first number cannot be a month."""
    m = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4}|\d{2})", s)
    if not m:
        return None
    a, b, y = int(m[1]), int(m[2]), m[3]
    year = int(y) if len(y) == 4 else _two_digit_year(int(y), base)
    month, day = (a, b) if a <= 12 else (b, a)
    d = _safe_date(year, month, day)
    return _day(d, None) if d else None


def _recent_or_near(month: int, day: int, base: Date, direction: str | None) -> Date | None:
    """The year of a month-day written without one (see the module's policy on month-days)."""
    def at(year: int) -> Date | None:
        return _safe_date(year, month, day)

    if direction == "future":
        return next((d for y in range(base.year, base.year + 5) if (d := at(y)) and d >= base), None)
    nxt = at(base.year + 1)
    if direction != "past" and nxt is not None and (nxt - base).days <= _NEAR_FUTURE_DAYS:
        return nxt  # "Jan. 2" in a December paper
    # a past-tense sentence still names coming days ("payable Dec. 7", "was extended to Nov. 16"), and a
    # day of last year would carry its year, so the past tense only rules out next year
    this = at(base.year)
    if this is not None and (this <= base or (this - base).days <= _NEAR_FUTURE_DAYS):
        return this
    return next((d for y in range(base.year - 1, base.year - 5, -1) if (d := at(y))), None)


def _month_year(month: int, base: Date, direction: str | None) -> int:
    """The year of a month named without one: the month-level version of ``_recent_or_near``."""
    diff = month - base.month
    if direction == "past":
        return base.year if diff <= 0 else base.year - 1
    if direction == "future":
        return base.year if diff >= 0 else base.year + 1
    if diff <= 0:
        return base.year + 1 if diff + 12 <= _NEAR_FUTURE_MONTHS else base.year
    return base.year if diff <= _NEAR_FUTURE_MONTHS else base.year - 1


def _month_day(s: str, base: Date | None, direction: str | None = None) -> TimeValue | None | Literal[False]:
    """ "February 27, 2019", "27 Feb 2019", "Feb. 3", "the 3rd of March", with an optional weekday first.

    Returns False when the text is a month-day but no base date resolves its year.
    """
    s = re.sub(rf"^{_WEEKDAY_RE},?\s+", "", s, flags=re.I)
    ranged = _day_range(s, base, direction)
    if ranged is not None:
        return ranged
    patterns = (
        rf"{_MONTH_RE}\s+{_DAY}(?:,?\s+{_YEAR})?",
        rf"{_DAY}(?:\s+of)?\s+{_MONTH_RE},?(?:\s+{_YEAR})?",
    )
    for pat in patterns:
        m = re.fullmatch(pat + _TIME_OF_DAY, s, flags=re.I)
        if not m:
            continue
        month, day = MONTHS[m["month"].lower()], int(m["day"])
        if m["year"]:
            d = _safe_date(int(m["year"]), month, day)
            return _day(d, None) if d else None
        if base is None:
            return False
        d = _recent_or_near(month, day, base, direction)
        return _day(d, "published") if d else None
    return None


_DAY_RANGE = (
    re.compile(rf"(?:from\s+)?{_MONTH_RE}\s+(?P<day>\d{{1,2}})\s*(?:-|–|to|through|until)\s*(?P<day2>\d{{1,2}})"
               rf"(?:,?\s+{_YEAR})?", re.I),
    re.compile(rf"(?:from\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:-|–|to|through|until)\s*(?P<day2>\d{{1,2}})"
               rf"(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_RE},?(?:\s+{_YEAR})?", re.I),
)


def _day_range(s: str, base: Date | None, direction: str | None) -> TimeValue | None | Literal[False]:
    """ "3 to 5 July", "March 3-5, 2016": the days of one month, as one range (its year as for one day)."""
    for pattern in _DAY_RANGE:
        m = pattern.fullmatch(s)
        if not m:
            continue
        month, first, last = MONTHS[m["month"].lower()], int(m["day"]), int(m["day2"])
        if last <= first:
            return None
        if m["year"]:
            start, anchor = _safe_date(int(m["year"]), month, first), None
        elif base is None:
            return False
        else:
            start, anchor = _recent_or_near(month, first, base, direction), "published"
        end = _safe_date(start.year, month, last) if start else None
        return _tv(start, end, anchor) if start and end else None
    return None


def _month_only(s: str, base: Date | None, direction: str | None = None) -> TimeValue | None | Literal[False]:
    m = re.fullmatch(rf"(?:(?P<part>early|mid|middle|late|the end of|the beginning of|the start of|the middle of)"
                     rf"[\s-]+)?(?:of\s+)?(?:(?P<rel>last|this|next|this past|this coming|past|coming)\s+)?"
                     rf"{_MONTH_RE}(?:,?\s+{_YEAR}|\s+(?:of\s+)?(?P<yrel>last|this|next)\s+year)?", s, flags=re.I)
    if not m:
        return None
    month = MONTHS[m["month"].lower()]
    rel, yrel = (m["rel"] or "").lower(), (m["yrel"] or "").lower()
    if m["year"]:
        year, anchor = int(m["year"]), None
    elif base is None:
        return False
    elif yrel:  # "June last year", "January this year"
        year, anchor = base.year + {"last": -1, "this": 0, "next": 1}[yrel], "published"
    elif rel in ("last", "past", "this past"):  # "last April": the latest April before this month
        year, anchor = (base.year if month < base.month else base.year - 1), "published"
        if rel == "last" and month == base.month - 1:
            year -= 1  # the month just past is "last month": "last February" in March is a year back
    elif rel == "this":
        year, anchor = base.year, "published"
    elif rel in ("next", "coming", "this coming"):
        year, anchor = (base.year if month > base.month else base.year + 1), "published"
    else:
        year, anchor = _month_year(month, base, direction), "published"
    part = (m["part"] or "").lower()
    if not part:
        return _month(year, month, anchor)
    last = _month_end(year, month).day
    first_day, last_day = {"early": (1, 10), "the beginning of": (1, 10), "the start of": (1, 10),
                           "mid": (11, 20), "middle": (11, 20), "the middle of": (11, 20), "late": (21, last),
                           "the end of": (21, last)}[part]
    return _tv(Date(year, month, first_day), Date(year, month, last_day), anchor, value=f"{year}-{month:02d}")


def _year_only(s: str, base: Date | None) -> TimeValue | None | Literal[False]:
    m = re.fullmatch(r"(?:(?P<part>early|mid|middle|late)[\s-]+)?(?:the\s+year\s+)?(?P<year>\d{4})", s, flags=re.I)
    if not m:
        return None
    year = int(m["year"])
    # four digits outside modern history are clock times ("2354") or other calendars ("1429" AH)
    if not 1800 <= year <= (base.year + 10 if base else 2100):
        return False
    return _year(year, None, (m["part"] or "").lower() or None)


_DECADE_WORDS = {"twenties": 1920, "thirties": 1930, "forties": 1940, "fifties": 1950, "sixties": 1960,
                 "seventies": 1970, "eighties": 1980, "nineties": 1990}
_CENTURY_WORDS = {"nineteenth": 19, "twentieth": 20, "twenty-first": 21, "twenty first": 21}


def _decade(s: str) -> TimeValue | None:
    """ "the 1990s", "the late '70s", "the nineties" (taken as the 1900s), "the 20th century".

    Values follow TimeML: a decade is its first three digits ("199"), a century its first two ("19").
    """
    m = re.fullmatch(r"(?:the\s+)?(?:(?P<part>early|mid|late)[\s-]+)?"
                     r"(?:(?P<decade>\d{3}0)['’]?s|['’]?(?P<yy>\d0)['’]?s|"
                     rf"(?P<word>{'|'.join(_DECADE_WORDS)}))", s, flags=re.I)
    if m:
        if m["decade"]:
            first = int(m["decade"])
        elif m["yy"]:
            first = 1900 + int(m["yy"])
        else:
            first = _DECADE_WORDS[m["word"].lower()]
        if first < 1000:
            return None
        lo, hi = {"early": (0, 3), "mid": (4, 6), "late": (7, 9)}.get((m["part"] or "").lower(), (0, 9))
        return _tv(Date(first + lo, 1, 1), Date(first + hi, 12, 31), None, value=str(first)[:3], precision=3)
    m = re.fullmatch(rf"(?:the\s+)?(?:(?P<n>1[0-9]|2[01])(?:st|nd|rd|th)|(?P<word>{'|'.join(_CENTURY_WORDS)}))"
                     r"[\s-]+century", s, flags=re.I)
    if m:
        n = int(m["n"]) if m["n"] else _CENTURY_WORDS[m["word"].lower()]
        return _tv(Date(100 * (n - 1), 1, 1), Date(100 * n - 1, 12, 31), None, value=f"{n - 1:02d}", precision=3)
    return None


def _season(s: str, base: Date | None, direction: str | None = None) -> TimeValue | None | Literal[False]:
    m = re.fullmatch(r"(?:(?P<rel>last|this|next|past)\s+)?(?P<season>spring|summer|autumn|fall|winter)"
                     r"(?:\s+(?:of\s+)?(?P<year>\d{4}))?", s, flags=re.I)
    if not m:
        return None
    season = m["season"].lower()
    first, last = SEASONS[season]
    if m["year"]:
        year, anchor = int(m["year"]), None
    elif base is None:
        return False
    else:
        anchor = "published"
        # the most recent such season that has begun by the base date
        year = base.year if base >= Date(base.year, first, 1) else base.year - 1
        rel = (m["rel"] or "").lower()
        if rel in ("last", "past"):
            in_progress = base <= _month_end(year + (1 if last < first else 0), last)
            year -= 1 if in_progress else 0
        elif rel == "next" or (not rel and direction == "future" and base > _month_end(
                year + (1 if last < first else 0), last)):
            year += 1  # "next summer"; "the summer" in a sentence about what will happen
        elif rel == "this":  # this calendar year's season (a winter in January or February began last year)
            year = base.year - 1 if season == "winter" and base.month <= 2 else base.year
    start = Date(year, first, 1)
    end = _month_end(year + 1 if last < first else year, last)
    return _tv(start, end, anchor, value=f"{year}-{SEASON_CODES[season]}", precision=3)


def _quarter(s: str, base: Date | None, direction: str | None = None) -> TimeValue | None | Literal[False]:
    """A quarter ("the third quarter", "fiscal 1990's first quarter" aside, "Q3 2019") or a half ("the first half
    of 1997"): named without a year, the latest one begun by the base date; in a sentence about the future, a
    quarter two or more back is next year's ("profit will rise in the third quarter" in March), while the one
    just ended stays (results for it are reported ahead: "will report fourth-quarter results")."""
    m = re.fullmatch(rf"(?:the\s+)?(?:(?P<yrel>last|this|next)\s+year['’]s\s+|(?P<year3>\d{{4}})\s+|"
                     rf"(?P<ago>{_YEAR_AGO_WORDS})\s+)?"
                     r"(?:fiscal[\s-]+)?(?:(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+quarter|"
                     r"(?P<h>first|second|1st|2nd)[\s-]+half|(?P<h2>first|last)\s+two\s+quarters)"
                     r"(?:\s+of)?(?:\s+(?P<year>\d{4})|\s+(?P<yrel2>last|this|next)\s+year)?"
                     r"|q(?P<qn>[1-4])\s+(?P<year2>\d{4})", s, flags=re.I)
    if not m:
        return None
    if m["h"] or m["h2"]:
        half = 1 if (m["h"] or m["h2"]).lower() in ("first", "1st") else 2
        first_month, last_month, code = 6 * half - 5, 6 * half, f"H{half}"
    else:
        q = int(m["qn"]) if m["qn"] else ORDINAL_WORDS[m["q"].lower()]
        first_month, last_month, code = 3 * q - 2, 3 * q, f"Q{q}"
    year_text = m["year"] or m["year2"] or m["year3"]
    yrel = m["yrel"] or m["yrel2"]
    if year_text:
        year, anchor = int(year_text), None
    elif base is None:
        return False
    elif yrel:  # "next year's first quarter", "the third quarter of next year"
        year, anchor = base.year + {"last": -1, "this": 0, "next": 1}[yrel.lower()], "published"
    else:
        year, anchor = base.year, "published"
        if Date(year, first_month, 1) > base:
            year -= 1
        if direction == "future" and not m["ago"] and _add_months(_month_end(year, last_month), 3) < base:
            year += 1
    if m["ago"]:  # "the year-ago third quarter"
        year -= 1
    return _tv(Date(year, first_month, 1), _month_end(year, last_month), anchor, value=f"{year}-{code}",
               precision=3)
