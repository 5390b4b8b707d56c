"""Dates against the text: reporting periods named without their number ("the quarter", "the year-ago
period"), "a year earlier" after a quarter, and event-relative expressions resolved against the date
the text named just before (``anchor="text"``).

Why a pass of its own: these expressions are dated by the other mentions of the same text, so they can
only be resolved once every mention of the article has been found (see ``_anchor_to_text``).
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Callable
from itertools import pairwise

from spacy.tokens import Doc

from ..model import TimeMention
from ..nlp import doc_text, sentence_bounds
from .cleaning import _clean
from .relative import _shift, resolve_relative
from .spans import _PERIOD_REF
from .values import Date, TimeValue, _add_months, _day, _month_end, _tv, _year, is_vague_value
from .vocabulary import _PERIODS, _phrases_re

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
    in_order = all(a.start <= b.start for a, b in pairwise(mentions))
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
                quarter = _most_named([q for q in reversed(out[:i]) if q in quarters
                                       and here - sentence(q.start) <= reach],
                                      out[:i])
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
    ended = [q for q in named if Date.fromisoformat(q.date_end or "") <= published]
    if ended:
        return _most_named(ended, before)
    return next((q for q in named if Date.fromisoformat(q.date_start or "") <= published), None)


def _most_named(candidates: list[TimeMention], before: list[TimeMention]) -> TimeMention | None:
    """The candidate (latest first) for the quarter the story is about: the one whose number the text names
    most often, this year's or a year back, the latest among equals. A quarter named in passing ("third-quarter
    net rose from a year ago. After a flat second quarter, ...") is not what "the year-earlier period" is."""
    counts = Counter(q.value[-2:] for q in before if q.value and _QUARTER_VALUE.match(q.value))
    return max(candidates, key=lambda q: (counts[(q.value or "")[-2:]], -candidates.index(q)), default=None)


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
