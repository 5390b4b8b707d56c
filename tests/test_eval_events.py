"""Claims, the seeds scorer and the event scorer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import flashpoint
from flashpoint.eval.events import evaluate, metrics, read_tsv

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "data" / "seeds.gold.json"


def _seed(doc_id: str) -> dict:
    return next(json.loads(line) for line in (ROOT / "examples" / "seeds.jsonl").read_text().splitlines()
                if json.loads(line)["id"] == doc_id)


def test_claims_name_their_speakers() -> None:
    s = _seed("000_1d81f38c2b56ac4f")
    result = flashpoint.extract(s["text"], published=s["published"])
    claims = {c.speaker: c.text for c in result.claims}
    assert claims["a local security official"].startswith("Police members prevented the Hashed entering")
    assert claims["a State Department official"].startswith("Iran spends nearly $1 billion a year")
    for c in result.claims:
        assert result.article.text[c.start : c.end] == c.text
        assert result.article.text[c.speaker_start : c.speaker_end] == c.speaker


def test_an_event_inside_a_statement_is_claimed_with_its_speaker() -> None:
    result = flashpoint.extract("Gunmen killed two farmers near Kirkuk on Monday, a police official said.",
                                published="2020-03-03")
    e = result.events[0]
    assert e.modality == "claimed"
    assert [ev.text for ev in e.evidence if ev.field == "claimed_by"] == ["a police official"]


def test_eval_seeds_finds_every_required_event_and_no_must_not() -> None:
    from flashpoint.eval.seeds import evaluate as evaluate_seeds

    result = evaluate_seeds(GOLD)
    assert result["found"] == result["required"] == 6
    assert result["must_not_violations"] == 0
    assert result["false_positives"] <= 1
    assert result["field_accuracy"] >= 0.9


def test_metrics_arithmetic() -> None:
    gold = ["ATTACK", "ATTACK", "AIR_STRIKE", "NONE"]
    pred = ["ATTACK", "NONE", "AIR_STRIKE", "AIR_STRIKE"]
    m = metrics(gold, pred)
    assert m["sub_types"]["micro"] == 0.5
    # ATTACK: P 1, R 0.5 -> 0.667; AIR_STRIKE: P 0.5, R 1 -> 0.667; NONE: 0
    assert m["sub_types"]["per_label"]["ATTACK"] == pytest.approx(0.667, abs=1e-3)
    assert m["sub_types"]["weighted"] == pytest.approx((0.6667 * 2 + 0.6667) / 4, abs=1e-3)
    assert m["types"]["per_label"]["Violence against civilians"] == pytest.approx(0.667, abs=1e-3)


def test_eval_events_end_to_end(tmp_path: Path) -> None:
    tsv = tmp_path / "dev.tsv"
    tsv.write_text("id\ttext\tlabel\n"
                   "d1\tGunmen shot dead three villagers in Kaduna State on Sunday, police said.\tATTACK\n"
                   "d2\tThe central bank raised interest rates on Tuesday.\tNONE\n"
                   "d3\tA suicide bomber blew himself up at a checkpoint in Mogadishu, killing five soldiers."
                   "\tSUIC_BOMB\n",
                   encoding="utf-8")
    result = evaluate(tsv)
    assert result["n"] == 3
    assert result["lexicon_only"]["all"]["sub_types"]["micro"] == 1.0


def test_bad_tsv_is_one_clear_error(tmp_path: Path) -> None:
    tsv = tmp_path / "bad.tsv"
    tsv.write_text("id\ttext\tlabel\nx\tsome text\tBOMBING\n", encoding="utf-8")
    with pytest.raises(ValueError, match="unknown label 'BOMBING'"):
        read_tsv(tsv)


def test_classifier_codes_what_no_trigger_names() -> None:
    """No trigger word for a government retaking a town: the sentence classifier finds it."""
    result = flashpoint.extract("Government forces retook the town of Palmyra from Islamic State fighters on Sunday, "
                                "state media said.", published="2017-03-06")
    subs = {e.acled.sub_event_type for e in result.events if e.acled}
    assert "Government regains territory" in subs, [e.to_dict() for e in result.events]


def test_the_classifier_drops_a_metaphor_the_lexicon_would_code() -> None:
    result = flashpoint.extract("The two supermarket chains clashed over prices in a bitter price war on Monday.",
                                published="2020-03-03")
    assert [e for e in result.events if e.acled] == []


def test_a_misread_lemma_does_not_hide_a_trigger() -> None:
    """spaCy's small model lemmatises "raped" as "rap": the lexicon also matches written forms."""
    from flashpoint.nlp import inflections

    assert {"raped", "rapes", "raping"} <= inflections("rape")
    assert {"robbed", "shelled", "dying", "carried"} <= (
        inflections("rob") | inflections("shell") | inflections("die") | inflections("carry"))
    result = flashpoint.extract("Gunmen raped two women at a camp for displaced people outside Bunia on "
                                "Tuesday, aid workers said.", published="2024-05-09")
    subs = {e.acled.sub_event_type for e in result.events if e.acled}
    assert "Sexual violence" in subs, [e.to_dict() for e in result.events]


