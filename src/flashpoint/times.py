"""Turning time expressions into dates, against the publication date or against another event.

Why rules first and dateparser last: news time expressions are mostly relative ("on Sunday", "last week",
"Feb. 3") and their meaning depends on conventions dateparser does not know or gets wrong for reporting
(it reads "Sunday" as the coming one when told to prefer the past only sometimes, and knows nothing of
seasons, quarters or "earlier this month"). The rules below cover what conflict reporting uses; dateparser
(one span at a time, English only, the publication date as its base, results cached) handles the rest.

Policies, chosen for news and applied everywhere:

- Anchor. Relative expressions resolve against the publication date (``anchor="published"``), or against
  ``anchor_date`` when given (``anchor="anchor"``); absolute ones carry ``anchor=None``. Without a
  reference date a relative expression has no value: ``normalize`` returns None rather than guess from
  today's date.
- Values. ``value`` is ISO 8601: a day ``2019-04-14``, an ISO week ``2019-W15``, a month ``2019-04``, a year
  ``2018``; TimeML's ``2014-SU`` (seasons) and ``2019-Q3`` (quarters); an interval ``start/end`` only for a
  span that fits none of those. ``date_start``/``date_end`` always give the exact range.
- Precision (ACLED time_precision) follows the range: one day 1; two to seven days 2; longer 3. So
  "earlier this month" in an article of the 5th is 2 (the 1st-4th), of the 20th is 3.
- Weekdays ("on Sunday", "Sunday night"): the most recent such day on or before the publication date; a
  weekday equal to the publication day means that day (wire copy reports the same day: "said on Monday"
  in Monday's paper; TimeBank agrees in most cases). "last Sunday" is strictly before, "next Sunday"
  strictly after. "Friday 5": the latest 5th of a month, within the past year, that was a Friday.
- Month-day without a year ("Feb. 3", "Dec. 30"): the most recent such day on or before publication, so
  "Dec. 30" in a paper of 3 January is the previous year. A month alone ("in March") likewise.
- "last week" / "this week": the previous / current ISO week (Monday-Sunday). "last month", "last year":
  the previous calendar month / year. "earlier this week|month|year": from its start to the day before
  publication. "overnight": the night before publication, i.e. the day before and the publication day
  (value = the day before, precision 2). "last night": the day before. "yesterday", "today", "tonight".
- Seasons (northern hemisphere, meteorological): spring Mar-May, summer Jun-Aug, autumn/fall Sep-Nov,
  winter Dec of the named year to Feb of the next.
- Not dates: durations ("15 years", "for three days"), ages ("a 19-year-old", "aged 45"), rates ("a year"
  in "$1 billion a year"), vague references ("now", "recently"), and four digits outside 1800 to ten years
  after publication (clock times "2354", Hijri years "1429"): None.
- Event-relative expressions ("a few days after the killing", "the same week", "the next day") have no
  value against the publication date; ``resolve_relative`` resolves them against another event's date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc

from .model import Article, TimeMention

Date = dt.date


@dataclass(frozen=True, slots=True)
class TimeValue:
    value: str
    precision: int  # ACLED time_precision: 1 day, 2 a week or a range of days, 3 a month or coarser
    date_start: str
    date_end: str
    anchor: str | None  # "published", "anchor" (the anchor_date), "event", or None for absolute dates


# -- vocabulary -------------------------------------------------------------------------------------------

MONTHS: dict[str, int] = {}
for _i, _name in enumerate(calendar.month_name):
    if _name:
        MONTHS[_name.lower()] = _i
        MONTHS[_name[:3].lower()] = _i
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
WEEKDAYS.update({name[:3].lower(): i for i, name in enumerate(calendar.day_name)})
WEEKDAYS.update({"tues": 1, "thur": 3, "thurs": 3})
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "thirty": 30,
    "a couple of": 2, "a dozen": 12,
}
VAGUE_QUANTITIES = frozenset({"a few", "few", "several", "some", "many", "a number of", ""})
SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}
SEASON_CODES = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}

_MONTH_RE = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY_RE = r"(?:" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")\.?"
_NUM_RE = r"(?:\d+|a couple of|a dozen|a few|an|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|" \
          r"fifteen|twenty|thirty|few|several|some|many|a number of)"
_UNIT_RE = r"(?P<unit>minutes?|hours?|days?|nights?|weeks?|fortnights?|months?|years?|decades?)"
_TIME_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night|midday|noon|at dawn|at dusk))?"
_LEADING = re.compile(r"^(?:on|in|at|during|since|from|by|until|till|as of|as early as|as late as|around|"
                      r"about|some time in|sometime in|early on|late on)\s+", re.I)
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"

# durations, ages and rates: expressions with a length but no position in time
_DURATION = re.compile(
    rf"^(?:for|over|within|lasting|nearly|almost|about|around|more than|less than|at least|up to|some)?\s*"
    rf"(?:the\s+)?{_NUM_RE}(?:\s+(?:more|full|long))?[\s-]+{_UNIT_RE}(?:[\s-]+(?:old|long))?$",
    re.I,
)
_AGE = re.compile(r"\b\d+[\s-]+years?[\s-]+old\b|\baged?\s+\d+\b", re.I)
_RATE = re.compile(rf"^(?:a|an|per|each|every)\s+{_UNIT_RE}$", re.I)
_VAGUE = re.compile(r"^(?:now|currently|current|recently|recent|the past|the future|soon|today's|nowadays|"
                    r"at the moment|at present|these days|present|once|then|earlier|later|before|after|"
                    r"previously|at the time|the time|the moment|time|some time|a long time)$", re.I)


# -- small date helpers -----------------------------------------------------------------------------------


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


def _clean(text: str) -> str:
    s = " ".join(text.replace("\u00a0", " ").split()).strip(" .,;:()[]\"'“”‘’")
    s = re.sub(r"^the\s+(?=(?:day|week|month|year|summer|winter|spring|autumn|fall)\s+of\b)", "", s, flags=re.I)
    prev = None
    while prev != s:
        prev = s
        s = _LEADING.sub("", s)
    return s


# -- the rules --------------------------------------------------------------------------------------------


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


def _month_day(s: str, base: Date | None) -> TimeValue | None | bool:
    """ "February 27, 2019", "27 Feb 2019", "Feb. 3", "the 3rd of March", with an optional weekday first.

    Returns False when the text is a month-day but no base date resolves its year.
    """
    s = re.sub(rf"^{_WEEKDAY_RE},?\s+", "", s, flags=re.I)
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
        d = _safe_date(base.year, month, day)
        if d is None or d > base:
            d = _safe_date(base.year - 1, month, day)
        return _day(d, "published") if d else None
    return None


def _month_only(s: str, base: Date | None) -> TimeValue | None | bool:
    m = re.fullmatch(rf"(?:(?P<part>early|mid|middle|late|the end of|the beginning of|the start of)[\s-]+)?"
                     rf"(?:of\s+)?{_MONTH_RE}(?:,?\s+{_YEAR})?", s, flags=re.I)
    if not m:
        return None
    month = MONTHS[m["month"].lower()]
    if m["year"]:
        year, anchor = int(m["year"]), None
    elif base is None:
        return False
    else:
        year, anchor = (base.year if month <= base.month else base.year - 1), "published"
    part = (m["part"] or "").lower()
    if not part:
        return _month(year, month, anchor)
    last = _month_end(year, month).day
    first_day, last_day = {"early": (1, 10), "the beginning of": (1, 10), "the start of": (1, 10),
                           "mid": (11, 20), "middle": (11, 20), "late": (21, last),
                           "the end of": (21, last)}[part]
    return _tv(Date(year, month, first_day), Date(year, month, last_day), anchor, value=f"{year}-{month:02d}")


def _year_only(s: str, base: Date | None) -> TimeValue | None | bool:
    m = re.fullmatch(r"(?:(?P<part>early|mid|middle|late)[\s-]+)?(?:the\s+year\s+)?(?P<year>\d{4})", s, flags=re.I)
    if not m:
        return None
    year = int(m["year"])
    # four digits outside modern history are clock times ("2354") or other calendars ("1429" AH)
    if not 1800 <= year <= (base.year + 10 if base else 2100):
        return False
    return _year(year, None, (m["part"] or "").lower() or None)


def _decade(s: str) -> TimeValue | None:
    m = re.fullmatch(r"(?:the\s+)?(?:(?P<part>early|mid|late)[\s-]+)?(?P<decade>\d{3}0)['’]?s", s, flags=re.I)
    if not m:
        return None
    first = int(m["decade"])
    lo, hi = {"early": (0, 3), "mid": (4, 6), "late": (7, 9)}.get((m["part"] or "").lower(), (0, 9))
    return _tv(Date(first + lo, 1, 1), Date(first + hi, 12, 31), None, precision=3)


def _season(s: str, base: Date | None) -> TimeValue | None | bool:
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
        elif rel == "next":
            year += 1
    start = Date(year, first, 1)
    end = _month_end(year + 1 if last < first else year, last)
    return _tv(start, end, anchor, value=f"{year}-{SEASON_CODES[season]}", precision=3)


def _quarter(s: str, base: Date | None) -> TimeValue | None | bool:
    m = re.fullmatch(r"(?:the\s+)?(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+quarter"
                     r"(?:\s+of)?(?:\s+(?P<year>\d{4}))?|q(?P<qn>[1-4])\s+(?P<year2>\d{4})", s, flags=re.I)
    if not m:
        return None
    q = int(m["qn"]) if m["qn"] else ORDINAL_WORDS[m["q"].lower()]
    year_text = m["year"] or m["year2"]
    if year_text:
        year, anchor = int(year_text), None
    elif base is None:
        return False
    else:
        year, anchor = base.year, "published"
        if Date(year, 3 * q - 2, 1) > base:
            year -= 1
    return _tv(Date(year, 3 * q - 2, 1), _month_end(year, 3 * q), anchor, value=f"{year}-Q{q}", precision=3)


def _relative(s: str, base: Date, anchor: str) -> TimeValue | None | bool:
    """Expressions that need the base date: yesterday, on Sunday, last week, three days ago ...

    False means "recognised, and no date fits": the caller must not ask dateparser to guess.
    """
    low = s.lower()
    one = dt.timedelta(days=1)
    simple = {
        "today": (base, base), "tonight": (base, base), "this morning": (base, base),
        "this afternoon": (base, base), "this evening": (base, base), "earlier today": (base, base),
        "yesterday": (base - one, base - one), "last night": (base - one, base - one),
        "yesterday morning": (base - one, base - one), "yesterday afternoon": (base - one, base - one),
        "yesterday evening": (base - one, base - one), "the day before yesterday": (base - 2 * one, base - 2 * one),
        "tomorrow": (base + one, base + one), "overnight": (base - one, base),
    }
    if low in simple:
        start, end = simple[low]
        value = start.isoformat() if low == "overnight" else None
        return _tv(start, end, anchor, value=value)

    m = re.fullmatch(rf"(?P<wd>{_WEEKDAY_RE}),?\s+(?:the\s+)?(?P<day>\d{{1,2}})(?:st|nd|rd|th)?{_TIME_OF_DAY}", low)
    if m:  # "Friday 5": the latest day numbered 5 that fell on a Friday, within the past year
        wd, day = WEEKDAYS[m["wd"].rstrip(".")], int(m["day"])
        for back in range(13):
            first = _add_months(base.replace(day=1), -back)
            d = _safe_date(first.year, first.month, day)
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
        delta = (base.weekday() - wd) % 7
        if rel in ("last", "past", "this past") and delta == 0:
            delta = 7
        return _day(base - dt.timedelta(days=delta), anchor)

    m = re.fullmatch(r"(?:in\s+|over\s+|during\s+)?(?:the\s+)?past\s+(?P<unit>week|month|year)|"
                     r"(?:in\s+|over\s+|during\s+)?the\s+last\s+(?P<unit2>week|month|year)", low)
    if m:  # "the past week": the seven days up to and including the base date, not the calendar week
        days = {"week": 7, "month": 30, "year": 365}[m["unit"] or m["unit2"]]
        return _tv(base - dt.timedelta(days=days - 1), base, anchor)

    m = re.fullmatch(r"(?P<rel>last|this|next|previous|earlier this|later this|the previous|the coming|the next)"
                     r"\s+(?P<unit>week|month|year)", low)
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

    m = re.fullmatch(rf"(?:in\s+)?recent\s+(?P<unit>days|weeks|months)", low)
    if m:
        days = {"days": 7, "weeks": 28, "months": 90}[m["unit"]]
        return _tv(base - dt.timedelta(days=days - 1), base, anchor)

    m = re.fullmatch(rf"(?P<q>{_NUM_RE})?\s*{_UNIT_RE}\s+ago", low)
    if m:
        return _ago(m["q"] or "", m["unit"], base, anchor)
    return None


def _unit_days(unit: str) -> int:
    unit = unit.rstrip("s")
    return {"day": 1, "night": 1, "week": 7, "fortnight": 14, "month": 30, "year": 365}.get(unit, 0)


def _calendar_unit(rel: str, unit: str, base: Date, anchor: str) -> TimeValue | None:
    rel = rel.replace("the ", "")
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


# -- dateparser, for what the rules do not cover ---------------------------------------------------------

# what dateparser is asked about must name a month, a weekday, a year or a numeric date: given "11th day"
# or "the 45th" it invents one
_DATEPARSER_WORTHY = re.compile(
    rf"\b(?:{'|'.join(MONTHS)})\b|\b(?:{'|'.join(WEEKDAYS)})\b|\b\d{{4}}\b|\d+[/.-]\d+|\bago\b|\bfortnight\b",
    re.I,
)


def _with_dateparser(s: str, base: Date | None) -> TimeValue | None:
    if not _DATEPARSER_WORTHY.search(s):
        return None
    has_year = bool(re.search(r"\b\d{4}\b", s))
    if base is None and not has_year:
        return None  # dateparser would fill the gaps from today's date
    from dateparser.date import DateDataParser

    settings: dict[str, object] = {"PREFER_DATES_FROM": "past", "RETURN_TIME_AS_PERIOD": True,
                                   "PREFER_DAY_OF_MONTH": "first"}
    if base is not None:
        settings["RELATIVE_BASE"] = dt.datetime(base.year, base.month, base.day)
    else:
        settings["REQUIRE_PARTS"] = ["year"]
    try:
        data = DateDataParser(languages=["en"], settings=settings).get_date_data(s)
    except Exception:  # dateparser raises on some odd inputs; an unparsed date is not an error
        return None
    if data is None or data.date_obj is None:
        return None
    d = data.date_obj.date()
    if has_year and str(d.year) not in s:
        return None  # dateparser ignored the year it was given ("the 1990s" -> today): not a reading
    anchor = None if has_year else "published"
    period = data.period or "day"
    if period == "year":
        return _year(d.year, anchor)
    if period == "month":
        return _month(d.year, d.month, anchor)
    if period == "week":
        return _iso_week(d, anchor)
    return _day(d, anchor)


# -- public API -------------------------------------------------------------------------------------------


def is_duration(text: str) -> bool:
    """Whether the text measures time instead of placing it ("15 years", "for three days", "19-year-old")."""
    s = _clean(text)
    return bool(_DURATION.fullmatch(s) or _AGE.search(s) or _RATE.fullmatch(s))


def normalize(text: str, published: Date | None, *, anchor_date: Date | None = None) -> TimeValue | None:
    """The date a time expression denotes, or None (see the module's policies).

    Relative expressions resolve against ``anchor_date`` when given, else against ``published``.
    """
    if not text or len(text) > 200:
        return None  # a 200-character "date" is a sentence spaCy mislabelled
    if isinstance(published, dt.datetime):
        published = published.date()
    if isinstance(anchor_date, dt.datetime):
        anchor_date = anchor_date.date()
    return _normalize_cached(text, published, anchor_date)


@lru_cache(maxsize=65536)
def _normalize_cached(text: str, published: Date | None, anchor_date: Date | None) -> TimeValue | None:
    base = anchor_date or published
    anchor = "anchor" if anchor_date else "published"
    s = _clean(text)
    if not s or _VAGUE.fullmatch(s) or is_duration(s):
        return None
    # a rule returns a value, None for "not my form", or False for "my form, but no date fits"
    for rule in (lambda: _absolute(s), lambda: _numeric(s, base), lambda: _year_only(s, base), lambda: _decade(s)):
        tv = rule()
        if tv is False:
            return None
        if tv is not None:
            return tv
    for rule in (_month_day, _month_only, _season, _quarter):
        tv = rule(s, base)
        if tv is False:
            return None  # a relative form and nothing to resolve it against
        if tv is not None:
            return _with_anchor(tv, anchor)
    if base is not None:
        tv = _relative(s, base, anchor)
        if tv is False:
            return None
        if tv is not None:
            return tv
    if _EVENT_RELATIVE.search(s):
        return None  # relative to another event, not to the publication date
    tv = _with_dateparser(s, base)
    return _with_anchor(tv, anchor) if tv is not None else None


def _with_anchor(tv: TimeValue, anchor: str) -> TimeValue:
    if tv.anchor == "published" and anchor != "published":
        return TimeValue(tv.value, tv.precision, tv.date_start, tv.date_end, anchor)
    return tv


# -- relative to another event ----------------------------------------------------------------------------

_EVENT_RELATIVE = re.compile(
    r"\b(?:later|after|afterwards|earlier|before|prior|following|previous|preceding|same|that day|"
    r"that week|that month|that year|that night|next day|next morning|next week)\b",
    re.I,
)
_SHIFT = re.compile(
    rf"^(?P<q>{_NUM_RE})?\s*{_UNIT_RE}\s+(?P<dir>later|after|afterwards|on|earlier|before|prior to|prior)\b",
    re.I,
)
_FORWARD = frozenset({"later", "after", "afterwards", "on"})


def _parse_iso(value: str | None) -> Date | None:
    if not value:
        return None
    try:
        return Date.fromisoformat(value[:10])
    except ValueError:
        return None


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
        return _year(ref.year + sign * (n or 2), "event")
    return None


# -- tagging an article -----------------------------------------------------------------------------------

_MONTH_ABBR = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\."
_MONTH_FULL = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_EXTRA_DATES = re.compile(
    r"\b\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})\b"
    rf"|\b(?:{_MONTH_ABBR}|{_MONTH_FULL}|Sept?|Oct|Nov|Dec|Jan|Feb|Aug)\s?\d{{1,2}}(?:st|nd|rd|th)?\b"
    r"(?:,?\s+\d{4}\b)?"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH_ABBR}|{_MONTH_FULL})(?:\s+\d{{4}}\b)?"
)
_TRAILING_DIRECTION = frozenset({"after", "before", "later", "earlier", "ago", "afterwards"})


def _published_date(article: Article) -> Date | None:
    return _parse_iso(article.published)


def _spans(doc: Doc) -> list[tuple[int, int]]:
    """DATE/TIME entities plus the regex dates spaCy misses, overlaps resolved in favour of the longer."""
    spans: list[tuple[int, int]] = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("DATE", "TIME")]
    for m in _EXTRA_DATES.finditer(doc.text):
        spans.append((m.start(), m.end()))
    spans.sort(key=lambda se: (se[0], -(se[1] - se[0])))
    kept: list[tuple[int, int]] = []
    for s, e in spans:
        if kept and s < kept[-1][1]:
            if e - s > kept[-1][1] - kept[-1][0]:
                kept[-1] = (s, e)
            continue
        kept.append((s, e))
    return kept


def _extend(doc: Doc, start: int, end: int) -> int:
    """Take in a direction word after a length of time: "A few days" + "after" is event-relative.

    Only lengths extend: in "on Tuesday after talks failed" the "after" opens a clause.
    """
    text = doc.text
    m = re.match(r"\s+(\w+)", text[end : end + 20])
    if m and m[1].lower() in _TRAILING_DIRECTION and is_duration(text[start:end]):
        return end + m.end()
    return end


def tag_times(doc: Doc, article: Article) -> list[TimeMention]:
    """Time mentions with their normalised dates, in text order.

    Durations, ages, rates and vague words are left out. Expressions relative to another event ("the same
    week") are kept with value None and anchor None, for the event stage to resolve with
    ``resolve_relative``; expressions relative to publication in an undated article are kept with value
    None and anchor "published".
    """
    published = _published_date(article)
    text = doc.text
    out: list[TimeMention] = []
    for start, end in _spans(doc):
        end = _extend(doc, start, end)
        raw = text[start:end]
        # drop a leading preposition from the evidence span, keep the words that carry the date
        lead = re.match(r"(?:on|in|at|during|since|from|by|until)\s+", raw, flags=re.I)
        if lead:
            start += lead.end()
            raw = raw[lead.end():]
        tv = normalize(raw, published)
        if tv is not None:
            out.append(TimeMention(start, end, raw, tv.value, tv.precision, tv.anchor, tv.date_start, tv.date_end))
            continue
        cleaned = _clean(raw)
        if not cleaned or _VAGUE.fullmatch(cleaned) or is_duration(cleaned):
            continue
        if published is None and _needs_base(cleaned):
            out.append(TimeMention(start, end, raw, None, None, "published"))
        elif _EVENT_RELATIVE.search(cleaned):
            out.append(TimeMention(start, end, raw, None, None, None))
    return out


def _needs_base(s: str) -> bool:
    """Whether the expression would resolve against a publication date if there were one."""
    probe = Date(2000, 6, 15)
    return _normalize_cached(s, probe, None) is not None
