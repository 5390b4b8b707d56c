"""Mentions looked up by where they start, in logarithmic time.

Why: the coder asks, for every event mention, which places and times its sentence holds. A scan of
the article's whole list per mention is quadratic; over an ordinary article that is nothing, over
a dump of 30,000 sentences (an input up to FLASHPOINT_MAX_ARTICLE_BYTES) it took hours.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence
from typing import Generic, Protocol, TypeVar


class _Starts(Protocol):
    @property
    def start(self) -> int: ...


T = TypeVar("T", bound=_Starts)


class ByStart(Generic[T]):
    """A list of mentions (anything with a character ``start``) answering "which start in
    [lo, hi)" in their own order, exactly as filtering the list would."""

    def __init__(self, items: Sequence[T]) -> None:
        self._items = list(items)
        self._order = sorted(range(len(self._items)), key=lambda i: self._items[i].start)
        self._starts = [self._items[i].start for i in self._order]

    def starting_in(self, lo: int, hi: int) -> list[T]:
        a, b = bisect_left(self._starts, lo), bisect_left(self._starts, hi)
        return [self._items[i] for i in sorted(self._order[a:b])]
