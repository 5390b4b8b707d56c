"""The curated actor dictionary, generic role nouns and nationality words, loaded once from data files.

Why data files: aliases and actor types change as conflicts change; analysts review them like code,
and no rule in Python should need editing to add a militia or a spelling.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..datafiles import read_yaml
from ..model import Actor
from ..settings import DATA_DIR
from .conventions import load_conventions

ACTOR_TYPES = {
    1: "State forces",
    2: "Rebel group",
    3: "Political militia",
    4: "Identity militia",
    5: "Rioters",
    6: "Protesters",
    7: "Civilians",
    8: "External/Other forces",
}
CIVILIANS_INTER = load_conventions()["civilians"].inter  # ACLED's interaction code for civilians (7)

_APOSTROPHES = "\u2019\u2018\u02bc\u02bb`\u00b4"


def normalize_name(text: str) -> str:
    """A matching key: case, diacritics, apostrophe and hyphen variants all fold to one form."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.translate({ord(c): "'" for c in _APOSTROPHES})
    text = text.replace("'", "").replace("-", " ").lower()
    text = re.sub(r"\b(al|el|ad|ash|as|an|ar)\s+", r"\1 ", text)
    return " ".join(text.split())


def spelling_variants(alias: str) -> set[str]:
    """The spellings news uses for one name: apostrophes, hyphens and the Arabic article vary."""
    base = alias.translate({ord(c): "'" for c in _APOSTROPHES})
    out = {alias, base, base.replace("'", ""), base.replace("'", "\u2019")}
    for v in list(out):
        out.add(v.replace("-", " "))
        out.add(re.sub(r"\b([Aa]l|[Ee]l)[- ]", "al-", v))
        out.add(re.sub(r"\b([Aa]l|[Ee]l)[- ]", "Al ", v))
        out.add(re.sub(r"\b([Aa]l|[Ee]l)[- ]", "el-", v))
    return {" ".join(v.split()) for v in out if v.strip()}


@dataclass(frozen=True, slots=True)
class GenericRule:
    """A role noun ("gunmen", "police") that names an unnamed actor of a known kind."""

    lemmas: tuple[str, ...]
    template: str | None
    inter: int
    link: tuple[int, ...] = ()
    # True: the phrase itself must say whose it is ("Russian warplanes", "regime jets"); without a
    # nationality or government word it names nobody, rather than the article's country by default.
    needs_owner: bool = False
    # named actors of the linked kind the noun never stands for ("rebels" are not the Islamic State)
    link_except: frozenset[str] = frozenset()


@dataclass(slots=True)
class ActorDictionary:
    actors: dict[str, Actor]
    contextual: dict[str, list[str]]  # canonical -> aliases valid only in its own country
    generic: list[GenericRule]
    civilian_roles: frozenset[str]
    armed_roles: frozenset[str]
    demonyms: dict[str, tuple[str, str]]  # lower-case demonym -> (country, iso2)
    countries: dict[str, str] = field(default_factory=dict)  # iso2 -> country name
    countries_with_article: frozenset[str] = frozenset()  # "the Philippines" after "of"
    government_words: frozenset[str] = frozenset()  # "regime", "government": the article's own state
    state_weapons: frozenset[str] = frozenset()  # "barrel (bombs)": only a state's forces use them

    alias_index: dict[str, str] = field(default_factory=dict)  # normalize_name(alias) -> canonical

    def actor(self, name: str) -> Actor | None:
        return self.actors.get(name)

    def lookup(self, text: str) -> str | None:
        """The canonical actor a name stands for, by any alias spelling ("Kataeb Hezbollah")."""
        if not self.alias_index:
            for actor in self.actors.values():
                for alias in actor.aliases:
                    self.alias_index.setdefault(normalize_name(alias), actor.name)
        return self.alias_index.get(normalize_name(text))

    def country_of_demonym(self, word: str) -> str | None:
        hit = self.demonyms.get(word.lower())
        return hit[0] if hit else None


@functools.lru_cache(maxsize=4)
def load_dictionary(data_dir: Path = DATA_DIR) -> ActorDictionary:
    actors: dict[str, Actor] = {}
    contextual: dict[str, list[str]] = {}
    items: list[tuple[Path, dict]] = []
    for path in sorted((data_dir / "actors").glob("*.yaml")):
        raw = read_yaml(path) or {}
        items += [(path, item) for item in raw.get("actors", [])]
    for path, item in items:
        if item["name"] in actors:
            raise ValueError(f"{path.name}: actor {item['name']!r} is defined twice")
        inter = item.get("inter")
        actor = Actor(
            name=item["name"],
            actor_type=ACTOR_TYPES.get(inter, "Unknown") if inter is not None else "Unknown",
            inter=inter,
            country=item.get("country"),
            aliases=list(dict.fromkeys([item["name"], *item.get("aliases", [])])),
            parent=item.get("member_of"),
            backed_by=list(item.get("backed_by", [])),
            wikidata=item.get("wikidata"),
        )
        actors[actor.name] = actor
        if item.get("contextual_aliases"):
            contextual[actor.name] = list(item["contextual_aliases"])

    gen = read_yaml(data_dir / "generic_actors.yaml")
    names = load_conventions(data_dir)
    rules = []
    for g in gen["generic"]:
        if "name" in g and g["name"] not in names.names:
            raise ValueError(f"generic_actors.yaml: {g['lemmas'][0]!r} names unknown kind {g['name']!r}")
        name = names[g["name"]] if "name" in g else None  # the convention it follows, or its own template
        inter = name.inter if name else g["inter"]
        if not isinstance(inter, int):  # the resolver looks its actor type up by this code
            raise ValueError(f"generic_actors.yaml: {g['lemmas'][0]!r} has no inter code (its own or its kind's)")
        rules.append(GenericRule(
            tuple(g["lemmas"]), name.template if name else g["template"], inter,
            tuple(g.get("link", ())), bool(g.get("needs_owner", False)), frozenset(g.get("link_except", ())),
        ))
    demonyms: dict[str, tuple[str, str]] = {}
    countries: dict[str, str] = {}
    for line in (data_dir / "demonyms.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        demonym, country, iso2 = line.split("\t")
        demonyms[demonym.lower()] = (country, iso2)
        countries.setdefault(iso2, country)
    return ActorDictionary(
        actors=actors,
        contextual=contextual,
        generic=rules,
        civilian_roles=frozenset(gen.get("civilian_roles", [])),
        armed_roles=frozenset(gen.get("armed_roles", [])),
        demonyms=demonyms,
        countries=countries,
        countries_with_article=frozenset(gen.get("countries_with_article", [])),
        government_words=frozenset(gen.get("government_words", [])),
        state_weapons=frozenset(gen.get("state_weapons", [])),
    )
