"""Actor resolution: dictionary aliases and their spelling variants, generic actors, linking."""

from __future__ import annotations

import pytest

from flashpoint.actors.dictionary import load_dictionary, normalize_name, spelling_variants
from flashpoint.actors.resolve import get_resolver
from flashpoint.nlp import get_nlp


@pytest.fixture(scope="module")
def resolve():
    nlp = get_nlp()
    resolver = get_resolver(nlp)

    def run(text: str, country: str | None = "Iraq") -> list:
        return resolver.resolve(nlp(text), focus_country=country)

    return run


def _names(mentions) -> list[tuple[str, str]]:
    return [(m.text, m.actor) for m in mentions]


def test_dictionary_files_are_consistent() -> None:
    d = load_dictionary()
    assert len(d.actors) >= 40
    for actor in d.actors.values():
        assert actor.inter in range(1, 9), actor.name
        if actor.parent:
            assert actor.parent in d.actors, (actor.name, actor.parent)
        for sponsor in actor.backed_by:
            assert sponsor in d.actors, (actor.name, sponsor)


@pytest.mark.parametrize("spelling", [
    "Kata'ib Hezbollah", "Kata\u2019ib Hezbollah", "Kataib Hezbollah", "Kataeb Hezbollah",
])
def test_transliteration_variants(resolve, spelling: str) -> None:
    out = resolve(f"Fighters of {spelling} fired rockets.")
    assert ("Kata'ib Hezbollah" in [m.actor for m in out]), _names(out)


@pytest.mark.parametrize("spelling", ["Hashed Al Shaabi", "Hashd al-Shaabi", "al-Hashd al-Shaabi",
                                      "Popular Mobilization Units"])
def test_pmf_spellings_resolve_to_one_actor(resolve, spelling: str) -> None:
    out = resolve(f"The {spelling} said on Monday it would respond.")
    assert "Popular Mobilization Forces" in [m.actor for m in out], _names(out)


def test_contextual_alias_only_in_its_country(resolve) -> None:
    iraq = resolve("Iran-backed militias attacked the base.", "Iraq")
    syria = resolve("Iran-backed militias attacked the base.", "Syria")
    assert iraq[0].actor == "Popular Mobilization Forces"
    assert syria[0].actor == "Unidentified Armed Group (Syria)"


def test_generic_actor_takes_nationality_from_the_phrase(resolve) -> None:
    out = resolve("Turkish soldiers and gunmen exchanged fire; Syrian police arrived later.", "Syria")
    got = {m.text: m.actor for m in out}
    assert got["Turkish soldiers"] == "Military Forces of Turkey"
    assert got["gunmen"] == "Unidentified Armed Group (Syria)"
    assert got["Syrian police"] == "Police Forces of Syria"


def test_role_noun_links_to_the_main_named_actor(resolve) -> None:
    text = ("The Hashed Al Shaabi deployed in Mosul. The Hashed said Kata'ib Hezbollah was loyal. "
            "The militias later withdrew.")
    out = resolve(text)
    last = [m for m in out if m.text == "militias"][0]
    assert last.actor == "Popular Mobilization Forces" and last.method == "link"


def test_people_civilian_or_armed_from_description(resolve) -> None:
    out = resolve("Gunmen killed Iraqi novelist Alaa Mashzoub. Aws al-Khafaji, a Shiite militia leader, spoke.")
    people = {m.actor: m for m in out if m.method == "person"}
    assert people["Alaa Mashzoub"].inter == 7 and people["Alaa Mashzoub"].country == "Iraq"
    assert people["Aws al-Khafaji"].actor_type == "Armed person"


def test_offsets_slice_the_text(resolve) -> None:
    text = "Clashes erupted between the Iraqi federal police and Iran-backed militias in Mosul."
    for m in resolve(text):
        assert text[m.start : m.end] == m.text


def test_hostile_names_do_not_blow_up(resolve) -> None:
    text = "\u202eISIS\u202c and \u200fHEZBOLLAH\u200f " + ", ".join(["Hamas"] * 2000) + " fought."
    out = resolve(text)
    assert sum(m.actor == "Hamas" for m in out) == 2000


def test_normalize_name_folds_variants() -> None:
    assert normalize_name("Kata\u2019ib Hezbollah") == normalize_name("Kataib hezbollah")
    assert normalize_name("Deir ez-Zor") == normalize_name("Deir ez Zor")
    assert "al-Nusra" in spelling_variants("Al Nusra") or "al-Nusra Front" in spelling_variants("Al Nusra Front")


def test_actor_test_set_precision_and_recall() -> None:
    """The hand-written actor test sets (tests/data/actors/, 350+ sentences from many conflicts)."""
    from pathlib import Path

    from flashpoint.eval.actors import read_gold, score

    items = read_gold(sorted((Path(__file__).parent / "data" / "actors").glob("*.jsonl")))
    assert len(items) >= 150
    overall = score(items)["all"]
    assert overall.precision >= 0.9 and overall.recall >= 0.9, overall.to_dict()


def test_every_sponsor_and_parent_in_all_files_exists() -> None:
    d = load_dictionary()
    assert len(d.actors) >= 300
    for actor in d.actors.values():
        assert actor.parent is None or actor.parent in d.actors, actor.name
        assert all(s in d.actors for s in actor.backed_by), actor.name
