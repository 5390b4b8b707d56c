"""Fusion at the boundaries users see: `flashpoint run`, the store's fused events, `explain`,
corrections, and `eval fusion`, on real pipeline output (no hand-made events)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from flashpoint.cli import main
from flashpoint.eval.fusion import b_cubed, ceaf_e, max_assignment, muc, scores
from flashpoint.fuse import fuse_pending
from flashpoint.fuse.corrections import correct_event, explain, merge_events, split_event
from flashpoint.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "examples" / "seeds.jsonl"
DEV = ROOT / "tests" / "data" / "fusion_dev.jsonl"

# Another outlet's telling of the seed's Mosul clash, published a day later ("on Sunday" there is
# the same day: the weekday policy resolves it against each article's own publication date).
MOSUL_COPY = {
    "id": "copy-mosul",
    "title": "Police and Hashd fighters exchange fire in Mosul",
    "source": "Rudaw",
    "published": "2019-04-16",
    "text": "Police and Hashd fighters exchange fire in Mosul\n\n"
            "MOSUL, Iraq - Iraqi federal police and fighters of the Popular Mobilisation Forces "
            "exchanged fire in western Mosul on Sunday, security sources said. Two policemen were "
            "wounded in the clash, which began when police stopped a militia convoy entering the city.",
}
# Same place, same kind of event, a week later: a different event (a near miss).
MOSUL_LATER = {
    "id": "later-mosul",
    "title": "New clash between police and militia in Mosul",
    "source": "Kurdistan24",
    "published": "2019-04-22",
    "text": "New clash between police and militia in Mosul\n\n"
            "Iraqi federal police clashed with Popular Mobilization Forces fighters in eastern Mosul "
            "on Sunday, a week after a similar gun battle. Four fighters were killed, police said.",
}


def _jsonl(path: Path, *rows: dict) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def _run(db: str, *paths: Path, extra: tuple[str, ...] = ()) -> str:
    result = CliRunner().invoke(main, ["run", *map(str, paths), "--db", db, "-q", *extra])
    assert result.exit_code == 0, result.output
    return result.output


def _mosul(store) -> list[dict]:
    return [e for e in store.fused_events(event_type="Armed clash")
            if (e["location"] or {}).get("name") == "Mosul"]


@pytest.fixture(scope="module")
def fused_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("fusion")
    db = f"sqlite:///{tmp / 'f.db'}"
    _run(db, SEEDS, _jsonl(tmp / "copy.jsonl", MOSUL_COPY))
    return db


def test_copy_of_the_mosul_clash_fuses_and_karbala_stays_apart(fused_db: str) -> None:
    with open_store(fused_db) as store:
        mosul = _mosul(store)
        assert len(mosul) == 1, [e["sources"] for e in mosul]
        event = mosul[0]
        assert event["n_sources"] == 2 and event["n_outlets"] == 2
        assert {s["source"] for s in event["sources"]} == {"The National", "Rudaw"}
        assert event["date"] == "2019-04-14"
        karbala = [e for e in store.fused_events() if (e["location"] or {}).get("name") == "Karbala"]
        assert len(karbala) == 1 and karbala[0]["id"] != event["id"]
        assert karbala[0]["n_sources"] == 1
        # Every source keeps its own evidence, with offsets into its own article's text.
        for src in event["sources"]:
            text = store.article(src["article_id"])["text"]
            for ev in src["evidence"]:
                assert text[ev["start"]:ev["end"]] == ev["text"]


def test_conservative_figures_and_finest_precision(fused_db: str) -> None:
    with open_store(fused_db) as store:
        event = _mosul(store)[0]
    injured = [s["injured"] for s in event["sources"] if s["injured"] is not None]
    assert injured and event["injured"] == min(injured)
    assert event["time_precision"] == 1
    assert event["location"]["geonameid"] == 99072


def test_rerun_is_idempotent(fused_db: str, tmp_path: Path) -> None:
    def snapshot() -> list[dict]:
        with open_store(fused_db) as store:
            return [store.fused_events(), store.stories(), store.counts()]

    before = snapshot()
    out = _run(fused_db, SEEDS, _jsonl(tmp_path / "copy.jsonl", MOSUL_COPY))
    assert "0 new report(s)" in out
    assert snapshot() == before


def test_a_later_article_joins_or_stays_apart_incrementally(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'inc.db'}"
    _run(db, SEEDS)
    with open_store(db) as store:
        (first,) = _mosul(store)
    out = _run(db, _jsonl(tmp_path / "copy.jsonl", MOSUL_COPY))
    assert "1 joined an existing event" in out
    _run(db, _jsonl(tmp_path / "later.jsonl", MOSUL_LATER))
    with open_store(db) as store:
        mosul = _mosul(store)
        ids = {e["id"] for e in mosul}
        assert first["id"] in ids  # the id survives new sources
        fused = {e["id"]: e for e in mosul}[first["id"]]
        assert fused["n_sources"] == 2
        later = [e for e in mosul if e["date"] == "2019-04-21"]
        assert len(later) == 1 and later[0]["n_sources"] == 1 and later[0]["fatalities"] == 4


def test_explain_shows_why(fused_db: str) -> None:
    with open_store(fused_db) as store:
        event = _mosul(store)[0]
        info = explain(store, event["id"])
    assert len(info["sources"]) == 2 and len(info["pairs"]) == 1
    pair = info["pairs"][0]
    assert pair["decision"] == "above threshold" and pair["score"] >= info["threshold"]
    assert set(pair["features"]) == {"type", "date", "place", "actors", "casualties", "text"}
    result = CliRunner().invoke(main, ["explain", event["sources"][1]["event_id"], "--db", fused_db])
    assert result.exit_code == 0, result.output
    assert f"Event {event['id']}: 2 source(s)" in result.output and "Rudaw" in result.output
    bad = CliRunner().invoke(main, ["explain", "nope", "--db", fused_db])
    assert bad.exit_code != 0 and "no event nope" in bad.output


def test_corrections_hold_through_recoding(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    copy = _jsonl(tmp_path / "copy.jsonl", MOSUL_COPY)
    _run(db, SEEDS, copy)
    with open_store(db) as store:
        event = _mosul(store)[0]
        fixed = correct_event(store, event["id"], {"fatalities": 0, "actor2": "Popular Mobilization Forces"},
                              author="analyst", reason="checked with the police statement")
        assert fixed["fatalities"] == 0 and fixed["corrected"] == ["actor2", "fatalities"]
        with pytest.raises(ValueError, match="fatalities must be"):
            correct_event(store, event["id"], {"fatalities": -1}, author="analyst")
        with pytest.raises(ValueError, match="cannot be corrected"):
            correct_event(store, event["id"], {"id": "x"}, author="analyst")
        with pytest.raises(KeyError):
            correct_event(store, "nope", {"fatalities": 1}, author="analyst")
        copy_report = next(s["event_id"] for s in event["sources"] if s["source"] == "Rudaw")
        new = split_event(store, event["id"], [copy_report], author="analyst", reason="test")
        assert new["n_sources"] == 1 and store.fused_event(event["id"])["n_sources"] == 1
        assert [c["action"] for c in store.corrections(event["id"])] == ["patch", "patch", "split"]
    # Re-coding every article puts every report through fusion again: the split and the
    # field corrections are kept.
    _run(db, SEEDS, copy, extra=("--reprocess",))
    with open_store(db) as store:
        mosul = _mosul(store)
        assert len(mosul) == 2
        kept = store.fused_event(event["id"])
        assert kept is not None and kept["fatalities"] == 0 and kept["n_sources"] == 1
        merged = merge_events(store, [event["id"], new["id"]], author="analyst")
        assert merged["n_sources"] == 2 and store.fused_event(new["id"]) is None
    _run(db, SEEDS, copy, extra=("--reprocess",))
    with open_store(db) as store:
        assert len(_mosul(store)) == 1


def test_stories_group_related_events(fused_db: str) -> None:
    with open_store(fused_db) as store:
        stories = store.stories()
        for story in stories:
            assert story["n_events"] >= 2 and story["title"]
            members = store.fused_events(story=story["id"])
            assert sorted(e["id"] for e in members) == sorted(story["event_ids"])
            assert {e["story_id"] for e in members} == {story["id"]}


def test_fusion_is_quick_when_nothing_is_new(fused_db: str) -> None:
    with open_store(fused_db) as store:
        summary = fuse_pending(store)
    assert summary.pending == 0 and summary.seconds < 1.0


def test_coreference_metrics_on_known_cases() -> None:
    key = [{"a", "b", "c"}, {"d", "e"}]
    assert scores(key, key)["conll_f1"] == 1.0
    response = [{"a", "b"}, {"c", "d", "e"}]
    assert b_cubed(key, response) == {"p": 0.7333, "r": 0.7333, "f1": 0.7333}
    assert muc(key, response)["f1"] == 0.6667
    assert ceaf_e(key, response)["f1"] == 0.8
    everything_apart = [{m} for m in "abcde"]
    assert b_cubed(key, everything_apart)["p"] == 1.0 and muc(key, everything_apart)["r"] == 0.0
    assert max_assignment([[0.2, 0.9, 0.1], [0.8, 0.7, 0.0]]) == pytest.approx(1.7)


def test_eval_fusion_cli_on_a_slice_of_the_dev_set(tmp_path: Path) -> None:
    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()]
    wanted = {"C32", "C33", "C24"}  # weekly protests in one city (a near miss) and one bombing
    subset = [r for r in rows if any(g["cluster"] in wanted for g in r["gold"])]
    gold = _jsonl(tmp_path / "gold.jsonl", *subset)
    result = CliRunner().invoke(main, ["eval", "fusion", "--gold", str(gold)])
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output.strip().splitlines()[-1])
    assert figures["gold_events"] == 3 and figures["articles"] == len(subset)
    assert 0.0 <= figures["b_cubed"]["f1"] <= 1.0
    assert figures["b_cubed"]["p"] >= 0.75  # the two Fridays are not merged into one event
    bad = _jsonl(tmp_path / "bad.jsonl", {"id": "x", "text": "t", "gold": [{"cluster": "C1", "type": "NOPE"}]})
    result = CliRunner().invoke(main, ["eval", "fusion", "--gold", str(bad)])
    assert result.exit_code != 0 and "unknown sub-event code" in result.output


def test_fusing_in_small_chunks_gives_the_same_events(tmp_path: Path) -> None:
    """Fusion places pending reports chunk by chunk (bounded memory, resumable): the result must
    not depend on the chunk size."""
    from sqlalchemy import delete

    from flashpoint.store import schema

    rows = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()][:40]
    db = f"sqlite:///{tmp_path / 'chunks.db'}"
    _run(db, _jsonl(tmp_path / "dev.jsonl", *rows), SEEDS, _jsonl(tmp_path / "more.jsonl", MOSUL_COPY, MOSUL_LATER))

    def snapshot(store) -> tuple[list, list]:
        # Without "timestamp": when each event was written differs between the two fusions.
        events = sorted(({k: v for k, v in e.items() if k != "timestamp"} for e in store.fused_events(limit=None)),
                        key=lambda e: e["id"])
        return events, sorted(store.stories(), key=lambda s: s["id"])

    with open_store(db) as store:
        one_pass = snapshot(store)
        assert sum(e["n_sources"] for e in one_pass[0]) > len(one_pass[0])  # some merges to keep
        with store.transaction(write=True) as conn:
            for table in (schema.fusion_members, schema.fused_events, schema.stories):
                conn.execute(delete(table))
        summary = fuse_pending(store, chunk_size=3)
        assert summary.pending == sum(e["n_sources"] for e in one_pass[0])
        assert summary.founded == len(one_pass[0]) and summary.joined == 0
        assert snapshot(store) == one_pass


def test_a_year_long_report_does_not_make_its_event_a_candidate_all_year() -> None:
    """An event placed "in 2015" by one source and on 3 March by another can only be the
    3 March event: it must not take one of the nearest-candidate places of reports in July."""
    from flashpoint.fuse.cluster import Assigner
    from flashpoint.fuse.features import Report, load_config

    def report(eid: str, start: str, end: str, precision: int) -> Report:
        event = {"date": start, "date_start": start, "date_end": end, "time_precision": precision,
                 "location": {"name": "Aleppo", "country": "Syria", "geonameid": 170063,
                              "lat": 36.2, "lon": 37.16, "geo_precision": 1},
                 "acled": {"event_type": "Battles", "sub_event_type": "Armed clash"}}
        return Report(eid, f"article-{eid}", f"outlet-{eid}", event, {"id": eid})

    assigner = Assigner(load_config())
    assigner.add_member("year-and-day", report("a", "2015-01-01", "2015-12-31", 3))
    assigner.add_member("year-and-day", report("b", "2015-03-03", "2015-03-03", 1))
    assigner.add_member("year-only", report("c", "2015-01-01", "2015-12-31", 3))
    assigner.add_member("march", report("d", "2015-03-04", "2015-03-04", 1))
    july = report("e", "2015-07-10", "2015-07-10", 1)
    assert assigner.candidates(july) == ["year-only"]
    assert assigner.candidates(report("f", "2015-03-05", "2015-03-05", 1)) == ["march", "year-and-day", "year-only"]


def test_reports_dated_only_to_a_month_join_only_by_place_and_words() -> None:
    """"Last year", "in June": a month or a year overlaps every event in it, so two such reports
    are one event only when they name the same town and say it in the same words (or name the
    same actors); date overlap and a shared country are not enough (issue 21)."""
    import numpy as np

    from flashpoint.fuse.features import Report, load_config, score_pair

    def report(eid: str, town: str, lat: float, lon: float, precision: int, actor: str, vector: list[float]) -> Report:
        event = {"date": "2016-06-15", "date_start": "2016-06-01", "date_end": "2016-06-30",
                 "time_precision": precision, "actor1": actor,
                 "location": {"name": town, "country": "Syria", "admin1": "Aleppo", "lat": lat, "lon": lon,
                              "geo_precision": 1},
                 "acled": {"event_type": "Explosions/Remote violence", "sub_event_type": "Chemical weapon"}}
        v = np.asarray(vector, dtype=np.float32)
        return Report(eid, f"article-{eid}", f"outlet-{eid}", event, {"id": eid}, v / np.linalg.norm(v))

    cfg = load_config()
    manbij = report("a", "Manbij", 36.53, 37.95, 3, "Military Forces of Syria", [1.0, 0.0, 0.0])
    elsewhere = report("b", "Al Bab", 36.37, 37.52, 3, "Islamic State", [0.0, 1.0, 0.0])
    assert score_pair(manbij, elsewhere, cfg).blocked_by in {"vague date", "place"}
    same_words = report("c", "Manbij", 36.53, 37.95, 3, "Rebel Group (Syria)", [0.98, 0.2, 0.0])
    assert score_pair(manbij, same_words, cfg).blocked_by is None
    other_words = report("d", "Manbij", 36.53, 37.95, 3, "Rebel Group (Syria)", [0.0, 0.0, 1.0])
    assert score_pair(manbij, other_words, cfg).blocked_by == "vague date"
    weekly = report("e", "Manbij", 36.53, 37.95, 2, "Rebel Group (Syria)", [0.0, 0.0, 1.0])
    assert score_pair(report("f", "Manbij", 36.53, 37.95, 2, "Islamic State", [1.0, 0.0, 0.0]),
                      weekly, cfg).blocked_by is None  # a week is specific enough to be weighed


def test_a_zero_no_article_states_is_no_casualty_figure() -> None:
    """Coding writes 0 where an article gives no toll; two such zeros are no agreement and 0
    against 84 no disagreement. A stated zero ("no one was hurt") is a figure (issue 21: rebel
    shelling with 84 dead joined a Russian strike on the strength of two unstated zeros)."""
    from flashpoint.fuse.features import Report, casualty_feature, load_config

    def report(eid: str, fatalities: int, stated: bool) -> Report:
        evidence = [{"field": "fatalities", "start": 0, "end": 6, "text": "no one"}] if stated else []
        event = {"date": "2016-10-28", "fatalities": fatalities, "evidence": evidence,
                 "acled": {"event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike"}}
        return Report(eid, f"article-{eid}", f"outlet-{eid}", event, {"id": eid}, None)

    cfg = load_config()
    unknown = cfg.section("casualties")["unknown"]
    assert casualty_feature(report("a", 0, False), report("b", 0, False), cfg) == unknown
    assert casualty_feature(report("a", 0, False), report("b", 84, True), cfg) == unknown
    assert casualty_feature(report("a", 0, True), report("b", 0, True), cfg) == 1.0
    assert casualty_feature(report("a", 0, True), report("b", 84, True), cfg) < 0.05


def test_a_stated_injured_figure_beats_a_zero_no_article_states() -> None:
    """As for deaths: the lowest figure is ACLED's rule for conflicting counts, not for silence."""
    from flashpoint.fuse.features import Report
    from flashpoint.fuse.reconcile import reconcile

    def report(eid: str, injured: int, stated: bool) -> Report:
        evidence = [{"field": "injured", "start": 0, "end": 2, "text": "50"}] if stated else []
        event = {"id": eid, "date": "2016-07-19", "injured": injured, "fatalities": 0, "evidence": evidence,
                 "time_precision": 1, "location": {"name": "Manbij", "geo_precision": 1},
                 "acled": {"event_type": "Explosions/Remote violence", "sub_event_type": "Air/drone strike"}}
        return Report(eid, f"article-{eid}", f"outlet-{eid}", event, {"id": eid, "source": f"outlet-{eid}"}, None)

    fused = reconcile("f1", [report("a", 0, False), report("b", 50, True)])
    assert fused["injured"] == 50
    assert reconcile("f2", [report("a", 0, True), report("b", 50, True)])["injured"] == 0
