"""The place of an event: from the places in its sentence (``event_location``), else the country
(``country_location``).

Why ``event_location`` is picky about countries and capitals: in news, "Washington designated ..." and
"Iran's Revolutionary Guard" name governments, not places. A country, admin area or capital only counts as
where an event happened when a locative word introduces it ("in Iraq", "near Tehran", "northern Syria").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..model import Location, PlaceMention
from .gazetteer import Candidate, Gazetteer
from .vocabulary import _LOCATIVE_WORDS

_DIRECTION = r"(?:north|south)(?:[- ]?(?:east|west))?(?:ern)?|east(?:ern)?|west(?:ern)?"
_DIR_ADJ = re.compile(rf"\b(?:{_DIRECTION}|central|downtown|greater|old|outer|inner|rural)\s+$", re.I)
_NEAR = re.compile(
    r"\b(?:near(?:by)?|outside|around|close to|next to|in and around|on the (?:outskirts|edge|fringes) of|"
    r"(?:the )?(?:outskirts|suburbs|edge|fringes|environs) of|"
    rf"(?:\d+(?:[.,]\d+)?\s*-?\s*(?:km|kms|kilometers|kilometres|miles|mi)\s+)?(?:{_DIRECTION})\s+of|"
    # parts of a place ("the Old City of Mosul", "a neighbourhood in western Mosul"); "the town of Jenin"
    # is Jenin itself, so settlements only count when they lie near or outside the place
    r"(?:(?:a|an|the|one of the)\s+)?(?:districts?|suburbs?|neighbou?rhoods?|areas?|parts?|quarters?|"
    r"old city|old town|city cent(?:re|er)|heart|countryside)\s+(?:of|in|near|outside|around)|"
    r"(?:(?:a|an|the)\s+)?(?:villages?|towns?|hamlets?|settlements?|camps?)\s+(?:near|outside|around))"
    r"\s+(?:the\s+)?(?:city\s+of\s+)?$",
    re.I,
)
_LINK = re.compile(r"(?:\s*,)?\s+(?:in|of|at)\s+(?:the\s+)?$|\s*,\s*$", re.I)
# words that introduce a country, admin area or capital as the place of an event; "of" and "on" are left
# out because "militias of the Iran-backed ...", "sanctions on Tehran" name governments
_EVENT_LOCATIVES = (_LOCATIVE_WORDS - {"of", "outskirts", "on"}) | {"and"}
# "in the oil-rich X province", "in the rebel-held X", "in central Syria's X province", "in Syrias X" (the
# apostrophe lost): one hyphenated or direction word, then a place's genitive, may stand between; and
# "the province of X" introduces its province as "in" does
_LOCATIVE_BEFORE = re.compile(
    r"\b(?:(?P<word>" + "|".join(sorted(_EVENT_LOCATIVES, key=len, reverse=True))
    + r")|(?:province|governorate|region|district)\s+of)\s+(?:the\s+)?"
    + rf"(?:(?:[a-z]+(?:-[a-z]+)+|{_DIRECTION}|central)\s+)?"
    r"(?:(?-i:[A-Z][a-z]+(?:['’]s|s))\s+)?$", re.I
)
# what joins the names of a list: "Turkey, Russia and Iran", "Turkey Russia and Iran" (commas lost)
_LIST_JOIN = re.compile(r"\s*,?\s*(?:and\s+)?(?:the\s+)?", re.I)


@dataclass(slots=True)
class _Phrase:
    start: int  # where the relative phrase begins ("near the al-Qathia base in eastern Mosul")
    relative: bool
    locative: bool


def _phrase_before(p: PlaceMention, text: str, sentence_start: int, spots: list[PlaceMention],
                   listed: Sequence[PlaceMention] = ()) -> _Phrase:
    """Walk back from a place over direction words, "near"-type phrases and linked spots; ``listed``:
    the sentence's places, for a name that "and" joins to a list."""
    pos = p.start
    start = p.start
    relative = False
    for _ in range(6):
        window = text[max(sentence_start, pos - 120) : pos]
        m = _DIR_ADJ.search(window) or _NEAR.search(window)
        if m:
            pos -= len(window) - m.start()
            start, relative = pos, True
            continue
        link = _LINK.search(window)
        if link:
            link_start = pos - (len(window) - link.start())
            spot = next((s for s in spots if s.end == link_start), None)
            if spot is not None:
                pos = start = spot.start
                relative = True
                continue
        break
    window = text[max(sentence_start, start - 40) : start]
    m = _LOCATIVE_BEFORE.search(window)
    if m is not None and (m.group("word") or "").lower() == "and" and not relative:
        # "in Iraq and Syria" is a place; "a zone agreed by Turkey Russia and Iran" is not: a name
        # joined by "and" is a place as the list's first name is
        head = _list_head(p, text, listed)
        if head is not p:
            return _Phrase(start, relative, _phrase_before(head, text, sentence_start, spots).locative)
    return _Phrase(start, relative, relative or m is not None)


