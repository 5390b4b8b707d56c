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
  ``2018``; TimeML's ``2014-SU`` (seasons), ``2019-Q3`` (quarters), ``2019-H1`` (halves), ``2019-W15-WE``
  (a weekend), ``199`` (a decade) and ``19`` (a century); an interval ``start/end`` only for a span that
  fits none of those.
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
- Lengths ahead: "two years from now", and "in two weeks" in a sentence about the future, are the day, ISO
  week, month or year they end in; "years ago" without a count is a vague PAST_REF.
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
- Words spaCy seldom labels are found by the vocabulary itself: "overnight", "last night", "tonight", the vague
  references, and reporting periods ("the quarter", "the latest period", "the year-ago quarter", "the full year"). A
  period named without its number is the quarter the text named last (a year back for "year-ago"; in the year given
  for "the 1988 period"), else the latest quarter ended by publication; "the year" is the publication year (TimeML
  reads them so). "The quarter the text named" is the one whose number it names most often (the story's quarter), not
  one named in passing ("after a flat second quarter"). A quarter or half named alone is the latest one begun ("this
  quarter", "next quarter": calendar ones); in a sentence about the future, one that ended more than three months
  before publication is next year's. A period reported on is one begun by publication, one ended by then first: a
  quarter the outlook names ("by the third quarter of 1990") is none. "the quarter ended Sept. 30" is the three months
  ending then (a calendar quarter when they are one), and "the quarter a year ago" one expression. "A year earlier"
  said without a quarter in its sentence is the last quarter named, when the text has named one, unless its sentence
  is about another period ("the first nine months"): then the year before publication.
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

The package, one module per concern, each importing only those listed before it: ``vocabulary`` (the words
of ``data/times.yaml`` and the patterns built from them), ``values`` (``TimeValue`` and calendar
arithmetic), ``cleaning`` (an expression's text made ready for the rules), ``forms`` (calendar forms),
``publication`` (expressions relative to the publication date), ``dateparser_fallback``,
``normalization`` (``normalize``, ``is_duration``), ``relative`` (``resolve_relative``), ``spans`` (where
the expressions of a text are), ``anchoring`` (dates against the text) and ``tagging`` (``tag_times``).
"""

from __future__ import annotations

from .normalization import is_duration, normalize
from .relative import resolve_relative
from .tagging import tag_times
from .values import TimeValue, is_vague_value

__all__ = ["TimeValue", "is_duration", "is_vague_value", "normalize", "resolve_relative", "tag_times"]
