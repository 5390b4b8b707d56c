"""Finding the toponyms of an article: spaCy's places, wire datelines, a legislator's state, listed
counties, places inside organisations' names, nationality words and the gazetteer scan, then the links
between them ("Town, Country", "A district of B").

Why several finders: the small English model misses or mislabels many conflict toponyms (see
``places.geoparse``), so each finder covers one way news names a place, and each claims its tokens so
that no two find the same name.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from itertools import pairwise

from spacy.tokens import Doc, Span

from . import active_weights
from .gazetteer import Candidate, Gazetteer, normalize_name
from .scan import _scan, _well_known
from .tokens import (
    _PLACE_PARTS,
    _claimed,
    _counties,
    _cue_after,
    _cue_before,
    _lookup,
    _sentence_of,
    _title_before,
    _Tokens,
)
from .toponyms import _Toponym
from .vocabulary import (
    _ADMIN_CUES,
    _HEAD_CUES,
    _INSTITUTIONS,
    _NO_TOWN_CUES,
    _NOT_PLACE_LABELS,
    _PLACE_HEADS,
    _WATER_OF,
    PLACE_LABELS,
    _describes_place,
    _names_nothing,
)


def _trim_entity(ent: Span, toks: _Tokens) -> tuple[int, int] | None:
    """Token range of a place entity without a leading "the" and a trailing possessive or punctuation."""
    start, end = ent.start, ent.end
    while start < end and (toks.lower[start] == "the" or toks.punct[start]):
        start += 1
    while end > start and (toks.punct[end - 1] or toks.lower[end - 1] in ("'s", "’s", "'", "’")):
        end -= 1
    return (start, end) if start < end else None


def _misread_norp(ent: Span, gaz: Gazetteer) -> bool:
    """A "nationality" spaCy's small model gives to an unfamiliar town name ("Hodeidah governorate",
    "in Kulachi"): no demonym, and a name the gazetteer knows. The scan may still take it, on its usual
    conditions (a locative word or a cue, a town in a country the story names)."""
    if ent.label_ != "NORP" or gaz.demonym_country(ent.text) is not None:
        return False
    after = ent.doc[ent.end] if ent.end < len(ent.doc) else None
    if after is not None and after.lower_ not in _PLACE_HEADS and (
            after.text in ("-", "‐") or after.is_alpha and after.text[:1].isupper()
            or after.is_lower and after.pos_ in ("NOUN", "PROPN", "ADJ")):
        return False  # a modifier, as nationalities are: "the Arab world", "the Arab Spring", "Christian ministry"
    return bool(_lookup(gaz, ent.text, loose=False))


def _place_before_demonym(ent: Span, gaz: Gazetteer) -> bool:
    """A "nationality" entity that is a well-known place run into a nationality word ("Aleppo Syrian")."""
    if ent.label_ != "NORP" or len(ent) < 2 or gaz.demonym_country(ent[-1].text) is None:
        return False
    return _well_known(_lookup(gaz, ent[:-1].text, loose=False))


def _find_toponyms(doc: Doc, toks: _Tokens, gaz: Gazetteer) -> list[_Toponym]:
    text = toks.doc_text
    sentences = toks.sentences
    taken = toks.taken = [False] * toks.n  # tokens already inside an accepted toponym
    blocked = toks.blocked = [False] * toks.n  # tokens inside entities that are not places (dates, numbers, NORP)
    found: list[_Toponym] = []
    unresolved_ents: list[tuple[Span, int, int]] = []
    for ent in doc.ents:
        if ent.label_ in _NOT_PLACE_LABELS and not _misread_norp(ent, gaz):
            # "of Aleppo Syrian state television": a place run into a nationality word; only the word is one
            first = ent.end - 1 if _place_before_demonym(ent, gaz) else ent.start
            for i in range(first, ent.end):
                blocked[i] = True
    found.extend(_datelines(toks, gaz))
    found.extend(_party_places(toks, gaz))
    found.extend(_listed_counties(toks, gaz))
    for ent in doc.ents:
        if ent.label_ not in PLACE_LABELS or any(taken[i] for i in range(ent.start, ent.end)):
            continue
        rng = _trim_entity(ent, toks)
        if rng is None:
            continue
        s, e = rng
        span_text = toks.span_text(s, e)
        if toks.lower[e - 1] in _NO_TOWN_CUES and gaz.county_states(span_text):
            # "Guernsey County" is in Ohio, not the Channel Island: a county, resolved among the counties
            start = toks.idx[s]
            found.append(_Toponym(start, start + len(span_text), span_text, ent.label_,
                                  _sentence_of(start, sentences), "admin", _counties(gaz, span_text)))
            for i in range(s, e):
                taken[i] = True
            continue
        # "Hasaka province" after the name, "the town of Douma" before it, or "Quneitra province" inside it
        cue = _cue_after(toks, e) or _cue_before(toks, s) or (
            "admin" if e - s >= 2 and toks.lower[e - 1] in _ADMIN_CUES else None)
        cands = []
        if cue:  # "Hasaka province": the phrase names the admin area, and the mention takes the word in
            phrase = toks.span_text(s, e + 1)
            cands = _lookup(gaz, phrase)
            if cands:
                span_text, e = phrase, e + 1
            elif toks.lower[e] in _NO_TOWN_CUES:  # "Camden County": a county, not the town of Camden
                start = toks.idx[s]
                found.append(_Toponym(start, start + len(phrase), phrase, ent.label_, _sentence_of(start, sentences),
                                      cue, []))
                for i in range(s, e + 1):
                    taken[i] = True
                continue
        if not cands:
            cands = _lookup(gaz, span_text)
        if not cands and e - s >= 2 and toks.lower[e - 1] in _HEAD_CUES:
            cands = [c for c in _lookup(gaz, toks.span_text(s, e - 1)) if not c.is_country]
            cue = _cue_after(toks, e - 1)
        if not cands:
            parts = _split_entity(toks, s, e, gaz)
            for ps, pe, part_cands in parts:
                start = toks.idx[ps]
                part_text = toks.span_text(ps, pe)
                found.append(_Toponym(start, start + len(part_text), part_text, ent.label_,
                                      _sentence_of(start, sentences), None, part_cands))
                for i in range(ps, pe):
                    taken[i] = True
            if not parts:
                unresolved_ents.append((ent, s, e))
                if _WATER_OF.match(toks.span_text(s, e)):
                    for i in range(s, e):  # the scan must not find "Mexico" in "the Gulf of Mexico"
                        taken[i] = True
            continue
        start = toks.idx[s]
        found.append(_Toponym(start, start + len(span_text), span_text, ent.label_,
                              _sentence_of(start, sentences), cue, cands))
        for i in range(s, e):
            taken[i] = True

    found.extend(_scan(doc, toks, gaz, taken, blocked))
    found.extend(_names_in_organisations(doc, toks, gaz, taken))
    found.extend(_demonyms(toks, gaz, taken))

    # spaCy called these places but no gazetteer name fits: keep the descriptive ones ("the Old City",
    # "Castello Road", "the Middle East") as unresolved mentions; drop the rest, which are mostly
    # organisations and mislabels ("Gunmen", "IRGC", "Syrian Observatory for Human Rights")
    for ent, s, e in unresolved_ents:
        if any(taken[i] for i in range(s, e)) and not _WATER_OF.match(toks.span_text(s, e)):
            continue
        start = toks.idx[s]
        span_text = toks.span_text(s, e)
        if _describes_place(span_text):
            found.append(_Toponym(start, start + len(span_text), span_text, ent.label_,
                                  _sentence_of(start, sentences), None, []))
    found = [t for t in found if not _titled(toks, t)]
    found.sort(key=lambda t: t.start)
    _link_containers(found, text)
    _link_nesting(found, text)
    return found


def _titled(toks: _Tokens, top: _Toponym) -> bool:
    """A one-word name right after a person's title ("coach Ripley", "Mayor Hall") is that person."""
    if top.role is not None or " " in top.text.strip():
        return False
    return _title_before(toks, bisect.bisect_left(toks.idx, top.start))


