"""Early warning (``flashpoint alerts``, GET /api/alerts, reports, ``watch --alerts``) over a real
SQLite store built with the store's own save and fusion: a quiet baseline, then a surge week.

The store, week by week (as of Sunday 14 March 2021; "this week" is 8-14 March):
- Idlib: 1, 2, 1, 2 events in the 4 weeks before (1 fatality each), 1, 1, 2, 1 in weeks 5-8;
  6 events this week with 11 fatalities: a surge of both measures. One more Idlib event this
  week is dated only to the month: it must not count.
- Hama: 1 event a week for 4 weeks, 2 this week: a doubling from a small base, not a surge
  (below the minimum of 3 events) unless --min-events 2.
- Latakia: one event in week 6, none in the 4 weeks before, 3 this week: new violence.
- Actors: "Liwa al-Jadid" first appears this week (new); "Hurras al-Din", known in Hama since
  week 3, appears in Idlib this week (new in admin1); "Civilians (Syria)" and "Unidentified Armed
  Group (Syria)" are new in Latakia but generic; the month-dated event's "Ghost Brigade" has no week.
Every expected number below is worked out by hand from this list, not by the code under test.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from flashpoint.alerts import compute, load_alerts, load_config
from flashpoint.alerts.config import read_config
from flashpoint.api import create_app
from flashpoint.cli import main
from flashpoint.filters import EventFilters
from flashpoint.fuse import fuse_pending
from flashpoint.model import AcledCoding, Article, DocumentResult, Event, Location, PloverCoding
from flashpoint.report import build, render
from flashpoint.store import open_store
from testkit import copy_store

AS_OF = dt.date(2021, 3, 14)
WEEK_START = dt.date(2021, 3, 8)

_TOWNS = {  # admin1 -> town names; each event's point is its own, far from all others (below)
    "Idlib": ["Saraqib", "Ariha", "Maarat al-Numan", "Jisr al-Shughur", "Harim", "Khan Shaykhun", "Kafr Nabl",
              "Binnish"],
    "Hama": ["Suqaylabiyah", "Muhradah", "Salamiyah"],
    "Latakia": ["Jableh", "Qardaha", "Kessab"],
}
_KINDS = [("Battles", "Armed clash", "ASSAULT"),
          ("Explosions/Remote violence", "Shelling/artillery/missile attack", "ASSAULT"),
          ("Explosions/Remote violence", "Air/drone strike", "ASSAULT"),
          ("Violence against civilians", "Attack", "ASSAULT")]


def _report(n: int, day: dt.date, admin1: str, actor1: str, actor2: str | None = None, *, fatalities: int = 0,
            precision: int = 1, date_start: str | None = None, date_end: str | None = None) -> DocumentResult:
    """One article telling one event, coded by hand (no NLP): the store's own input. Its point lies
    hundreds of kilometres from every other test event's, and its town has its own name, so that
    fusion (which blocks pairs more than 150 km apart) keeps every report its own event."""
    town = f"{_TOWNS[admin1][n % len(_TOWNS[admin1])]} {n}"
    lat, lon = -80.0 + (n % 40) * 4, (n // 40) * 10 % 360 - 180.0
    event_type, sub, plover = _KINDS[n % len(_KINDS)]
    text = f"Report {n} from {town}\nFighting was reported in {town}, {admin1}, on {day.isoformat()} (report {n})."
    article = Article(id=Article.content_id(text), text=text, doc_id=f"r{n}", title=f"Report {n} from {town}",
                      published=(day if precision == 1 else dt.date(2021, 3, 31)).isoformat(),
                      source=f"Outlet {n % 5}", origin=f"test/{n}.txt", body_start=text.index("\n") + 1)
    event = Event(
        id=f"{article.id}-e1", acled=AcledCoding(event_type, sub), plover=PloverCoding(plover),
        actor1=actor1, actor2=actor2, date=day.isoformat() if precision < 3 else None,
        date_start=date_start or day.isoformat(), date_end=date_end or day.isoformat(), time_precision=precision,
        location=Location(town, admin1, "Syria", 100000 + n, lat, lon, 1), fatalities=fatalities,
        confidence=0.9, article_id=article.id)
    return DocumentResult(article=article, events=[event], extractor_version="test-alerts")


def _day(week: int, weekday: int) -> dt.date:
    """Day ``weekday`` (0-6) of baseline week ``week`` (0: this week, 8-14 March)."""
    return WEEK_START - dt.timedelta(days=7 * week) + dt.timedelta(days=weekday)


SAF = "Military Forces of Syria"


def _reports() -> list[DocumentResult]:
    out: list[DocumentResult] = []

    def add(day: dt.date, admin1: str, actor1: str, actor2: str | None = None, **kw: Any) -> None:
        out.append(_report(len(out), day, admin1, actor1, actor2, **kw))

    # Idlib baseline: weeks 1-4 hold 1, 2, 1, 2 events; weeks 5-8 hold 1, 1, 2, 1; one fatality each.
    for week, n in {1: 1, 2: 2, 3: 1, 4: 2, 5: 1, 6: 1, 7: 2, 8: 1}.items():
        for i in range(n):
            add(_day(week, 1 + 3 * i), "Idlib", SAF, "Hayat Tahrir al-Sham", fatalities=1)
    # Idlib, this week: 6 events, 11 fatalities; a new actor and one known only in Hama.
    for i, (dead, actor2) in enumerate([(0, "Hayat Tahrir al-Sham"), (2, "Liwa al-Jadid"), (3, "Hayat Tahrir al-Sham"),
                                        (0, "Hurras al-Din"), (5, "Hayat Tahrir al-Sham"),
                                        (1, "Hayat Tahrir al-Sham")]):
        add(_day(0, (0, 1, 2, 3, 5, 6)[i]), "Idlib", SAF, actor2, fatalities=dead)  # the last on 14 March
    # Idlib, dated only to March 2021 (precision 3): no week, not counted.
    add(dt.date(2021, 3, 10), "Idlib", "Ghost Brigade", SAF, fatalities=40, precision=3,
        date_start="2021-03-01", date_end="2021-03-31")
    # Hama: one a week for 4 weeks (Hurras al-Din seen in week 3), then 2 this week.
    for week in (1, 2, 3, 4):
        add(_day(week, 2), "Hama", SAF, "Hurras al-Din" if week == 3 else "Hayat Tahrir al-Sham")
    add(_day(0, 1), "Hama", SAF, "Hayat Tahrir al-Sham")
    add(_day(0, 4), "Hama", SAF, "Hayat Tahrir al-Sham")
    # Latakia: one event in week 6, then 3 this week (new generic actors only).
    add(_day(6, 3), "Latakia", SAF, "Hayat Tahrir al-Sham")
    add(_day(0, 0), "Latakia", "Unidentified Armed Group (Syria)", "Civilians (Syria)")
    add(_day(0, 2), "Latakia", SAF, "Civilians (Syria)")
    add(_day(0, 5), "Latakia", SAF, "Hayat Tahrir al-Sham")
    return out


def _save(db: Path, results: list[DocumentResult]) -> None:
    with open_store(str(db)) as store:
        for r in results:
            assert store.save_result(r) == "inserted"
        fuse_pending(store)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("alerts") / "alerts.db"
    reports = _reports()
    _save(path, reports)
    with open_store(str(path)) as store:
        assert store.count_fused_events() == len(reports), \
            "fusion merged test events: the arithmetic below assumes it did not"
    return path


def _events(db: Path) -> list[dict[str, Any]]:
    with open_store(str(db)) as store:
        return store.fused_events()


def _ids(db: Path, admin1: str, *, week: int = 0, with_deaths: bool = False) -> list[str]:
    """Fused ids of the day-dated events in ``admin1`` in baseline week ``week``, read from the store."""
    start = _day(week, 0)
    out = []
    for e in _events(db):
        if e["location"]["admin1"] != admin1 or e["time_precision"] != 1:
            continue
        if (start <= dt.date.fromisoformat(e["date"]) <= start + dt.timedelta(days=6)
                and (e["fatalities"] or not with_deaths)):
            out.append(e["id"])
    return sorted(out)


def _surge(data: dict[str, Any], admin1: str | None, measure: str) -> dict[str, Any] | None:
    return next((s for s in data["surges"] if s["admin1"] == admin1 and s["measure"] == measure), None)


# ------------------------------------------------------------------------------ the figures


def test_weekly_figures_and_baselines(db: Path) -> None:
    with open_store(str(db)) as store:
        data = load_alerts(store).to_dict()
    assert data["as_of"] == "2021-03-14"  # the latest event's date, not today's
    assert data["week"] == {"start": "2021-03-08", "end": "2021-03-14"}
    assert data["baseline"]["history_weeks"] == 8
    idlib = next(a for a in data["areas"] if a["admin1"] == "Idlib")
    # 6 events this week (the month-dated one is left out); 6 in the 4 weeks before; 11 in 8 weeks.
    assert idlib["events"] == {"this_week": 6, "avg_4w": 1.5, "avg_52w": 1.375, "change_4w": 3.0,
                               "change_52w": round((6 - 1.375) / 1.375, 4), "total_4w": 6, "weeks_4w": 4,
                               "total_52w": 11, "weeks_52w": 8}
    assert idlib["fatalities"]["this_week"] == 11 and idlib["fatalities"]["avg_4w"] == 1.5
    assert idlib["event_ids"] == _ids(db, "Idlib")
    syria = next(a for a in data["areas"] if a["country"] == "Syria" and a["admin1"] is None)
    assert syria["events"]["this_week"] == 6 + 2 + 3 and syria["events"]["total_4w"] == 6 + 4
    assert data["areas"][0] is not None and data["areas"][0]["admin1"] is None  # the busiest row first


def test_surges_threshold_and_minimum_base(db: Path) -> None:
    with open_store(str(db)) as store:
        data = load_alerts(store).to_dict()
        low = load_alerts(store, config=load_config().with_overrides(min_events=2)).to_dict()
        strict = load_alerts(store, config=load_config().with_overrides(threshold=3.5)).to_dict()
    surge = _surge(data, "Idlib", "events")
    assert surge is not None and surge["kind"] == "surge" and surge["change_4w"] == 3.0
    assert surge["event_ids"] == _ids(db, "Idlib") and surge["minimum"] == 3 and surge["threshold"] == 1.0
    deaths = _surge(data, "Idlib", "fatalities")
    assert deaths is not None and deaths["this_week"] == 11
    assert deaths["event_ids"] == _ids(db, "Idlib", with_deaths=True)
    # Hama doubled (1 a week -> 2) from a small base: not a surge, unless the minimum is lowered.
    assert _surge(data, "Hama", "events") is None
    hama = _surge(low, "Hama", "events")
    assert hama is not None and hama["avg_4w"] == 1.0 and hama["change_4w"] == 1.0
    # Latakia: nothing in the 4 weeks before, 3 this week: new violence (one event in week 6).
    new = _surge(data, "Latakia", "events")
    assert new is not None and new["kind"] == "new_violence" and new["change_4w"] is None
    assert new["total_52w"] == 1 and new["avg_52w"] == 0.125 and new["event_ids"] == _ids(db, "Latakia")
    # Country level: 11 against 2.5 a week (+340%).
    assert _surge(data, None, "events")["change_4w"] == 3.4
    # +350% needed: Idlib's +300% no longer counts, the country's +340% neither; new violence still does.
    assert _surge(strict, "Idlib", "events") is None and _surge(strict, None, "events") is None
    assert _surge(strict, "Latakia", "events") is not None
    assert [s["measure"] for s in data["surges"]] == sorted((s["measure"] for s in data["surges"]),
                                                            key=("events", "fatalities").index)


def test_emerging_actors(db: Path) -> None:
    with open_store(str(db)) as store:
        data = load_alerts(store).to_dict()
    by_actor = {a["actor"]: a for a in data["emerging_actors"]}
    assert set(by_actor) == {"Liwa al-Jadid", "Hurras al-Din"}  # generic and month-dated actors are not
    new = by_actor["Liwa al-Jadid"]
    assert (new["scope"], new["admin1"], new["first_seen"]) == ("new", "Idlib", _day(0, 1).isoformat())
    assert len(new["event_ids"]) == 1 and new["event_ids"][0] in _ids(db, "Idlib")
    moved = by_actor["Hurras al-Din"]
    assert (moved["scope"], moved["admin1"]) == ("new_in_admin1", "Idlib")
    assert moved["first_seen"] == _day(0, 3).isoformat() and moved["first_seen_anywhere"] == _day(3, 2).isoformat()
    # A week later nothing is new any more; with too little history nothing is judged at all.
    with open_store(str(db)) as store:
        assert load_alerts(store, as_of="2021-03-21").emerging_actors == []
        early = load_alerts(store, as_of=_day(6, 6).isoformat())
    assert early.history_weeks < 4 and early.emerging_actors == []


def test_filters_and_bad_values(db: Path) -> None:
    with open_store(str(db)) as store:
        hama = load_alerts(store, EventFilters(admin1="hama"), config=load_config().with_overrides(min_events=2))
        with pytest.raises(ValueError, match="as_of '2021-02-30' is not a date"):
            load_alerts(store, as_of="2021-02-30")
        with pytest.raises(ValueError, match="give as_of, not since/until"):
            load_alerts(store, EventFilters(since="2021-01"))
    # One admin1 selected: its row only (a country row would be the same events again).
    assert [(a.admin1, a.events.this_week) for a in hama.areas] == [("Hama", 2)]
    assert [s.admin1 for s in hama.surges] == ["Hama"]
    with pytest.raises(ValueError, match="threshold must be a positive"):
        load_config().with_overrides(threshold=0)
    with pytest.raises(ValueError, match="min_events must be"):
        load_config().with_overrides(min_events=0)


def test_compute_is_pure_and_the_config_file_is_complete(db: Path, tmp_path: Path) -> None:
    events = _events(db)
    a, b = compute(events, AS_OF), compute(list(reversed(events)), AS_OF)
    assert a.to_dict() == b.to_dict()
    assert read_config().version == 1 and read_config().is_generic("Civilians (Syria)")
    broken = tmp_path / "alerts.yaml"
    broken.write_text("version: 1\nweek_days: 7\n", encoding="utf-8")
    with pytest.raises(ValueError, match="alerts.yaml: missing or bad value"):
        read_config(broken)


# ------------------------------------------------------------------------------ the CLI


def test_cli_table_json_jsonl_and_file(db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    table = runner.invoke(main, ["alerts", "--db", str(db)])
    assert table.exit_code == 0, table.output
    text = table.stdout
    assert text.index("Surges (") < text.index("Emerging actors (") < text.index("Areas with events")
    assert "SURGE +300%  Idlib, Syria: 6 events this week" in text
    assert "events: " + " ".join(_ids(db, "Idlib")) in text
    assert "NEW VIOLENCE  Latakia, Syria: 3 events this week" in text
    assert "NEW ACTOR  Liwa al-Jadid" in text and "NEW IN AREA  Hurras al-Din" in text

    as_json = runner.invoke(main, ["alerts", "--db", str(db), "--format", "json", "--min-events", "2"])
    assert as_json.exit_code == 0, as_json.output
    with open_store(str(db)) as store:
        expected = load_alerts(store, config=load_config().with_overrides(min_events=2)).to_dict()
    assert json.loads(as_json.stdout) == expected

    out = tmp_path / "alerts.jsonl"
    lines = runner.invoke(main, ["alerts", "--db", str(db), "--format", "jsonl", "--threshold", "3.5", "-o", str(out)])
    assert lines.exit_code == 0, lines.output
    assert f"wrote {out}" in lines.stderr and lines.stdout == ""
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["type"] for r in records} == {"surge", "emerging_actor"}
    assert all(r["as_of"] == "2021-03-14" and r["week"]["start"] == "2021-03-08" for r in records)
    # At +350%: Idlib's events (+300%) drop out; its fatalities (11 against 1.5 a week) stay.
    assert [(r["admin1"], r["measure"]) for r in records if r["type"] == "surge"] == [
        ("Latakia", "events"), ("Idlib", "fatalities"), (None, "fatalities")]


@pytest.mark.parametrize("args, words", [
    (["--as-of", "2021-02-30"], "is not a date"),
    (["--threshold", "0"], "--threshold"),
    (["--min-events", "0"], "--min-events"),
    (["--format", "xml"], "--format"),
])
def test_cli_bad_values_are_one_line(db: Path, args: list[str], words: str) -> None:
    result = CliRunner().invoke(main, ["alerts", "--db", str(db), *args])
    assert result.exit_code == 2 and words in result.output and "Traceback" not in result.output


def test_cli_on_a_store_without_dated_events(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    with open_store(str(empty)):
        pass
    result = CliRunner().invoke(main, ["alerts", "--db", str(empty)])
    assert result.exit_code == 2 and "no event in the store is dated" in result.output
    given = CliRunner().invoke(main, ["alerts", "--db", str(empty), "--as-of", "2021-03-14"])
    assert given.exit_code == 0 and "Surges (0)" in given.stdout
    missing = tmp_path / "missing.db"  # a read-only command: no store is created
    result = CliRunner().invoke(main, ["alerts", "--db", str(missing)])
    assert result.exit_code != 0 and "no store at" in result.output and not missing.exists()


# ------------------------------------------------------------------------------ the API


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(str(db))) as c:
        yield c


def test_api_alerts(client: TestClient, db: Path) -> None:
    r = client.get("/api/alerts")
    assert r.status_code == 200
    data = r.json()
    with open_store(str(db)) as store:
        assert data == load_alerts(store).to_dict()
    assert set(data) >= {"as_of", "week", "surges", "emerging_actors", "areas"}
    surge = _surge(data, "Idlib", "events")
    assert set(surge) >= {"country", "admin1", "measure", "this_week", "avg_4w", "avg_52w", "change_4w",
                          "change_52w", "event_ids"}
    assert set(data["emerging_actors"][0]) >= {"actor", "country", "admin1", "first_seen", "scope", "event_ids"}
    # The ids lead to the events.
    assert client.get(f"/api/events/{surge['event_ids'][0]}").status_code == 200

    hama = client.get("/api/alerts", params={"admin1": "Hama", "min_events": 2}).json()
    assert [(s["admin1"], s["measure"]) for s in hama["surges"]] == [("Hama", "events")]
    strict = client.get("/api/alerts", params={"threshold": 3.5, "country": "syria"}).json()
    assert _surge(strict, "Idlib", "events") is None and _surge(strict, "Latakia", "events") is not None
    later = client.get("/api/alerts", params={"as_of": "2021-03-21"}).json()
    assert later["week"] == {"start": "2021-03-15", "end": "2021-03-21"} and later["surges"] == []


@pytest.mark.parametrize("params, words", [
    ({"as_of": "2021-02-30"}, "is not a date"),
    ({"as_of": "March"}, "as_of"),
    ({"as_of": "0001-01-07"}, "too early"),
    ({"threshold": "0"}, "threshold"),
    ({"min_events": "0"}, "min_events"),
])
def test_api_bad_parameters(client: TestClient, params: dict[str, str], words: str) -> None:
    r = client.get("/api/alerts", params=params)
    assert r.status_code == 400 and words in r.json()["detail"]


def test_api_schema_declares_the_contract(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    op = schema["paths"]["/api/alerts"]["get"]
    assert {p["name"] for p in op["parameters"]} == {"as_of", "threshold", "min_events", "country", "admin1"}
    surge = schema["components"]["schemas"]["SurgeOut"]["properties"]
    assert {"country", "admin1", "measure", "this_week", "avg_4w", "avg_52w", "change_4w", "change_52w",
            "event_ids"} <= set(surge)


# ------------------------------------------------------------------------------ reports


def test_report_early_warning_section_cites_the_alert_events(db: Path, tmp_path: Path) -> None:
    filters = EventFilters(since="2021-02", until="2021-03-14")
    with open_store(str(db)) as store:
        rep = build(store, filters)
        found = load_alerts(store, as_of="2021-03-14")
    ew = rep.early_warning
    assert ew is not None and (ew.week.start, ew.week.end) == (WEEK_START, AS_OF)
    assert len(ew.surges) == len(found.surges) and len(ew.emerging) == len(found.emerging_actors)
    idlib = next(s for s in ew.surges if s.text.startswith("Surge in Idlib (Syria): 6 events"))
    assert "1.50 a week over the 4 weeks before (+300%)" in idlib.text
    by_n = {c.n: c for c in rep.citations}
    cited = {by_n[n].article_id for n in idlib.cites}
    events = {e["id"]: e for e in _events(db)}
    assert cited == {src["article_id"] for i in _ids(db, "Idlib") for src in events[i]["sources"]}
    md, _ = render(rep, "md")
    section = md[md.index("## Early warning"): md.index("## Map")]
    assert "### Surges" in section and "New actor: Liwa al-Jadid" in section
    html, _ = render(rep, "html")
    assert html.count('data-alert="surge"') == len(found.surges)
    # Through the command, as a user gets it.
    result = CliRunner().invoke(main, ["report", "--db", str(db), "--since", "2021-02", "--until", "2021-03-14",
                                       "--format", "md"])
    assert result.exit_code == 0 and "## Early warning" in result.stdout


# ------------------------------------------------------------------------------ watch --alerts


def test_watch_appends_only_new_alerts(db: Path, tmp_path: Path) -> None:
    store_db = copy_store(db, tmp_path / "watched.db")
    drop = tmp_path / "drop"
    drop.mkdir()
    out = tmp_path / "alerts.jsonl"
    args = ["watch", str(drop), "--db", str(store_db), "--once", "--published", "2021-03-14", "--alerts", str(out)]

    # A pass that stores nothing runs no alerts.
    runner = CliRunner()
    assert runner.invoke(main, args).exit_code == 0
    assert not out.exists() or out.read_text(encoding="utf-8") == ""

    (drop / "a.txt").write_text("Market day\nThe market in the old town opened as usual and prices were steady.\n",
                                encoding="utf-8")
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    lines = out.read_text(encoding="utf-8").splitlines()
    with open_store(str(store_db)) as store:
        expected = load_alerts(store)
    assert len(lines) == len(expected.surges) + len(expected.emerging_actors) > 0
    assert f"new alert(s) appended to {out}" in first.stderr

    # Later, a new actor appears in Latakia (its 4th event this week: the same surge, not a new one).
    _save(store_db, [_report(900, _day(0, 6), "Latakia", "Saraya al-Test", "Civilians (Syria)")])
    (drop / "b.txt").write_text("Weather\nThe spring was mild in the valley and farmers expect a good harvest.\n",
                                encoding="utf-8")
    second = runner.invoke(main, args)
    assert second.exit_code == 0, second.output
    after = out.read_text(encoding="utf-8").splitlines()
    assert after[: len(lines)] == lines
    added = [json.loads(line) for line in after[len(lines):]]
    assert [(r["type"], r.get("actor"), r["admin1"]) for r in added] == \
        [("emerging_actor", "Saraya al-Test", "Latakia")]

    # Nothing new in the folder: no pass stores anything, nothing is appended, even to stdout.
    third = runner.invoke(main, [*args[:-1], "-"])
    assert third.exit_code == 0 and out.read_text(encoding="utf-8").splitlines() == after
    assert "{" not in third.stdout
