"""Hints for a filter that matched nothing: the nearest country, admin1 or type the store holds.

Why: "(no events)" after ``--country Syira`` reads as "nothing happened there" when the truth is
a typo. The commonest causes are a misspelt name and a type written as the user remembers it
("Air strike" for ACLED's "Air/drone strike"), so each filter value that the store does not hold
is compared with the values it does hold (difflib) and the nearest is named. A value the store
holds (or, for admin1, an ACLED spelling of one: ``places.admin_names``) gets no hint: then it is
the combination of filters that matches nothing, and the hint says that instead.

The similarity cut-off lives in ``data/suggest.yaml``.
"""

from __future__ import annotations

import difflib
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flashpoint.datafiles import read_yaml
from flashpoint.places.admin_names import spellings as admin_spellings

DATA = Path(__file__).parent / "data" / "suggest.yaml"

# Filter field -> (the option users type, the word for its values).
_FIELDS = {"country": ("--country", "country"), "admin1": ("--admin1", "admin1 region"),
           "event_type": ("--type", "event type")}


@dataclass(frozen=True)
class SuggestConfig:
    min_similarity: float
    listed_when_none_close: int


@functools.lru_cache(maxsize=1)
def load_config(path: Path = DATA) -> SuggestConfig:
    raw = read_yaml(path)
    return SuggestConfig(min_similarity=float(raw["min_similarity"]),
                         listed_when_none_close=int(raw["listed_when_none_close"]))


def nearest(value: str, known: list[str], config: SuggestConfig | None = None) -> str | None:
    """The known value most like ``value`` (case ignored), if any is similar enough."""
    config = config or load_config()
    by_lower = {k.lower(): k for k in known}
    found = difflib.get_close_matches(value.strip().lower(), list(by_lower), n=1,
                                      cutoff=config.min_similarity)
    return by_lower[found[0]] if found else None


def _holds(field: str, value: str, known: list[str]) -> bool:
    lowered = {k.lower() for k in known}
    if field == "admin1":
        return bool(lowered & set(admin_spellings(value)))
    return value.strip().lower() in lowered


def hints(store: Any, filters: Any) -> list[str]:
    """One line per filter value the store does not hold (its nearest value, or some it holds),
    or one line saying the filters match nothing together; [] when no filter of these is set."""
    config = load_config()
    out = []
    checked = False
    for field, (option, noun) in _FIELDS.items():
        value = getattr(filters, field, None)
        if not value:
            continue
        checked = True
        values = [value] if isinstance(value, str) else list(value)  # one value, or several
        known = store.known_values(field)
        for one in values:
            if _holds(field, one, known):
                continue
            close = nearest(one, known, config)
            if close is not None:
                out.append(f"no {noun} {one!r} in this store; did you mean {option} {close!r}?")
            elif known:
                some = ", ".join(repr(k) for k in known[:config.listed_when_none_close])
                more = f" ({len(known)} in all)" if len(known) > config.listed_when_none_close else ""
                out.append(f"no {noun} {one!r} in this store; it has {some}{more}")
            else:
                out.append(f"no {noun} {one!r} in this store: it holds no {noun} yet")
    if not out and (checked or not filters.is_empty()):
        out.append("each value is in the store, but no event matches all the filters together")
    return out


__all__ = ["hints", "load_config", "nearest"]
