"""What the geoparser's passes hand each other: a toponym found in the text (``_Toponym``) and the
article's country and admin-area context (``_Context``).

Why apart: finding fills toponyms, the context pass counts them, resolving and co-location read both;
with the records below all of them no stage has to import another to name them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .gazetteer import Candidate, Gazetteer, normalize_name


@dataclass(slots=True)
class _Toponym:
    start: int
    end: int
    text: str
    label: str | None  # the spaCy label when spaCy called it a place; None for a gazetteer-scan find
    sentence: int  # index into the sentence list
    cue: str | None = None  # "admin" or "town" from the word after it
    candidates: list[Candidate] = field(default_factory=list)
    # "Tripoli, Lebanon", "Alexandria, La.": the country and admin areas named right after it
    within: set[tuple[str, str | None]] = field(default_factory=set)
    key: str = ""  # normalize_name(text)
    role: str | None = None  # PlaceMention.role: "demonym", "in_name", or None for a place named as one
    # "the Salah al-Din district of Aleppo", "Shahba in the Aleppo countryside": the areas it must lie in
    nested: set[tuple[str, str | None]] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.key = normalize_name(self.text)


@dataclass(slots=True)
class _Context:
    counts: Counter[str]  # country code -> weighted mentions
    admin_by_sentence: dict[int, set[tuple[str, str]]]
    gazetteer: Gazetteer
    admin_focus: dict[tuple[str, str], float] = field(default_factory=dict)  # (cc, admin1) -> share
    nearby: dict[tuple[int, int], float] = field(default_factory=dict)  # (toponym id, candidate id) -> bonus
    # admin areas implied by what the text names without resolving it ("Edgar County": Illinois)
    admin_hints: Counter[tuple[str, str]] = field(default_factory=Counter)
    # what each name's own mentions added to ``counts``: "Palestine" named five times in a Texas story must
    # not outvote the story's other places when deciding what "Palestine" itself means
    own: dict[str, Counter[str]] = field(default_factory=dict)
    # what each name's own first-pass reading added to ``counts`` (``_refine``): "al-Hadar" read as the
    # Iraqi hamlet must not make the story about Iraq when deciding whether that reading is believable
    pinned_own: dict[str, Counter[str]] = field(default_factory=dict)
    focus: dict[str, float] = field(default_factory=dict)  # country code -> share of mentions
    total: float = 0.0  # sum of ``counts``
    _regional: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.total = sum(self.counts.values())
        self.focus = {cc: n / self.total for cc, n in self.counts.items()} if self.total else {}

    def regional(self, cc: str) -> float:
        """The largest focus share among the country's neighbours: a Syria story names Lebanese towns."""
        if cc not in self._regional:
            self._regional[cc] = max((self.focus.get(n, 0.0) for n in self.gazetteer.neighbours(cc)), default=0.0)
        return self._regional[cc]
