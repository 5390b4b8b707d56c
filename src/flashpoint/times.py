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
  ``2018``; TimeML's ``2014-SU`` (seasons), ``2019-Q3`` (quarters), ``2019-W15-WE`` (a weekend), ``199`` (a
  decade) and ``19`` (a century); an interval ``start/end`` only for a span that fits none of those.
  ``date_start``/``date_end`` always give the exact range. Words that narrow an expression ("early next
  year", "late yesterday", "the end of the month", "year-end") keep its value, as TimeML does, and cut the
  range to its first, middle or last third.
- Precision (ACLED time_precision) follows the range: one day 1; two to seven days 2; longer 3. So
  "earlier this month" in an article of the 5th is 2 (the 1st-4th), of the 20th is 3.
- Tense. ``tag_times`` reads the verb a date belongs to: "future" (will, shall, going to, is to, expected
  or scheduled to, due) or "past" (past tense); ``normalize`` takes it as ``direction``. It decides only
  between the last and the next occurrence of a weekday, month-day, month or season named alone.
- Weekdays ("on Sunday", "Sunday night"): the most recent such day on or before the publication date; a
  weekday equal to the publication day means that day (wire copy reports the same day: "said on Monday"
  in Monday's paper; TimeBank agrees in most cases). In a sentence about the future, the next one on or
  after publication. "last Sunday" is strictly before, "next Sunday" strictly after. "Friday 5": the latest
  5th of a month, within the past year, that was a Friday.
- Month-day without a year ("Feb. 3", "Dec. 30"): this year's date when it has passed or lies at most three
  months ahead ("payable Dec. 7" in October), else last year's ("Dec. 30" in a paper of 3 January); a date
  early next year within three months wins when the sentence is not in the past tense ("Jan. 2" in a
  November paper); in a sentence about the future, the next such date. A month alone ("in March") likewise,
  except that the past tense means the latest such month on or before publication ("In December, rebels
  seized ..." in an October paper). News style writes the year for dates outside the current one, so the
  nearest reading is right far more often than "always the past" (TimeBank: Nov. 6 in an October paper).
  "last April" is the latest April before the current month (the month just past, which would be "last
  month", is a year back: "last February" in March), "this September" this year's, "June last year" last
  year's.
- "last week" / "this week": the previous / current ISO week (Monday-Sunday). "last month", "last year":
  the previous calendar month / year. "earlier this week|month|year": from its start to the day before
  publication. "overnight": the night before publication, i.e. the day before and the publication day
  (value = the day before, precision 2). "last night": the day before. "yesterday", "today", "tonight".
  "the weekend" / "over the weekend": the latest Saturday-Sunday begun by publication; "this weekend" the
  coming one unless the sentence is in the past tense; "last weekend" the one before the latest.
- Seasons (northern hemisphere, meteorological): spring Mar-May, summer Jun-Aug, autumn/fall Sep-Nov,
  winter Dec of the named year to Feb of the next. A season named alone is the latest one begun (the
  next one in a sentence about the future); "this summer" is this year's.
- Not dates: durations ("15 years", "for three days"), ages ("a 19-year-old", "aged 45"), rates ("a year"
  in "$1 billion a year") and four digits outside 1800 to ten years after publication (clock times "2354",
  Hijri years "1429"): None.
- Vague references ("now", "recently", "in the past", "soon"; the words are in ``data/times.yaml``) name no
  calendar position. They are time mentions all the same, with TimeML's PRESENT_REF, PAST_REF or
  FUTURE_REF and no precision or range (``tag_times(..., vague=False)`` leaves them out); the event coder
  never dates an event from one (``is_vague_value``), since a "PAST_REF" event would only blur the record.
  Not before what they are relative to ("soon after the raid") nor inside a longer expression ("the past
  century"), nor a discourse "Now," opening a sentence, nor a length after "for" ("neutral for the
  foreseeable future").
- Names and generic uses are no dates: a relative word in title case after a name or in quotes ("This is VOA
  Today", ABC's "This Week"), "the people of tomorrow", "in today's world" (nouns in ``data/times.yaml``),
  "many of today's computers".
- Words spaCy seldom labels are found by the vocabulary itself: "overnight", "last night", "tonight", the
  vague references, and reporting periods ("the quarter", "the latest period", "the year-ago quarter",
  "the full year"). A period named without its number is the quarter the text named last (a year back for
  "year-ago"; in the year given for "the 1988 period"), else the latest quarter ended by publication;
  "the year" is the publication year (TimeML reads them so). A period reported on is one begun by
  publication, one ended by then first: a quarter the outlook names ("by the third quarter of 1990") is
  none. "the quarter ended Sept. 30" is the three months ending then (a calendar quarter when they are
  one), and "the quarter a year ago" one expression. "A year earlier" said without a quarter in its
  sentence is the last quarter named, when the text has named one, unless its sentence is about another
  period ("the first nine months"): then the year before publication.
- Datelines ("Tue 05 Jul 2016", "12 Jul 2016") and day ranges in one month ("3 to 5 July", "March 3-5")
  are one expression each; a range keeps its days (precision 2 up to a week). "On the eve of May 1" is the
  day before; "on the eve of the election" is no date here.
- Deadlines: a month or day named after "by", "until", "through", "ahead of" in a sentence whose tense says
  nothing is the coming one ("repay the loan by February" in October: next February).
- Inside a longer entity: when spaCy's DATE entity is no date as a whole, the dates inside it are tagged
  ("Sept. 14 to Thursday", "the year ended Sept. 30", "between 1985 and 1987"); spelled-out years and days
  ("nineteen ninety-six", "March eighth") are read as numbers.
- Event-relative expressions ("a few days after the killing", "the same week", "the next day") have no
  value against the publication date; ``resolve_relative`` resolves them against another event's date.
  ``tag_times`` also resolves them against the dated expression just before them (same or previous
  sentence; ``anchor="text"``), which the event stage uses only when no dated event comes before. "the
  previous Friday" is the Friday before that day; "earlier in the year" that year up to the day before
  (the publication year when no date comes before it).
- "A year earlier" than a month or a quarter is that month or quarter a year before, and "a year ago",
  "last year" or "the year-earlier period" in a sentence about a quarter is that quarter a year before
  ("profit rose in the third quarter from a year ago": 1988-Q3 in an October 1989 paper), as in TimeML.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from spacy.tokens import Doc

from .datafiles import read_yaml
from .model import Article, TimeMention
from .nlp import doc_text, sentence_bounds

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


# -- vocabulary -------------------------------------------------------------------------------------------

VOCABULARY_FILE = Path(__file__).resolve().parent / "data" / "times.yaml"


def _load_vocabulary(path: Path = VOCABULARY_FILE) -> dict[str, Any]:
    """The words of ``data/times.yaml``: read once at import, since every article's tagging uses them."""
    raw = read_yaml(path) or {}
    for key in ("vague", "vague_adjectives", "lexical", "simple", "periods", "deadline_prepositions", "eve",
                "generic_after_today", "lengths_after_for"):
        if key not in raw:
            raise ValueError(f"{path.name}: missing section {key!r}")
    return raw


_VOCAB = _load_vocabulary()


def _phrases_re(phrases: list[str] | set[str]) -> str:
    """An alternation of phrases, longest first, spaces matching any run of white space."""
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in sorted(phrases, key=len, reverse=True))


# TimeML's vague references, phrase -> PRESENT_REF / PAST_REF / FUTURE_REF (see times.yaml)
VAGUE_VALUES: dict[str, str] = {" ".join(phrase.lower().split()): value
                                for value, phrases in _VOCAB["vague"].items() for phrase in phrases}
VAGUE_VALUES.update({w.lower(): v for w, v in _VOCAB["vague_adjectives"].items()})
# days around publication: phrase -> (first offset, last offset, whether the value is the first day)
SIMPLE_DAYS: dict[str, tuple[int, int, bool]] = {
    " ".join(k.lower().split()): (int(v[0]), int(v[1]), len(v) > 2 and v[2] == "first")
    for k, v in _VOCAB["simple"].items()
}
_PERIODS = _VOCAB["periods"]
_QUARTER_WORDS = _phrases_re(_PERIODS["quarter_words"])
_LATEST_WORDS = _phrases_re(_PERIODS["latest"])
_YEAR_AGO_WORDS = _phrases_re(_PERIODS["year_ago"])

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
# how far ahead a month-day or month without a year may lie before it is read as last year's (see the policy)
_NEAR_FUTURE_DAYS, _NEAR_FUTURE_MONTHS = 92, 3
ORDINAL_WORDS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}

_MONTH_RE = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY_RE = r"(?:" + "|".join(sorted(WEEKDAYS, key=len, reverse=True)) + r")\.?"
_NUM_RE = r"(?:\d+|a couple of|a dozen|a few|an|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|" \
          r"fifteen|twenty|thirty|few|several|some|many|a number of)"
_UNIT_RE = r"(?P<unit>minutes?|hours?|days?|nights?|weeks?|fortnights?|months?|years?|decades?)"
_TIME_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night|midday|noon|at dawn|at dusk))?"
_LEADING = re.compile(r"^(?:on|in|at|during|over|since|from|by|until|till|as of|as early as|as late as|around|"
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


_POSSESSIVE = re.compile(r"['’]s$")
_ORDINALS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
             "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth").split()
_ORDINAL_DAYS = {w: i + 1 for i, w in enumerate(_ORDINALS)}
_ORDINAL_DAYS.update({f"twenty-{w}": 21 + i for i, w in enumerate(_ORDINALS[:9])})
_ORDINAL_DAYS.update({f"twenty {w}": 21 + i for i, w in enumerate(_ORDINALS[:9])})
_ORDINAL_DAYS.update({"thirtieth": 30, "thirty-first": 31, "thirty first": 31})
_ONES = {w: i + 1 for i, w in enumerate("one two three four five six seven eight nine".split())}
_TEENS = {w: 10 + i for i, w in enumerate("ten eleven twelve thirteen fourteen fifteen sixteen seventeen "
                                          "eighteen nineteen".split())}
_TENS = {w: 20 + 10 * i for i, w in enumerate("twenty thirty forty fifty sixty seventy eighty ninety".split())}
_TWO_DIGITS = (rf"(?:(?:{'|'.join(_TENS)})(?:[\s-]+(?:{'|'.join(_ONES)}))?|{'|'.join(_TEENS)}|"
               rf"(?:oh|o)[\s-]+(?:{'|'.join(_ONES)}))")
_SPELLED_YEAR = re.compile(
    rf"\b(?P<century>nineteen|twenty)[\s-]+(?P<rest>{_TWO_DIGITS})\b"
    rf"|\btwo thousand(?:\s+and)?(?:[\s-]+(?P<rest2>{_TWO_DIGITS}|{'|'.join(_ONES)}))?\b",
    re.I,
)
_ORDINAL_AFTER_MONTH = re.compile(
    r"\b(?P<month>(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?)\s+(?:the\s+)?"
    rf"(?P<ord>{'|'.join(sorted(_ORDINAL_DAYS, key=len, reverse=True))})\b"
    rf"|\b(?:the\s+)?(?P<ord2>{'|'.join(sorted(_ORDINAL_DAYS, key=len, reverse=True))})\s+of\s+"
    r"(?P<month2>(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?)",
    re.I,
)
_SPELLED_HINT = re.compile(r"\b(?:nineteen|twenty|thousand|first|second|third|[a-z]+th)\b", re.I)


def _two_digits(words: str) -> int:
    parts = re.split(r"[\s-]+", words.lower())
    if parts[0] in ("oh", "o"):
        return _ONES[parts[1]]
    if parts[0] in _TEENS:
        return _TEENS[parts[0]]
    return _TENS[parts[0]] + (_ONES[parts[1]] if len(parts) > 1 else 0)


def _digitize(s: str) -> str:
    """Years and days written out, as broadcast transcripts do: "nineteen ninety-six" -> 1996,
    "the year two thousand" -> 2000, "March eighth" -> "March 8"."""
    def year(m: re.Match) -> str:
        if m["century"]:
            return str((19 if m["century"].lower() == "nineteen" else 20) * 100 + _two_digits(m["rest"]))
        rest = m["rest2"]
        return str(2000 + (0 if not rest else _ONES.get(rest.lower()) or _two_digits(rest)))

    def day(m: re.Match) -> str:
        if m["month"]:
            return f"{m['month']} {_ORDINAL_DAYS[m['ord'].lower()]}"
        return f"{_ORDINAL_DAYS[m['ord2'].lower()]} {m['month2']}"

    return _ORDINAL_AFTER_MONTH.sub(day, _SPELLED_YEAR.sub(year, s))


def _clean(text: str) -> str:
    s = " ".join(text.replace("\u00a0", " ").split()).strip(" .,;:()[]\"'“”‘’")
    s = _POSSESSIVE.sub("", s)  # "last month's", "Friday's"
    s = re.sub(r"^fiscal(?:\s+year)?\s+(?=\d{4}$)", "", s, flags=re.I)  # "fiscal 1989"
    if _SPELLED_HINT.search(s):
        s = _digitize(s)
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


def _month_day(s: str, base: Date | None, direction: str | None = None) -> TimeValue | None | bool:
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


def _day_range(s: str, base: Date | None, direction: str | None) -> TimeValue | None | bool:
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


def _month_only(s: str, base: Date | None, direction: str | None = None) -> TimeValue | None | bool:
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


def _year_only(s: str, base: Date | None) -> TimeValue | None | bool:
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


def _season(s: str, base: Date | None, direction: str | None = None) -> TimeValue | None | bool:
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


def _quarter(s: str, base: Date | None, direction: str | None = None) -> TimeValue | None | bool:
    m = re.fullmatch(rf"(?:the\s+)?(?:(?P<yrel>last|this|next)\s+year['’]s\s+|(?P<year3>\d{{4}})\s+|"
                     rf"(?P<ago>{_YEAR_AGO_WORDS})\s+)?"
                     r"(?:fiscal[\s-]+)?(?P<q>first|second|third|fourth|1st|2nd|3rd|4th)[\s-]+quarter"
                     r"(?:\s+of)?(?:\s+(?P<year>\d{4}))?|q(?P<qn>[1-4])\s+(?P<year2>\d{4})", s, flags=re.I)
    if not m:
        return None
    q = int(m["qn"]) if m["qn"] else ORDINAL_WORDS[m["q"].lower()]
    year_text = m["year"] or m["year2"] or m["year3"]
    if year_text:
        year, anchor = int(year_text), None
    elif base is None:
        return False
    elif m["yrel"]:  # "next year's first quarter"
        year, anchor = base.year + {"last": -1, "this": 0, "next": 1}[m["yrel"].lower()], "published"
    else:
        year, anchor = base.year, "published"
        if Date(year, 3 * q - 2, 1) > base:
            year -= 1
    if m["ago"]:  # "the year-ago third quarter"
        year -= 1
    return _tv(Date(year, 3 * q - 2, 1), _month_end(year, 3 * q), anchor, value=f"{year}-Q{q}", precision=3)


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


def _relative(s: str, base: Date, anchor: str, direction: str | None = None) -> TimeValue | None | bool:
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
                     r"the current|current)\s+(?P<unit>week|month|year)", low)
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

    m = re.fullmatch(rf"(?:(?:nearly|almost|about|around|some|roughly|approximately|more than|less than|over|"
                     rf"just|only|barely|at least)\s+)?(?P<q>{_NUM_RE})?\s*{_UNIT_RE}(?:\s+or\s+so)?\s+ago", low)
    if m:
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


def normalize(text: str, published: Date | None, *, anchor_date: Date | None = None,
              direction: str | None = None) -> TimeValue | None:
    """The date a time expression denotes, or None (see the module's policies).

    Relative expressions resolve against ``anchor_date`` when given, else against ``published``.
    ``direction`` ("past" or "future"), when the sentence's tense says so, decides between the last and the
    next occurrence of a weekday, a month-day or a month written without a year.
    """
    if not text or len(text) > 200:
        return None  # a 200-character "date" is a sentence spaCy mislabelled
    if isinstance(published, dt.datetime):
        published = published.date()
    if isinstance(anchor_date, dt.datetime):
        anchor_date = anchor_date.date()
    if direction not in ("past", "future"):
        direction = None
    return _normalize_cached(text, published, anchor_date, direction)


@lru_cache(maxsize=65536)
def _normalize_cached(text: str, published: Date | None, anchor_date: Date | None,
                      direction: str | None = None, rules_only: bool = False) -> TimeValue | None:
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
        tv = rule(s, base, direction)
        if tv is False:
            return None  # a relative form and nothing to resolve it against
        if tv is not None:
            return _with_anchor(tv, anchor)
    if base is not None:
        tv = _relative(s, base, anchor, direction)
        if tv is False:
            return None
        if tv is not None:
            return tv
    tv = _modified(s, published, anchor_date, direction)
    if tv is not None:
        return tv
    if _EVENT_RELATIVE.search(s) or rules_only:
        return None  # relative to another event, not to the publication date
    tv = _with_dateparser(s, base)
    return _with_anchor(tv, anchor) if tv is not None else None


_PART_OF = re.compile(
    r"^(?P<part>(?:very\s+)?early|late|mid|middle|the middle of|middle of|the end of|end of|the beginning of|"
    r"beginning of|the start of|start of|the turn of|toward the end of|towards the end of|the close of)"
    r"[\s-]+(?P<rest>.+)$", re.I)
_PART_THIRDS = {"early": 0, "beginning": 0, "start": 0, "mid": 1, "middle": 1, "late": 2, "end": 2, "turn": 2,
                "close": 2}
_EVE_OF = re.compile(r"^(?:on\s+)?the\s+eve\s+of\s+(?P<rest>.+)$", re.I)
_EARLIER_LATER = re.compile(r"^(?:earlier|later)\s+(?P<rest>.+)$", re.I)
_YEAR_END = re.compile(r"^(?:the\s+)?year(?:[\s-]|['’]s\s+)end$|^the\s+end\s+of\s+the\s+year$", re.I)


def _modified(s: str, published: Date | None, anchor_date: Date | None, direction: str | None) -> TimeValue | None:
    """Expressions that narrow another one: "early next year", "late yesterday", "the end of the month",
    "year-end" (the value of what they narrow, as TimeML gives it, with the range cut to its first, middle
    or last third); and "earlier Sunday", "later this afternoon" (the day itself)."""
    if _YEAR_END.match(s):
        s = "the end of this year"
    m = _EVE_OF.match(s)
    if m:  # "on the eve of May 1": the day before
        inner = _normalize_cached(m["rest"], published, anchor_date, direction)
        if inner is None:
            return None
        eve = Date.fromisoformat(inner.date_start) - dt.timedelta(days=1)
        return _day(eve, inner.anchor)
    m = _PART_OF.match(s)
    if m:
        rest = re.sub(r"^the\s+(?=(?:week|month|year)$)", "this ", m["rest"], flags=re.I)  # "the end of the month"
        inner = _normalize_cached(rest, published, anchor_date, direction)
        if inner is None:
            return None
        start, end = Date.fromisoformat(inner.date_start), Date.fromisoformat(inner.date_end)
        days = (end - start).days + 1
        if days >= 3:
            third = next(v for k, v in _PART_THIRDS.items() if k in m["part"].lower())
            lo = start + dt.timedelta(days=days * third // 3)
            hi = start + dt.timedelta(days=days * (third + 1) // 3 - 1)
            return _tv(lo, max(lo, hi), inner.anchor, value=inner.value, precision=inner.precision)
        return inner
    m = _EARLIER_LATER.match(s)
    if m and not re.match(r"(?:that|the same|in the)\b", m["rest"], re.I):
        inner = _normalize_cached(m["rest"], published, anchor_date, direction)
        if inner is not None and inner.anchor is not None:
            return inner
    return None


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
    rf"^(?P<q>{_NUM_RE})?\s*{_UNIT_RE}[\s-]+(?P<dir>later|after|afterwards|on|earlier|before|prior to|prior)\b",
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


# -- tagging an article -----------------------------------------------------------------------------------

_MONTH_ABBR = r"(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\."
_MONTH_FULL = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_MONTH_BARE = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b"
_WEEKDAY_ABBR = r"(?:Mon|Tue|Tues|Wed|Thu|Thur|Thurs|Fri|Sat|Sun)\b\.?"
_EXTRA_DATES = re.compile(
    r"\b\d{1,2}/\d{1,2}/(?:\d{4}|\d{2})\b"
    rf"|\b(?:{_MONTH_ABBR}|{_MONTH_FULL}|Sept?|Oct|Nov|Dec|Jan|Feb|Aug)\s?\d{{1,2}}(?:st|nd|rd|th)?\b"
    r"(?:,?\s+\d{4}\b)?"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTH_ABBR}|{_MONTH_FULL})(?:\s+\d{{4}}\b)?"
    # datelines: "Tue 05 Jul 2016", "12 Jul 2016" (an undotted abbreviation, safe before a year)
    rf"|\b(?:(?:{_WEEKDAY_ABBR}),?\s+)?\d{{1,2}}\s+{_MONTH_BARE}\s+\d{{4}}\b"
    # day ranges in one month: "3 to 5 July", "3-5 July 2016", "March 3-5"
    rf"|\b\d{{1,2}}\s*(?:-|–|to)\s*\d{{1,2}}\s+(?:{_MONTH_ABBR}|{_MONTH_FULL}|{_MONTH_BARE})(?:\s+\d{{4}}\b)?"
    rf"|\b(?:{_MONTH_ABBR}|{_MONTH_FULL})\s?\d{{1,2}}\s*(?:-|–)\s*\d{{1,2}}\b(?:,?\s+\d{{4}}\b)?"
    # a weekday's possessive written without its apostrophe ("Saturdays attack", "during Sundays
    # operation": text whose apostrophes were stripped), not the plural "on Sundays"
    r"|(?<![Oo]n )\b(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day(?=s\s+(?!and\b|or\b|through\b|to\b)[a-z])"
)
_TRAILING_DIRECTION = frozenset({"after", "before", "later", "earlier", "ago", "afterwards"})


def _published_date(article: Article) -> Date | None:
    return _parse_iso(article.published)


def _spans(doc: Doc, text: str) -> list[tuple[int, int]]:
    """DATE/TIME entities plus the regex dates spaCy misses, overlaps resolved in favour of the longer."""
    spans: list[tuple[int, int]] = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("DATE", "TIME")]
    extra = [(m.start(), m.end()) for m in _EXTRA_DATES.finditer(text)]
    possessive = {s for s, e in extra if text[e : e + 1] == "s"}  # "Saturdays attack": the day, not days
    spans = [(s, e - 1) if s in possessive and text[s:e].endswith("days") else (s, e) for s, e in spans]
    spans += extra
    spans += [(m.start(), m.end()) for m in _LEXICAL.finditer(text)]
    spans = _with_eve(text, spans)
    spans.sort(key=lambda se: (se[0], -(se[1] - se[0])))
    kept: list[tuple[int, int]] = []
    for s, e in spans:
        if kept and s < kept[-1][1]:
            if e - s > kept[-1][1] - kept[-1][0]:
                kept[-1] = (s, e)
            continue
        kept.append((s, e))
    return kept


