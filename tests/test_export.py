"""Exports over event dicts shaped as Store.events returns them: CSV, JSON, GeoJSON, table."""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from flashpoint import export
from flashpoint.export import acled_csv, geojson, json_export, parquet, table
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
        "flashpoint_id", "injured", "plover_type", "confidence", "n_sources", "source_urls", "evidence",
    ]


def test_csv_rows() -> None:
    text, rows = _csv(sample_events())
    clash, attack, sanction, mob = rows
    assert clash["event_id_cnty"] == "IRQa1-e1"  # not a hex id: kept whole after the country code
    assert clash["flashpoint_id"] == "a1-e1"
    assert (clash["event_date"], clash["year"], clash["time_precision"]) == ("2019-04-14", "2019", "1")
    assert clash["disorder_type"] == "Political violence"
    assert (clash["interaction"], clash["civilian_targeting"]) == ("13", "")
    assert (clash["iso"], clash["region"], clash["country"], clash["admin1"]) == (
        "368", "Middle East", "Iraq", "Ninewa")  # ACLED spells GeoNames' Nineveh so
    assert (clash["latitude"], clash["longitude"], clash["geo_precision"]) == ("36.34", "43.13", "2")
    assert clash["notes"] == ("On 14 April 2019, Police Forces of Iraq clashed with Popular "
                              "Mobilization Forces in Mosul (Nineveh); 2 injured.")
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
    assert attack["notes"] == ("On 13 April 2019, Unidentified Armed Group (Iraq) attacked "
                               "Civilians (Iraq) in Hawija (Kirkuk); 1 killed.")

    assert sanction["disorder_type"] == "" and sanction["event_type"] == ""
    assert sanction["event_date"] == "2019-04-08"
    assert sanction["notes"] == ("Between 8 and 14 April 2019, Government of the United "
                                 "States sanctioned Islamic Revolutionary Guard Corps.")

    assert mob["disorder_type"] == "Political violence; Demonstrations"
    assert (mob["iso"], mob["region"]) == ("180", "Middle Africa")
    assert mob["interaction"] == "50"
    assert mob["timestamp"] == "" and mob["source_urls"] == ""
    assert mob["notes"] == ("On 2 January 2020, mob violence involving Rioters (Democratic Republic "
                            "of Congo) took place in Beni (Nord-Kivu).")
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


def test_summary_reads_dates_and_places() -> None:
    event = sample_events()[0]
    event["location"]["detail"] = "western Mosul"
    assert acled_csv.summary(event) == ("On 14 April 2019, Police Forces of Iraq clashed with Popular "
                                        "Mobilization Forces in western Mosul (Nineveh); 2 injured.")
    event["location"]["detail"] = "20 km south of Mosul"
    event.update(date=None, date_start="2019-03-28", date_end="2019-04-03", fatalities=3, injured=None)
    assert acled_csv.summary(event) == ("Between 28 March and 3 April 2019, Police Forces of Iraq clashed with "
                                        "Popular Mobilization Forces 20 km south of Mosul (Nineveh); 3 killed.")
    event.update(date_start="2019-04-01", date_end="2019-04-30")
    event["location"] = {"name": "Iraq", "admin1": None, "country": "Iraq"}
    assert acled_csv.summary(event).startswith("In April 2019, ")
    assert acled_csv.summary(event).endswith(" in Iraq; 3 killed.")


def fused_sample() -> dict[str, Any]:
    """A fused event told by three articles from two outlets (the shape of Store.fused_events)."""
    event = sample_events()[0]
    event["sources"] = [
        {**ARTICLE, "event_id": "a1-e1", "evidence": event["evidence"]},
        {**ARTICLE, "article_id": "a2", "event_id": "a2-e4", "source": "Reuters", "published": "2019-04-16",
         "url": "https://example.org/reuters", "evidence": []},
        {**ARTICLE, "article_id": "a3", "event_id": "a3-e1", "published": "2019-04-15T09:30:00Z",
         "url": "https://example.org/mosul-2", "evidence": []},
    ]
    event.update(n_sources=3, n_outlets=2, story_id="s1")
    return event


def test_csv_of_a_fused_event_lists_every_source() -> None:
    _, (row,) = _csv([fused_sample()])
    assert row["source"] == "The National; Reuters"  # outlets once each, as ACLED joins them
    assert row["n_sources"] == "3"
    assert row["source_urls"] == ("https://example.org/mosul | https://example.org/reuters | "
                                  "https://example.org/mosul-2")
    assert row["timestamp"] == "1555372800"  # the newest source: 2019-04-16T00:00:00Z
    props = geojson.properties(fused_sample())
    assert (props["source"], props["n_sources"], props["n_outlets"], props["story_id"]) == (
        "The National; Reuters", 3, 2, "s1")
    assert "The National +2" in table.render([fused_sample()], width=400)