def test_no_one_killed_is_no_fatality() -> None:
    """"No one was killed" is not a killing, and "killed no one" is a stated zero, never 1."""
    assert flashpoint.extract("No one was killed when gunmen did not open fire on the convoy near Mogadishu, "
                              "police said.", published="2024-05-07").events == []
    result = flashpoint.extract("A roadside bomb killed no one near Kandahar on Tuesday.", published="2024-05-07")
    assert [e.fatalities for e in result.events if e.acled] == [0]
    evidence = [ev.text for e in result.events for ev in e.evidence if ev.field == "fatalities"]
    assert evidence == ["no one"]


def test_the_classifier_needs_a_word_of_the_kind_for_protest_and_sexual_violence() -> None:
    """The sentence classifier learns company as well as meaning (police and an attack read like
    "excessive force against protesters", a mother and her daughters like sexual violence); it may not
    choose those sub-types for a sentence with no word of their kind."""
    from flashpoint.events.ontology import load_ontology

    onto = load_ontology()
    assert not onto.classifier_may_choose("FORCE_AGAINST_PROTEST", {"police", "attack", "station"})
    assert onto.classifier_may_choose("FORCE_AGAINST_PROTEST", {"police", "disperse", "protesters"})
    assert onto.classifier_may_choose("ARMED_CLASH", {"anything"})  # no words required
    assert not onto.classifier_may_choose("SEX_VIOL", {"woman", "daughter", "shell"})
    texts = [
        ("Three policemen were killed when militants attacked the Saddar police station in Bannu on Tuesday, "
         "police said.", "2024-10-23"),
        ("A woman was killed and her two daughters were wounded on Sunday when militiamen shelled homes in the "
         "village, a medical source said.", "2024-02-12"),
    ]
    for text, published in texts:
        result = flashpoint.extract(text, published=published)
        types = {(e.acled.event_type, e.acled.sub_event_type) for e in result.events if e.acled}
        assert types, text
        assert not any(t == "Protests" or s == "Sexual violence" for t, s in types), (text, types)


def test_needs_words_name_known_codes(tmp_path: Path) -> None:
    import shutil

    from flashpoint.events.ontology import load_ontology
    from flashpoint.settings import DATA_DIR

    for name in ("ontology.yaml", "triggers.yaml"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    lexicon = tmp_path / "triggers.yaml"
    lexicon.write_text(lexicon.read_text(encoding="utf-8") + "\n  NOT_A_CODE: [word]\n", encoding="utf-8")
    with pytest.raises(ValueError, match="NOT_A_CODE"):
        load_ontology(tmp_path)
