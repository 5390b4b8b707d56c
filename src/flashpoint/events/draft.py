"""An event under construction: one mention at first, then every mention of one real event.

Why its own module: detection and classification (``coder``), grouping of mentions across the
article (``grouping``) and article-level field filling (``filling``) all work on the same record;
keeping it here lets each of them be a small module that imports no other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from spacy.tokens import Span

from ..actors.conventions import load_conventions
from ..model import ActorMention, Location
from ..times import TimeValue
from .casualties import Count
from .detect import Hit
from .roles import Roles

STATE_PREFIXES = load_conventions().state_prefixes  # "Military Forces of", "Police Forces of"


@dataclass(slots=True)
class Draft:
    """One mention of an event (a trigger with its roles and the fields its own sentence gives),
    or, after grouping, one event with every mention that tells it (``members``)."""

    hit: Hit
    code: str | None
    plover: str
    roles: Roles
    modality: str
    actor1: ActorMention | None = None
    actor2: ActorMention | None = None
    time: TimeValue | None = None
    time_span: tuple[int, int] | None = None
    location: Location | None = None
    location_span: tuple[int, int] | None = None
    counts: dict[str, Count] = field(default_factory=dict)
    tellings: list[Span] = field(default_factory=list)
    proposed: float | None = None  # the classifier's probability, for events it proposed
    anaphoric: bool = False  # "the blast took place in ...": tells an event already told, founds none
    confidence: float = 0.0  # lexicon and classifier together, before the article-level evidence
    members: list[Draft] = field(default_factory=list)  # the other mentions grouped into this event
    background: bool = False  # told as earlier history ("had shelled", "since January")
    # Whether every mention so far passes a test, by the test's name, with how many members were
    # checked: members are only ever appended, so grouping checks each mention once, not once per
    # comparison (an article of thousands of sentences tells one event thousands of times).
    all_memo: dict[str, tuple[int, bool]] = field(default_factory=dict)

    @property
    def start(self) -> int:
        return self.hit.span.start_char

    def mentions(self) -> list[Draft]:
        return [self, *self.members]


ARMED_INTERS = load_conventions().armed_inters  # state, rebel, political and identity militias, external forces


def is_armed(m: ActorMention | None) -> bool:
    """An organised armed actor by ACLED's interaction code: one that can be a side or a perpetrator."""
    return m is not None and m.inter in ARMED_INTERS


def unarmed_new_name(m: object) -> bool:
    """An organisation found only in the text, whose name says nothing of arms ("Syrian Observatory
    for Human Rights", a news agency, "Suspected Gas Attack" in a title-case headline): no side of an
    ACLED event."""
    return getattr(m, "method", "") == "new" and getattr(m, "inter", None) is None


def forces_of_government(actor: str) -> str | None:
    """"Government of Syria" -> "Military Forces of Syria": governments do not fire missiles, their
    forces do (ACLED's naming); None for any other actor."""
    country = load_conventions().government_country(actor)
    return None if country is None else load_conventions()["military"].fill(country)


def is_state(m: ActorMention | None) -> bool:
    return m is not None and (m.inter == 1 or m.actor.startswith(STATE_PREFIXES))
