"""Bounds on what a person may write through the API: counts that fit the store, text without
control characters.

Why ``MAX_COUNT`` is 10,000,000: fatalities and injured are ``Integer`` columns, which PostgreSQL
stores in 32 bits (at most 2,147,483,647) and SQLite in 64; a count of 2**63 overflowed SQLite's
driver (a 500) and 2**31 would overflow PostgreSQL's. Ten million is far above any one event's
toll yet far inside both, so no correction can reach the database's limit.

Why text must be free of control characters: a NUL byte or an escape sequence in an actor name
or a reason is never meant, breaks exports and terminals, and PostgreSQL refuses NUL in text.
Tab, newline and carriage return stay allowed (a reason may have lines). A lone UTF-16 surrogate
("\\udc80" in JSON) is refused too: it cannot be encoded to UTF-8 for the store.
"""

from __future__ import annotations

import unicodedata
from typing import Annotated

from pydantic import AfterValidator, Field

MAX_COUNT = 10_000_000
_ALLOWED_CONTROLS = frozenset("\t\n\r")


def clean_text(value: str) -> str:
    """``value`` unchanged; ValueError naming the first control character or lone surrogate."""
    for i, ch in enumerate(value):
        kind = unicodedata.category(ch)
        if (kind == "Cc" and ch not in _ALLOWED_CONTROLS) or kind == "Cs":
            what = "a NUL byte" if ch == "\0" else ("a lone surrogate" if kind == "Cs" else "a control character")
            raise ValueError(f"contains {what} (U+{ord(ch):04X}) at position {i}; send plain text")
    return value


CleanText = Annotated[str, AfterValidator(clean_text)]
Count = Annotated[int, Field(strict=True, ge=0, le=MAX_COUNT)]
