"""Flashpoint: news articles about armed conflict in, structured and sourced event data out.

``flashpoint.extract(text, published=..., title=..., source=...)`` is the public Python entry
point; it is imported lazily so that ``import flashpoint`` stays cheap (no spaCy load).
"""

from __future__ import annotations

from typing import Any

from .about import __version__

__all__ = ["extract", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "extract":
        from .pipeline import extract

        return extract
    raise AttributeError(name)