# what spaCy seldom labels DATE or TIME: vague references, "overnight", reporting periods, "the eve of"
_VAGUE_PHRASES = [k for k in VAGUE_VALUES if k not in _VOCAB["vague_adjectives"]]
_PERIOD_REF_RE = (
    rf"(?:(?:the\s+)?(?:(?P<latest>{_LATEST_WORDS})\s+|(?P<ago>{_YEAR_AGO_WORDS})\s+|(?P<year>\d{{4}})\s+)"
    rf"(?:fiscal\s+)?(?:{_QUARTER_WORDS})"
    r"|the\s+(?:fiscal\s+)?quarter)"
    # "the quarter a year ago": one expression, the quarter a year before
    r"(?P<back>\s+(?:a|one)\s+year\s+(?:ago|earlier|before))?"
    rf"|(?P<whole>{_phrases_re(_PERIODS['whole_year'])})"
)
_PERIOD_REF = re.compile(rf"^(?:{_PERIOD_REF_RE})$", re.I)
_EVE_RE = _phrases_re(_VOCAB["eve"])
# a vague word is no time of its own before what it is relative to ("soon after the raid") or before a length
# ("the past century", "the past three days"), and "the quarter-to-quarter comparison" names no quarter
_NOT_VAGUE_AFTER = (r"(?!\s+(?:after|before|than)\b|\s+(?:\w+\s+)?(?:centur|decade|year|month|week|day|hour|"
                    r"night)|[\s-]+\d)")
