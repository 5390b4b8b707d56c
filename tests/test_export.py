"""Exports over event dicts shaped as Store.events returns them: CSV, JSON, GeoJSON, table."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from flashpoint import export
from flashpoint.export import acled_csv, geojson, json_export, table
from flashpoint.model import AcledCoding, Event, Evidence, Location, PloverCoding

ARTICLE = {
    "article_id": "a1", "id": "seed-000", "title": "Clashes in Mosul",
    "source": "The National", "published": "2019-04-15", "url": "https://example.org/mosul",
}


def _dict(event: Event, article: dict[str, Any] | None = None) -> dict[str, Any]:
    d = event.to_dict()
    d["article_id"] = d["article_id"] or "a1"
    d["article"] = dict(article or ARTICLE)
    return d


def sample_events() -> list[dict[str, Any]]:
    clash = Event(
        id="a1-e1", acled=AcledCoding("Battles", "Armed clash", 13), plover=PloverCoding("ASSAULT"),
        actor1="Police Forces of Iraq", actor2="Popular Mobilization Forces", inter1=1, inter2=3,
        date="2019-04-14", time_precision=1, fatalities=0, injured=2, confidence=0.9,
        location=Location("Mosul", "Nineveh", "Iraq", 99072, 36.34, 43.13, 2),
        evidence=[Evidence("trigger", 0, 15, "Clashes erupted"),
                  Evidence("injured", 40, 62, "wounding two\npolicemen")],
    )
    attack = Event(
        id="a1-e2", acled=AcledCoding("Violence against civilians", "Attack"), plover=None,
        actor1="Unidentified Armed Group (Iraq)", actor2="Civilians (Iraq)", inter1=3, inter2=7,
        date="2019-04-13", time_precision=1, fatalities=1, modality="claimed", confidence=0.6,
        location=Location("Hawija", "Kirkuk", "Iraq", None, None, None, 1),
        evidence=[Evidence("trigger", 5, 11, 'shot "a novelist", then fled')],
    )
    sanction = Event(
        id="a1-e3", acled=None, plover=PloverCoding("SANCTION", "designate"),
        actor1="Government of the United States", actor2="Islamic Revolutionary Guard Corps",
        date_start="2019-04-08", date_end="2019-04-14", time_precision=2, confidence=0.8,
    )
    mob = Event(
        id="b1-e1", acled=AcledCoding("Riots", "Mob violence"), plover=None,
        actor1="Rioters (Democratic Republic of Congo)", inter1=5, date="2020-01-02",
        location=Location("Beni", "Nord-Kivu", "Democratic Republic of Congo", None, 0.49, 29.47, 1),
    )
    other = {**ARTICLE, "article_id": "b1", "source": "Radio Okapi", "published": None,
             "url": None, "title": "Beni"}
    return [_dict(clash), _dict(attack), _dict(sanction), _dict(mob, other)]


# ------------------------------------------------------------------------ CSV


def _csv(events: list[dict[str, Any]]) -> tuple[str, list[dict[str, str]]]:
    buf = io.StringIO(newline="")
    assert acled_csv.write(events, buf) == len(events)
    text = buf.getvalue()
    return text, list(csv.DictReader(io.StringIO(text, newline="")))


def test_csv_header_is_exact_and_in_order() -> None:
    text, _ = _csv([])
    assert text.splitlines()[0].split(",") == [
        "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
        "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2",
        "inter2", "interaction", "civilian_targeting", "iso", "region", "country", "admin1",
        "admin2", "admin3", "location", "latitude", "longitude", "geo_precision", "source",
        "source_scale", "notes", "fatalities", "tags", "timestamp",
        "injured", "plover_type", "confidence", "n_sources", "source_urls", "evidence",
    ]


def test_csv_rows() -> None:
    text, rows = _csv(sample_events())
    clash, attack, sanction, mob = rows
    assert clash["event_id_cnty"] == "a1-e1"
    assert (clash["event_date"], clash["year"], clash["time_precision"]) == ("2019-04-14", "2019", "1")
    assert clash["disorder_type"] == "Political violence"
    assert (clash["interaction"], clash["civilian_targeting"]) == ("13", "")
    assert (clash["iso"], clash["region"], clash["country"], clash["admin1"]) == (
        "368", "Middle East", "Iraq", "Nineveh")
    assert (clash["latitude"], clash["longitude"], clash["geo_precision"]) == ("36.34", "43.13", "2")
    assert clash["notes"] == ("On 2019-04-14, Police Forces of Iraq clashed with Popular "
                              "Mobilization Forces in Mosul (Nineveh, Iraq); 2 injured.")
    assert (clash["fatalities"], clash["injured"]) == ("0", "2")
    assert clash["source"] == "The National"
    assert clash["timestamp"] == "1555286400"  # 2019-04-15T00:00:00Z
    assert (clash["plover_type"], clash["confidence"], clash["n_sources"]) == ("ASSAULT", "0.9", "1")
    assert clash["source_urls"] == "https://example.org/mosul"
    assert clash["evidence"] == "Clashes erupted | wounding two policemen"

    assert attack["civilian_targeting"] == "Civilian targeting"
    assert attack["interaction"] == "37"
    assert attack["tags"] == "modality=claimed"
    assert attack["latitude"] == "" and attack["fatalities"] == "1" and attack["injured"] == ""
    assert attack["evidence"] == 'shot "a novelist", then fled'  # quotes and commas survive
    assert attack["notes"] == ("On 2019-04-13, Unidentified Armed Group (Iraq) attacked "
                               "Civilians (Iraq) in Hawija (Kirkuk, Iraq); 1 killed.")

    assert sanction["disorder_type"] == "" and sanction["event_type"] == ""
    assert sanction["event_date"] == "2019-04-08"
    assert sanction["notes"] == ("Between 2019-04-08 and 2019-04-14, Government of the United "
                                 "States sanctioned Islamic Revolutionary Guard Corps.")

    assert mob["disorder_type"] == "Political violence; Demonstrations"
    assert (mob["iso"], mob["region"]) == ("180", "Middle Africa")
    assert mob["interaction"] == "50"
    assert mob["timestamp"] == "" and mob["source_urls"] == ""
    assert mob["notes"] == ("On 2020-01-02, mob violence involving Rioters (Democratic Republic "
                            "of Congo) took place in Beni (Nord-Kivu, Democratic Republic of Congo).")
    assert text.count("\r\n") == 5  # one record per line: the newline inside evidence was folded


def test_csv_reads_back_with_the_csv_module_and_keeps_unicode() -> None:
    event = sample_events()[0]
    event["actor2"] = "Ḥashd al-Shaʿbī, \"PMF\""
    _, rows = _csv([event])
    assert rows[0]["actor2"] == "Ḥashd al-Shaʿbī, \"PMF\""


@pytest.mark.parametrize(
    "country, expected",
    [
        ("Iraq", ("368", "Middle East")),
        ("IQ", ("368", "Middle East")),
        ("Côte d’Ivoire", ("384", "Western Africa")),
        ("Mozambique", ("508", "Southern Africa")),
        ("Ukraine", ("804", "Europe")),
        ("Haiti", ("332", "Caribbean")),
        ("Mexico", ("484", "Central America")),
        ("Armenia", ("51", "Caucasus and Central Asia")),
        ("Atlantis", ("", "")),
        (None, ("", "")),
    ],
)
def test_country_info(country: str | None, expected: tuple[str, str]) -> None:
    assert acled_csv.country_info(country) == expected


def test_summary_without_date_actors_or_place() -> None:
    event = Event(id="x", acled=AcledCoding("Explosions/Remote violence", "Air/drone strike"),
                  plover=None).to_dict()
    assert acled_csv.summary(event) == "An air or drone strike took place."


# ------------------------------------------------------------------------ JSON


def test_json_array_and_jsonl() -> None:
    events = sample_events()
    buf = io.StringIO()
    assert json_export.write(events, buf) == 4
    assert json.loads(buf.getvalue()) == events
    assert "Ḥ" not in buf.getvalue()  # sanity: no stray characters in this sample

    buf = io.StringIO()
    json_export.write(events, buf, jsonl=True)
    lines = buf.getvalue().splitlines()
    assert [json.loads(line) for line in lines] == events

    buf = io.StringIO()
    json_export.write([], buf)
    assert json.loads(buf.getvalue()) == []


# ------------------------------------------------------------------------ GeoJSON


def test_geojson_feature_collection() -> None:
    events = sample_events()
    events[3]["location"]["lat"] = 123.0  # not on Earth: left out like a missing point
    buf = io.StringIO()
    assert geojson.write(events, buf) == 1
    doc = json.loads(buf.getvalue())
    assert doc["type"] == "FeatureCollection"
    assert doc["flashpoint"] == {"skipped_without_coordinates": 3}
    (feature,) = doc["features"]
    assert feature["type"] == "Feature"
    assert feature["id"] == "a1-e1"
    assert feature["geometry"] == {"type": "Point", "coordinates": [43.13, 36.34]}  # lon, lat
    props = feature["properties"]
    assert all(not isinstance(v, (dict, list)) for v in props.values())
    assert props["event_type"] == "Battles" and props["sub_event_type"] == "Armed clash"
    assert props["location"] == "Mosul" and props["country"] == "Iraq"
    assert props["source"] == "The National" and props["injured"] == 2
    assert props["evidence"] == "Clashes erupted | wounding two\npolicemen"


# ------------------------------------------------------------------------ table


def test_table_shows_the_values() -> None:
    out = table.render(sample_events(), width=400)
    lines = out.splitlines()
    assert lines[0].split() == ["date", "type", "/", "sub-type", "actor1", "actor2", "location",
                                "fatalities", "injured", "source"]
    assert len(lines) == 2 + 4
    clash = lines[2]
    for value in ("2019-04-14", "Battles / Armed clash", "Police Forces of Iraq",
                  "Popular Mobilization Forces", "Mosul, Nineveh, Iraq", "The National"):
        assert value in clash
    assert clash.split()[-3:] == ["2", "The", "National"]  # injured column, then source
    assert "2019-04-08/2019-04-14" in lines[4] and "PLOVER / SANCTION" in lines[4]
    assert "…" not in out


def test_table_truncates_to_the_width() -> None:
    out = table.render(sample_events(), width=80)
    lines = out.splitlines()
    assert all(table.display_width(line) <= 80 for line in lines)
    assert "…" in out
    assert "2019-04-14" in lines[2]  # dates stay whole
    # columns line up: the fatalities header and the values end in the same cell
    end = lines[0].index("fatalities") + len("fatalities")
    assert lines[3][:end].endswith("1")


def test_table_wide_characters_and_empty() -> None:
    assert table.display_width("北京") == 4
    assert table.truncate("北京市朝阳区", 5) == "北京…"
    assert table.truncate("short", 10) == "short"
    assert "(no events)" in table.render([], width=80)


# ------------------------------------------------------------------------ registry


def test_write_by_format_name() -> None:
    assert set(export.FORMATS) == {"csv", "json", "jsonl", "geojson", "table"}
    buf = io.StringIO()
    assert export.write("jsonl", sample_events(), buf) == 4
    with pytest.raises(ValueError, match="unknown export format"):
        export.write("xlsx", [], io.StringIO())