# "BAGHDAD (Reuters) -", "COLUMBUS, Ohio --", "KABUL, Afghanistan:": a wire dateline names where the story
# was filed; spaCy often misses the all-capitals name or calls it an organisation
_DATELINE = re.compile(
    r"(?:^|\n|[.!?]\s+)(?P<place>[A-Z][A-Z'’.\-]+(?:[ \t][A-Z][A-Z'’.\-]+){0,3})"
    r"(?:,[ \t]*(?P<within>[A-Z][\w.]*(?:[ \t][A-Z][\w.]*){0,2}))?"
    # the dash as written, or as a cp1252 em dash read as Latin-1 (U+0097), which copied news often has
    r"[ \t]*(?:\([^)\n]{1,40}\))?[ \t]*(?:—|–|―|\x97|--|-|:)[ \t]"
)
_DATELINE_SPAN = 600  # datelines open the story (after a headline, in this pipeline's texts)


def _datelines(toks: _Tokens, gaz: Gazetteer) -> list[_Toponym]:
    out: list[_Toponym] = []
    text = toks.doc_text
    for m in _DATELINE.finditer(text[:_DATELINE_SPAN]):
        for group in ("place", "within"):
            start, end = m.span(group)
            if start < 0:
                continue
            name = text[start:end].rstrip(".") if group == "place" else text[start:end]
            end = start + len(name)
            cands = [c for c in _lookup(gaz, name, loose=False) if c.match in ("name", "alias")]
            if not cands or len(normalize_name(name)) <= 2 and not any(c.match == "alias" for c in cands):
                break  # "AP -", "UN -": not a dateline; a failed town leaves its state alone too
            if not toks.claim_chars(start, end):
                break
            out.append(_Toponym(start, end, name, "GPE", _sentence_of(start, toks.sentences), None, cands))
        if out:
            break  # one dateline per story
    return out


