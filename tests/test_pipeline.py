"""The stateless pipeline: robustness of one article's analysis, and the Python contract."""

from __future__ import annotations

import flashpoint
from flashpoint import pipeline


def test_a_failing_stage_is_recorded_not_raised(monkeypatch) -> None:
    def broken(*args, **kwargs):
        raise RuntimeError("gazetteer exploded")

    monkeypatch.setattr(pipeline, "geoparse", broken)
    result = flashpoint.extract("Gunmen killed two soldiers in Kirkuk on Monday.", published="2020-03-03")
    assert any("places failed" in e and "gazetteer exploded" in e for e in result.errors)
    assert result.events, "the other stages still code the event"


def test_contract_keys() -> None:
    d = flashpoint.extract("Clashes erupted between police and gunmen in Kirkuk on Monday.",
                           published="2020-03-03", source="Wire", title="Kirkuk clashes").to_dict()
    for key in ("id", "title", "published", "source", "events", "actors", "places", "times",
                "claims", "relations", "errors"):
        assert key in d
    event = d["events"][0]
    for key in ("id", "acled", "plover", "actor1", "actor2", "assoc_actor_1", "assoc_actor_2", "date",
                "date_start", "date_end", "time_precision", "location", "fatalities", "injured",
                "modality", "confidence", "evidence"):
        assert key in event
    assert event["date"] == "2020-03-02"


def test_every_record_serialises_as_asdict_would() -> None:
    """The records' JSON form is a plain field read (fast), which equals ``asdict`` only while every
    field is a scalar: a list or a nested record added to one of them must fail here."""
    from dataclasses import asdict

    result = flashpoint.extract(
        "Gunmen killed two soldiers in Kirkuk on Monday, the Iraqi army said. Iran-backed militias "
        "denied it.", published="2020-03-03", title="Kirkuk attack")
    records = [*result.actors, *result.places, *result.times, *result.claims]
    for event in result.events:
        records += [event.acled, event.plover, event.location, *event.evidence]
    kinds = {type(r).__name__ for r in records if r is not None}
    assert {"ActorMention", "PlaceMention", "TimeMention", "Claim", "AcledCoding", "PloverCoding",
            "Location", "Evidence"} <= kinds
    for record in records:
        if record is not None:
            assert record.to_dict() == asdict(record), type(record).__name__
            assert all(v is None or isinstance(v, (str, int, float)) for v in record.to_dict().values())


def test_negation_forecast_and_history_are_not_coded() -> None:
    text = ("Officials denied that militants attacked the base.\n\n"
            "The army will launch an offensive on the town next week.\n\n"
            "Confrontation with the troops is inevitable.\n\n"
            "The group was formed in 2014 and fought ISIS in 2015.")
    result = flashpoint.extract(text, published="2019-04-15")
    assert result.events == [], [e.to_dict() for e in result.events]


def test_counts_that_are_not_casualties() -> None:
    text = ("Iran was responsible for the deaths of 603 US personnel in Iraq over 15 years.\n\n"
            "More than 230000 people have been killed in Syria since the conflict began in 2011.\n\n"
            "Gunmen killed three villagers and wounded two others in Kirkuk on Monday.")
    result = flashpoint.extract(text, published="2019-04-16")
    assert [(e.fatalities, e.injured) for e in result.events] == [(3, 2)]


def test_the_fast_yaml_reader_reads_every_knowledge_file_as_pyyaml_does() -> None:
    """The C parser must build exactly what the pure-Python one builds, file by file."""
    import yaml

    from flashpoint.datafiles import read_yaml
    from flashpoint.settings import DATA_DIR

    files = sorted(DATA_DIR.rglob("*.yaml"))
    assert len(files) >= 10
    for path in files:
        assert read_yaml(path) == yaml.safe_load(path.read_text(encoding="utf-8")), path.name


def test_mentions_by_start_answer_exactly_as_a_filter_of_the_list() -> None:
    """The coder's sentence lookups (``spans.ByStart``) give the mentions a scan of the list gives,
    in the list's own order, also when the list is not in text order."""
    from types import SimpleNamespace

    from flashpoint.spans import ByStart

    items = [SimpleNamespace(start=s, name=n) for n, s in
             enumerate([40, 5, 17, 17, 90, 0, 63, 17, 41, 89])]
    index = ByStart(items)
    for lo, hi in [(0, 100), (17, 18), (5, 41), (41, 90), (91, 200), (0, 0), (18, 40)]:
        assert index.starting_in(lo, hi) == [i for i in items if lo <= i.start < hi]
