"""The article's country focus and sentence context: countries named, nationality words, US counties
and admin areas inside organisation names, admin areas named in each sentence; and the refined context
of the later passes.

Why an article-level focus: most names are ambiguous across countries (Tripoli, Hama, Washington), and
an article is usually about one or two countries (see ``places.geoparse``).
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TypeVar

from spacy.tokens import Doc

from ..nlp import doc_text
from . import active_weights
from .gazetteer import Candidate, Gazetteer
from .tokens import _Tokens
from .toponyms import _Context, _Toponym

_K = TypeVar("_K")


def _add(counter: Counter[_K], key: _K, weight: float) -> None:
    """Add a weight to a weighted count: a Counter sums floats as well as ints at run time, though
    typeshed types its counts as int."""
    counter[key] += weight  # type: ignore[assignment]


def _context(doc: Doc, toks: _Tokens, toponyms: list[_Toponym], gaz: Gazetteer) -> _Context:
    counts: Counter[str] = Counter()
    own: dict[str, Counter[str]] = {}
    for top in toponyms:
        first = top.candidates[0] if top.candidates and top.role != "demonym" else None  # counted below
        if first is not None and first.match in ("name", "alias"):
            if first.is_country:
                # "Georgia" may be the US state: a name shared with a region says nothing about focus
                if not any(c.is_admin1 and c.match in ("name", "alias") for c in top.candidates):
                    weight = _mention_weight(doc, top)
                    _add(counts, first.country_code or "", weight)
                    _add(own.setdefault(top.key, Counter()), first.country_code or "", weight)
            elif first.is_admin1 and all(c.country_code == first.country_code for c in top.candidates
                                         if c.is_admin1) and not any(
                                         c.feature_class == "P" and c.match in ("name", "alias")
                                         for c in top.candidates):
                # "Louisiana", "Nineveh": one country's (not "Tripoli", which also names a Libyan province but
                # mostly towns)
                _add(counts, first.country_code or "", active_weights.W.region_mention)
    i = 0
    n = toks.n
    while i < n:
        word = toks.words[i]
        if word[:1].isupper():
            pair = toks.span_text(i, i + 2) if i + 1 < n else ""
            cc2 = gaz.demonym_country(pair) if pair else None
            if cc2:  # "South Sudanese", "North Korean"
                _add(counts, cc2, active_weights.W.demonym_mention)
                i += 2
                continue
            cc = gaz.demonym_country(word)
            if cc:
                _add(counts, cc, active_weights.W.demonym_mention)
        i += 1
    hints = _county_hints(doc_text(doc), gaz)
    for cc, a1 in _areas_in_names(doc, toks, gaz):
        _add(hints, (cc, a1), active_weights.W.area_in_name)
    by_country: Counter[str] = Counter()
    for (cc, _), weight in hints.items():
        by_country[cc] += weight
    for cc, weight in by_country.items():
        _add(counts, cc, min(active_weights.W.hints_cap, weight))
    counts.pop("", None)
    admin: dict[int, set[tuple[str, str]]] = {}
    for top in toponyms:
        if top.cue == "admin":
            for c in top.candidates:
                if c.is_admin1 and c.country_code and c.admin1_code:
                    admin.setdefault(top.sentence, set()).add((c.country_code, c.admin1_code))
                    break
    return _Context(counts, admin, gaz, admin_hints=hints, own=own)


_NAME_LABELS = frozenset({"ORG", "FAC"})


def _areas_in_names(doc: Doc, toks: _Tokens, gaz: Gazetteer) -> list[tuple[str, str]]:
    """Admin areas named inside organisation names ("Kansas State University", "the Ohio Department of
    Transportation"): not places where anything happened, so not mentions, but a sign of where the story is.

    Only a name that denotes one admin area and no sizeable town counts ("Washington" in "the Washington
    Post" is also the capital, "Georgia" also a country).
    """
    out: list[tuple[str, str]] = []
    for ent in doc.ents:
        if ent.label_ not in _NAME_LABELS:
            continue
        for i in range(ent.start, ent.end):
            if not toks.words[i][:1].isupper():
                continue
            for j in (i + 2, i + 1):  # "New Mexico" before "Mexico"
                if j > ent.end:
                    continue
                cands = [c for c in gaz.lookup(toks.span_text(i, j)) if c.match in ("name", "alias")]
                areas = [c for c in cands if c.is_admin1]
                if len(areas) == 1 and areas[0].admin1_code and not any(
                        c.is_country or c.feature_class == "P" and c.population >= 100_000 for c in cands):
                    out.append((areas[0].country_code or "", areas[0].admin1_code))
                    break
    return out


_COUNTY = re.compile(r"\b((?:(?:St|Ste|Mt|Ft)\.\s|[A-Z][A-Za-z'’\-]+\s){1,3})(County|Parish|Borough)\b")


def _county_hints(text: str, gaz: Gazetteer) -> Counter[tuple[str, str]]:
    """US states named by the counties a story mentions, each county's weight shared among the states that
    have a county of that name ("Henry County" is in ten states, "Edgar County" in one)."""
    hints: Counter[tuple[str, str]] = Counter()
    seen: set[str] = set()
    for m in _COUNTY.finditer(text):
        words = m.group(1).split()
        for k in range(len(words)):  # the longest name that is a county: "The Edgar County" -> "Edgar County"
            name = " ".join(words[k:]) + " " + m.group(2)
            states = gaz.county_states(name)
            if states:
                if name not in seen:
                    seen.add(name)
                    for st in states:
                        _add(hints, ("US", st), 1.0 / len(states))
                break
    return hints


def _mention_weight(doc: Doc, top: _Toponym) -> float:
    """A country named as a modifier ("US officials", "Iran's army") says less about where a story
    happens than one named as a place ("in Iraq")."""
    span = doc.char_span(top.start, top.end, alignment_mode="expand")
    if span is not None and span.root.dep_ in ("compound", "amod", "poss", "nmod"):
        return active_weights.W.modifier_mention
    return 1.0


def _refine(ctx: _Context, toponyms: list[_Toponym], first: list[Candidate | object]) -> _Context:
    """The second pass's context: countries and admin areas of places the first pass pinned down.

    Only names whose candidates all lie in one country (one admin area) count, so that a first-pass
    guess ("Athens" -> Greece) cannot reinforce itself.
    """
    counts = Counter(ctx.counts)
    admin: Counter[tuple[str, str]] = Counter(ctx.admin_hints)
    pinned_own: dict[str, Counter[str]] = {}
    for top, best in zip(toponyms, first, strict=True):
        if not isinstance(best, Candidate) or not best.country_code:
            continue
        if best.is_admin1 and best.admin1_code:
            _add(admin, (best.country_code, best.admin1_code), 1.0)
            continue
        if best.is_country:
            continue
        if all(c.country_code == best.country_code for c in top.candidates):
            _add(counts, best.country_code, 1.0)
            _add(pinned_own.setdefault(top.key, Counter()), best.country_code, 1.0)
            if best.admin1_code and all(c.admin1_code == best.admin1_code for c in top.candidates):
                _add(admin, (best.country_code, best.admin1_code), 0.5)
    total = sum(admin.values())
    shares = {k: v / total for k, v in admin.items()} if total else {}
    return _Context(counts, ctx.admin_by_sentence, ctx.gazetteer, shares, admin_hints=ctx.admin_hints,
                    own=ctx.own, pinned_own=pinned_own)
