"""The place and time scorers: reading the gold formats, and their arithmetic, on tiny synthetic gold files."""

from __future__ import annotations

import json
import math

import pytest

from flashpoint.eval import places as eval_places, times as eval_times
from flashpoint.model import PlaceMention, TimeMention

# -- places: an LGL-style file with two articles ----------------------------------------------------------

ART1 = "Rebels shelled Mosul on Sunday. Aid reached Baghdad later."
ART2 = "Flooding hit Springfield and the Gulf coast."


def _toponym(start: int, end: int, phrase: str, gid: int | None, lat: float | None, lon: float | None,
             fcode: str = "PPL") -> str:
    gaz = ""
    if gid is not None:
        gaz = (f'<gaztag geonameid="{gid}"><name>{phrase}</name><fclass>P</fclass><fcode>{fcode}</fcode>'
               f"<lat>{lat}</lat><lon>{lon}</lon></gaztag>")
    return f"<toponym><start>{start}</start><end>{end}</end><phrase>{phrase}</phrase>{gaz}</toponym>"


def _lgl(tmp_path):
    a1 = [_toponym(15, 20, "Mosul", 99072, 36.335, 43.119), _toponym(44, 51, "Baghdad", 98182, 33.341, 44.401)]
    a2 = [_toponym(13, 24, "Springfield", 4250542, 39.80, -89.64),
          _toponym(33, 43, "Gulf coast", None, None, None)]
    xml = ('<?xml version="1.0" encoding="utf-8"?>\n<articles>'
           f'<article docid="1"><text><![CDATA[{ART1}]]></text><toponyms count="2">{"".join(a1)}</toponyms>'
           '</article>'
           f'<article docid="2"><dltime>2009-03-20 12:24:52</dltime><text><![CDATA[{ART2}]]></text>'
           f'<toponyms count="2">{"".join(a2)}</toponyms></article></articles>')
    path = tmp_path / "gold.xml"
    path.write_text(xml, encoding="utf-8")
    return path


def _pm(start: int, end: int, text: str, lat: float | None, lon: float | None) -> PlaceMention:
    return PlaceMention(start, end, text, None, text, None, None, lat, lon)


def test_read_lgl_gold(tmp_path) -> None:
    golds = eval_places.read_gold(_lgl(tmp_path))
    assert [g.docid for g in golds] == ["1", "2"]
    assert golds[1].published == "2009-03-20"
    for g in golds:
        for t in g.toponyms:
            assert g.text[t.start : t.end] == t.phrase
    assert golds[1].toponyms[1].lat is None and golds[1].toponyms[1].kind == "no entry"
    assert eval_places.read_gold(_lgl(tmp_path), limit=1)[0].docid == "1"


def test_match_spans_overlap_and_strict() -> None:
    gold = [(0, 5), (10, 20), (30, 35)]
    pred = [(0, 5), (12, 25), (26, 29), (10, 11)]
    assert eval_places.match_spans(gold, pred) == [(0, 0), (1, 1)]  # largest overlap wins, one to one
    assert eval_places.match_spans(gold, pred, strict=True) == [(0, 0)]


def test_place_score_arithmetic(tmp_path) -> None:
    golds = eval_places.read_gold(_lgl(tmp_path))
    preds = [
        # Mosul exact and right; "Baghdad later" overlaps Baghdad but is placed in Basra (~450 km off)
        [_pm(15, 20, "Mosul", 36.34, 43.13), _pm(44, 57, "Baghdad later", 30.51, 47.78)],
        # Springfield found as "Springfield" but unresolved; a spurious "Flooding"; the Gulf coast missed
        [_pm(13, 24, "Springfield", None, None), _pm(0, 8, "Flooding", 1.0, 1.0)],
    ]
    r = eval_places.score(golds, preds, details=True, adjectival=lambda phrase: phrase == "Gulf coast")
    assert r["gold_toponyms"] == 4 and r["predicted_toponyms"] == 4
    assert r["recall_without_adjectives"] == 1.0  # the one miss set aside
    assert r["overlap"]["tp"] == 3 and r["strict"]["tp"] == 2
    assert r["overlap"]["precision"] == 0.75 and r["overlap"]["recall"] == 0.75 and r["overlap"]["f1"] == 0.75
    assert r["strict"]["precision"] == 0.5 and r["strict"]["f1"] == 0.5
    res = r["resolution"]
    assert res["pairs_with_coordinates"] == 2 and res["matched_but_unresolved"] == 1
    assert res["acc_at_161"] == 0.5
    far = eval_places.distance_km(33.341, 44.401, 30.51, 47.78)
    assert 400 < far < 500
    assert res["median_km"] == pytest.approx((far + eval_places.distance_km(36.335, 43.119, 36.34, 43.13)) / 2,
                                              abs=0.1)
    assert res["gold_with_coordinates"] == 3 and res["acc_at_161_all"] == round(1 / 3, 4)
    assert r["by_kind"]["town"]["gold"] == 3 and r["by_kind"]["no entry"]["recall"] == 0.0
    kinds = {m["error"] for m in r["mistakes"]}
    assert kinds == {"far", "unresolved", "spurious", "missed"}
    json.dumps(r)


