"""Search results for the API: the articles the store finds, each with a snippet around the match.

The search itself (portable LIKE over titles and text, wildcards escaped) is the store's
(``Store.search_articles``); what a reader sees of each article is decided here.
"""

from __future__ import annotations

from typing import Any

from flashpoint.store import Store

SNIPPET_BEFORE = 80
SNIPPET_AFTER = 160


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
    """Articles whose title or text contains ``q``, newest first (undated last), then by id,
    each with a snippet of its text around the first match."""
    out = []
    for r in store.search_articles(q, limit):
        text, where = snippet(r["text"] or "", q)
        out.append({"article_id": r["article_id"], "title": r["title"], "source": r["source"],
                    "published": r["published"], "snippet": text, "highlight": where})
    return out