# "Sen. Barbara Boxer, D-Calif.", "Rep. Tom Smith, R-Fairfax": a US legislator's party and the state or
# district they represent; the second part is always a place
_PARTY_PLACE = re.compile(r"(?<![\w-])(?:[DRI]|DFL)-(?P<place>[A-Z][\w.’']*(?:[ \t][A-Z][\w.’']*)?)")


def _party_places(toks: _Tokens, gaz: Gazetteer) -> list[_Toponym]:
    """The place after a party letter, the longest part the gazetteer knows ("D-Fort Worth", "D-Calif.")."""
    out: list[_Toponym] = []
    text = toks.doc_text
    for m in _PARTY_PLACE.finditer(text):
        start, end = m.span("place")
        name = text[start:end]
        words = name.split()
        for k in range(len(words), 0, -1):  # "D-Fort Worth" before "D-Fort"
            part = " ".join(words[:k]).rstrip(",")
            cands = [c for c in _lookup(gaz, part, loose=False) if c.match in ("name", "alias")]
            if not cands and part.endswith("."):
                cands = [c for c in _lookup(gaz, part.rstrip("."), loose=False) if c.match in ("name", "alias")]
                part = part if cands and any(c.match == "alias" for c in cands) else part.rstrip(".")
            if cands:
                if toks.claim_chars(start, start + len(part)):
                    out.append(_Toponym(start, start + len(part), part, "GPE", _sentence_of(start, toks.sentences),
                                        None, cands))
                break
    return out


# "Barrow and Jackson counties", "Becker, Clay, Douglas and Wilkin counties": each name is a county
_NAME = r"[A-Z][\w'’.-]+(?:[ \t][A-Z][\w'’.-]+)?"
_LISTED_COUNTIES = re.compile(rf"(?P<list>{_NAME}(?:,[ \t]+{_NAME})*,?[ \t]+(?:and|&)[ \t]+{_NAME})[ \t]+"
                              r"(?P<kind>counties|parishes)\b")
_NAME_RE = re.compile(_NAME)


def _listed_counties(toks: _Tokens, gaz: Gazetteer) -> list[_Toponym]:
    """Each name of a list that ends in "counties" (or "parishes") that is a county of that name."""
    out: list[_Toponym] = []
    text = toks.doc_text
    for m in _LISTED_COUNTIES.finditer(text):
        suffix = "County" if m["kind"] == "counties" else "Parish"
        for n in _NAME_RE.finditer(m["list"]):
            name = n.group(0)
            cands = _counties(gaz, f"{name} {suffix}")
            if not cands:
                continue
            start = m.start("list") + n.start()
            if not toks.claim_chars(start, start + len(name)):
                continue
            out.append(_Toponym(start, start + len(name), name, "GPE", _sentence_of(start, toks.sentences),
                                "admin", cands))
    return out


def _link_containers(toponyms: list[_Toponym], text: str) -> None:
    """Mark "Town, Country" and "Town, State": the second name says where the first one lies."""
    for a, b in pairwise(toponyms):
        if not re.fullmatch(r"\s*,\s*", text[a.end : b.start]):
            continue
        for c in b.candidates:
            if c.match in ("name", "alias") and c.country_code and (c.is_country or c.is_admin1):
                a.within.add((c.country_code, None if c.is_country else c.admin1_code))


