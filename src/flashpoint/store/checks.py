"""Checks of the values callers hand the store's reads: dates, counts and LIKE patterns.

Why a module of their own: ``repo.py`` (articles, reports) and ``fused_reads.py`` (fused events)
both check the same filters, and each importing the other's helper made the two modules import
each other. Both now import these from below.
"""

from __future__ import annotations

import re

_DATE_FILTER = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
LIKE_ESCAPE = "\\"


def check_date(name: str, value: str | None) -> None:
    """ValueError unless ``value`` is None or an ISO day, month or year ("2019-04-14", "2019")."""
    if value is not None and not _DATE_FILTER.match(value):
        raise ValueError(
            f"{name} must be an ISO date like 2019-04-14, 2019-04 or 2019, got {value!r}"
        )


def check_count(name: str, value: int | None) -> None:
    """ValueError for a negative limit or offset (None means no limit)."""
    if value is not None and value < 0:
        raise ValueError(f"{name} must not be negative, got {value}")


def like_pattern(words: str) -> str:
    """``%words%`` with LIKE's wildcards (``%``, ``_``) and the escape character in ``words``
    escaped, so a user's "100%" matches those four characters (use with ``escape=LIKE_ESCAPE``)."""
    escaped = (words.replace(LIKE_ESCAPE, LIKE_ESCAPE * 2).replace("%", LIKE_ESCAPE + "%")
               .replace("_", LIKE_ESCAPE + "_"))
    return f"%{escaped}%"


__all__ = ["LIKE_ESCAPE", "check_count", "check_date", "like_pattern"]
