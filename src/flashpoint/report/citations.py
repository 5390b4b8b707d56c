"""Numbered citations: every statement in a report points at the articles and words behind it.

A citation is one article plus the quote from it that supports the statement (the evidence the
extractor kept), so a reader can check a figure without opening the store. The same article and
quote always get the same number; numbers are given in the order statements ask for them, which
the report makes deterministic (events in date order first).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

_QUOTE_FIELDS = ("sentence", "trigger")  # the sentence tells the event; the trigger at least names it


@dataclass(frozen=True)
class Citation:
    n: int
    outlet: str | None
    title: str | None
    published: str | None
    url: str | None
    quote: str
    article_id: str | None


def fold(text: str | None) -> str:
    """Whitespace runs (newlines from the article's layout) become single spaces."""
    return " ".join((text or "").split())


def cut(text: str, limit: int) -> str:
    """At most ``limit`` characters, cut at a word and marked with "…" so the cut shows."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1].rsplit(" ", 1)[0]
    return head.rstrip(" ,;:") + "…"


def quote_of(evidence: Sequence[Mapping[str, Any]] | None) -> str:
    """The words that support an event: its sentence, else its trigger, else all evidence."""
    items = [e for e in evidence or () if fold(e.get("text"))]
    for wanted in _QUOTE_FIELDS:
        for e in items:
            if e.get("field") == wanted:
                return fold(e["text"])
    return " … ".join(dict.fromkeys(fold(e["text"]) for e in items))


class Citations:
    """The registry: ``cite_*`` return citation numbers, ``all()`` the numbered list."""

    def __init__(self, quote_chars: int) -> None:
        self._quote_chars = quote_chars
        self._by_key: dict[tuple[str | None, str, str], Citation] = {}
        self._by_event: dict[str, tuple[int, ...]] = {}

    def _add(self, article: Mapping[str, Any], quote: str) -> int:
        quote = cut(fold(quote), self._quote_chars)
        key = (article.get("article_id"), fold(article.get("title")), quote)
        found = self._by_key.get(key)
        if found is None:
            found = Citation(
                n=len(self._by_key) + 1, outlet=article.get("source"), title=article.get("title"),
                published=article.get("published"), url=article.get("url"), quote=quote,
                article_id=article.get("article_id"),
            )
            self._by_key[key] = found
        return found.n

    def cite_event(self, event: Mapping[str, Any]) -> tuple[int, ...]:
        """Every source of a fused event, each with its own quote."""
        eid = str(event.get("id"))
        if eid not in self._by_event:
            sources = event.get("sources") or []
            if not sources and event.get("article"):  # an event that lists no sources: its article
                sources = [{**event["article"], "evidence": event.get("evidence")}]
            self._by_event[eid] = tuple(sorted({self._add(s, quote_of(s.get("evidence"))) for s in sources}))
        return self._by_event[eid]

    def cite_events(self, events: Iterable[Mapping[str, Any]]) -> tuple[int, ...]:
        return tuple(sorted({n for e in events for n in self.cite_event(e)}))

    def cite_telling(self, article: Mapping[str, Any], quote: str) -> int:
        """One telling of a relation: the article and the words that state it."""
        return self._add(article, quote)

    def all(self) -> list[Citation]:
        return sorted(self._by_key.values(), key=lambda c: c.n)


def compact(numbers: Iterable[int]) -> list[tuple[int, int]]:
    """[1, 2, 3, 5, 7, 8] -> [(1, 3), (5, 5), (7, 8)]: ranges keep long citation lists short."""
    out: list[tuple[int, int]] = []
    for n in sorted(set(numbers)):
        if out and n == out[-1][1] + 1:
            out[-1] = (out[-1][0], n)
        else:
            out.append((n, n))
    return out


def compact_text(numbers: Iterable[int]) -> str:
    """"1–3, 5, 7–8" (an en dash for ranges)."""
    return ", ".join(f"{a}" if a == b else f"{a}–{b}" for a, b in compact(numbers))


# ------------------------------------------------------------------------------ long lists


@dataclass
class LongLists:
    """Citation lists too long to print after a statement ("[1–344]" over 300 sources helps no
    reader): the statement shows its first ``shown`` numbers and a link to list L<k>, which the
    report prints in full once, under "Source lists", before the numbered sources."""

    shown: int
    lists: list[tuple[int, ...]] = field(default_factory=list)
    _index: dict[tuple[int, ...], int] = field(default_factory=dict)

    def split(self, numbers: Iterable[int]) -> tuple[list[int], int | None, int]:
        """(numbers to print, the full list's number or None, how many are not printed)."""
        ordered = sorted(set(numbers))
        if len(ordered) <= self.shown:
            return ordered, None, 0
        key = tuple(ordered)
        if key not in self._index:
            self.lists.append(key)
            self._index[key] = len(self.lists)
        return ordered[: self.shown], self._index[key], len(ordered) - self.shown


_CURRENT: ContextVar[LongLists | None] = ContextVar("flashpoint_report_long_lists", default=None)


@contextmanager
def long_lists(shown: int) -> Iterator[LongLists]:
    """While a renderer writes one report: statements' long citation lists are collected here."""
    lists = LongLists(max(1, shown))
    token = _CURRENT.set(lists)
    try:
        yield lists
    finally:
        _CURRENT.reset(token)


def split_cites(numbers: Iterable[int]) -> tuple[list[int], int | None, int]:
    """``LongLists.split`` for the report being rendered; outside one, every number is shown."""
    lists = _CURRENT.get()
    if lists is None:
        return sorted(set(numbers)), None, 0
    return lists.split(numbers)