# "the Salah al-Din district of Aleppo", "a neighbourhood in western Mosul", "Shahba in the Aleppo
# countryside": what lies between a place and the place it is part of
_NESTING = re.compile(
    r"\s+(?:(district|neighbou?rhood|quarter|suburb|area|town|village|city|camp)\s+)?(?:of|in)\s+(?:the\s+)?"
    r"(?:(?:north|south|east|west)(?:ern)?\s+|(?:north|south)(?:east|west)(?:ern)?\s+|central\s+|rural\s+)*",
    re.I)


def _bigger(cands: list[Candidate]) -> int:
    """The population of the largest place a name may be (admin areas and countries count as very large)."""
    return max((10**9 if c.is_country or c.is_admin1 else c.population for c in cands
                if c.match in ("name", "alias")), default=0)


def _link_nesting(toponyms: list[_Toponym], text: str) -> None:
    """Mark "A district of B" and "A in B": A must lie in B's country and admin area. Unlike "Town,
    Country" (a strong hint), this is a constraint: a district of Aleppo named like an Iraqi province is
    not that province; with no place of its name inside B it stays unresolved, and the event stage falls
    back on B."""
    said: dict[str, set[tuple[str, str | None]]] = {}
    for a, b in pairwise(toponyms):
        between = _NESTING.fullmatch(text[a.end : b.start])
        if a.role or b.role or not between or any(c.is_country and c.match in ("name", "alias") for c in a.candidates):
            continue  # "the border with Turkey in northern Aleppo province": a country lies in no province
        if between.group(1) and _bigger(a.candidates) >= max(_bigger(b.candidates), 1):
            continue  # "the Damascus suburb of Ghouta": the suburb is Ghouta, of Damascus
        areas = {(c.country_code, None if c.is_country else c.admin1_code)
                 for c in b.candidates if c.match in ("name", "alias") and c.country_code}
        if areas:
            a.nested = areas
            said.setdefault(a.key, areas)
    for top in toponyms:  # one name, one place in a story: "Hader in Quneitra province" holds for every "Hader"
        if not top.nested and top.role is None and top.key in said:
            top.nested = said[top.key]


def _split_entity(toks: _Tokens, s: int, e: int, gaz: Gazetteer) -> list[tuple[int, int, list[Candidate]]]:
    """Places inside an entity that did not resolve as a whole.

    spaCy runs a town and its country together when the comma is missing ("Manbij Syria"), takes in what
    follows a name ("Jayrud 60 kilometres") and joins a part to its town ("the Old City of Mosul"); the
    parts are places even though the whole is not.
    """
    if _WATER_OF.match(toks.span_text(s, e)):
        return []
    for k in range(max(s + 1, e - 3), e):  # a trailing country name, up to three words
        tail = _lookup(gaz, toks.span_text(k, e), loose=False)
        if tail and tail[0].is_country and tail[0].match in ("name", "alias"):
            cc = tail[0].country_code
            head = [c for c in _lookup(gaz, toks.span_text(s, k)) if c.country_code == cc]
            return ([(s, k, head)] if head else []) + [(k, e, tail)]
    # names separated by ordinary words or numbers: "the Old City of Mosul", "Jayrud 60 kilometres"
    parts: list[tuple[int, int, list[Candidate]]] = []
    k = s
    while k < e:
        if not toks.can_start(k):
            k += 1
            continue
        j = k + 1
        while j < e and (toks.can_start(j) or toks.words[j] in ("-", "‐") or toks.words[j - 1] in ("-", "‐")):
            j += 1
        if (k, j) != (s, e):
            cands = _lookup(gaz, toks.span_text(k, j), loose=False)
            if cands:
                parts.append((k, j, cands))
        k = j
    return parts


# admin words that head an organisation's name rather than a place's: "the Texas Department of ...",
# "Kansas State University"
_NAME_HEADS = frozenset(("department", "state", "region", "prefecture"))
_NAME_OPENERS = _PLACE_PARTS | {"the"}
_DOTTED = re.compile(r"(?:[A-Z]\.){2,3}")  # "U.S.", "U.K.": curated aliases written with dots
# words after which a capitalised run inside an organisation's name is where the organisation is:
# "University of Kentucky", "the Science Museum of Virginia"
_OF_WORDS = frozenset(("of", "for", "in"))


