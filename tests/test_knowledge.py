"""Knowledge said once (issue 23): speech verbs, ACLED's actor naming conventions and inter codes, the
modality vocabulary and the event-type table (disorder type, colour) each have one definition, and
every place that needs them reads it.

Checked where a user meets each: the coder's events (``extract``), the API's corrections, the
report's style and the dashboard's built bundle; and in the source, so a second copy of a list
cannot come back unnoticed.
"""

from __future__ import annotations

import ast
import re
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from flashpoint import extract
from flashpoint.actors.conventions import load_conventions
from flashpoint.actors.dictionary import load_dictionary
from flashpoint.datafiles import read_yaml
from flashpoint.event_types import load_event_types
from flashpoint.events.claims import speech_verbs
from flashpoint.model import CODED_MODALITIES, MODALITIES
from flashpoint.report.style import load_style
from flashpoint.settings import DATA_DIR

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "flashpoint"
APP_JS = SRC / "web" / "app.js"
SEEDS = ROOT / "examples" / "seeds.jsonl"
TOKEN = "knowledge-token"


def _string_collections(path: Path) -> list[tuple[int, set[str]]]:
    """Every set, list or tuple literal of strings in a module, with its line."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Set | ast.List | ast.Tuple) and node.elts and all(
                isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.elts):
            out.append((node.lineno, {e.value for e in node.elts}))  # type: ignore[attr-defined]
    return out


# ------------------------------------------------------------------------------------ speech verbs
def test_speech_verbs_are_listed_only_in_claims_yaml() -> None:
    """No module keeps its own list of verbs of saying: a literal holding "say" and "tell" is one."""
    copies = [f"{p.relative_to(SRC)}:{line}" for p in sorted(SRC.rglob("*.py"))
              for line, words in _string_collections(p) if {"say", "tell"} <= words]
    assert copies == []
    assert speech_verbs() == frozenset(read_yaml(DATA_DIR / "claims.yaml")["speech_verbs"])


def test_a_strike_told_by_any_speech_verb_of_claims_yaml_is_claimed() -> None:
    """Modality reads claims.yaml's verbs: "alleged" and "stated" make the strike a claim alike."""
    for verb in ("alleged", "stated"):
        events = [e for e in extract(f"Syria news\n\nThe monitor {verb} that warplanes bombed Douma on Monday.",
                                     published="2016-10-24").events if e.acled is not None]
        assert [e.modality for e in events] == ["claimed"], verb


# ---------------------------------------------------------------------------- actor conventions
def test_inferred_actors_take_the_names_and_codes_of_generic_actors_yaml() -> None:
    """Civilians a strike killed, a regime's forces, protesters who protest: each named by the
    convention in the data file, with its interaction code."""
    names = load_conventions()
    strike = next(e for e in extract("Syria news\n\nRegime warplanes bombed a market in Douma on Monday, killing "
                                     "seven people.", published="2016-10-24").events if e.acled is not None)
    assert (strike.actor1, strike.inter1) == (names["military"].fill("Syria"), names["military"].inter)
    assert (strike.actor2, strike.inter2) == (names["civilians"].fill("Syria"), names["civilians"].inter)
    protest = next(e for e in extract("Sudan news\n\nThousands protested in Khartoum on Monday against bread "
                                      "prices.", published="2016-10-24").events if e.acled is not None)
    assert (protest.actor1, protest.inter1) == (names["protesters"].fill("Sudan"), names["protesters"].inter)


def test_a_foreign_state_s_forces_take_the_abroad_code() -> None:
    names = load_conventions()
    e = next(e for e in extract("Syria news\n\nRussian airstrikes hit Idlib on Monday, killing nine civilians.",
                                published="2016-10-24").events if e.acled is not None)
    assert (e.actor1, e.inter1) == (names["military"].fill("Russia"), names["military"].abroad_inter)


def test_no_inter_code_is_guessed_from_a_name_in_code() -> None:
    """`"Protesters" in name` and friends: ACLED's actor names, and the code of each, come from
    generic_actors.yaml; no string in the coder, roles or resolver spells one (docstrings aside)."""
    convention = re.compile(r"^(Protesters|Rioters|Civilians|Military Forces|Police Forces|Government of|"
                            r"Unidentified Armed Group|Rebel Group)")
    offenders = []
    for path in (SRC / "events" / "coder.py", SRC / "events" / "roles.py", SRC / "events" / "draft.py",
                 SRC / "events" / "arbitration.py", SRC / "events" / "assembly.py", SRC / "events" / "merging.py",
                 SRC / "events" / "sentence_fields.py", SRC / "actors" / "resolve.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        docstrings = {id(n.value) for n in ast.walk(tree)
                      if isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant)}
        offenders += [f"{path.relative_to(SRC)}:{n.lineno}" for n in ast.walk(tree)
                      if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docstrings
                      and convention.match(n.value)]
    assert offenders == []


