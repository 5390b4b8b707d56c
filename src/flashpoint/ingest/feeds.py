"""RSS and Atom feeds: the entries of a feed Flashpoint fetched itself, parsed by feedparser.

Why feedparser only parses: it can fetch URLs (and open local files named by a string), which
would bypass the SSRF guard and the size and time caps in ``fetch.py``. It is handed a byte
stream, never a string, so it has nothing to open.
"""

from __future__ import annotations

import calendar
import datetime as dt
import io
from dataclasses import dataclass
from typing import Any


class FeedError(ValueError):
    """Bytes that are not an RSS or Atom feed; ``str()`` is one line."""


@dataclass(frozen=True, slots=True)
class FeedItem:
    key: str  # what makes the entry "seen": its link, else its guid
    link: str | None  # the article's page
    title: str | None
    published: str | None  # ISO date (UTC) of publication or last update
    content: str | None  # HTML of the entry's content or summary: the article when there is no link


@dataclass(frozen=True, slots=True)
class Feed:
    title: str | None
    items: list[FeedItem]


def _date(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC).date().isoformat()
            except (OverflowError, ValueError, OSError):
                continue
    return None


def _content(entry: Any) -> str | None:
    for part in entry.get("content") or ():
        if part.get("value"):
            return str(part["value"])
    summary = entry.get("summary")
    return str(summary) if summary else None


def parse_feed(data: bytes, url: str) -> Feed:
    """The feed's title and entries; relative links resolve against ``url`` (the final URL)."""
    import feedparser

    parsed = feedparser.parse(io.BytesIO(data), response_headers={"content-location": url})
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        detail = f" ({str(problem).splitlines()[0]})" if problem else ""
        raise FeedError(f"not an RSS or Atom feed{detail}")
    items: list[FeedItem] = []
    for entry in parsed.entries:
        link = (entry.get("link") or "").strip() or None
        if link and not link.lower().startswith(("http://", "https://")):
            link = None  # feedparser offers a guid such as "urn:..." as the link: not a page
        guid = (entry.get("id") or "").strip() or None
        key = link or guid
        if key is None:
            continue  # nothing to tell this entry from the next one by
        items.append(FeedItem(key=key, link=link, title=(entry.get("title") or "").strip() or None,
                              published=_date(entry), content=_content(entry)))
    title = (parsed.feed.get("title") or "").strip() or None
    return Feed(title=title, items=items)