# entities whose names may open with the town they belong to: organisations, and the festivals, choirs
# and buildings the small model calls events, works or facilities ("the Dublin Art Stroll")
_NAMED_BODIES = frozenset(("ORG", "FAC", "EVENT", "WORK_OF_ART"))


def _names_in_organisations(doc: Doc, toks: _Tokens, gaz: Gazetteer, taken: list[bool]) -> Iterable[_Toponym]:
    """Places inside organisations' names: "the Texas Department of Transportation", "Paris Public Library",
    "University of Kentucky". They are where the organisation is, so they say where the story is and are
    shown as places (role "in_name"), but the event stage never takes them for where something happened.

    A name counts at the start of the organisation's name or after "of"/"for"/"in", and only when the
    gazetteer knows it by its own name or a curated alias; one that resolves to nothing is dropped.
    """
    people = toks.people()
    for ent in doc.ents:
        if ent.label_ not in _NAMED_BODIES or normalize_name(ent.text).removeprefix("the ") in _INSTITUTIONS:
            continue
        k = ent.start
        while k < ent.end:
            opens = k == ent.start or toks.lower[k - 1] in _OF_WORDS or (  # "the Texas ...", "Northeast Texas ..."
                k == ent.start + 1 and toks.lower[ent.start] in _NAME_OPENERS)
            if (taken[k] or not opens or not (toks.can_start(k) or _DOTTED.fullmatch(toks.words[k]))
                    or toks.lower[k] == "the" or toks.words[k] in people):
                k += 1
                continue
            hit = None
            for j in range(min(ent.end, k + 4), k, -1):
                if ((j, k) == (ent.end, ent.start) or not (toks.can_end(j - 1) or _DOTTED.fullmatch(toks.words[j - 1]))
                        or any(taken[x] for x in range(k, j))
                        or j - k > 1 and toks.lower[j - 1] in _NAME_HEADS):
                    continue  # the whole name is for the other finders; "Texas Department" is "Texas"
                name = toks.span_text(k, j)
                key = normalize_name(name)
                if _names_nothing(name, key, gaz):
                    continue
                cands = [c for c in _lookup(gaz, name, loose=False) if c.match in ("name", "alias")]
                if k > ent.start + 1 or toks.lower[k] != toks.lower[ent.start]:  # after "of": no hamlets
                    cands = [c for c in cands
                             if c.is_country or c.is_admin1 or c.population >= active_weights.W.named_town]
                if cands and (len(key) > 2 or any(c.match == "alias" for c in cands)):
                    hit = (j, cands)
                    break
            if hit is None:
                k += 1
                continue
            j, cands = hit
            yield _claimed(toks, k, j, None, cands, role="in_name")
            k = j


# entities whose nationality words are part of a name or a language, not a country: "the American Heart
# Association", "American Airlines", "in English and Spanish"
_NAMED_THINGS = frozenset(("ORG", "FAC", "LAW", "EVENT", "PRODUCT", "WORK_OF_ART", "LANGUAGE", "PERSON"))


def _demonyms(toks: _Tokens, gaz: Gazetteer, taken: list[bool]) -> Iterable[_Toponym]:
    """Nationality words ("Sudanese", "Sri Lankan", "Palestinians") and words for an area's people
    ("Minnesotans"): the country or area they name, as place evidence (role "demonym"), never an
    event's place."""
    i = 0
    while i < toks.n:
        ent = toks.ent[i]
        if (taken[i] or not toks.words[i][:1].isupper() or not toks.alpha[i] or toks.lower[i] == "the"
                or i > 0 and toks.words[i - 1] in ("-", "‐")):  # "African-American" names no country
            i += 1
            continue
        for j in (i + 2, i + 1):  # "South Sudanese" before "Sudanese"; not "Israeli-" of "Israeli-occupied"
            if j > toks.n or any(taken[x] for x in range(i, j)) or not toks.alpha[j - 1]:
                continue
            if ent is not None and ent.label_ in _NAMED_THINGS and (
                    (ent.start, ent.end) != (i, j) or ent.label_ == "LANGUAGE"):
                continue  # "American Airlines", "in English and Spanish"; not "Sri Lankan" misread as a name
            name = toks.span_text(i, j)
            cc = gaz.demonym_country(name)
            country = gaz.country(cc) if cc else gaz.demonym_area(name)  # "Iraqis"; "Minnesotans"
            if country is not None:
                yield _claimed(toks, i, j, None, [country], role="demonym")
                i = j - 1
                break
        i += 1
