"""ACLED's names for the actors Flashpoint infers, and their interaction codes, from one data file.

Why a module and a data file: "Military Forces of Syria", "Civilians (Iraq)" and "Protesters
(Sudan)" are ACLED's spellings, and each carries an interaction code (1 state forces, 7 civilians
...). The coder, the role filler and the resolver all write such names; reading the templates and
codes from ``data/generic_actors.yaml`` (``names``, ``default_agents``, ``armed_inters``) keeps
them spelled one way, and the code never guesses a code from a name with ``"Protesters" in name``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from ..datafiles import read_yaml
from ..settings import DATA_DIR


@dataclass(frozen=True, slots=True)
class ActorName:
    """One naming convention: its template ("Military Forces of {country}") and ACLED code."""

    template: str
    inter: int | None
    abroad_inter: int | None = None  # a state's forces outside their own country (8: external)

    @property
    def prefix(self) -> str:
        """The fixed text before the country: "Military Forces of " of "Military Forces of Syria"."""
        return self.template.split("{country}", 1)[0]

    def fill(self, country: str) -> str:
        return self.template.format(country=country)

    def inter_in(self, country: str | None, focus_country: str | None) -> int | None:
        """A state's forces are State forces (1) at home, External/Other forces (8) abroad."""
        if self.abroad_inter is not None and country != focus_country:
            return self.abroad_inter
        return self.inter

    def coded_inter_in(self, country: str | None, focus_country: str | None) -> int:
        """``inter_in`` for a convention that must have a code (the military's, whose actor type is
        looked up by it): a knowledge file without one is broken, and says so."""
        inter = self.inter_in(country, focus_country)
        if inter is None:
            raise ValueError(f"naming convention {self.template!r} has no inter code")
        return inter


@dataclass(frozen=True, slots=True)
class Conventions:
    names: dict[str, ActorName]
    default_agents: dict[str, str]  # ACLED event type -> kind of actor1 when the text names none
    armed_inters: frozenset[int]

    def __getitem__(self, kind: str) -> ActorName:
        return self.names[kind]

    def default_agent(self, event_type: str) -> str | None:
        """The template of the actor1 an event of this type has when the text names none."""
        kind = self.default_agents.get(event_type)
        return self.names[kind].template if kind else None

    def inter_of_template(self, template: str) -> int | None:
        """The code of the convention a template spells ("Protesters ({country})" -> 6)."""
        for name in self.names.values():
            if name.template == template:
                return name.inter
        known = ", ".join(repr(n.template) for n in self.names.values())
        raise ValueError(f"actor template {template!r} is not one of generic_actors.yaml's names: {known}")

    @property
    def state_prefixes(self) -> tuple[str, ...]:
        """"Military Forces of", "Police Forces of": the names of a state's armed forces."""
        return tuple(n.prefix.rstrip() for n in self.names.values() if n.abroad_inter is not None)

    def government_country(self, actor: str) -> str | None:
        """"Government of Syria" -> "Syria"; None for any other actor."""
        prefix = self.names["government"].prefix
        return actor[len(prefix):] if actor.startswith(prefix) else None


@functools.lru_cache(maxsize=2)
def load_conventions(data_dir: Path = DATA_DIR) -> Conventions:
    """The ``names`` of ``generic_actors.yaml``; a missing kind the code relies on is an error here,
    at load, not a KeyError in the middle of coding an article."""
    raw = read_yaml(data_dir / "generic_actors.yaml")
    names = {
        kind: ActorName(str(v["template"]), v.get("inter"), v.get("abroad_inter"))
        for kind, v in raw["names"].items()
    }
    missing = {"government", "military", "civilians"} - names.keys()
    if missing:
        raise ValueError(f"generic_actors.yaml: names lacks {', '.join(sorted(missing))}")
    unknown = set(raw.get("default_agents", {}).values()) - names.keys()
    if unknown:
        raise ValueError(f"generic_actors.yaml: default_agents names unknown kinds {', '.join(sorted(unknown))}")
    return Conventions(
        names=names,
        default_agents=dict(raw.get("default_agents", {})),
        armed_inters=frozenset(int(i) for i in raw["armed_inters"]),
    )
