"""The ACLED CSV is drop-in: loaded with pandas, every ACLED column holds the type and values
ACLED's codebook allows (``data/acled_csv_schema.yaml``), an ACLED user's usual filters work, and
ACLED's admin1 spellings select events. Built from real FA-KES articles with the real command."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from flashpoint.datafiles import read_yaml
from flashpoint.export import acled_csv, geojson, outlets
from flashpoint.places import admin_names

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "flashpoint" / "data"
FAKES = ROOT / "examples" / "fa-kes" / "fa-kes.jsonl"
SEEDS = ROOT / "examples" / "seeds.jsonl"
EXE = str(Path(sys.executable).with_name("flashpoint"))
SCHEMA = read_yaml(DATA / "acled_csv_schema.yaml")["columns"]


def fp(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *args], capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def damascus_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """FA-KES articles labelled Damascus (the city and its countryside), plus the two seeds."""
    d = tmp_path_factory.mktemp("acled")
    sample = d / "sample.jsonl"
    lines = [line for line in FAKES.read_text(encoding="utf-8").splitlines()
             if json.loads(line).get("fakes_location") == "damascus"][:45]
    sample.write_text(SEEDS.read_text(encoding="utf-8") + "\n".join(lines) + "\n", encoding="utf-8")
    db = d / "store.db"
    proc = fp("run", str(sample), "--db", str(db), "-q")
    assert proc.returncode == 0, proc.stderr
    return db


@pytest.fixture(scope="module")
def exported(damascus_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("csv") / "events.csv"
    proc = fp("export", "--db", str(damascus_db), "--format", "csv", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    return out


def violations(df: pd.DataFrame) -> list[str]:
    """Every way ``df`` breaks the written schema, as "column: problem" lines."""
    problems: list[str] = []
    if list(df.columns[: len(SCHEMA)]) != list(SCHEMA):
        problems.append("columns: not ACLED's, in ACLED's order")
    for name, rule in SCHEMA.items():
        if name not in df:
            problems.append(f"{name}: missing")
            continue
        column = df[name]
        present = column.dropna()
        if not rule["empty"] and len(present) < len(column):
            problems.append(f"{name}: {len(column) - len(present)} empty value(s)")
        kind = rule["type"]
        if kind == "int" and not (pd.api.types.is_integer_dtype(column)
                                  or (pd.api.types.is_float_dtype(column) and (present % 1 == 0).all())):
            problems.append(f"{name}: not integers ({column.dtype})")
        if kind == "float" and not pd.api.types.is_numeric_dtype(column):
            problems.append(f"{name}: not numbers ({column.dtype})")
        if kind == "date" and pd.to_datetime(present, format="%Y-%m-%d", errors="coerce").isna().any():
            problems.append(f"{name}: not YYYY-MM-DD")
        if "values" in rule:
            bad = set(present) - set(rule["values"])
            if bad:
                problems.append(f"{name}: values outside the codebook: {sorted(map(str, bad))[:5]}")
        if "pattern" in rule:
            bad = [v for v in present.astype(str) if not re.fullmatch(rule["pattern"], v)]
            if bad:
                problems.append(f"{name}: {bad[:3]} do not match {rule['pattern']}")
        numbers = pd.to_numeric(present, errors="coerce") if kind in ("int", "float") else None
        if numbers is not None and "min" in rule and bool((numbers < rule["min"]).any()):
            problems.append(f"{name}: values below {rule['min']}")
        if numbers is not None and "max" in rule and bool((numbers > rule["max"]).any()):
            problems.append(f"{name}: values above {rule['max']}")
    return problems


def test_the_schema_check_catches_mistakes(exported: Path) -> None:
    df = pd.read_csv(exported)
    assert violations(df) == []
    broken = df.copy()
    broken.loc[0, "event_type"] = "Fighting"
    broken.loc[1, "interaction"] = 99
    broken.loc[2, "event_id_cnty"] = "a3f0"
    assert {p.split(":")[0] for p in violations(broken)} == {"event_type", "interaction", "event_id_cnty"}
    assert violations(df[list(reversed(df.columns))]) == ["columns: not ACLED's, in ACLED's order"]


def test_the_csv_loads_with_pandas_and_passes_the_schema(exported: Path) -> None:
    df = pd.read_csv(exported)
    assert len(df) > 20
    assert violations(df) == []
    # The columns ACLED users compute with come typed, as in ACLED's files.
    assert pd.api.types.is_numeric_dtype(df["fatalities"]) and pd.api.types.is_numeric_dtype(df["latitude"])
    assert df["event_id_cnty"].is_unique and df["flashpoint_id"].is_unique
    assert (df["event_id_cnty"].str[:3] == "SYR").sum() > 20


def test_an_acled_users_usual_filters_work(exported: Path) -> None:
    df = pd.read_csv(exported, parse_dates=["event_date"])
    damascus = df[df["admin1"].isin(["Damascus", "Rural Damascus"])]
    assert len(damascus) >= 10
    assert not df["admin1"].isin(["Dimashq", "Rif-dimashq"]).any()  # GeoNames names never leak out
    in_2016 = df[(df["event_date"] >= "2016-01-01") & (df["event_date"] <= "2016-12-31")]
    assert len(in_2016) > 0
    battles = df[df["event_type"] == "Battles"]
    assert set(battles["disorder_type"]) <= {"Political violence"}
    assert battles["actor2"].notna().all() or battles["interaction"][battles["actor2"].isna()].isna().all()
    targeting = df[df["civilian_targeting"] == "Civilian targeting"]
    assert (targeting["inter2"] == 7).all() and len(targeting) > 0
    deaths = df.groupby("admin1", dropna=False)["fatalities"].sum()
    assert deaths.sum() == df["fatalities"].sum()
    assert set(df["source"].dropna()) & {"SANA", "Ahram Online", "Al-Manar", "The National"}
    assert not df["notes"].str.contains(r"\ba [A-Z]{4,}\b event").any()  # never "a ACCUSE event"


@pytest.mark.parametrize("spelling", ["Damascus", "Dimashq", "Rural Damascus", "Rif Dimashq", "rural damascus"])
def test_admin1_filters_accept_acled_and_geonames_spellings(damascus_db: Path, spelling: str) -> None:
    proc = fp("export", "--db", str(damascus_db), "--format", "csv", "--admin1", spelling)
    assert proc.returncode == 0, proc.stderr
    rows = pd.read_csv(__import__("io").StringIO(proc.stdout))
    assert len(rows) > 0
    assert rows["admin1"].nunique() == 1 and rows["admin1"].iloc[0] in ("Damascus", "Rural Damascus")


def test_event_ids_are_stable_across_a_rerun(damascus_db: Path, exported: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    copy.write_bytes(damascus_db.read_bytes())
    sample = next(damascus_db.parent.glob("sample.jsonl"))
    assert fp("run", str(sample), "--db", str(copy), "-q", "--reprocess").returncode == 0
    again = tmp_path / "again.csv"
    assert fp("export", "--db", str(copy), "--format", "csv", "-o", str(again)).returncode == 0
    assert set(pd.read_csv(again)["event_id_cnty"]) == set(pd.read_csv(exported)["event_id_cnty"])


def test_geojson_uses_the_csv_names_and_says_what_it_left_out(damascus_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "events.geojson"
    proc = fp("export", "--db", str(damascus_db), "--format", "geojson", "-o", str(out))
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    csv_rows = pd.read_csv(fp("export", "--db", str(damascus_db), "--format", "csv").stdout
                           and __import__("io").StringIO(
                               fp("export", "--db", str(damascus_db), "--format", "csv").stdout))
    props = doc["features"][0]["properties"]
    assert set(acled_csv.COLUMNS) <= set(props)
    skipped = doc["flashpoint"]["skipped_without_coordinates"]
    assert len(doc["features"]) + skipped == len(csv_rows)
    if skipped:
        assert f"{skipped} event(s) without coordinates left out" in proc.stderr
    kept = tmp_path / "all.geojson"
    assert fp("export", "--db", str(damascus_db), "--format", "geojson", "--keep-unlocated",
              "-o", str(kept)).returncode == 0
    every = json.loads(kept.read_text(encoding="utf-8"))
    assert len(every["features"]) == len(csv_rows)
    assert sum(f["geometry"] is None for f in every["features"]) == skipped


# ------------------------------------------------------------------------ units, written cases


def test_geojson_keeps_unlocated_events_with_null_geometry() -> None:
    located = {"id": "ab12", "location": {"name": "Mosul", "country": "Iraq", "lat": 36.3, "lon": 43.1}}
    nowhere = {"id": "cd34", "location": {"country": "Iraq"}}
    told: list[int] = []
    import io

    buf = io.StringIO()
    assert geojson.write([located, nowhere], buf, skipped=told.append) == 1 and told == [1]
    doc = geojson.collection([located, nowhere], keep_unlocated=True)
    assert [f["geometry"] for f in doc["features"]][1] is None
    assert doc["features"][1]["properties"]["event_id_cnty"] == f"IRQ{int('cd34', 16)}"


def test_crosswalk_names_regions_the_gazetteer_has() -> None:
    known: dict[str, set[str]] = {}
    for line in (DATA / "admin1.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            code, name = line.split("\t")[:2]
            known.setdefault(code.split(".")[0], set()).add(name)
    crosswalk = read_yaml(DATA / "acled_admin1.yaml")
    for iso2 in ("SY", "IQ", "YE", "AF", "NG", "SO", "UA", "ML", "BF", "SD"):
        assert iso2 in crosswalk
        for geonames in crosswalk[iso2] or {}:
            assert geonames in known[iso2], f"{iso2}: {geonames} is not a GeoNames admin1 name"


@pytest.mark.parametrize("stored, iso2, acled", [
    ("Rif-dimashq", "SY", "Rural Damascus"), ("Dimashq", "SY", "Damascus"), ("Idlib", "SY", "Idleb"),
    ("Nineveh", "IQ", "Ninewa"), ("Ta'izz", "YE", "Taizz"), ("Vardak", "AF", "Wardak"),
    ("FCT", "NG", "Federal Capital Territory"), ("Banaadir", "SO", "Banadir"), ("Odessa", "UA", "Odesa"),
    ("Tombouctou", "ML", "Timbuktu"), ("Sahel", "BF", "Sahel"), ("Sinnar", "SD", "Sennar"),
    ("Kirkuk", "IQ", "Kirkuk"), ("Lazio", "IT", "Lazio"),
])
def test_acled_admin1_names(stored: str, iso2: str, acled: str) -> None:
    assert admin_names.acled_admin1(stored, iso2) == acled
    assert stored.lower() in admin_names.spellings(acled)


@pytest.mark.parametrize("sources, country, scale", [
    (["sana"], "SY", "National"),                      # a Syrian agency on Syria
    (["ahram"], "SY", "Regional"),                     # an Egyptian paper on Syria
    (["sana", "reuters"], "SY", "National-International"),
    (["etilaf", "alalam"], "SY", "Other-Regional"),
    (["some blog"], "SY", ""),                         # unknown outlet: unknown scale, not a guess
    (["www.reuters.com"], None, "International"),
])
def test_source_scale(sources: list[str], country: str | None, scale: str) -> None:
    assert outlets.source_scale(sources, country) == scale


def test_outlet_display_names() -> None:
    assert outlets.display_name("alalam") == "Al-Alam"
    assert outlets.display_name("https://www.aljazeera.com/news/x") == "Al Jazeera"
    assert outlets.display_name("Kabul Daily Star") == "Kabul Daily Star"


@pytest.mark.parametrize("event, interaction", [
    ({"acled": {"event_type": "Battles"}, "inter1": 1, "inter2": 3}, 13),
    ({"acled": {"event_type": "Battles"}, "inter1": 3, "inter2": 1}, 13),
    ({"acled": {"event_type": "Battles"}, "inter1": 1}, None),  # the other side is unknown, not absent
    ({"acled": {"event_type": "Violence against civilians"}, "inter1": 2}, None),
    ({"acled": {"event_type": "Protests"}, "inter1": 6}, 60),   # ACLED's sole protester action
    ({"acled": {"event_type": "Explosions/Remote violence"}, "inter1": 8}, 80),
    ({"acled": {"event_type": "Strategic developments"}, "inter1": 1}, 10),
])
def test_interaction_is_coded_as_acled_codes_it(event: dict[str, Any], interaction: int | None) -> None:
    assert acled_csv.row({"id": "ab", **event})["interaction"] == interaction


def test_notes_read_as_english_for_plover_only_events() -> None:
    event = {"plover": {"type": "ACCUSE"}, "actor1": "Government of Syria", "date": "2016-05-03"}
    assert acled_csv.summary(event) == "On 3 May 2016, an accusation involving Government of Syria took place."