def test_parquet_has_the_csv_columns_typed() -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    events = [*sample_events(), fused_sample()]
    buf = io.BytesIO()
    assert parquet.write(events, buf) == 5
    tbl = pq.read_table(io.BytesIO(buf.getvalue()))
    assert tbl.column_names == list(acled_csv.COLUMNS)
    types = dict(zip(tbl.column_names, tbl.schema.types, strict=True))
    assert types["event_date"] == pa.date32() and types["fatalities"] == pa.int32()
    assert types["latitude"] == pa.float64() and types["timestamp"] == pa.int64()
    assert types["notes"] == pa.string()
    _, rows = _csv(events)
    for got, want in zip(tbl.to_pylist(), rows, strict=True):
        assert {k: "" if v is None else str(v) for k, v in got.items()} == want


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
    assert props["evidence"] == "Clashes erupted | wounding two policemen"  # as the CSV folds it


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
    assert set(export.BINARY_FORMATS) == {"parquet"}
    buf = io.StringIO()
    assert export.write("jsonl", sample_events(), buf) == 4
    with pytest.raises(ValueError, match="unknown export format"):
        export.write("xlsx", [], io.StringIO())


# ------------------------------------------------------------------------ the seeds, exported by the CLI

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).with_name("flashpoint"))


def fp(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *args], capture_output=True, timeout=600)


@pytest.fixture(scope="module")
def seeds_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("seeds") / "store.db"
    proc = fp("run", str(ROOT / "examples" / "seeds.jsonl"), "--db", str(db), "-q")
    assert proc.returncode == 0, proc.stderr.decode()
    return db


@pytest.fixture(scope="module")
def exported(seeds_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("exports")
    files = {}
    for fmt, ext in (("csv", "csv"), ("json", "json"), ("jsonl", "jsonl"), ("geojson", "geojson"),
                     ("graphml", "graphml"), ("parquet", "parquet")):
        files[fmt] = d / f"events.{ext}"
        proc = fp("export", "--db", str(seeds_db), "--format", fmt, "-o", str(files[fmt]))
        assert proc.returncode == 0, proc.stderr.decode()
    return files


def _fused_count(db: Path, **filters: Any) -> int:
    from flashpoint.store import open_store

    store = open_store(str(db))
    try:
        return store.count_fused_events(**filters)
    finally:
        store.close()


def test_seed_csv_has_the_acled_columns_first(seeds_db: Path, exported: dict[str, Path]) -> None:
    with exported["csv"].open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        rows = list(reader)
    assert header[:31] == list(acled_csv.ACLED_COLUMNS)
    assert header[31:] == ["flashpoint_id", "injured", "plover_type", "confidence", "n_sources", "source_urls",
                           "evidence"]
    assert len(rows) == _fused_count(seeds_db) > 0
    assert all(len(r) == len(header) for r in rows)
    records = [dict(zip(header, r, strict=True)) for r in rows]
    assert {r["source"] for r in records} <= {"The National", "The Wall Street Journal",
                                              "The National; The Wall Street Journal",
                                              "The Wall Street Journal; The National"}
    for r in records:  # one generated sentence each, from the fields
        assert r["notes"].endswith(".") and "\n" not in r["notes"] and r["notes"].count(". ") == 0


def validate_geojson(doc: Any) -> list[str]:
    """RFC 7946 structure for a FeatureCollection of Points: the problems found (none = valid)."""
    problems = []
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        return ["top level is not a FeatureCollection"]
    if "crs" in doc:
        problems.append("RFC 7946 has no 'crs' member (coordinates are WGS 84)")
    if not isinstance(doc.get("features"), list):
        return problems + ["'features' is not an array"]
    for i, f in enumerate(doc["features"]):
        if not isinstance(f, dict) or f.get("type") != "Feature":
            problems.append(f"feature {i}: type is not 'Feature'")
            continue
        if "id" in f and not isinstance(f["id"], (str, int, float)):
            problems.append(f"feature {i}: id is neither a string nor a number")
        if not (f.get("properties") is None or isinstance(f.get("properties"), dict)):
            problems.append(f"feature {i}: properties is neither an object nor null")
        g = f.get("geometry")
        if g is None:
            continue
        if not isinstance(g, dict) or g.get("type") != "Point":
            problems.append(f"feature {i}: geometry is not a Point")
            continue
        c = g.get("coordinates")
        if not (isinstance(c, list) and len(c) in (2, 3) and all(isinstance(v, (int, float)) for v in c)):
            problems.append(f"feature {i}: coordinates are not [lon, lat]")
            continue
        lon, lat = c[0], c[1]
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
            problems.append(f"feature {i}: [{lon}, {lat}] is not a position on Earth")
    return problems


def test_validate_geojson_catches_mistakes() -> None:
    point = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [43.1, 36.3]}, "properties": {}}
    assert validate_geojson({"type": "FeatureCollection", "features": [point]}) == []
    swapped = {**point, "geometry": {"type": "Point", "coordinates": [36.3, 143.1]}}
    assert validate_geojson({"type": "FeatureCollection", "features": [swapped]})
    assert validate_geojson({"type": "FeatureCollection", "features": [{**point, "properties": "x"}]})
    assert validate_geojson({"type": "Feature"})