def _list_head(p: PlaceMention, text: str, listed: Sequence[PlaceMention]) -> PlaceMention:
    """The first name of the list of places ``p`` ends ("Turkey" for "Iran" in "Turkey Russia and Iran")."""
    head = p
    while True:
        prev = next((q for q in listed if q.end <= head.start and _LIST_JOIN.fullmatch(text[q.end : head.start])),
                    None)
        if prev is None:
            return head
        head = prev


def _is_country(p: PlaceMention) -> bool:
    return p.feature_class == "A" and p.admin1 is None


def _tier(p: PlaceMention) -> int:
    if p.feature_class in ("P", "S", "L"):
        return 0
    return 2 if _is_country(p) else 1


def _distance(p: PlaceMention, start: int, end: int) -> int:
    if p.end <= start:
        return start - p.end
    if p.start >= end:
        return p.start - end
    return 0


_AND_BEFORE = re.compile(r"\band\s+(?:the\s+)?$", re.I)
_NOUN_AFTER = re.compile(r"\s+[a-z]{3,}\b(?<!\band)(?<!\bor)")


def _listed_modifier(p: PlaceMention, text: str) -> bool:
    """A country or area that "and" joins to what comes before and that modifies the noun after it:
    "killed by Turkish artillery fire and US airstrikes": the actor's country, not a second place (as
    "in Iraq and Syria" would be)."""
    return bool(_AND_BEFORE.search(text, max(0, p.start - 8), p.start)) and bool(_NOUN_AFTER.match(text, p.end))


def _modifier_after(p: PlaceMention, text: str) -> bool:
    """ "Iran's Guard", "Iran-backed militias", "Saudi-led coalition": the place modifies an actor."""
    return text[p.end : p.end + 2] in ("'s", "’s") or text[p.end : p.end + 1] in ("-", "‐")


def event_location(places: list[PlaceMention], start: int, end: int, text: str, sentence_start: int,
                   sentence_end: int, *, gazetteer: Gazetteer | None = None) -> Location | None:
    """The place of an event whose trigger spans ``text[start:end]``, from the places in its sentence.

    Towns (and spots) beat admin areas, which beat countries; among equals the one nearest the trigger
    wins. Relative phrases ("western Mosul", "20 km south of Kirkuk", "near the al-Qathia base in eastern
    Mosul") give the town with geo_precision 2 and the phrase as ``detail``; a town alone gives 1; an
    admin area or country gives 3. Countries, admin areas and capitals count only when a locative word
    introduces them. None when the sentence has no usable place: the caller then falls back to the
    article's country (``country_location``).
    """
    in_sentence = [p for p in places if p.start >= sentence_start and p.end <= sentence_end
                   and p.lat is not None and p.lon is not None and p.role is None]  # no "Iraqi", no names
    if not in_sentence:
        return None
    gaz = gazetteer or Gazetteer.load()
    spots = [p for p in in_sentence if p.feature_class in ("S", "L")]
    eligible: list[tuple[PlaceMention, _Phrase]] = []
    for p in in_sentence:
        phrase = _phrase_before(p, text, sentence_start, spots, in_sentence)
        if _tier(p) == 0:
            if gaz.is_capital(p.geonameid) and not phrase.locative:
                continue  # "Washington designated ...", "supported by Tehran"
        elif not phrase.locative or (_modifier_after(p, text) and not phrase.relative) or _listed_modifier(p, text):
            continue  # "Iran's Revolutionary Guard", "Iraq declared victory", "artillery fire and US airstrikes"
        eligible.append((p, phrase))
    eligible = [e for e in eligible if not _reference_point(e[0], eligible, text)
                and not _frame(e[0], eligible, text, sentence_start)]
    if not eligible:
        return None
    chosen, phrase = min(eligible, key=lambda e: (_tier(e[0]), _distance(e[0], start, end), e[0].start))
    if chosen.feature_class in ("S", "L"):
        return _spot_location(chosen, phrase, eligible, text, gaz)
    precision = 3 if _tier(chosen) > 0 else (2 if phrase.relative else 1)
    detail = text[phrase.start : chosen.end] if phrase.relative else None
    return _location(chosen, precision, detail)


