"""The article-level scorer (``flashpoint eval articles``), the gold format it reads, and
``flashpoint eval fakes``: each verdict checked on articles and rows written here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from flashpoint.cli import main
from flashpoint.eval.article_gold import GoldError, load_gold, locate, parse_article, validate
from flashpoint.eval.articles import score_article, summarise
from flashpoint.eval.fakes import main_event, score
from flashpoint.model import AcledCoding, Event, Evidence, Location, PloverCoding

ROOT = Path(__file__).resolve().parents[1]

TEXT = ("Rebels shell Kirkuk\n\n"
        "Rebels shelled a market in Kirkuk on Monday, killing four civilians. "
        "The shelling also wounded nine. "
        "Militants will attack Basra, a commander warned. "
        "Last year an air strike on Mosul killed 30.")
SOURCE = {"id": "a1", "text": TEXT}


def _gold(**over) -> dict:
    raw = {
        "id": "a1", "split": "tune", "given": {"published": "2020-03-03"},
        "events": [
            {"id": "E1", "status": "required",
             "mentions": ["Rebels shell Kirkuk", "Rebels shelled a market in Kirkuk on Monday, killing four civilians.",
                          "The shelling also wounded nine."],
             "type": "ART_MISS_ATTACK", "date": "2020-03-02",
             "place": {"name": "Kirkuk", "country": "Iraq", "lat": 35.47, "lon": 44.39, "radius_km": 25},
             "actor1": ["Rebel Group (Iraq)"], "actor2": ["Civilians (Iraq)"], "fatalities": 4},
            {"id": "E2", "status": "optional", "background": True,
             "mentions": ["Last year an air strike on Mosul killed 30."], "type": "AIR_STRIKE",
             "date": {"from": "2019-01-01", "to": "2019-12-31"},
             "place": {"name": "Mosul", "country": "Iraq", "lat": 36.34, "lon": 43.13}, "fatalities": 30},
        ],
        "traps": [{"kind": "forecast", "quote": "Militants will attack Basra"}],
    }
    raw.update(over)
    return raw


def _event(code: str, event_type: str, sub: str, phrase: str, *, date: str | None = "2020-03-02",
           place: tuple[str, float, float] | None = ("Kirkuk", 35.47, 44.39), actor1: str | None = "Rebel Group (Iraq)",
           actor2: str | None = "Civilians (Iraq)", fatalities: int | None = 4, confidence: float = 0.9) -> Event:
    start = TEXT.index(phrase)
    sent_start = TEXT.rfind(". ", 0, start)
    sent_start = 0 if sent_start == -1 else sent_start + 2
    sent_end = TEXT.find(".", start) + 1
    loc = None if place is None else Location(place[0], "Kirkuk" if place[0] == "Kirkuk" else None, "Iraq", 1,
                                              place[1], place[2], 1)
    return Event(id=code + phrase, acled=AcledCoding(event_type, sub), plover=PloverCoding("ASSAULT"),
                 actor1=actor1, actor2=actor2, date=date, location=loc, fatalities=fatalities,
                 confidence=confidence,
                 evidence=[Evidence("sentence", sent_start, sent_end, TEXT[sent_start:sent_end]),
                           Evidence("trigger", start, start + len(phrase), phrase)])


SHELLING = ("ART_MISS_ATTACK", "Explosions/Remote violence", "Shelling/artillery/missile attack")


def test_a_right_row_matches_and_a_retelling_is_a_duplicate() -> None:
    gold = parse_article(_gold(), "test")
    rows = [_event(*SHELLING, "shelled"), _event(*SHELLING, "shelling also", fatalities=0, date=None)]
    s = score_article(gold, TEXT, SOURCE, rows)
    assert [r.verdict for r in s.rows] == ["match", "duplicate"]
    assert all(s.rows[0].fields.values())
    totals = summarise([s])
    assert totals["required_recall"] == 1.0 and totals["precision"] == 0.5 and totals["duplicate_share"] == 0.5
    assert totals["fields_end_to_end"]["all"] == 1.0


def test_the_better_row_of_two_tellings_is_the_match() -> None:
    gold = parse_article(_gold(), "test")
    rows = [_event(*SHELLING, "shelling also", date=None), _event(*SHELLING, "shelled")]
    s = score_article(gold, TEXT, SOURCE, rows)
    assert [r.verdict for r in s.rows] == ["duplicate", "match"]


def test_wrong_fields_are_counted_end_to_end_and_found_only() -> None:
    gold = parse_article(_gold(), "test")
    row = _event(*SHELLING, "shelled", date="2020-03-03", place=("Iraq", 33.0, 44.0), actor1=None, fatalities=13)
    s = score_article(gold, TEXT, SOURCE, [row])
    assert s.rows[0].fields == {"type": True, "date": False, "place": False, "actor1": False, "actor2": True,
                                "fatalities": False}
    totals = summarise([s])
    assert totals["fields_found_only"]["type"] == 1.0 and totals["fields_end_to_end"]["all"] == 0.0


def test_a_miss_counts_against_every_field() -> None:
    gold = parse_article(_gold(), "test")
    totals = summarise([score_article(gold, TEXT, SOURCE, [])])
    assert totals["required_recall"] == 0.0 and totals["precision"] is None
    assert totals["fields_end_to_end"]["date"] == 0.0 and totals["fields_found_only"]["date"] is None


def test_an_other_event_type_in_the_same_sentence_is_not_a_match() -> None:
    gold = parse_article(_gold(), "test")
    row = _event("AGREEMENT", "Strategic developments", "Agreement", "shelled")
    s = score_article(gold, TEXT, SOURCE, [row])
    assert s.rows[0].verdict == "false" and s.matched == {}


def test_false_rows_name_the_trap_and_background_told_as_news() -> None:
    gold = parse_article(_gold(), "test")
    forecast = _event("ATTACK", "Violence against civilians", "Attack", "attack Basra", date=None)
    as_news = _event("AIR_STRIKE", "Explosions/Remote violence", "Air/drone strike", "air strike", date="2020-03-02")
    s = score_article(gold, TEXT, SOURCE, [forecast, as_news])
    assert [(r.verdict, r.why) for r in s.rows] == [("false", "forecast"), ("false", "background as news")]


def test_a_background_event_with_its_own_date_is_an_optional_match() -> None:
    gold = parse_article(_gold(), "test")
    row = _event("AIR_STRIKE", "Explosions/Remote violence", "Air/drone strike", "air strike", date="2019-06-01",
                 place=("Mosul", 36.34, 43.13), fatalities=30)
    s = score_article(gold, TEXT, SOURCE, [row])
    assert s.rows[0].verdict == "match" and s.rows[0].gold.id == "E2"
    assert summarise([s])["required_recall"] == 0.0  # optional: no credit for the required one


def test_unknown_actors_country_places_and_clash_sides() -> None:
    raw = _gold()
    e = raw["events"][0]
    e.update(type="ARMED_CLASH", actor1=None, actor2=["Military Forces of Iraq"], place={"country": "Iraq"},
             fatalities=None)
    gold = parse_article(raw, "test")
    clash = ("ARMED_CLASH", "Battles", "Armed clash")
    good = _event(*clash, "shelled", actor1="Unidentified Armed Group (Iraq)", actor2="Military Forces of Iraq",
                  place=("Iraq", 33.0, 44.0), fatalities=0)
    good.location.admin1 = None
    swapped = _event(*clash, "shelled", actor1="Military Forces of Iraq", actor2=None, place=None, fatalities=None)
    # a town the article does not tie to it: Kirkuk is fine here
    invented = _event(*clash, "shelled", actor1="Islamic State")
    assert all(score_article(gold, TEXT, SOURCE, [good]).rows[0].fields.values())
    f = score_article(gold, TEXT, SOURCE, [swapped]).rows[0].fields
    assert f["actor1"] and f["actor2"] and not f["place"]
    f = score_article(gold, TEXT, SOURCE, [invented]).rows[0].fields
    assert not f["actor1"] and not f["place"]  # a town where the gold says only the country


def test_a_null_in_an_actor_list_accepts_unknown() -> None:
    raw = _gold()
    raw["events"][0]["actor1"] = [None, "Islamic State"]
    gold = parse_article(raw, "test")
    for actor in (None, "Unidentified Armed Group (Iraq)", "Islamic State"):
        assert score_article(gold, TEXT, SOURCE, [_event(*SHELLING, "shelled", actor1=actor)]).rows[0].fields["actor1"]
    assert not score_article(gold, TEXT, SOURCE, [_event(*SHELLING, "shelled")]).rows[0].fields["actor1"]


def test_plover_only_rows_are_counted_apart() -> None:
    gold = parse_article(_gold(), "test")
    accuse = Event(id="x", acled=None, plover=PloverCoding("ACCUSE"))
    s = score_article(gold, TEXT, SOURCE, [accuse])
    assert s.rows == [] and s.plover_only == 1


def test_reliability_bins_count_right_rows() -> None:
    gold = parse_article(_gold(), "test")
    rows = [_event(*SHELLING, "shelled", confidence=0.85), _event(*SHELLING, "shelling also", confidence=0.3)]
    totals = summarise([score_article(gold, TEXT, SOURCE, rows)])
    assert totals["rows_at_0_8"] == 1 and totals["right_at_0_8"] == 1.0
    assert next(b for b in totals["reliability"] if b["from"] == 0.0)["rows"] == 1


# ------------------------------------------------------------------------------------------ the format
def test_gold_lines_are_checked_with_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(GoldError, match="split is tune or test"):
        parse_article({**_gold(), "split": "dev"}, "x")
    bad = _gold()
    bad["events"][0]["fatalities"] = -1
    with pytest.raises(GoldError, match="fatalities"):
        parse_article(bad, "x")
    bad = _gold()
    bad["events"][0]["date"] = {"from": "2020-03-05", "to": "2020-03-01"}
    with pytest.raises(GoldError, match="ends before"):
        parse_article(bad, "x")
    path = tmp_path / "g.gold.jsonl"
    path.write_text(json.dumps(_gold()) + "\n" + json.dumps(_gold()) + "\n")
    with pytest.raises(GoldError, match="labelled twice"):
        load_gold(path)


def test_validate_finds_missing_quotes_unknown_codes_and_names() -> None:
    raw = _gold()
    raw["events"][0]["mentions"].append("a sentence that is not there")
    raw["events"][0]["type"] = "SHELLING"
    raw["events"][0]["actor1"] = ["The Rebels"]
    problems = validate(parse_article(raw, "x"), {"a1": SOURCE})
    assert any("quote not found" in p for p in problems)
    assert any("unknown sub-event code 'SHELLING'" in p for p in problems)
    assert any("'The Rebels' is neither" in p for p in problems)
    assert validate(parse_article(_gold(), "x"), {"a1": SOURCE}) == []


def test_offsets_mentions_resolve_through_their_field() -> None:
    raw = _gold()
    start = TEXT.index("Rebels shelled")
    raw["events"][0]["mentions"] = [{"field": "text", "start": start, "end": start + 30}]
    gold = parse_article(raw, "x")
    assert gold.events[0].mentions[0].text(SOURCE) == TEXT[start : start + 30]
    assert locate("killing   four\ncivilians", TEXT) == (TEXT.index("killing four"),
                                                        TEXT.index("killing four") + len("killing four civilians"))


def test_a_quoted_page_title_is_found_without_the_site_name_ingest_cut() -> None:
    text = "Shelling kills four in Douma\n\nRegime shelling killed four civilians in Douma on Monday."
    assert locate("Shelling kills four in Douma | Jordan Times", text) == (0, len("Shelling kills four in Douma"))


# ------------------------------------------------------------------------------------------ commands
def test_eval_articles_codes_written_articles_end_to_end(tmp_path: Path) -> None:
    texts = tmp_path / "texts.jsonl"
    texts.write_text(json.dumps({"id": "w1", "title": "Gunmen kill two soldiers in Kirkuk",
                                 "text": "Gunmen killed two soldiers in Kirkuk on Monday, police said."}) + "\n")
    gold = tmp_path / "w.gold.jsonl"
    gold.write_text(json.dumps({
        "id": "w1", "split": "test", "given": {"published": "2020-03-03"},
        "events": [{"id": "E1", "status": "required", "type": "ARMED_CLASH", "acceptable": ["ATTACK"],
                    "mentions": ["Gunmen kill two soldiers in Kirkuk",
                                 "Gunmen killed two soldiers in Kirkuk on Monday"],
                    "date": "2020-03-02", "place": {"name": "Kirkuk", "country": "Iraq", "lat": 35.47, "lon": 44.39},
                    "actor1": [None], "actor2": ["Military Forces of Iraq"], "fatalities": 2}]}) + "\n")
    out = CliRunner().invoke(main, ["eval", "articles", "--gold", str(gold), "--texts", str(texts), "--details"])
    assert out.exit_code == 0, out.output
    result = json.loads(out.output.strip().splitlines()[-1])
    held_out = result["splits"]["test (held out)"]
    assert held_out["required"] == 1 and held_out["required_recall"] == 1.0 and held_out["precision"] == 1.0
    assert held_out["fields_end_to_end"]["date"] == 1.0 and held_out["fields_end_to_end"]["place"] == 1.0
    assert "required recall 1.000" in out.output


def test_eval_articles_says_which_texts_are_missing(tmp_path: Path) -> None:
    gold = tmp_path / "w.gold.jsonl"
    gold.write_text(json.dumps({"id": "nowhere", "split": "test", "events": []}) + "\n")
    texts = tmp_path / "texts.jsonl"
    texts.write_text(json.dumps({"id": "other", "text": "x"}) + "\n")
    out = CliRunner().invoke(main, ["eval", "articles", "--gold", str(gold), "--texts", str(texts)])
    assert out.exit_code != 0
    assert "texts were found" in out.output and "1 gold article(s) skipped" in out.output


def test_shipped_article_gold_is_valid() -> None:
    """Every shipped gold line parses and its quotes, codes and names check against the texts
    (the AG items only where ../shared holds their text)."""
    from flashpoint.eval.article_gold import load_texts

    texts = load_texts()
    paths = sorted((ROOT / "tests" / "data" / "articles").glob("*.gold.jsonl"))
    assert paths
    checked = 0
    for path in paths:
        for item in load_gold(path):
            if item.id in texts:
                assert validate(item, texts) == [], item.id
                checked += 1
    assert checked >= 100


# ------------------------------------------------------------------------------------------ FA-KES labels
def test_fakes_main_event_and_label_agreement() -> None:
    labels = {"aleppo": frozenset({"Aleppo"}), "damascus": frozenset({"Dimashq", "Rif-dimashq"})}
    small = Event(id="a", acled=AcledCoding("Battles", "Armed clash"), plover=None, fatalities=2, confidence=0.9,
                  date="2016-07-05", location=Location("Douma", "Rif-dimashq", "Syria", 1, 33.57, 36.4, 1))
    big = Event(id="b", acled=AcledCoding("Battles", "Armed clash"), plover=None, fatalities=9, confidence=0.4,
                date="2016-07-07", location=Location("Syria", None, "Syria", 2, 35.0, 38.0, 3))
    talk = Event(id="c", acled=None, plover=PloverCoding("ACCUSE"), fatalities=None)
    assert main_event([small, big, talk]) is big
    assert main_event([talk]) is None
    assert score(small, "2016-07-06", "damascus", labels) == {"date": True, "place": True}
    assert score(big, "2016-07-05", "damascus", labels) == {"date": False, "place": False}
    assert score(None, "2016-07-05", "aleppo", labels) == {"date": False, "place": False}
