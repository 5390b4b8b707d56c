"""Full-text search over article titles and text, in portable SQL (SQLite and PostgreSQL).

Why LIKE and not FTS5 or tsvector: both are backend-specific and need schema changes; a
case-insensitive substring scan over a few thousand articles answers in milliseconds, and the
query stays the same on both backends. ``%``, ``_`` and the escape character in the user's words
are escaped, so they match literally. (SQLite's lower() folds ASCII letters only.)
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select

from flashpoint.store import Store
from flashpoint.store import schema as s

_ESCAPE = "\\"
SNIPPET_BEFORE = 80
SNIPPET_AFTER = 160


def like_pattern(q: str) -> str:
    """``%q%`` with LIKE's wildcards in ``q`` escaped."""
    escaped = q.replace(_ESCAPE, _ESCAPE * 2).replace("%", _ESCAPE + "%").replace("_", _ESCAPE + "_")
    return f"%{escaped}%"


def snippet(text: str, q: str) -> tuple[str, list[int] | None]:
    """Plain text around the first match of ``q`` (any case), and where the match is in it."""
    at = text.lower().find(q.lower())
    if at < 0:
        head = " ".join(text[: SNIPPET_BEFORE + SNIPPET_AFTER].split())
        return head + ("…" if len(text) > SNIPPET_BEFORE + SNIPPET_AFTER else ""), None
    start = max(0, at - SNIPPET_BEFORE)
    end = min(len(text), at + len(q) + SNIPPET_AFTER)
    before = " ".join(text[start:at].split())
    match = text[at : at + len(q)]
    after = " ".join(text[at + len(q) : end].split())
    prefix = ("…" if start > 0 else "") + before + (" " if before and text[at - 1].isspace() else "")
    suffix = (" " if after and at + len(q) < len(text) and text[at + len(q)].isspace() else "") + after
    out = prefix + match + suffix + ("…" if end < len(text) else "")
    return out, [len(prefix), len(prefix) + len(match)]


def search_articles(store: Store, q: str, limit: int) -> list[dict[str, Any]]:
    """Articles whose title or text contains ``q``, newest first (undated last), then by id.

    Reads the articles table through ``Store.transaction``, so database failures become the same
    one-line StoreError as everywhere else.
    """
    a = s.articles.c
    pattern = like_pattern(q)
    stmt = (
        select(a.id, a.title, a.source, a.published, a.text)
        .where(or_(a.title.ilike(pattern, escape=_ESCAPE), a.text.ilike(pattern, escape=_ESCAPE)))
        .order_by(a.published.is_(None), a.published.desc(), a.id)
        .limit(limit)
    )
    with store.transaction() as conn:
        rows = conn.execute(stmt).all()
    out = []
    for r in rows:
        text, where = snippet(r.text or "", q)
        out.append({"article_id": r.id, "title": r.title, "source": r.source,
                    "published": r.published, "snippet": text, "highlight": where})
    return out