_FRAME = re.compile(r"\s*(?:[\"'“‘(]\s*)?(?:in|on|at)\s+(?:the\s+)?$", re.I)


def _frame(p: PlaceMention, eligible: list[tuple[PlaceMention, _Phrase]], text: str, sentence_start: int) -> bool:
    """A town that opens the sentence as its setting ("In Hasaka, the air force struck hideouts in
    al-Shadadi city"): war reports go province by province, naming each by its main town; a town of
    the same province named later in the sentence is the event's place."""
    if _tier(p) != 0 or not _FRAME.fullmatch(text[sentence_start : p.start]):
        return False
    return any(q.start > p.end and _tier(q) == 0 and q.admin1 == p.admin1 and q.country == p.country
               and q.geonameid != p.geonameid for q, _ in eligible)


def _reference_point(p: PlaceMention, eligible: list[tuple[PlaceMention, _Phrase]], text: str) -> bool:
    """A town named only to say where another named place lies: "the town of Kafr Sousa, 10 km
    north of Harasta", "Tal Sheer northeast of Aleppo". The place is the first one, however near
    the trigger the second is."""
    if _tier(p) != 0:
        return False
    for q, _ in eligible:
        if q is p or q.end > p.start or _tier(q) != 0 or p.start - q.end > 60:
            continue
        between = text[q.end : p.start]
        m = _NEAR.search(between)
        if m is not None and not between[: m.start()].strip(" ,"):
            return True
    return False


def _spot_location(spot: PlaceMention, phrase: _Phrase, eligible: list[tuple[PlaceMention, _Phrase]],
                   text: str, gaz: Gazetteer) -> Location:
    """A base, site or district: coded to its town ("the al-Qathia base in eastern Mosul" -> Mosul, 2)."""
    for town, town_phrase in eligible:
        if town.feature_class == "P" and town_phrase.start <= spot.start < town.start:
            return _location(town, 2, text[town_phrase.start : town.end])
    detail = text[phrase.start : spot.end]
    parent = _parent_of(spot, gaz)
    if parent is not None:
        return Location(name=parent.name, admin1=parent.admin1, country=parent.country,
                        geonameid=parent.geonameid, lat=parent.lat, lon=parent.lon, geo_precision=2,
                        detail=detail)
    return _location(spot, 2, detail)


def _parent_of(spot: PlaceMention, gaz: Gazetteer) -> Candidate | None:
    if not spot.name:
        return None
    for cand in gaz.lookup(spot.name, country_codes=[spot.country_code] if spot.country_code else ()):
        if cand.parent and cand.lat == spot.lat and cand.lon == spot.lon:
            return gaz.by_geonameid(cand.parent)
    return None


def _location(p: PlaceMention, precision: int, detail: str | None) -> Location:
    return Location(name=p.name, admin1=p.admin1, country=p.country, geonameid=p.geonameid, lat=p.lat,
                    lon=p.lon, geo_precision=precision, detail=detail)


def country_location(country_code_or_name: str | None, *, gazetteer: Gazetteer | None = None) -> Location | None:
    """A country-level location (geo_precision 3) for an ISO code or a country name; None if unknown."""
    if not country_code_or_name:
        return None
    gaz = gazetteer or Gazetteer.load()
    country = gaz.country(country_code_or_name)
    if country is None:
        return None
    return Location(name=country.name, admin1=None, country=country.country, geonameid=country.geonameid,
                    lat=country.lat, lon=country.lon, geo_precision=3)