def _data_copy(tmp_path: Path, edit: dict) -> Path:
    """A data folder with generic_actors.yaml edited; the dictionary's other inputs copied."""
    import yaml

    data = tmp_path / "data"
    (data / "actors").mkdir(parents=True)
    shutil.copy(DATA_DIR / "demonyms.tsv", data / "demonyms.tsv")
    raw = read_yaml(DATA_DIR / "generic_actors.yaml")
    raw.update(edit)
    (data / "generic_actors.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    return data


def test_bad_conventions_fail_at_load_with_the_reason(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="default_agents names unknown kinds mob"):
        load_conventions(_data_copy(tmp_path / "a", {"default_agents": {"Riots": "mob"}}))
    generic = read_yaml(DATA_DIR / "generic_actors.yaml")["generic"]
    with pytest.raises(ValueError, match="names unknown kind 'army'"):
        load_dictionary(_data_copy(tmp_path / "b", {"generic": [{**generic[0], "name": "army"}]}))
    with pytest.raises(ValueError, match="is not one of generic_actors.yaml's names"):
        load_conventions().inter_of_template("Looters ({country})")


def test_generic_rules_take_template_and_code_from_names() -> None:
    names = load_conventions()
    rules = {r.lemmas[0]: r for r in load_dictionary().generic}
    assert (rules["police"].template, rules["police"].inter) == (names["police"].template, names["police"].inter)
    assert (rules["civilian"].template, rules["civilian"].inter) == (names["civilians"].template, 7)


# -------------------------------------------------------------------------------------- modality
def test_the_coder_and_corrections_share_model_s_modality_vocabulary(tmp_path: Path) -> None:
    """A correction accepts every modality of model.MODALITIES and names them all when refusing one."""
    from flashpoint.api import create_app
    from flashpoint.runner import run_paths

    assert CODED_MODALITIES <= set(MODALITIES)
    db = tmp_path / "k.db"
    assert run_paths([str(SEEDS)], db_url=str(db), progress=False).failed == 0
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with TestClient(create_app(str(db), token=TOKEN)) as client:
        event = client.get("/api/events", params={"limit": 1}).json()["events"][0]
        assert event["modality"] in CODED_MODALITIES
        for modality in MODALITIES:
            r = client.patch(f"/api/events/{event['id']}", headers=auth, json={"changes": {"modality": modality}})
            assert r.status_code == 200 and r.json()["modality"] == modality, r.text
        r = client.patch(f"/api/events/{event['id']}", headers=auth, json={"changes": {"modality": "rumoured"}})
        assert r.status_code == 400 and ", ".join(MODALITIES) in r.text


# ----------------------------------------------------------------------------------- event types
def test_report_and_dashboard_draw_with_the_ontology_s_palette() -> None:
    raw = read_yaml(DATA_DIR / "ontology.yaml")
    palette = {t["name"]: t["colour"] for t in raw["acled_event_types"]}
    other = raw["other_event_type"]
    assert load_style().colours == {**palette, other["name"]: other["colour"]}
    assert list(load_style().type_order) == [*palette, other["name"]]
    bundle = APP_JS.read_text(encoding="utf-8")
    built = re.search(r"colors:\{(.*?)\},other:\{name:\"(.*?)\",color:\"(#\w+)\"\}", bundle)
    assert built, "the dashboard bundle has no event-type palette: rebuild it (make web)"
    pairs = dict(re.findall(r'"?([^",:{}]+)"?:"(#\w+)"', built.group(1)))
    assert pairs == palette, "the dashboard was built from another palette: rebuild it (make web)"
    assert (built.group(2), built.group(3)) == (other["name"], other["colour"])


def test_every_event_type_has_one_disorder_type_and_colour(tmp_path: Path) -> None:
    types = load_event_types()
    named = {s["event_type"] for s in read_yaml(DATA_DIR / "ontology.yaml")["acled_sub_events"].values()}
    assert {t.name for t in types.types} == named
    assert types.disorder_type("Riots", "Mob violence") == "Political violence; Demonstrations"
    assert types.disorder_type("Riots", "Violent demonstration") == "Demonstrations"
    assert types.disorder_type(None, None) == ""
    raw = read_yaml(DATA_DIR / "ontology.yaml")
    raw["acled_event_types"] = [t for t in raw["acled_event_types"] if t["name"] != "Riots"]
    import yaml

    (tmp_path / "ontology.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ValueError, match="acled_event_types lacks Riots"):
        load_event_types(tmp_path)


def test_a_speech_verb_use_outside_the_one_list_fails_at_load(tmp_path: Path) -> None:
    import yaml

    from flashpoint.events.claims import _cues

    raw = read_yaml(DATA_DIR / "claims.yaml")
    raw["speech_verb_uses"]["claimed"] = [*raw["speech_verb_uses"]["claimed"], "whisper"]
    (tmp_path / "claims.yaml").write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(ValueError, match="speech_verb_uses.claimed has verbs not in speech_verbs: whisper"):
        _cues(tmp_path)
    for use in ("claimed", "report", "speaker"):
        assert speech_verbs(use) <= speech_verbs()  # type: ignore[arg-type]
