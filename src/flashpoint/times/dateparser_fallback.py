"""dateparser, asked only about what the rules do not cover.

Why last and guarded: dateparser knows nothing of news conventions (see the package docstring) and
invents dates for ordinal phrases ("11th day"), so it is asked only about text that names a month, a
weekday, a year or a numeric date, with the publication date as its base, and a year it ignored is no
reading.
"""

from __future__ import annotations

import datetime as dt
import re

from .values import Date, TimeValue, _day, _iso_week, _month, _year
from .vocabulary import MONTHS, WEEKDAYS

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
    except Exception:  # noqa: BLE001 - dateparser raises on some odd inputs; an unparsed date is not an error
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
