"""Relations between actors read from text, and the actor graph built from the store."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import flashpoint
from flashpoint.actors.dictionary import load_dictionary
from flashpoint.export import graph

ROOT = Path(__file__).resolve().parents[1]


def _rels(text: str, published: str = "2019-04-15") -> set[tuple[str, str, str]]:
    return {(r.subject, r.relation, r.object) for r in flashpoint.extract(text, published=published).relations}


@pytest.mark.parametrize("doc_id", ["000_1d81f38c2b56ac4f", "003_90859dd07eb196b6"])
def test_backed_by_iran_in_both_seeds(doc_id: str) -> None:
    seed = next(json.loads(line) for line in (ROOT / "examples" / "seeds.jsonl").read_text().splitlines()
                if json.loads(line)["id"] == doc_id)
    result = flashpoint.extract(seed["text"], published=seed.get("published"))
    rels = [r for r in result.relations if r.relation == "backed_by"]
    assert ("Popular Mobilization Forces", "Government of Iran") in {(r.subject, r.object) for r in rels}
    for r in result.relations:
        assert result.article.text[r.evidence.start : r.evidence.end] == r.evidence.text


def test_relation_shapes() -> None:
    assert ("Popular Mobilization Forces", "backed_by", "Government of Iran") in _rels(
        "The Hashed Al Shaabi took positions in Mosul. They are supported and trained by Tehran.")
    assert ("Popular Mobilization Forces", "alias_of", "Hashed Al Shaabi") in _rels(
        "The Popular Mobilization Units, also known as Hashed Al Shaabi, deployed in Mosul.")
    assert ("Islamic Revolutionary Guard Corps", "designated_by", "Government of the United States") in _rels(
        "Last week, Washington designated Iran's Islamic Revolutionary Guard Corps a terrorist group.")
    assert ("Free Syrian Army", "backed_by", "Government of Turkey") in _rels(
        "Turkish-backed Free Syrian Army fighters advanced on Afrin.", "2018-02-01")


def test_no_relation_without_a_cue() -> None:
    assert _rels("Iraqi police and the Hashed Al Shaabi clashed in Mosul on Sunday.") == set()


def test_graph_merges_tellings_and_writes_graphml(tmp_path: Path) -> None:
    actors = [{"actor": "Popular Mobilization Forces", "mentions": 5, "articles": 2},
              {"actor": "Government of Iran", "mentions": 3, "articles": 2}]
    relations = [
        {"article_id": "a1", "subject": "Popular Mobilization Forces", "relation": "backed_by",
         "object": "Government of Iran",
         "evidence": {"field": "relation", "start": 0, "end": 20, "text": "Iran-backed militias"}},
        {"article_id": "a2", "subject": "Popular Mobilization Forces", "relation": "backed_by",
         "object": "Government of Iran",
         "evidence": {"field": "relation", "start": 5, "end": 30, "text": "Iran-backed Popular Mobilization"}},
        {"article_id": "a1", "subject": "Popular Mobilization Forces", "relation": "alias_of",
         "object": "Hashed Al Shaabi", "evidence": None},
    ]
    events = [{"actor1": "Police Forces of Iraq", "actor2": "Popular Mobilization Forces",
               "acled": {"event_type": "Battles"}, "article": {"article_id": "a1"}}]
    g = graph.build(actors, relations, events, load_dictionary())
    backed = [e for e in g["edges"] if e["relation"] == "backed_by" and e["kind"] == "text"]
    assert len(backed) == 1 and backed[0]["count"] == 2 and backed[0]["articles"] == ["a1", "a2"]
    pmf = next(n for n in g["nodes"] if n["id"] == "Popular Mobilization Forces")
    assert pmf["aliases"] == ["Hashed Al Shaabi"] and pmf["inter"] == 3
    assert not any(n["id"] == "Hashed Al Shaabi" for n in g["nodes"])
    assert any(e["relation"] == "event:Battles" for e in g["edges"])
    out = tmp_path / "g.graphml"
    with out.open("w", encoding="utf-8") as fh:
        graph.write_graphml(g, fh)
    root = ET.parse(out).getroot()
    ns = {"g": graph.GRAPHML_NS}
    assert len(root.findall(".//g:node", ns)) == len(g["nodes"])
    assert len(root.findall(".//g:edge", ns)) == len(g["edges"])
