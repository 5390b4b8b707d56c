"""The gazetteer scan: names among capitalised token runs that spaCy did not call places.

Why it asks more than spaCy's places do: a scanned name is only kept when the gazetteer knows it as a
curated place, an admin area, a country or a large town of a country the article is about, *and* the
words around it say "place" ("in Nineveh", "Hasaka province", "entered Hawija"); organisations named
after places, people and run-on entities are told apart here (see ``places.geoparse``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.tokens import Doc, Span

from . import active_weights
from .gazetteer import Candidate, Gazetteer
from .tokens import (
    _attribution_before,
    _counties,
    _cue_after,
    _cue_before,
    _locative_before,
    _lookup,
    _sentence_of,
    _Tokens,
)
from .toponyms import _Toponym
from .vocabulary import (
    _ADMIN_CUES,
    _HEAD_CUES,
    _LOCATIVE_WORDS,
    _MAX_SCAN_TOKENS,
    _NO_TOWN_CUES,
    _ORG_HEADS,
    _PLACE_HEADS,
    PLACE_LABELS,
)


def _scan(doc: Doc, toks: _Tokens, gaz: Gazetteer, taken: list[bool], blocked: list[bool]) -> Iterable[_Toponym]:
    """Gazetteer names among capitalised token runs that spaCy did not call places (see module doc)."""
    mentioned = _countries_in_place_ents(doc, gaz)
    country_mentions = (mentioned, mentioned | {nb for cc in mentioned for nb in gaz.neighbours(cc)})
    sent_start = toks.sent_start
    i = 0
    n = toks.n
    while i < n:
        if taken[i] or blocked[i] or not toks.can_start(i):
            i += 1
            continue
        # the longest run this start may take: no taken or blocked token, no sentence start inside
        limit = i + 1
        while limit < min(n, i + _MAX_SCAN_TOKENS) and not (taken[limit] or blocked[limit] or sent_start[limit]):
            limit += 1
        # (end, text, candidates, the container it lies in)
        hit: tuple[int, str, list[Candidate], tuple[int, list[Candidate]] | None] | None = None
        for j in range(limit, i, -1):
            if not toks.can_end(j - 1):
                continue
            span_text = toks.span_text(i, j)
            if j < n and toks.lower[j] in _NO_TOWN_CUES and gaz.county_states(toks.span_text(i, j + 1)):
                county = toks.span_text(i, j + 1)  # "Guernsey County": a US county, no island
                hit = (j + 1, county, _counties(gaz, county), None)
                break
            cands = _lookup(gaz, span_text, loose=False) or _variant_of_misread(toks, i, j, gaz, span_text)
            if not cands:
                continue
            container = _container_after(toks, j, gaz, taken, blocked)
            inside = container is not None and _inside(cands, container[1])
            if _scan_accepts(toks, i, j, cands, country_mentions, inside, gaz):
                hit = (j, span_text, cands, container if inside else None)
                break
        if hit is None:
            i += 1
            continue
        j, span_text, cands, container = hit
        start = toks.idx[i]
        yield _Toponym(start, start + len(span_text), span_text, None, _sentence_of(start, toks.sentences),
                       _cue_after(toks, j) or ("admin" if toks.lower[j - 1] in _ADMIN_CUES else None)
                       or _cue_before(toks, i), cands)
        for k in range(i, j):
            taken[k] = True
        i = j
        if container is not None and not taken[j + 1]:
            # "Frontera Comalapa, Chiapas": the state is a place mention too, whatever spaCy called it
            end, outer = container
            start = toks.idx[j + 1]
            text = toks.span_text(j + 1, end)
            yield _Toponym(start, start + len(text), text, None, _sentence_of(start, toks.sentences), None, outer)
            for k in range(j + 1, end):
                taken[k] = True
            i = end


def _variant_of_misread(toks: _Tokens, i: int, j: int, gaz: Gazetteer, span_text: str) -> list[Candidate]:
    """A spelling variant ("al-Hassakeh" for Al Hasakah), only for a whole entity the small model
    misread as an organisation or person: ``_misread`` then asks for a locative word before it and a
    town of a country the story names. Ordinary capitalised words get no loose lookup."""
    ent = toks.ent[i]
    if ent is None or (ent.start, ent.end) != (i, j) or ent.label_ not in _MISREAD_LABELS:
        return []
    return [c for c in _lookup(gaz, span_text) if c.match == "variant"]


def _container_after(toks: _Tokens, j: int, gaz: Gazetteer, taken: list[bool],
                     blocked: list[bool]) -> tuple[int, list[Candidate]] | None:
    """The country or first-level area named right after a comma ("Kharkiv, Ukraine", "Frontera Comalapa,
    Chiapas"): where the name before it lies. Its end token and its candidates; None if there is none."""
    if j + 1 >= toks.n or toks.words[j] != "," or blocked[j + 1] or not _starts_area(toks, j + 1):
        return None
    k = j + 1
    for end in range(min(toks.n, k + 3), k, -1):
        if not all(_starts_area(toks, x) and not blocked[x] for x in range(k, end)):
            continue
        outer = [c for c in _lookup(gaz, toks.span_text(k, end), loose=False)
                 if c.match in ("name", "alias") and (c.is_country or c.is_admin1) and c.country_code]
        if outer:
            if any(taken[x] for x in range(k, end)) and not all(taken[x] for x in range(k, end)):
                return None
            return end, outer
    return None


_ABBREVIATION = re.compile(r"[A-Z][a-z]{1,5}\.|(?:[A-Z]\.){2,3}")  # "Vt.", "Okla.", "N.J.": states as news writes them


def _starts_area(toks: _Tokens, i: int) -> bool:
    return toks.can_start(i) or bool(_ABBREVIATION.fullmatch(toks.words[i]))


def _inside(cands: list[Candidate], outer: list[Candidate]) -> bool:
    return any(c.country_code == o.country_code and (o.is_country or c.admin1_code == o.admin1_code)
               and not c.is_country and c is not o and not (c.is_admin1 and o.is_admin1)
               for c in cands for o in outer)


def _countries_in_place_ents(doc: Doc, gaz: Gazetteer) -> set[str]:
    out: set[str] = set()
    for ent in doc.ents:
        if ent.label_ in PLACE_LABELS:
            cands = _lookup(gaz, ent.text)
            if cands and (cands[0].is_country or cands[0].is_admin1) and cands[0].country_code:
                out.add(cands[0].country_code)  # "Iraq", and "Helmand" for Afghanistan
        elif ent.label_ == "NORP":
            cc = gaz.demonym_country(ent.text)
            if cc:
                out.add(cc)
    return out


_POSSESSIVE = frozenset(("'s", "’s"))
_ANY_POSSESSIVE = _POSSESSIVE | {"'", "’"}  # "Jones' underwear"


# locative words that hardly take a person after them ("according to Taylor", "acquaintances of Moore" do)
_SPATIAL_WORDS = frozenset(
    "in near outside around inside into across through throughout within along beyond via between toward towards"
    .split())
_MISREAD_LABELS = frozenset(("ORG", "PERSON", "NORP"))


def _well_known(cands: list[Candidate]) -> bool:
    return any(c.match in ("name", "alias") and (c.is_country or c.is_admin1 or c.feature_class == "P"
                                                  and c.population >= 100_000) for c in cands)


def _misread(toks: _Tokens, i: int, j: int, labels: set[str], cands: list[Candidate], named: set[str],
             region: set[str]) -> bool:
    """spaCy's small model calls unfamiliar town names organisations, people or nationalities ("near Arbinda",
    "in Kulachi"): one whole such entity right after a locative word, named like a town of a country the story
    names (or a neighbour of one), is that town. Not a one-word acronym ("the FSA"), not a possessor ("Jones'"),
    not a source ("according to Taylor"), and a person only after a spatial word ("in", not "to" or "of")."""
    ent = toks.ent[i]
    if not labels & _MISREAD_LABELS or ent is None or ent is not toks.ent[j - 1] or (ent.start, ent.end) != (i, j):
        return False
    if (j - i == 1 and toks.words[i].isupper()) or (j < toks.n and toks.lower[j] in _ANY_POSSESSIVE):
        return False
    if _attribution_before(toks, i) or not (_locative_before(toks, i, _SPATIAL_WORDS if "PERSON" in labels
                                                                else _LOCATIVE_WORDS) or _cue_before(toks, i)):
        return False  # "the town of Douma" says a town as plainly as "in Douma"
    return any(c.feature_class == "P" and (c.match == "name" and c.country_code in region
                                           or c.match in ("alternate", "variant") and c.country_code in named)
               for c in cands)


# entity kinds the small model gives to run-on place phrases ("in Aleppo Syrias largest city" read as a
# WORK_OF_ART "Aleppo Syrias"): no name of an organisation or person, so a town can open one
_RUN_ON_LABELS = frozenset(("WORK_OF_ART", "PRODUCT", "EVENT", "LAW", "LANGUAGE"))


def _run_on(toks: _Tokens, i: int, j: int, ent: Span, cands: list[Candidate], gaz: Gazetteer) -> bool:
    """A well-known place right after a locative word that opens an entity of a kind no place name
    runs into, or one whose rest is only a country's genitive or nationality word: "in Aleppo Syrias
    largest city", "of Aleppo Syrian state television said". The place is the name; the rest is the
    misread."""
    if ent.start != i or not _locative_before(toks, i) or not _well_known(cands):
        return False
    if ent.label_ in _RUN_ON_LABELS:
        return True
    rest = toks.span_text(j, ent.end)
    if gaz.demonym_country(rest) is not None:
        return True  # "in Aleppo Syrian state television reported"
    rest = _GENITIVE.sub("", rest)
    return any(c.is_country for c in _lookup(gaz, rest, loose=False)) if rest else False


_GENITIVE = re.compile(r"(?:['’]s|s)$")


def _headline_place(toks: _Tokens, i: int, j: int, cands: list[Candidate], named: set[str]) -> bool:
    """A well-known place of a country the story names, in a title-case headline: headlines drop the
    locative word ("Mosul Shooting Leaves Nine Dead", "Minister Survives Kandahar Ambush") and the small model
    reads title case as one organisation; the body seldom repeats the name."""
    if toks.idx[i] >= toks.headline_end or toks.words[i].isupper():
        return False
    if not (_well_known(cands) and any(c.country_code in named and c.match in ("name", "alias") for c in cands)):
        return False
    # a person the body names ("Mahmoud Abbas"); the headline's own title case makes "persons" of places
    word = toks.words[i]
    return not any(e is not None and e.label_ == "PERSON" and toks.idx[k] >= toks.headline_end and toks.words[k] == word
                   for k, e in enumerate(toks.ent))


def _owned(toks: _Tokens, i: int, j: int, gaz: Gazetteer) -> bool:
    """A name right after a country's or a well-known place's genitive with its apostrophe lost, both run
    into one entity ("central Syrias Hama province", "Aleppos Salaheddin district", read as a PERSON
    "Syrias Hama"): the name is a place the first one holds, not a person's surname."""
    ent = toks.ent[i]
    if i == 0 or ent is None or ent.start != i - 1 or ent.end > j or ent.label_ in PLACE_LABELS:
        return False
    word = toks.words[i - 1]
    if not word[:1].isupper() or not word.endswith("s") or len(word) < 4:
        return False
    return _well_known(_lookup(gaz, word[:-1], loose=False))


def _scan_accepts(toks: _Tokens, i: int, j: int, cands: list[Candidate], country_mentions: tuple[set[str], set[str]],
                  inside: bool, gaz: Gazetteer) -> bool:
    """``inside``: the name lies in the country or area named right after it ("Kharkiv, Ukraine")."""
    named, region = country_mentions  # the countries the story names; and their neighbours
    # "Kharkiv's Shevchenkivskyi district": a well-known place owning what follows opens a name, and is a place
    possessive = j < toks.n and toks.lower[j] in _POSSESSIVE and _well_known(cands)
    owned = _owned(toks, i, j, gaz)  # "in central Syrias Hama province": the place a place owns
    headline = _headline_place(toks, i, j, cands, named)  # "Mosul Shooting Leaves Nine Dead"
    # a scanned name must cover whole entities: "Ninawah" inside the ORG "the PMU's Ninawah Command" is a
    # unit's name, not a place mention
    run_on = False
    for k in (i, j - 1):
        ent = toks.ent[k]
        if ent is not None and (ent.start < i or ent.end > j) and ent.label_ not in PLACE_LABELS:
            run_on = _run_on(toks, i, j, ent, cands, gaz)
            if not (possessive and ent.start == i) and not run_on and not owned and not headline:
                return False
    if run_on:
        return True
    if j < toks.n and toks.words[j][:1].isupper() and toks.lower[j] in _ORG_HEADS:
        return False  # "the Sinaloa Cartel", "Baghdad Operations Command": an organisation's name, not a place
    labels = {e.label_ for e in toks.ent[i:j] if e is not None}
    misread = _misread(toks, i, j, labels, cands, named, region)
    if "ORG" in labels and not (possessive or inside or misread or owned or headline) and not any(
            c.match == "alias" or c.geonameid is None for c in cands):
        return False  # organisations named after places ("Hezbollah", "Baghdad Operations Command")
    if inside or misread or headline:
        return True
    if (not labels & {"PERSON", "ORG"} and not toks.words[i].isupper() and toks.words[i] not in toks.people()
            and not (i > 0 and toks.can_start(i - 1) and not toks.sent_start[i])  # "United Russia", "Club America"
            and any(c.is_country and c.match in ("name", "alias") for c in cands)):
        return True  # a country by its name needs no locative word: "Syria pressuring Cyprus over ..."
    cue_word = toks.lower[j] if j < toks.n else ""
    if cue_word in _NO_TOWN_CUES and not any(c.feature_class == "A" for c in cands):
        return False  # "Hall County" is no town called Hall
    if not (_cue_after(toks, j) is not None or toks.lower[j - 1] in _PLACE_HEADS or _locative_before(toks, i)
            or possessive or owned and _locative_before(toks, i - 1)):
        return False
    # "X district", "X village", "the village of X"; not "X County", which is no town X
    cued = cue_word in _HEAD_CUES or _cue_before(toks, i) is not None
    for c in cands:
        curated = c.geonameid is None or c.match == "alias" or c.feature_class in ("S", "L")
        if curated:
            return True
        if (c.is_country or c.is_admin1) and c.match == "name":
            return True
        if c.feature_class == "P" and c.country_code in named and (cued or possessive or (
                c.population >= active_weights.W.scan_town and not _attribution_before(toks, i))):
            return True  # "Nad Ali district", "the village of X" in a story about the country: any size
    return False
