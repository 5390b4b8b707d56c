"""Resolving a toponym to one gazetteer entry: each candidate's score, and the rules that leave a name
unresolved (a variant outside the story's area, a small place of a country the story never names).

Why a score and not a cascade: the evidence (country focus, population, prominence, kind, spelling,
cues, co-location) is weighed together, with the weights in ``data/geoparse.yaml`` (``active_weights``).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from . import active_weights
from .gazetteer import Candidate, Gazetteer
from .toponyms import _Context, _Toponym
from .vocabulary import _CALENDAR_WORDS, _INSTITUTIONS, _MACRO_REGIONS, _describes_place, _is_generic

_UNRESOLVED = object()  # a place mention no gazetteer entry fits
_SKIP = object()  # not a place mention after all, or one that failed


def _score(c: Candidate, top: _Toponym, cands: list[Candidate], ctx: _Context) -> float:
    """How likely this candidate is what the toponym means here (weights in the terms of ``places.geoparse``'s
    docstring: country focus, population, prominence, kind, spelling, admin context)."""
    cc = c.country_code or ""
    own = ctx.own.get(top.key) if ctx.own else None
    if own:  # the focus the rest of the story gives
        total = ctx.total - own.total()
        mine = ctx.counts.get(cc, 0.0) - own.get(cc, 0.0)
        share = mine / total if total > 1e-9 else 0.0
        named = mine > 1e-9
    else:
        total = ctx.total
        share = ctx.focus.get(cc, 0.0)
        named = cc in ctx.focus
    # a focus drawn from one passing mention ("US officials") is weak evidence; from a dozen, strong
    w = active_weights.W
    confidence = min(1.0, total / w.focus_full_at)
    score = confidence * (w.focus_share * share + (w.focus_named if named else 0.0)
                          + w.focus_regional * ctx.regional(cc))
    if (cc, None) in top.within or (cc, c.admin1_code) in top.within:
        score += w.within if not c.is_country else -w.within  # "Tripoli, Lebanon": a town of Lebanon
    score += w.population * min(math.log10(c.population + 1) / 7.0, 1.0)
    # Geneva (Switzerland) over Geneva, Illinois; admin areas carry no count of names and are prominent
    score += w.prominence_admin1 if c.is_admin1 else w.prominence_fame * min(math.log10(c.fame + 1) / 2.5, 1.0)
    if c.feature_code == "PPLC":
        score += w.capital  # capitals are named across borders
    if c.is_country:
        score += w.country
    elif c.is_admin1:
        score += w.admin1
        # a bare name that is both a town and the admin area around it ("Idlib", "Karbala") means the
        # town; a state named like a distant hamlet ("Texas", "Virginia") is still the state
        if top.cue != "admin" and any(o.feature_class == "P" and o.country_code == c.country_code
                                      and o.admin1_code == c.admin1_code
                                      and (o.match in ("name", "alias") or o.match == c.match) for o in cands):
            score += w.town_and_area
    elif not any(o.is_admin1 and o.country_code == cc and o.admin1_code == c.admin1_code for o in cands):
        # the admin areas the article is about, unless the toponym itself names this area: "Minnesota"
        # must not become Minneota, Minnesota because the first pass read it as the state
        score += w.admin_focus * ctx.admin_focus.get((cc, c.admin1_code or ""), 0.0)
    if c.match == "alternate" and any(o.match in ("name", "alias") and o.country_code == cc and o is not c
                                      for o in cands):
        score += w.alternate_vs_own_name  # a variant name of one town against another's own name
    if c.feature_class in ("S", "L"):
        score += w.spot
    score += w.match(c.match)
    if top.cue == "admin":
        score += w.cue_admin_match if c.feature_class == "A" else w.cue_admin_other
    elif top.cue == "town":
        score += w.cue_town_match if c.feature_class == "P" else w.cue_town_other
    if not c.is_admin1 and (cc, c.admin1_code or "") in ctx.admin_by_sentence.get(top.sentence, ()):
        score += w.sentence_admin
    near = ctx.nearby.get((id(top), id(c)), 0.0) if ctx.nearby else 0.0
    score += near
    if (not c.is_country and not c.is_admin1 and near < 1.0 and (cc, None) not in top.within
            and (cc, c.admin1_code) not in top.within and not ctx.admin_hints.get((cc, c.admin1_code or ""))
            and any((o.is_country or o.is_admin1) and o.match in ("name", "alias")
                    and (o.country_code != cc or o.is_admin1 and o.admin1_code != c.admin1_code) for o in cands)):
        # a town named like a country or region ("Egypt, Pennsylvania", "England, Arkansas") only when
        # the story's other places lie beside it or the text says which one; a village hardly ever
        score += (w.homonym_large if c.population >= w.homonym_large_from else w.homonym_small) * (1.0 - near)
    return score


def _resolve(top: _Toponym, ctx: _Context, gaz: Gazetteer) -> Candidate | object:
    """The best candidate, ``_UNRESOLVED`` for a place with no fitting entry, or ``_SKIP``."""
    key = top.key
    if top.role == "demonym":
        return top.candidates[0] if top.candidates else _SKIP
    if gaz.demonym_country(top.text) or key in _CALENDAR_WORDS or key in _INSTITUTIONS:
        return _SKIP  # "Iraqi", "Jul", "Eid", "the White House" labelled as places
    if top.text.islower() or (" " not in key and _is_generic(top.text)):
        return _SKIP  # "swan", "metro": news capitalises names; "North", "City", "District" alone name nothing
    # spaCy's places, and the counties the scan found, are place mentions even when nothing resolves them
    unresolved = _UNRESOLVED if (top.label or not top.candidates) and _describes_place(top.text) else _SKIP
    if not top.candidates or _is_generic(top.text) or key in _MACRO_REGIONS:
        return unresolved  # "the Old City", "the West", "the Levant": places no gazetteer point stands for
    cands = top.candidates
    if len(key) <= 2:  # "US", "UK" are curated; other two-letter keys are abbreviations, not places
        cands = [c for c in cands if c.match == "alias" or c.is_country]
    if len(key.replace(" ", "")) <= 3 and not top.text.isupper() and "." not in top.text:
        cands = [c for c in cands if c.match != "alias"]  # "CAR" is the Central African Republic, "Car" is not
    if any(c.match in ("variant", "fuzzy") for c in cands):
        # a spelling variant is only believable in a country the article is largely about, a consonant
        # skeleton only in its main country ("Samiras" is not a Russian village because Russia is named)
        top_cc = max(ctx.focus, key=ctx.focus.__getitem__) if ctx.focus else None
        cands = [c for c in cands if c.match == "variant" and ctx.focus.get(c.country_code or "", 0.0) >= 0.2
                 or c.match == "fuzzy" and c.country_code == top_cc and gaz.transliterated(c.country_code)]
    if top.nested:  # a place it is said to lie in rules out the namesakes elsewhere: a place GeoNames lacks
        cands = [c for c in cands if _lies_in(c, top.nested)]
        if not cands:
            return _UNRESOLVED
    if not cands:
        return unresolved
    best = max(cands, key=lambda c: _score(c, top, top.candidates, ctx))
    if _other_area_variant(best, top, ctx):
        return _UNRESOLVED
    return unresolved if _foreign_hamlet(best, ctx, top.candidates, top) else best


def _lies_in(c: Candidate, areas: set[tuple[str, str | None]]) -> bool:
    return any(c.country_code == cc and not (c.is_country and a1 is None) and (a1 is None or c.admin1_code == a1)
               for cc, a1 in areas)


def _other_area_variant(c: Candidate, top: _Toponym, ctx: _Context) -> bool:
    """A spelling that is not the town's own name ("Hader" for Al Hadir), in a sentence that names another
    admin area ("in Quneitra province ... the village of Hader"), or a consonant-skeleton match outside the
    one admin area a story is about: a local place GeoNames lacks, not a namesake across the country."""
    if c.feature_class != "P" or c.match not in ("alternate", "variant", "fuzzy") or top.nested and _lies_in(
            c, top.nested):  # "Shadadi in northeastern Hasakeh": the text said where it lies
        return False
    area = (c.country_code or "", c.admin1_code or "")
    areas = ctx.admin_by_sentence.get(top.sentence)
    if areas:
        return area not in areas
    # a story plainly about one admin area: a skeleton match elsewhere, with no place named near it, is a
    # local place GeoNames lacks ("Mesraba" in an Eastern Ghouta story is not Al Muzayrib in Daraa)
    near = ctx.nearby.get((id(top), id(c)), 0.0) if ctx.nearby else 0.0
    main = max(ctx.admin_focus.items(), key=lambda kv: kv[1], default=(None, 0.0))
    return (c.match == "fuzzy" and near < 1.0 and main[1] >= active_weights.W.local_focus and main[0] != area
            and main[0] is not None and main[0][0] == area[0])


# ``abroad`` in data/geoparse.yaml: below ``foreign_town`` people, a name shared across countries resolves
# abroad only if the story goes there, unless the place has ``famous`` names in other languages (Cambridge,
# England: 54; Lere: 4); below ``hamlet``, a place in a country the story never names stays unresolved.


def _foreign_hamlet(c: Candidate, ctx: _Context, cands: Sequence[Candidate], top: _Toponym | None = None) -> bool:
    """A small place in a country the article never names is more likely a local name GeoNames lacks
    ("Adra" near Damascus is not Adra in Spain); an article that names no country is left alone.

    A name that several countries share is held to more: in a story plainly about one country, "Léré" (a
    Malian town GeoNames lacks) is not the Nigerian town of 90,000 by that name, though a unique name
    ("Fallujah" in a story about a US soldier) still resolves abroad."""
    if not ctx.focus or c.match == "alias" or c.is_country or c.is_admin1 or c.feature_code == "PPLC":
        return False
    cc = c.country_code or ""
    share = ctx.focus.get(cc, 0.0)
    if c.match in ("alternate", "variant") and share < 0.1 and c.population < 200_000:
        return True  # "Barna" is not Bern, "Tibni" not Tibnah, in a Syria story
    near = ctx.nearby.get((id(top), id(c)), 0.0) if top is not None and ctx.nearby else 0.0
    mine = ctx.pinned_own.get(top.key, Counter()) if top is not None else Counter()
    others = {k: v - mine.get(k, 0.0) for k, v in ctx.counts.items()}  # the story without this name
    rest = sum(others.values())
    if rest >= 1.0 and others.get(cc, 0.0) <= 1e-9 and c.population < active_weights.W.neighbour_hamlet and near < 1.0:
        return True  # "al-Hadar" in a Quneitra story is no Iraqi hamlet of that name, neighbour or not
    if share > 0.0 or ctx.regional(cc) > 0.0:
        return False
    if c.population < active_weights.W.hamlet:
        return True
    shared = len({o.country_code for o in cands if o.match in ("name", "alias") and not o.is_country}) >= 2
    return (shared and c.population < active_weights.W.foreign_town and c.fame < active_weights.W.famous
            and ctx.total >= 1.0
            and max(ctx.focus.values()) >= 0.6)