def test_place_score_of_nothing() -> None:
    r = eval_places.score([], [])
    assert r["overlap"]["f1"] == 0.0 and r["resolution"]["acc_at_161"] is None
    assert "n/a" in eval_places.report(r)


def test_distance_km() -> None:
    assert eval_places.distance_km(0, 0, 0, 0) == 0
    assert eval_places.distance_km(0, 0, 0, 180) == pytest.approx(math.pi * eval_places.EARTH_RADIUS_KM, rel=1e-6)


def test_evaluate_places_end_to_end(tmp_path) -> None:
    """The real pipeline over the gold text: Mosul and Baghdad are found and placed right."""
    r = eval_places.evaluate(_lgl(tmp_path))
    assert r["articles"] == 2 and r["gold_toponyms"] == 4
    assert r["overlap"]["tp"] >= 3
    assert r["resolution"]["acc_at_161"] is not None and r["resolution"]["acc_at_161"] >= 0.6
    text = eval_places.report(r)
    assert "acc@161km" in text and "P " in text
    assert json.loads(json.dumps(r)) == r


def test_places_split_by_docid_hash(tmp_path) -> None:
    """Each article is in exactly one half, by the parity of its docid's sha1; a bad split is refused."""
    path = _lgl(tmp_path)
    halves = {split: [g.docid for g in eval_places.read_gold(path, split=split)] for split in ("tune", "test")}
    assert sorted(halves["tune"] + halves["test"]) == ["1", "2"]
    for split, ids in halves.items():
        assert all(eval_places.split_of(d) == split for d in ids)
    with pytest.raises(ValueError, match="split"):
        eval_places.read_gold(path, split="dev")


def test_places_report_puts_end_to_end_first(tmp_path) -> None:
    golds = eval_places.read_gold(_lgl(tmp_path))
    preds = [[_pm(15, 20, "Mosul", 36.34, 43.13)], []]  # Baghdad and Springfield missed
    r = eval_places.score(golds, preds, details=True)
    lines = eval_places.report(r, details=True).splitlines()
    assert lines[1].startswith("END TO END: 33.3%") and "missed or unresolved name counts as wrong" in lines[1]
    assert any(line.startswith("found only") for line in lines[2:])
    assert sum("error=missed" in line for line in lines) == 3  # Baghdad, Springfield, Gulf coast


def test_cli_places_details_only_on_the_tune_half(tmp_path) -> None:
    from click.testing import CliRunner

    from flashpoint.cli import main

    gold = _lgl(tmp_path)
    refused = CliRunner().invoke(main, ["eval", "places", "--gold", str(gold), "--split", "test", "--details"])
    assert refused.exit_code != 0 and "tune" in refused.output
    ok = CliRunner().invoke(main, ["eval", "places", "--gold", str(gold)])
    assert ok.exit_code == 0 and ok.output.splitlines()[1].startswith("END TO END")