_LEXICAL = re.compile(
    rf"\b(?:(?:{_phrases_re(_VAGUE_PHRASES)}){_NOT_VAGUE_AFTER}|{_phrases_re(_VOCAB['lexical'])}|{_EVE_RE})\b"
    rf"|\b(?:{_PERIOD_REF_RE})\b(?!-)"
    rf"|\bthe\s+(?:{_YEAR_AGO_WORDS})\s+(?:fiscal\s+)?(?:first|second|third|fourth)[\s-]+quarter\b"
    rf"|\b(?:{_phrases_re(list(_VOCAB['vague_adjectives']))})(?=\s+[a-z])",
    re.I,
)
_EVE = re.compile(rf"^(?:{_EVE_RE})$", re.I)
_DEADLINE = re.compile(rf"\b(?:{_phrases_re(_VOCAB['deadline_prepositions'])})\s+$", re.I)


def _with_eve(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """ "on the eve of" joined to the date right after it ("on the eve of May 1"): one expression."""
    eves = [(s, e) for s, e in spans if _EVE.match(text[s:e])]
    for s, e in eves:
        nxt = next(((a, b) for a, b in spans if e < a <= e + 1), None)
        if nxt is not None:
            spans.remove((s, e))
            spans.remove(nxt)
            spans.append((s, nxt[1]))
    return spans


def _extend(text: str, start: int, end: int) -> int:
    """Take in a direction word after a length of time: "A few days" + "after" is event-relative.

    Only lengths extend: in "on Tuesday after talks failed" the "after" opens a clause.
    """
    m = re.match(r"\s+(\w+)", text[end : end + 20])
    if m and m[1].lower() in _TRAILING_DIRECTION and is_duration(text[start:end]):
        return end + m.end()
    return end


def is_vague_value(value: str | None) -> bool:
    """Whether a value is one of TimeML's vague ones (PRESENT_REF, PAST_REF, FUTURE_REF, an "X" wildcard):
    no calendar position, so never an event's date."""
    return value is not None and ("REF" in value or "X" in value)


def tag_times(doc: Doc, article: Article, *, vague: bool = True) -> list[TimeMention]:
    """Time mentions with their normalised dates, in text order.

    Durations, ages and rates are left out; vague words ("now", "recently") come with TimeML's REF values
    and no precision unless ``vague`` is False. Expressions relative to another event ("the same
    week") are kept with value None and anchor None, for the event stage to resolve with
    ``resolve_relative``; expressions relative to publication in an undated article are kept with value
    None and anchor "published". An entity that is no date as a whole is searched for the dates inside it
    ("Sept. 14 to Thursday", "the year ended Sept. 30", "between 1985 and 1987"). The tense of the verb a
    date belongs to picks between the last and the next weekday, month-day or month ("will meet Monday").
    """
    published = _published_date(article)
    text = doc_text(doc)
    out: list[TimeMention] = []
    for start, end in _spans(doc, text):
        end = _extend(text, start, end)
        start = _extend_left(text, start, end)
        start, end = _trim(text, start, end)
        if start >= end or _is_name_or_generic(text, start, end):
            continue
        direction = _direction(doc, start, end)
        if direction is None and _DEADLINE.search(text, max(0, start - 12), start):
            direction = "future"  # "repay the loan by February": the coming one
        mention = _mention(text, start, end, published, direction)
        if mention is not None:
            if mention is not _NOT_A_DATE:
                out.append(mention)
            continue
        out.extend(_inner_mentions(text, start, end, published, direction))
    out = _anchor_to_text(doc, out, published)
    return out if vague else [m for m in out if not is_vague_value(m.value)]


_TITLE_WORD = re.compile(r"[A-Z][a-z]*['’]?s?$|[A-Z]{2,}$")
_QUOTES = "\"“”'‘’`"
_NAME_BEFORE = re.compile(r"(?:^|[^.!?:\s]\s*)\b(?:[A-Z]{2,}|[A-Z][a-z]+)\s+$")  # "VOA Today", "USA Today"
_GENERIC_NOUNS = _phrases_re(_VOCAB["generic_after_today"])
# "the people of tomorrow", "the world of today"; "(in) today's world", "many of today's computers"
_OF_GENERIC = re.compile(r"\b(?:the|a|an)\s+\w+\s+of\s+$", re.I)
_TODAYS_GENERIC = re.compile(rf"^\s+(?:\w+\s+)?(?:{_GENERIC_NOUNS})\b", re.I)
_SENTENCE_OPENING = re.compile(r"(?:^|[.!?:\"“\n]\s*|\n)$")
_DISCOURSE_NOW = re.compile(r"\s*,|\s+(?:for|then)\b", re.I)
_FOR_BEFORE = re.compile(r"\bfor\s+$", re.I)
_FOR_A_WHILE = re.compile(rf"(?:{_phrases_re(_VOCAB['lengths_after_for'])})", re.I)
_QUANTIFIER_OF = re.compile(r"\b(?:many|most|some|all|much|one|none|few|several)\s+of\s+$", re.I)


def _is_name_or_generic(text: str, start: int, end: int) -> bool:
    """A relative time word that names no time: part of a title or name ("This is VOA Today", ABC's "This
    Week"), a generic present or future ("the people of tomorrow", "in today's world", "many of today's
    computers"), a discourse "Now," opening a sentence, or a length after "for" ("for the foreseeable
    future"). Months and weekdays are capitalised anyway, so only the other words are read as names."""
    span = text[start:end]
    words = span.split()
    if not words or any(w.strip(".,").lower() in MONTHS or w.strip(".,").lower() in WEEKDAYS
                        or any(ch.isdigit() for ch in w) for w in words):
        return False
    if all(_TITLE_WORD.match(w) for w in words):
        before = text[max(0, start - 40) : start]
        after = text[end : end + 3]
        quoted = before.rstrip(" ")[-1:] in _QUOTES and after.lstrip(",.")[:1] in _QUOTES and \
            before.rstrip(" ")[:-1].rstrip()[-1:] not in (".", "!", "?", "")
        if quoted or (_NAME_BEFORE.search(before) and "\n" not in before[-3:]):
            return True
    low = _POSSESSIVE.sub("", span.lower())
    if low == "now" and _SENTENCE_OPENING.search(text[max(0, start - 3) : start]) \
            and _DISCOURSE_NOW.match(text, end):
        return True  # "Now, the question is ...", "Now for the weather": a discourse word
    if _FOR_A_WHILE.fullmatch(span) and _FOR_BEFORE.search(text, max(0, start - 5), start):
        return True  # "neutral for the foreseeable future": a length (TimeML's DURATION), no position
    if low not in ("today", "tomorrow"):
        return False
    before = text[max(0, start - 40) : start]
    if not span.lower().endswith(("'s", "’s")) and text[end : end + 2] not in ("'s", "’s"):
        return bool(_OF_GENERIC.search(before))
    after = text[end + (0 if span.lower().endswith(("'s", "’s")) else 2) : end + 40]
    return bool(_TODAYS_GENERIC.match(after) or _QUANTIFIER_OF.search(before))


_YEAR_BACK = re.compile(r"\b(?:(?:a|one)\s+year\s+(?:ago|earlier|before)|year[-\s](?:earlier|ago)|last\s+year)\b", re.I)
_PERIOD_WORD = re.compile(r"\b(?:quarter|period)\b", re.I)
_QUARTER_VALUE = re.compile(r"^(\d{4})-Q([1-4])$")
_TEXT_REACH_SENTENCES = 1  # how many sentences back a date may anchor "a year earlier", "the next day"


def _dated_before(out: list[TimeMention], i: int, here: int, sentence: Callable[[int], int],
                  in_order: bool) -> TimeMention | None:
    """The nearest expression before ``out[i]`` with a date of its own, within reach. With the
    mentions in text order the search stops once out of reach, so a text of thousands of
    expressions is read in linear time, not quadratic."""
    for j in range(i - 1, -1, -1):
        p = out[j]
        if here - sentence(p.start) > _TEXT_REACH_SENTENCES:
            if in_order:
                return None
            continue
        if p.value is not None and not is_vague_value(p.value) and p.date_start:
            return p
    return None


def _anchor_to_text(doc: Doc, mentions: list[TimeMention], published: Date | None = None) -> list[TimeMention]:
    """Dates for expressions relative to the time the text was just talking about.

    "Profit rose in the third quarter from a year earlier": "a year earlier" is the third quarter a year
    before, and "last year" / "a year ago" in a sentence about a quarter is that quarter too (TimeML reads
    them so). A reporting period named without its number ("the quarter", "the latest period", "the
    year-ago quarter", "the 1988 period") is the last quarter the text named (a year back, or in the year
    given), else the latest quarter ended by publication; "the year", "the full year" the publication year.
    An event-relative expression ("two days later", "the following year") with no value is resolved against
    the nearest dated expression before it in its own or the previous sentence. All get ``anchor="text"``:
    the event stage still prefers the date of the event it follows, when there is one.
    """
    if not mentions:
        return mentions
    starts = [a for a, _ in sentence_bounds(doc)]
    text = doc_text(doc)

    def sentence(pos: int) -> int:
        return max(0, bisect.bisect_right(starts, pos) - 1)

    out = list(mentions)
    in_order = all(a.start <= b.start for a, b in zip(mentions, mentions[1:]))
    for i, m in enumerate(mentions):
        year_back = bool(_YEAR_BACK.search(m.text))
        if m.anchor not in (None, "published") or (m.value is not None and not year_back):
            continue
        here = sentence(m.start)
        period = _PERIOD_REF.match(_clean(m.text)) if m.value is None else None
        if period is not None or year_back:  # (built only when needed: a scan of the whole text)
            quarters = [q for q in out[:i] + mentions[i + 1:] if q.value and _QUARTER_VALUE.match(q.value)
                        and q.date_start and q.date_end and not _looks_back(q.text, published)]
        if period is not None:
            ended = _quarter_ended(m, mentions[i + 1] if i + 1 < len(mentions) else None, text)
            if ended is not None and not period["ago"] and not period["back"]:
                out[i] = _with_value(m, ended)
                continue
            out[i] = _with_value(m, _period_value(period, _reported_quarter(out[:i], quarters, published),
                                                  published))
            continue
        if year_back:
            quarter = min((q for q in quarters if sentence(q.start) == here),
                          key=lambda q: abs(q.start - m.start), default=None)
            other_period = _OTHER_PERIOD.search(text, starts[here], m.start) is not None
            if quarter is None and not _LAST_YEAR.search(m.text) and not other_period:
                # "the year-earlier quarter", "a year earlier" after a sentence about a quarter: the quarter
                # the text named last (near, for "a year ago", which has a value of its own)
                reach = _QUARTER_REACH if m.value is not None and not _PERIOD_WORD.search(m.text) else len(starts)
                quarter = next((q for q in reversed(out[:i]) if q in quarters
                                and here - sentence(q.start) <= reach), None)
            if quarter is not None:
                out[i] = _with_value(m, _shift("1", "year", False, Date.fromisoformat(quarter.date_start or ""),
                                               Date.fromisoformat(quarter.date_end or "")))
                continue
            if other_period and m.value is None and published is not None and _A_YEAR_BACK.match(_clean(m.text)):
                # "profit for the first nine months ... compared with $3 million a year earlier": the year before
                # publication, not a quarter named in an earlier sentence
                out[i] = _with_value(m, _year(published.year - 1, "published"))
                continue
        if m.value is not None:
            continue
        before = _dated_before(out, i, here, sentence, in_order)
        if (before is None or before.date_start is None) and published is not None \
                and _IN_THE_UNIT.match(_clean(m.text)):
            # "delayed earlier in the year", no date named before it: the year of publication
            out[i] = _with_value(m, resolve_relative(m.text, _day(published, "published")))
            continue
        if before is None or before.date_start is None or before.date_end is None:
            continue
        out[i] = _with_value(m, resolve_relative(m.text, TimeValue(before.value or "", before.precision or 3,
                                                                   before.date_start, before.date_end,
                                                                   before.anchor)))
    return out


def _reported_quarter(before: list[TimeMention], quarters: list[TimeMention],
                      published: Date | None) -> TimeMention | None:
    """The quarter a reporting period without its number refers to: the last one the text named that had
    ended by publication, else the last one begun by then (a fiscal "fourth quarter" reported in November);
    a quarter still to come ("the outlook for the third quarter of 1990") is none the text reports on."""
    named = [q for q in reversed(before) if q in quarters]
    if published is None:
        return named[0] if named else None
    return next((q for q in named if Date.fromisoformat(q.date_end or "") <= published),
                next((q for q in named if Date.fromisoformat(q.date_start or "") <= published), None))


_ENDED = re.compile(r"\s*,?\s*(?:that\s+|which\s+)?(?:ended|ending|ends|through)\s+$", re.I)


def _quarter_ended(m: TimeMention, nxt: TimeMention | None, text: str) -> TimeValue | None:
    """ "the quarter ended Sept. 30": the three months that end on that day's month, a calendar quarter
    (``1989-Q3``) when they are one, else the months themselves ("the quarter ended July 31": May-July)."""
    if nxt is None or nxt.date_end is None or nxt.precision != 1 or not _ENDED.fullmatch(text[m.end : nxt.start]):
        return None
    if "quarter" not in m.text.lower():
        return None
    last = Date.fromisoformat(nxt.date_end)
    first = _add_months(last.replace(day=1), -2)
    end = _month_end(last.year, last.month)
    if last.month % 3 == 0:
        return _tv(first, end, "text", value=f"{last.year}-Q{last.month // 3}", precision=3)
    return _tv(first, end, "text", precision=3)


# a sentence about a period other than a quarter ("the first nine months", "the first half"): its "a year
# earlier" compares with that period, not with the quarter an earlier sentence named
_OTHER_PERIOD = re.compile(rf"\b(?:{_phrases_re(_PERIODS['not_quarters'])})\b", re.I)
_A_YEAR_BACK = re.compile(r"^(?:a|one)\s+year\s+(?:earlier|before)$|^year[-\s]earlier$", re.I)
_IN_THE_UNIT = re.compile(r"^(?:earlier|later)\s+in\s+the\s+(?:week|month|year)$", re.I)
_QUARTER_REACH = 2  # how many sentences back a quarter may anchor "a year ago" said without one
_LAST_YEAR = re.compile(r"\blast\s+year\b", re.I)  # a year of its own unless its sentence names a quarter


def _looks_back(text: str, published: Date | None = None) -> bool:
    """ "a year earlier", "the year-ago quarter", "the 1988 period" (in a 1989 paper): a quarter for comparison,
    which no later "the quarter" means."""
    period = _PERIOD_REF.match(_clean(text))
    earlier_year = period is not None and period["year"] and published is not None \
        and int(period["year"]) < published.year
    return bool(_YEAR_BACK.search(text) or earlier_year or (period is not None and (period["ago"] or period["back"])))


def _latest_quarter(base: Date) -> tuple[int, int]:
    """(year, quarter) of the latest quarter ended by ``base``: what "the latest quarter" reports on."""
    q = (base.month - 1) // 3
    return (base.year - 1, 4) if q == 0 else (base.year, q)


def _period_value(m: re.Match, last: TimeMention | None, published: Date | None) -> TimeValue | None:
    """The quarter or year a reporting period without its number names (see ``_anchor_to_text``)."""
    if m["whole"]:
        return _year(published.year, "published") if published else None
    if last is not None and last.value:
        year, q = int(last.value[:4]), int(last.value[-1])
    elif published is not None:
        year, q = _latest_quarter(published)
        if m["latest"] and m["latest"].lower() == "current":
            year, q = published.year, (published.month + 2) // 3
    else:
        return None
    if m["ago"] or m["back"]:
        year -= 1
    elif m["year"]:
        year = int(m["year"])
    return _tv(Date(year, 3 * q - 2, 1), _month_end(year, 3 * q), "text", value=f"{year}-Q{q}", precision=3)


def _with_value(m: TimeMention, tv: TimeValue | None) -> TimeMention:
    """The mention dated by ``tv`` against the text (``anchor="text"``), or as it was without one."""
    if tv is None or not tv.value:
        return m
    return TimeMention(m.start, m.end, m.text, tv.value, tv.precision, "text", tv.date_start, tv.date_end)


_NOT_A_DATE = TimeMention(0, 0, "", None, None, None)  # a duration, an age or a vague word: no mention
_LEAD = re.compile(r"(?:on|in|at|during|over|since|from|by|until)\s+", re.I)
_LEFT_RELATIVE = re.compile(r"\b(?:this|last|next|past|coming)\s+$", re.I)
_BARE_UNITS = frozenset({"year", "week", "month", "weekend", "summer", "winter", "spring", "autumn", "fall"})


def _extend_left(text: str, start: int, end: int) -> int:
    """ "this year's election": spaCy sometimes labels only "year"; take in the word that places it."""
    if _POSSESSIVE.sub("", text[start:end]).lower() in _BARE_UNITS:
        m = _LEFT_RELATIVE.search(text[max(0, start - 12) : start])
        if m:
            return start - (len(text[max(0, start - 12) : start]) - m.start())
    return start


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a leading preposition and a trailing possessive from the evidence span."""
    lead = _LEAD.match(text, start, end)
    if lead:
        start = lead.end()
    if end - start > 2 and text[end - 2 : end] in ("'s", "’s"):
        end -= 2
    return start, end


def _mention(text: str, start: int, end: int, published: Date | None, direction: str | None,
             *, rules_only: bool = False) -> TimeMention | None:
    """The mention for text[start:end]: dated, undated (event-relative, or no publication date), or
    ``_NOT_A_DATE``; None when the span is none of these (it may hold dates inside)."""
    raw = text[start:end]
    tv = _normalize_cached(raw, published, None, direction, rules_only) if 0 < len(raw) <= 200 else None
    if tv is not None:
        return TimeMention(start, end, raw, tv.value, tv.precision, tv.anchor, tv.date_start, tv.date_end)
    cleaned = _clean(raw)
    vague = VAGUE_VALUES.get(" ".join(cleaned.lower().split()))
    if vague is not None:
        return TimeMention(start, end, raw, vague, None, None)  # dropped by tag_times unless vague=True
    if not cleaned or _VAGUE.fullmatch(cleaned) or is_duration(cleaned):
        return _NOT_A_DATE
    if _PERIOD_REF.match(cleaned):
        return TimeMention(start, end, raw, None, None, None)  # dated by _anchor_to_text
    if _EVE.match(cleaned):
        return _NOT_A_DATE  # "on the eve of the talks": the day before an event we cannot date here
    if published is None and _needs_base(cleaned):
        return TimeMention(start, end, raw, None, None, "published")
    if _EVENT_RELATIVE.search(cleaned):
        return TimeMention(start, end, raw, None, None, None)
    return None


_WORD = re.compile(r"\S+")
_MAX_INNER_WORDS = 12


def _inner_mentions(text: str, start: int, end: int, published: Date | None,
                    direction: str | None) -> list[TimeMention]:
    """Dates inside a span that is none as a whole: the longest word runs that are dates, left to right.

    dateparser is not asked here: given "the year ended Sept." it would find a September.
    """
    words = [(start + m.start(), start + m.end()) for m in _WORD.finditer(text[start:end])]
    if len(words) < 2 or len(words) > _MAX_INNER_WORDS:
        return []
    out: list[TimeMention] = []
    i = 0
    while i < len(words):
        found = None
        for j in range(len(words), i, -1):
            if (i, j) == (0, len(words)):
                continue
            s, e = words[i][0], words[j - 1][1]
            while e > s and text[e - 1] in ",;:.)(\"'”’" and not text[s:e].endswith(_ABBREV_DOT):
                e -= 1
            s, e = _trim(text, s, e)
            if s >= e:
                continue
            mention = _mention(text, s, e, published, direction, rules_only=True)
            if mention is not None and _inner_worthy(mention):
                found = (j, mention)
                break
        if found is None:
            i += 1
            continue
        i, mention = found
        out.append(mention)
    return out


def _inner_worthy(mention: TimeMention) -> bool:
    """A date inside a longer expression: dated, or to be dated (against publication, or as a reporting
    period against the text); not a vague word, which is part of the longer expression ("the past century")."""
    if mention is _NOT_A_DATE or is_vague_value(mention.value):
        return False
    return mention.value is not None or mention.anchor == "published" or bool(_PERIOD_REF.match(_clean(mention.text)))


_ABBREV_DOT = tuple(f"{m}." for m in ("Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov",
                                      "Dec"))

_FUTURE_AUX = frozenset({"will", "wo", "shall", "'ll", "’ll"})
# verbs whose complement lies ahead: "expected to arrive Monday", "plans to vote in May", "is going to"
_FUTURE_HEADS = frozenset({"expect", "schedule", "plan", "slate", "set", "intend", "aim", "hope", "propose",
                           "prepare", "due", "vow", "promise", "threaten", "pledge", "agree"})


def _direction(doc: Doc, start: int, end: int) -> str | None:
    """ "future" when the verb a date belongs to looks ahead (will, shall, going to, expected to, scheduled
    for, due), "past" when it is in the past tense, else None."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    tok = span.root
    for _ in range(4):
        if tok.pos_ in ("VERB", "AUX") or tok.lower_ == "due" or tok.head.i == tok.i:
            break
        tok = tok.head
    if tok.lower_ == "due" or (tok.lemma_ in ("schedule", "slate", "set") and tok.tag_ == "VBN"):
        return "future"  # "due on Monday", "scheduled for June 5"
    if tok.pos_ not in ("VERB", "AUX"):
        return None
    if any(c.lower_ == "due" for c in tok.children):
        return "future"  # "the election is due in December"
    chain = [tok]
    if tok.dep_ in ("xcomp", "ccomp", "advcl") and tok.head.i != tok.i:
        chain.append(tok.head)
    for verb in chain:
        for child in verb.children:
            if child.dep_ in ("aux", "auxpass") and child.lower_ in _FUTURE_AUX:
                return "future"
    head = tok.head
    if tok.dep_ == "xcomp" and (head.lemma_ in _FUTURE_HEADS or head.lemma_ == "go" and head.tag_ == "VBG"
                                or head.lemma_ == "be" and any(c.lower_ == "to" for c in tok.children)):
        return "future"
    if tok.tag_ == "VBD" or any(c.dep_ in ("aux", "auxpass") and (c.tag_ == "VBD" or c.lemma_ == "have")
                                for c in tok.children):
        return "past"
    return None


def _needs_base(s: str) -> bool:
    """Whether the expression would resolve against a publication date if there were one."""
    probe = Date(2000, 6, 15)
    return _normalize_cached(s, probe, None) is not None
