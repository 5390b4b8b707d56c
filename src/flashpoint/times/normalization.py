"""``normalize``: the date one time expression denotes, trying the rules in order.

Why here and cached: the order is the policy (absolute forms, then forms needing a year, then forms
relative to the base date, then the words that narrow another expression, dateparser last), and the
same phrases recur across articles, so results are cached (one ``lru_cache``, ``_normalize_cached``,
which the tagger calls too).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from .cleaning import _clean
from .dateparser_fallback import _with_dateparser
from .forms import _absolute, _decade, _month_day, _month_only, _numeric, _quarter, _season, _year_only
from .publication import _relative
from .values import Date, TimeValue, _day, _tv, _with_anchor
from .vocabulary import _AGE, _DURATION, _RATE, _VAGUE

_EVENT_RELATIVE = re.compile(
    r"\b(?:later|after|afterwards|earlier|before|prior|following|previous|preceding|same|that day|"
    r"that week|that month|that year|that night|next day|next morning|next week)\b",
    re.I,
)


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
    for form in (_month_day, _month_only, _season, _quarter):
        tv = form(s, base, direction)
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
