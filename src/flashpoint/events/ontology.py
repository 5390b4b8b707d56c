"""The ontology and trigger lexicon, loaded once from ``data/ontology.yaml`` and ``data/triggers.yaml``."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path

from ..datafiles import read_yaml
from ..nlp import inflections
from ..settings import DATA_DIR


@dataclass(frozen=True, slots=True)
class SubEvent:
    code: str
    event_type: str
    sub_event_type: str
    plover: str
    definition: str


@dataclass(frozen=True, slots=True)
class Trigger:
    """One lexicon entry; see the header of triggers.yaml for what each field means."""

    id: str
    lemmas: tuple[str, ...]
    phrases: tuple[str, ...]
    pos: frozenset[str]
    code: str | None
    plover_type: str
    plover_mode: str | None
    roles: str = "svo"
    by_target: dict[str, str] = field(default_factory=dict)
    by_agent: dict[str, str] = field(default_factory=dict)
    casualty: str | None = None
    object_lemmas: frozenset[str] = frozenset()
    object_is: str | None = None
    governors: frozenset[str] = frozenset()
    requires_agent: bool = False
    requires_place_object: bool = False
    default_agent: str | None = None
    weight: float = 0.5
    # Modifier words that make the trigger another thing ("hunger strike", "general strike").
    not_modifiers: frozenset[str] = frozenset()
    # Words that, anywhere in the trigger's sentence, make it another thing: an accident ("a coal mine
    # blast"), a weapons test ("test-fired a missile"), a storm ("Hurricane Ivan's strike").
    not_in_sentence: frozenset[str] = frozenset()
    # Verbs that make the weapon one held, not used: "grenades were confiscated".
    not_governors: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Ontology:
    sub_events: dict[str, SubEvent]
    actor_types: dict[int, str]
    plover_types: dict[str, dict]
    triggers: tuple[Trigger, ...]
    number_words: dict[str, int]
    casualty_nouns: frozenset[str]
    casualty_predicates: dict[str, frozenset[str]]
    aggregate_cues: tuple[str, ...] = ()
    max_event_count: int = 1000
    scale_words: dict[str, int] = field(default_factory=dict)
    means_precedence: tuple[str, ...] = ()
    generic_violence: frozenset[str] = frozenset()
    fights: frozenset[str] = frozenset()  # generic when linked in a sentence, an event kind in an article
    descriptive_participles: frozenset[str] = frozenset()  # "members fighting alongside ...": no event
    singular_determiners: frozenset[str] = frozenset({"a", "an"})  # "another soldier died": one victim
    caption_from_sentence: int = 3  # present-tense captions are read so from this sentence on
    casualty_verbs: frozenset[str] = frozenset()  # every casualty predicate, of any kind
    outcomes: frozenset[str] = frozenset()
    event_heads: frozenset[str] = frozenset()
    # nouns that name a group as a whole ("the group that kidnapped ..."), beside casualty_nouns' people
    actor_heads: frozenset[str] = frozenset()
    # "a wave of air strikes": nouns that only count or group the event noun after "of"
    collective_heads: frozenset[str] = frozenset()
    classifier_cues: frozenset[str] = frozenset()
    # sub-event code -> words one of which the sentence must have for the classifier to choose it
    classifier_needs_words: dict[str, frozenset[str]] = field(default_factory=dict)
    # event types of political violence, and the other sub-types a violent word may still turn out to be
    violent_types: frozenset[str] = frozenset()
    violence_may_become: frozenset[str] = frozenset()
    fixed_means: frozenset[str] = frozenset()  # trigger ids whose means the classifier may not change

    def classifier_may_choose(self, code: str, words: frozenset[str] | set[str]) -> bool:
        """Whether a sentence with these words (lemmas and written forms, lower case) may be given
        ``code`` by the classifier alone."""
        needed = self.classifier_needs_words.get(code)
        return needed is None or not needed.isdisjoint(words)

    def sub_event(self, code: str | None) -> SubEvent | None:
        return self.sub_events.get(code) if code else None


def _read(path: Path) -> dict:
    return read_yaml(path)


@functools.lru_cache(maxsize=4)
def load_ontology(data_dir: Path = DATA_DIR) -> Ontology:
    onto = _read(data_dir / "ontology.yaml")
    lex = _read(data_dir / "triggers.yaml")
    sub_events = {
        code: SubEvent(code, v["event_type"], v["sub_event_type"], v["plover"], v["definition"])
        for code, v in onto["acled_sub_events"].items()
    }
    triggers = []
    for t in lex["triggers"]:
        code = t.get("code")
        if code is not None and code not in sub_events:
            raise ValueError(f"triggers.yaml: {t['id']} names unknown ACLED code {code!r}")
        for v in list(t.get("by_target", {}).values()) + list(t.get("by_agent", {}).values()):
            if v not in sub_events:
                raise ValueError(f"triggers.yaml: {t['id']} names unknown ACLED code {v!r}")
        triggers.append(Trigger(
            id=t["id"],
            lemmas=tuple(t.get("lemmas", ())),
            phrases=tuple(t.get("phrases", ())),
            pos=frozenset(t.get("pos", ("NOUN", "VERB"))),
            code=code,
            plover_type=t["plover"]["type"],
            plover_mode=t["plover"].get("mode"),
            roles=t.get("roles", "svo"),
            by_target=dict(t.get("by_target", {})),
            by_agent=dict(t.get("by_agent", {})),
            casualty=t.get("casualty"),
            object_lemmas=frozenset(t.get("object_lemmas", ())),
            object_is=t.get("object_is"),
            governors=frozenset(t.get("governors", ())),
            requires_agent=bool(t.get("requires_agent", False)),
            requires_place_object=bool(t.get("requires_place_object", False)),
            default_agent=t.get("default_agent"),
            weight=float(t.get("weight", 0.5)),
            not_modifiers=frozenset(w.lower() for w in t.get("not_modifiers", ())),
            not_in_sentence=frozenset(w.lower() for w in t.get("not_in_sentence", ())),
            not_governors=frozenset(w.lower() for w in t.get("not_governors", ())),
        ))
    unknown = set(lex.get("fixed_means", ())) - {t.id for t in triggers}
    if unknown:
        raise ValueError(f"triggers.yaml: fixed_means names unknown trigger(s) {sorted(unknown)}")
    return Ontology(
        sub_events=sub_events,
        actor_types={int(k): v for k, v in onto["acled_actor_types"].items()},
        plover_types=onto["plover_types"],
        triggers=tuple(triggers),
        number_words={str(k).lower(): int(v) for k, v in lex["number_words"].items()},
        scale_words={str(k).lower(): int(v) for k, v in lex.get("scale_words", {}).items()},
        casualty_nouns=frozenset(lex["casualty_nouns"]),
        casualty_predicates={k: frozenset(v) for k, v in lex["casualty_predicates"].items()},
        casualty_verbs=frozenset(w for v in lex["casualty_predicates"].values() for w in v),
        aggregate_cues=tuple(lex.get("aggregate_cues", ())),
        max_event_count=int(lex.get("max_event_count", 1000)),
        means_precedence=tuple(lex.get("means_precedence", ())),
        generic_violence=frozenset(lex.get("generic_violence", ())),
        fights=frozenset(lex.get("fights", ())),
        descriptive_participles=frozenset(lex.get("descriptive_participles", ())),
        singular_determiners=frozenset(lex.get("singular_determiners", ("a", "an"))),
        caption_from_sentence=int(lex.get("caption_from_sentence", 3)),
        outcomes=frozenset(lex.get("outcomes", ())),
        event_heads=frozenset(lex.get("event_heads", ())),
        actor_heads=frozenset(lex.get("actor_heads", ())),
        collective_heads=frozenset(lex.get("collective_heads", ())),
        # The cue words in their written forms too (a misread lemma must not hide "raped"); the
        # words of trigger phrases as they stand (their inflections, such as "forces", are in
        # nearly every sentence, and a trigger that fires takes its sentence anyway).
        classifier_cues=frozenset(
            [form for w in lex.get("classifier_cues", ()) for form in inflections(w)]
            + [w for t in lex["triggers"] for p in [*t.get("lemmas", ()), *t.get("phrases", ())] for w in p.split()]
        ),
        classifier_needs_words=_needs_words(lex.get("classifier_needs_words") or {}, sub_events),
        violent_types=frozenset(lex.get("violent_types", ())),
        violence_may_become=frozenset(_codes(lex.get("violence_may_become", ()), sub_events, "violence_may_become")),
        fixed_means=frozenset(lex.get("fixed_means", ())),
    )


def _codes(codes: list[str], sub_events: dict[str, SubEvent], key: str) -> list[str]:
    unknown = [c for c in codes if c not in sub_events]
    if unknown:
        raise ValueError(f"triggers.yaml: {key} names unknown ACLED code(s) {unknown}")
    return list(codes)


def _needs_words(raw: dict, sub_events: dict[str, SubEvent]) -> dict[str, frozenset[str]]:
    for code in raw:
        if code not in sub_events:
            raise ValueError(f"triggers.yaml: classifier_needs_words names unknown ACLED code {code!r}")
    return {code: frozenset(form for w in words for form in inflections(w)) for code, words in raw.items()}
