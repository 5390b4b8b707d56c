"""Co-location: the places a story names together lie near each other.

Why a pass of its own: the support each candidate gets depends on every other name's plausible places,
so it is computed for the whole story before the final resolution (``ctx.nearby``).
"""

from __future__ import annotations

import math

from ..distance import haversine_km
from . import active_weights
from .gazetteer import Candidate
from .resolving import _score
from .toponyms import _Context, _Toponym

# Co-location: the places a story names together lie near each other ("Decatur, Huntsville and Athens" are
# the Alabama towns, not Decatur, Illinois and Athens, Georgia).
# How close, how much and up to how many names: ``colocation`` in data/geoparse.yaml.
_NEAR_SUPPORTERS = 12  # the most plausible places of each other name that may support
_NEAR_TARGETS = 30  # the most plausible places of a name that may be supported
_NEAR_ROUNDS = 2  # support recomputed with the plausibilities it changed


def _within_reach(a: Candidate, b: Candidate) -> bool:
    la, lb = a.lat or 0.0, b.lat or 0.0
    # the latitude band first: outside it no pair can be near
    near_km = active_weights.W.near_km
    return abs(la - lb) <= near_km / 111.0 and haversine_km(la, a.lon or 0.0, lb, b.lon or 0.0) <= near_km


def _pointlike(c: Candidate) -> bool:
    return c.lat is not None and c.lon is not None and not c.is_country and not c.is_admin1


def _add_colocation(toponyms: list[_Toponym], ctx: _Context) -> None:
    """Set ``ctx.nearby``: a bonus for each (toponym, candidate) from the other names of the story that
    have a plausible place within ``near_km`` of it.

    A mean-field reading of "choose the places that lie together": each other name supports a candidate by
    the summed plausibility (a softmax of its scores) of its own candidates nearby, at most 1 per name, so a
    common name with a hamlet in every county cannot support everything. Countries and admin areas neither
    give nor get support: the country and admin focus already weigh them.
    """
    groups: dict[str, list[_Toponym]] = {}
    for top in toponyms:
        if top.candidates:
            groups.setdefault(top.key, []).append(top)
    if len(groups) < 2:
        return
    for _ in range(_NEAR_ROUNDS):
        ranked: dict[str, list[tuple[float, Candidate]]] = {}
        spread: dict[str, list[tuple[Candidate, float]]] = {}
        for key, tops in groups.items():
            top = tops[0]
            try:
                scored = sorted(((_score(c, top, top.candidates, ctx), c) for c in top.candidates),
                                key=lambda sc: -sc[0])
            except Exception:  # noqa: BLE001 - resolving it will fail and be logged there; it just supports nothing
                continue
            ranked[key] = scored
            best = scored[0][0]
            weights = [(c, math.exp(s - best)) for s, c in scored]
            total = sum(w for _, w in weights)
            spread[key] = [(c, w / total) for c, w in weights if _pointlike(c)][:_NEAR_SUPPORTERS]
        fresh: dict[tuple[int, int], float] = {}
        for key, scored in ranked.items():
            tops = groups[key]
            targets = [c for _, c in scored if _pointlike(c)][:_NEAR_TARGETS]
            for c in targets:
                support = 0.0
                for other, points in spread.items():
                    if other != key:
                        support += min(1.0, sum(p for d, p in points if _within_reach(c, d)))
                if support:
                    for top in tops:
                        fresh[(id(top), id(c))] = active_weights.W.near_weight * min(support, active_weights.W.near_cap)
        ctx.nearby = fresh  # the next round scores with this round's support
