"""Full-text search over article titles and text, in portable SQL (SQLite and PostgreSQL).

Why LIKE and not FTS5 or tsvector: both are backend-specific and need schema changes; a
case-insensitive substring scan over a few thousand articles answers in milliseconds, and the
query stays the same on both backends. ``%``, ``_`` and the escape character in the user's words
are escaped, so they match literally. (SQLite's lower() folds ASCII letters only.) The snippet
around a match is the API's business (``api/search.py``); finding the articles is the store's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import or_, select

from . import schema as s
from .checks import LIKE_ESCAPE, check_count, like_pattern


class ArticleSearch:
    """``Store.search_articles``; ``Store`` supplies ``transaction``."""

    transaction: Callable[..., Any]

    def search_articles(self, words: str, limit: int | None = None) -> list[dict[str, Any]]:
        """Articles whose title or text contains ``words`` (any case), newest first (undated
        last), then by id: dicts of article_id, title, source, published and text."""
        check_count("limit", limit)
        a = s.articles.c
        pattern = like_pattern(words)
        stmt = (
            select(a.id, a.title, a.source, a.published, a.text)
            .where(or_(a.title.ilike(pattern, escape=LIKE_ESCAPE), a.text.ilike(pattern, escape=LIKE_ESCAPE)))
            .order_by(a.published.is_(None), a.published.desc(), a.id)
            .limit(limit)
        )
        with self.transaction() as conn:
            return [{"article_id": r.id, "title": r.title, "source": r.source, "published": r.published,
                     "text": r.text} for r in conn.execute(stmt)]


__all__ = ["ArticleSearch"]