def test_malformed_lgl_is_one_clear_error(tmp_path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<articles><article>", encoding="utf-8")
    with pytest.raises(ValueError, match="not well-formed"):
        eval_places.read_gold(bad)


# -- times: a TimeML directory with one file --------------------------------------------------------------

TML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>T1</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2019-04-15" temporalFunction="false" functionInDocument="CREATION_TIME">\
April 15, 2019</TIMEX3></DCT>
<TEXT>
Rebels <EVENT eid="e1" class="OCCURRENCE">shelled</EVENT> the town on <TIMEX3 tid="t1" type="DATE" \
value="2019-04-14">Sunday</TIMEX3> &amp; fighting <EVENT eid="e2" class="OCCURRENCE">lasted</EVENT> \
<TIMEX3 tid="t2" type="DURATION" value="P3D">three days</TIMEX3>. Talks resume \
<TIMEX3 tid="t3" type="DATE" value="2019-W16">this week</TIMEX3>, officials said \
<TIMEX3 tid="t4" type="DATE" value="PRESENT_REF">now</TIMEX3>. They met at \
<TIMEX3 tid="t5" type="TIME" value="2019-04-12TEV">Friday evening</TIMEX3>.
</TEXT>
</TimeML>
"""


def _timebank(tmp_path):
    d = tmp_path / "tb"
    d.mkdir()
    (d / "T1.tml").write_text(TML, encoding="utf-8")
    return d


def _tm(doc: eval_times.GoldDocument, phrase: str, value: str | None, *, extra: int = 0) -> TimeMention:
    start = doc.text.index(phrase)
    return TimeMention(start, start + len(phrase) + extra, doc.text[start : start + len(phrase) + extra], value,
                       1, "published")


def test_read_tml_offsets_and_dct(tmp_path) -> None:
    doc = eval_times.read_tml(_timebank(tmp_path) / "T1.tml")
    assert doc.dct == "2019-04-15"
    assert "<" not in doc.text and "&" in doc.text  # tags removed, entities decoded
    assert [t.text for t in doc.timexes] == ["Sunday", "three days", "this week", "now", "Friday evening"]
    for t in doc.timexes:
        assert doc.text[t.start : t.end] == t.text
    assert [t.type for t in doc.timexes] == ["DATE", "DURATION", "DATE", "DATE", "TIME"]


def test_time_score_arithmetic(tmp_path) -> None:
    doc = eval_times.read_gold(_timebank(tmp_path))[0]
    preds = [
        _tm(doc, "Sunday", "2019-04-14"),  # strict and right
        _tm(doc, "three days", None),  # on a DURATION: set aside, neither right nor wrong
        _tm(doc, "this week", "2019-W15", extra=1),  # relaxed only (takes in the comma), wrong value
        _tm(doc, "Friday evening", "2019-04-12"),  # right under the lenient TIME equivalence only
        _tm(doc, "Rebels", "2019"),  # spurious
    ]
    r = eval_times.score([doc], [preds], details=True)
    assert r["gold_date_time"] == 4 and r["predicted"] == 4 and r["predictions_set_aside"] == 1
    assert r["strict"]["tp"] == 2 and r["relaxed"]["tp"] == 3
    assert r["strict"]["precision"] == 0.5 and r["strict"]["recall"] == 0.5
    assert r["relaxed"]["precision"] == 0.75 and r["relaxed"]["recall"] == 0.75
    assert r["matched"] == 3
    assert r["value_accuracy"] == round(1 / 3, 4) and r["value_accuracy_lenient"] == round(2 / 3, 4)
    assert r["value_accuracy_strict_extent"] == 0.5  # Sunday right, Friday evening exact-wrong
    assert r["matched_calendar"] == 3 and r["value_accuracy_calendar"] == round(2 / 3, 4)
    # every gold type counted, nothing set aside
    assert r["all_types"]["gold"] == 5 and r["all_types"]["predicted"] == 5
    assert r["all_types"]["relaxed"]["tp"] == 4
    assert {m["error"] for m in r["mistakes"]} == {"missed", "value", "spurious"}


@pytest.mark.parametrize("gold,lenient", [
    ("1998-01-08TNI", "1998-01-08"), ("1998-01-08T18:00", "1998-01-08"), ("1998-W02-WE", "1998-W02"),
    ("1998-H1", "1998"), ("1998-Q3", "1998-Q3"), ("PRESENT_REF", "PRESENT_REF"),
])
def test_lenient_value(gold: str, lenient: str) -> None:
    assert eval_times.lenient_value(gold) == lenient


def test_calendar_values() -> None:
    assert eval_times.is_calendar_value("1998-01-08") and eval_times.is_calendar_value("199")
    assert not eval_times.is_calendar_value("PAST_REF") and not eval_times.is_calendar_value("1989-WXX")


def test_evaluate_times_end_to_end(tmp_path) -> None:
    r = eval_times.evaluate(_timebank(tmp_path))
    assert r["documents"] == 1 and r["gold_date_time"] == 4
    assert r["relaxed"]["tp"] >= 2  # Sunday and this week at least
    assert r["value_accuracy"] is not None and r["value_accuracy"] >= 0.5
    text = eval_times.report(r)
    assert "extent (strict)" in text and "value accuracy" in text
    assert json.loads(json.dumps(r)) == r


def test_times_gold_errors(tmp_path) -> None:
    with pytest.raises(ValueError, match="no .tml files"):
        eval_times.read_gold(tmp_path)
    bad = tmp_path / "bad.tml"
    bad.write_text("<TimeML><TEXT>unclosed", encoding="utf-8")
    with pytest.raises(ValueError, match="not well-formed"):
        eval_times.read_tml(bad)
    notext = tmp_path / "notext.tml"
    notext.write_text("<TimeML><DOCID>x</DOCID></TimeML>", encoding="utf-8")
    with pytest.raises(ValueError, match="no <TEXT>"):
        eval_times.read_tml(notext)


def test_end_to_end_counts_a_miss_as_wrong(tmp_path) -> None:
    doc = eval_times.read_gold(_timebank(tmp_path))[0]
    preds = [_tm(doc, "Sunday", "2019-04-14"), _tm(doc, "now", "PRESENT_REF")]
    r = eval_times.score([doc], [preds])
    # 4 DATE/TIME gold: two found, both right; the two missed count as wrong end to end
    assert r["value_accuracy"] == 1.0
    assert r["end_to_end"] == {"extent_recall": 0.5, "value_accuracy": 0.5, "value_accuracy_lenient": 0.5}
    product = eval_times.score([doc], eval_times.calendar_view([preds]))["end_to_end"]
    assert product["value_accuracy"] == 0.25  # without the vague value, "now" is a miss


def test_split_by_file_name_hash(tmp_path) -> None:
    """The rule of the module docstring: SHA-1 of the file name, even = tune, odd = test; stable, and the
    halves partition the files."""
    import hashlib

    d = tmp_path / "tb"
    d.mkdir()
    names = [f"D{i}.tml" for i in range(12)]
    for name in names:
        (d / name).write_text(TML, encoding="utf-8")
    for name in names:
        even = int(hashlib.sha1(name.encode()).hexdigest(), 16) % 2 == 0
        assert eval_times.split_of(name) == ("tune" if even else "test")
    tune = {g.name for g in eval_times.read_gold(d, "tune")}
    test = {g.name for g in eval_times.read_gold(d, "test")}
    assert tune and test and not tune & test and tune | test == set(names)
    assert len(eval_times.read_gold(d, "all")) == 12
    with pytest.raises(ValueError, match="unknown split"):
        eval_times.read_gold(d, "dev")


def test_report_puts_end_to_end_first(tmp_path) -> None:
    r = eval_times.evaluate(_timebank(tmp_path), details=True)
    lines = eval_times.report(r).splitlines()
    assert lines[1].startswith("END TO END") and "without vague values" in lines[2]
    assert any("found only" in line for line in lines[3:])
    listing = eval_times.report_details(r)
    assert "-- missed" in listing and "-- value" in listing and "-- spurious" in listing


def test_cli_details_only_on_the_tune_half(tmp_path) -> None:
    from click.testing import CliRunner

    from flashpoint.cli import main

    gold = _timebank(tmp_path)
    refused = CliRunner().invoke(main, ["eval", "times", "--gold", str(gold), "--split", "test", "--details"])
    assert refused.exit_code != 0 and "tune" in refused.output
    ok = CliRunner().invoke(main, ["eval", "times", "--gold", str(gold), "--split", "all"])
    assert ok.exit_code == 0 and ok.output.startswith("documents: 1 (split all)")


def test_places_tune_searches_weights_on_the_tune_half_only(tmp_path) -> None:
    """Coordinate ascent over data/geoparse.yaml on the tune half: it never ends worse than it started,
    every change it reports raised the end-to-end figure, and the held-out article is not read."""
    path = _lgl(tmp_path)
    r = eval_places.tune(path)
    assert r["articles"] == len(eval_places.read_gold(path, split="tune")) == 1
    assert r["best"]["end_to_end"] >= r["start"]["end_to_end"]
    ends = [r["start"]["end_to_end"]] + [c["end_to_end"] for c in r["changes"]]
    assert ends == sorted(ends) and all(c["precision"] >= 0.90 for c in r["changes"])
    assert set(r["weights"]) == {"score", "colocation", "context", "abroad", "finding"}
