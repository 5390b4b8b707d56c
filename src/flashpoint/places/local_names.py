"""The later finding pass: towns a local story names with no word that says "place" ("Hillsboro police
said"), and the other occurrences of a town the story already named.

Why after the first passes: only once the story's admin areas and places are pinned down can a bare
proper noun be read as one of its towns (see ``_local_names``).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable

from ..distance import haversine_km
from . import active_weights
from .colocation import _within_reach
from .gazetteer import Candidate, Gazetteer, normalize_name
from .tokens import _attribution_before, _claimed, _cue_after, _lookup, _sentence_of, _title_before, _Tokens
from .toponyms import _Context, _Toponym
from .vocabulary import _ORG_HEADS, _names_nothing


def _local_names(toks: _Tokens, gaz: Gazetteer, ctx: _Context, pinned: list[Candidate]) -> Iterable[_Toponym]:
    """Towns of the area a story is about, named with no word that says "place": "Hurricane police found
    the two", "Rock Hill wants $180,000", "a Meadow Grove man". Local news names its towns this way all
    the time, and spaCy leaves most of them out. After the first passes have pinned the story's admin areas
    and places down, a proper-noun run the tagger called a proper noun is taken as a town when a town of
    that name (its own name, at least ``local_town`` people) lies in an admin area the story is about or
    within ``local_km`` of a place the story named (data/geoparse.yaml); never inside a person's name.
    """
    local_areas = {area for area, share in ctx.admin_focus.items() if share >= active_weights.W.local_focus}
    if not local_areas and not pinned:
        return
    taken, blocked = toks.taken, toks.blocked
    people = toks.people()
    i = 0
    while i < toks.n:
        if (taken[i] or blocked[i] or not toks.propn[i] or not toks.can_start(i) or toks.words[i].isupper()
                or toks.words[i] in people or _attribution_before(toks, i) or _title_before(toks, i)
                or i + 1 < toks.n and toks.lower[i + 1] in _SPEECH_AFTER):
            i += 1  # not a byline in capitals, nor a person's name, a source or a speaker ("Taylor said")
            continue
        the = i > 0 and toks.lower[i - 1] == "the"
        hit = None
        for j in range(min(toks.n, i + 3), i, -1):
            if not all(toks.propn[x] and not taken[x] and not blocked[x] and toks.words[x] not in people
                       for x in range(i, j)) or not toks.can_end(j - 1):
                continue
            # the whole proper name or nothing (not "Catawba" of "the Catawba River"), but a town may open an
            # institution's name ("Huntsville Fire Department"); after "the", only as a modifier ("the
            # Gainesville sewer system", not "the Woodlands")
            head = j < toks.n and toks.lower[j] in _LOCAL_HEADS
            if j < toks.n and toks.can_start(j) and not head:
                continue
            if the and not (head or j < toks.n and toks.alpha[j] and toks.words[j].islower()):
                continue
            name = toks.span_text(i, j)
            key = normalize_name(name)
            if len(key) <= 3 or _names_nothing(name, key, gaz):
                continue
            cands = _lookup(gaz, name, loose=False)
            if any(_local(c, local_areas, pinned) for c in cands):
                hit = (j, cands)
                break
        if hit is None:
            i += 1
            continue
        j, cands = hit
        yield _claimed(toks, i, j, _cue_after(toks, j), cands, role=_institution_after(toks, j))
        i = j


def _repeats(toks: _Tokens, toponyms: list[_Toponym], resolved: list[Candidate | object | None]) -> list[_Toponym]:
    """The other occurrences of a town the story already named and resolved: a story names its town
    many times, and the small model tags only some ("Woodstock is faring better", "the Woodstock General
    Hospital"). Same spelling, capitalised, not inside a person's name, after a title or taken."""
    names: dict[str, _Toponym] = {}
    for top, best in zip(toponyms, resolved, strict=True):
        if isinstance(best, Candidate) and top.role is None and best.feature_class == "P" and top.text[:1].isupper():
            # a dateline's "TEGA CAY" is the headline's "Tega Cay"
            names.setdefault(top.text.title() if top.text.isupper() else top.text, top)
    if not names:
        return []
    people, taken, blocked = toks.people(), toks.taken, toks.blocked
    out: list[_Toponym] = []
    pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(names, key=len, reverse=True))) + r")\b")
    for m in pattern.finditer(toks.doc_text):
        i = bisect.bisect_left(toks.idx, m.start())
        j = bisect.bisect_left(toks.idx, m.end())
        ent = toks.ent[i] if i < toks.n else None
        misread = ent is not None and (ent.start, ent.end) == (i, j) and j - i > 1  # "Tega Cay" as a person
        if (i >= toks.n or toks.idx[i] != m.start() or any(taken[x] or blocked[x] for x in range(i, j))
                or not misread and any(toks.words[x] in people for x in range(i, j)) or _title_before(toks, i)
                or i > 0 and toks.can_start(i - 1) and not toks.sent_start[i]
                or j < toks.n and toks.can_start(j) and toks.lower[j] not in _LOCAL_HEADS):
            continue  # not part of a longer name ("New Woodstock", "Woodstock Road")
        first = names[m.group(0)]
        out.append(_Toponym(m.start(), m.end(), m.group(0), None, _sentence_of(m.start(), toks.sentences),
                            first.cue, first.candidates, role=_institution_after(toks, j)))
        toks.claim(i, j)
    return out


def _institution_after(toks: _Tokens, j: int) -> str | None:
    """"in_name" when the town opens a local institution's name ("Huntsville Fire Department")."""
    return "in_name" if j < toks.n and toks.words[j][:1].isupper() and toks.lower[j] in _LOCAL_HEADS else None


def _local(c: Candidate, areas: set[tuple[str, str]], pinned: list[Candidate]) -> bool:
    if c.feature_class != "P" or c.match != "name" or c.population < active_weights.W.local_town:
        return False
    if (c.country_code or "", c.admin1_code or "") in areas:
        return True
    return any(_within_reach(c, p) and haversine_km(c.lat or 0.0, c.lon or 0.0, p.lat or 0.0, p.lon or 0.0)
               <= active_weights.W.local_km for p in pinned)


_SPEECH_AFTER = frozenset("said says told added explained noted wrote asked replied".split())
# words after a town that make it part of a local institution's name or a modifier of it: "Huntsville Fire
# Department", "Hanover police", "Carthage City Council"
_LOCAL_HEADS = _ORG_HEADS | frozenset(
    """fire police sheriff mayor council city public municipal schools school library utilities memorial
    township area residents resident man woman boy girl officials native""".split())