def test_seed_geojson_is_valid(seeds_db: Path, exported: dict[str, Path]) -> None:
    doc = json.loads(exported["geojson"].read_text(encoding="utf-8"),
                     parse_constant=lambda c: pytest.fail(f"{c} is not JSON"))
    assert validate_geojson(doc) == []
    skipped = doc["flashpoint"]["skipped_without_coordinates"]
    assert len(doc["features"]) + skipped == _fused_count(seeds_db)
    assert any(f["properties"]["location"] == "Mosul" for f in doc["features"])


def test_seed_graphml_reads_in_networkx(exported: dict[str, Path]) -> None:
    import networkx as nx

    g = nx.read_graphml(exported["graphml"])
    names = {d["name"] for _, d in g.nodes(data=True)}
    assert "Popular Mobilization Forces" in names
    assert g.number_of_edges() > 0
    assert all(isinstance(d.get("count", 0), int) for _, _, d in g.edges(data=True))


def test_seed_parquet_has_the_csv_rows(exported: dict[str, Path]) -> None:
    import pyarrow.parquet as pq

    tbl = pq.read_table(exported["parquet"])
    with exported["csv"].open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tbl.column_names == list(acled_csv.COLUMNS)
    got = [{k: "" if v is None else str(v) for k, v in r.items()} for r in tbl.to_pylist()]
    assert got == rows


def test_seed_json_and_jsonl_are_the_fused_events(seeds_db: Path, exported: dict[str, Path]) -> None:
    array = json.loads(exported["json"].read_text(encoding="utf-8"))
    lines = [json.loads(line) for line in exported["jsonl"].read_text(encoding="utf-8").splitlines()]
    assert array == lines and len(array) == _fused_count(seeds_db)
    assert all(e["sources"] and e["n_sources"] == len(e["sources"]) for e in array)


@pytest.mark.parametrize("args, filters", [
    (["--admin1", "nineveh"], {"admin1": "nineveh"}),
    (["--bbox", "38,29,49,38"], {"bbox": (38.0, 29.0, 49.0, 38.0)}),
    (["--actor", "popular mobilization"], {"actor": "popular mobilization"}),
    (["--min-sources", "2"], {"min_sources": 2}),
    (["--type", "Battles", "--since", "2019"], {"event_type": "Battles", "since": "2019"}),
])
def test_export_filters(seeds_db: Path, args: list[str], filters: dict[str, Any]) -> None:
    proc = fp("export", "--db", str(seeds_db), "--format", "jsonl", *args)
    assert proc.returncode == 0, proc.stderr.decode()
    assert len(proc.stdout.decode().splitlines()) == _fused_count(seeds_db, **filters)


def test_export_filters_narrow_the_actor_graph(seeds_db: Path) -> None:
    import networkx as nx

    full = nx.parse_graphml(fp("export", "--db", str(seeds_db), "--format", "graphml").stdout.decode())
    narrow = nx.parse_graphml(fp("export", "--db", str(seeds_db), "--format", "graphml",
                                 "--actor", "Popular Mobilization").stdout.decode())
    assert 0 < narrow.number_of_nodes() < full.number_of_nodes()


@pytest.mark.parametrize("args, needle", [
    (["--since", "14/04/2019"], "--since '14/04/2019' is not a date"),
    (["--until", "2019-02-30"], "--until '2019-02-30' is not a date"),
    (["--bbox", "west,1,2,3"], "--bbox 'west,1,2,3' is not four numbers"),
    (["--bbox", "1,-91,2,3"], "latitude outside -90..90"),
    (["--min-sources", "two"], "--min-sources 'two' is not a whole number"),
    (["--actor", " "], "actor must not be empty"),
])
def test_export_bad_filters_are_one_line_exit_2(seeds_db: Path, args: list[str], needle: str) -> None:
    proc = fp("export", "--db", str(seeds_db), "--format", "csv", *args)
    err = proc.stderr.decode()
    assert proc.returncode == 2
    assert err.strip().splitlines() == [f"Error: {err.strip()[len('Error: '):]}"] and needle in err


def test_summary_names_one_actor_once() -> None:
    event = sample_events()[0]
    event["actor2"] = event["actor1"]
    assert acled_csv.summary(event).startswith(
        "On 14 April 2019, an armed clash involving Police Forces of Iraq took place in Mosul")
