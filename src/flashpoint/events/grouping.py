"""One real event, however many times the article tells it: mentions grouped into events.

Why: news tells its main event several times (the lead, a retelling, a quote, "the blast took place
in ...", "the death toll rose to ..."), often with other words and a different first guess at the
type ("air raids" in the lead, "the attack" later, "were killed" in between). A coder writes one row
for it and takes each field from whichever telling gives it. So each mention, in text order, joins
the most recent event it agrees with (same kind of event, no other place, no other day, no other
perpetrator), or founds one. A mention that only points back ("the attack") never founds an event,
and a sentence that says it tells another one ("another seven people were killed in ...") joins
only an event of its own sub-type at its own town.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from spacy.tokens import Span

from ..datafiles import read_yaml
from ..distance import haversine_km
from ..model import Location
from ..nlp import sentence_number, sentence_of
from ..settings import DATA_DIR
from ..times import TimeValue
from .claims import speech_verbs
from .draft import Draft, forces_of_government, unarmed_new_name
from .ontology import Ontology


@dataclass(frozen=True, slots=True)
class GroupingRules:
    same_place_km: float
    new_event_words: frozenset[str]
    reach_sentences: int
    # (first telling's sub-type, a later telling's finer one): "a bomb blast" later told as a suicide bombing
    refinements: frozenset[tuple[str, str]] = frozenset()
    # trigger ids whose sub-type is a guess inside its event type ("the bombing")
    guessed_means: frozenset[str] = frozenset()
    # "shelling also hit ...": a further event when the mention's place or toll differs
    also_words: frozenset[str] = frozenset()
    # an event dated only to a longer stretch is history or a campaign (``told_only_vaguely``); the
    # filling section's vague_days, past which no row carries a date either
    vague_event_days: int = 27


@functools.lru_cache(maxsize=2)
def load_rules(path: Path = DATA_DIR / "article_events.yaml") -> GroupingRules:
    data = read_yaml(path)
    raw = data["grouping"]
    return GroupingRules(float(raw["same_place_km"]), frozenset(w.lower() for w in raw["new_event_words"]),
                         int(raw["reach_sentences"]),
                         frozenset((str(a), str(b)) for a, b in raw.get("refinements", ())),
                         frozenset(raw.get("guessed_means", ())),
                         frozenset(w.lower() for w in raw.get("also_words", ())),
                         int(data["filling"]["vague_days"]))


# ------------------------------------------------------------------------------------------ agreement
def loose(d: Draft, ontology: Ontology) -> bool:
    """A mention that names violence without saying what kind: an outcome ("were killed"), a
    generic act ("the attack"), a back-reference or a classifier's guess. Its type is a first guess
    that a more telling mention of the same event overrides. A fight ("clashes") is its own kind of
    event in the body, but a headline's "Clashes in Basra" only retells the body's event."""
    trig = d.hit.trigger
    return (d.hit.anaphoric or d.proposed is not None or trig.id in ontology.outcomes
            or trig.id in ontology.generic_violence or (d.hit.in_headline and trig.id in ontology.fights))


def same_kind(a: Draft, b: Draft, ontology: Ontology) -> bool:
    """Whether two mentions could tell one event by their type alone."""
    if a.code is None or b.code is None:
        return a.code is None and b.code is None and a.plover == b.plover
    if a.code == b.code:
        return True
    sa, sb = ontology.sub_event(a.code), ontology.sub_event(b.code)
    if sa is None or sb is None:
        return False
    if sa.event_type == sb.event_type and sa.event_type != "Strategic developments":
        return True
    violent = {"Battles", "Explosions/Remote violence", "Violence against civilians"}
    return (loose(a, ontology) or loose(b, ontology)) and sa.event_type in violent and sb.event_type in violent


def _coarse(loc: Location) -> bool:
    return (loc.geo_precision or 3) >= 3


def places_agree(a: Location | None, b: Location | None, km: float) -> bool:
    """No place, or places that can be one: the same town, towns within ``km``, or a town inside
    the province or country the other names."""
    if a is None or b is None:
        return True
    if a.geonameid is not None and a.geonameid == b.geonameid:
        return True
    if a.country and b.country and a.country != b.country:
        return False
    if _coarse(a) and _coarse(b):
        return a.admin1 is None or b.admin1 is None or a.admin1 == b.admin1
    if _coarse(a) or _coarse(b):
        area, town = (a, b) if _coarse(a) else (b, a)
        return area.admin1 is None or area.admin1 == town.admin1
    if a.lat is None or a.lon is None or b.lat is None or b.lon is None:
        return a.name == b.name
    return haversine_km(a.lat, a.lon, b.lat, b.lon) <= km


def times_agree(a: TimeValue | None, b: TimeValue | None) -> bool:
    if a is None or b is None:
        return True
    return not (a.date_end < b.date_start or b.date_end < a.date_start)


def _named(m: object) -> str | None:
    """The side an actor mention names, if it names one: "Government of Syria" and "Military Forces of
    Syria" are one side of a violent event ("regime bombs" and "regime barrel bombs"). An organisation
    found only in the text whose name says nothing of arms is no side (``assembly`` drops it too), so
    it does not keep a headline's telling apart from the body's."""
    actor = getattr(m, "actor", None)
    if actor is None or actor.startswith("Unidentified") or getattr(m, "method", "") == "generic":
        return None
    if unarmed_new_name(m):
        return None
    return forces_of_government(actor) or actor


def actors_agree(a: Draft, b: Draft) -> bool:
    """No two different named perpetrators; the sides of a clash may be told in either order."""
    a1, b1 = _named(a.actor1), _named(b.actor1)
    if a1 is None or b1 is None or a1 == b1:
        return True
    return a1 == _named(b.actor2) or b1 == _named(a.actor2)


def _tolls_agree(a: Draft, b: Draft, either_loose: bool = False) -> bool:
    """Two different death tolls with two different sub-types are two events; one sub-type with two
    figures is one event whose toll was updated ("rose to 112"); a loose telling with a smaller figure
    breaks the toll down ("US air strikes killed 50 militants and eight civilians ... most of the 50
    fighters killed in the attacks were foreigners")."""
    fa, fb = a.counts.get("fatalities"), b.counts.get("fatalities")
    if fa is None or fb is None or fa.value == fb.value or a.code == b.code:
        return True
    return either_loose and fb.value < fa.value


def says_another(d: Draft, words: frozenset[str]) -> bool:
    """A word before the trigger that says a further event is told ("Another seven people were ...")."""
    sent = sentence_of(d.hit.anchor)
    return any(t.lower_ in words for t in sent if t.i < d.hit.anchor.i)


def told_only_vaguely(group: Draft, days: int) -> bool:
    """An event whose time is a stretch of more than ``days`` ("last September", "in 2015")."""
    spanned = group.time.days_spanned() if group.time is not None else None
    return spanned is not None and spanned > days


def adds_another(group: Draft, d: Draft, words: frozenset[str]) -> bool:
    """"In the town of X shelling also hit a school", "shelling on Y also killed three": a sentence
    that says it adds to what was told, with a place or a death toll of its own that is not the
    event's, tells a further event. Without one ("the strikes also wounded twelve") it adds a detail,
    and a source that "also reported the blast" adds a telling, not an event."""
    if not any(t.lower_ in words and t.head.lemma_.lower() not in speech_verbs() for t in sentence_of(d.hit.anchor)):
        return False
    own_place = (d.location is not None and group.location is not None
                 and d.location.geonameid != group.location.geonameid)
    fd, fg = d.counts.get("fatalities"), group.counts.get("fatalities")
    return own_place or (fd is not None and fg is not None and fd.value != fg.value)


def _all_loose(group: Draft, ontology: Ontology) -> bool:
    return _all_mentions(group, "loose", lambda m: loose(m, ontology))


def _all_mentions(group: Draft, name: str, test: Callable[[Draft], bool]) -> bool:
    """Whether every mention of ``group`` passes ``test`` (a test of the mention alone, by
    ``name``), checking only the members added since the last call (``Draft.all_memo``)."""
    checked, ok = group.all_memo.get(name) or (0, test(group))
    if ok:
        ok = all(test(m) for m in group.members[checked:])
    group.all_memo[name] = (len(group.members), ok)
    return ok


def near(group: Draft, d: Draft, reach: int) -> bool:
    """Whether ``d`` is told within ``reach`` sentences after one of the event's tellings."""
    here = sentence_number(d.hit.anchor)
    for t in reversed(group.tellings):  # in text order (``_add_tellings``): the latest one before d is nearest
        told = sentence_number(t[0])
        if told <= here:
            return here - told <= reach
    return False


def _add_tellings(group: Draft, spans: list[Span], *, front: bool = False) -> None:
    """Add the sentences of a mention that joins ``group`` to its tellings, each once, keeping them
    in text order: body mentions join in text order (appended) and a headline opens the text
    (``front``). Why the order matters: an article of thousands of sentences (a long dump) tells
    one event thousands of times, and an ordered list is checked from its end, not scanned whole."""
    new = [s for s in spans if not _told(group.tellings, s)]
    if front:
        group.tellings[:0] = new
    else:
        group.tellings += new


def _told(tellings: list[Span], s: Span) -> bool:
    for t in reversed(tellings):
        if t.start == s.start:
            return True
        if t.start < s.start:
            return False
    return False


def _same_spot(a: Location | None, b: Location | None, km: float) -> bool:
    """Both placed at a town (or part of one), and the same one."""
    return a is not None and b is not None and not _coarse(a) and not _coarse(b) and places_agree(a, b, km)


def _same_province(a: Location | None, b: Location | None) -> bool:
    return (a is not None and b is not None and a.admin1 is not None and a.admin1 == b.admin1
            and a.country == b.country)


def _compatible(group: Draft, d: Draft, ontology: Ontology, rules: GroupingRules) -> bool:
    """Nothing the two say differs: the same kind of event (two mentions that each name their means,
    "rockets" and "air strikes", are two events unless one refines the other; a mention that names
    none, "were killed", "the attack", may tell either), and no other place, day, perpetrator or toll.
    A headline's country says nothing against a body's place: "US airstrike in Syrias Raqqa" reads
    the nationality word as the place when the country name it meant is misspelt; nor does a headline's
    place in the body's province ("in Syria's Idlib" read as the city, over a town of the province)."""
    if not same_kind(group, d, ontology):
        return False
    either_loose = loose(d, ontology) or _all_loose(group, ontology)
    either_guessed = (guessed(d, rules) or _all_guessed(group, rules)) and _same_type(group.code, d.code, ontology)
    if group.code != d.code and not (either_loose or either_guessed) and not refines(group.code, d.code, rules):
        return False
    place = d.location
    if d.hit.in_headline and place is not None and place.admin1 is None and _coarse(place):
        place = None
    if d.hit.in_headline and _same_province(place, group.location):
        place = None  # "Gas attack in Syria's Idlib" over a body's Khan Sheikhun: the headline names the province
    return (places_agree(group.location, place, rules.same_place_km) and times_agree(group.time, d.time)
            and actors_agree(group, d) and _tolls_agree(group, d, either_loose))


def agrees(group: Draft, d: Draft, ontology: Ontology, rules: GroupingRules) -> bool:
    """Whether body mention ``d`` can tell the event ``group`` (with all its mentions so far): it is
    compatible, and a mention far from the event's tellings joins it only by pointing back ("the
    blast") or by naming the same town."""
    if not _compatible(group, d, ontology, rules):
        return False
    if not d.hit.anaphoric and not near(group, d, rules.reach_sentences) \
            and not _same_spot(group.location, d.location, rules.same_place_km):
        return False
    if not d.hit.anaphoric and says_another(d, rules.new_event_words):
        return d.code == group.code and _same_spot(group.location, d.location, rules.same_place_km)
    if not d.hit.anaphoric and d.time is None and told_only_vaguely(group, rules.vague_event_days):
        return False  # "Russia began air strikes last September ... bombers had struck around Deir Ezzor"
    return d.hit.anaphoric or not adds_another(group, d, rules.also_words)


def guessed(d: Draft, rules: GroupingRules) -> bool:
    """A mention whose trigger leaves the means open within its event type ("the bombing")."""
    return d.proposed is None and d.hit.trigger.id in rules.guessed_means


def _all_guessed(group: Draft, rules: GroupingRules) -> bool:
    return _all_mentions(group, "guessed", lambda m: guessed(m, rules))


def _same_type(a: str | None, b: str | None, ontology: Ontology) -> bool:
    sa, sb = ontology.sub_event(a), ontology.sub_event(b)
    return sa is not None and sb is not None and sa.event_type == sb.event_type


def refines(a: str | None, b: str | None, rules: GroupingRules) -> bool:
    """Whether a telling of sub-type ``b`` may reveal more of an event first told as ``a`` (either order)."""
    return (a, b) in rules.refinements or (b, a) in rules.refinements


# ------------------------------------------------------------------------------------------ grouping
def _absorb(group: Draft, d: Draft, ontology: Ontology, rules: GroupingRules) -> None:
    """``d`` tells ``group`` again: its evidence and whatever fields it adds join the event."""
    if _names_it_better(group, d, ontology, rules):
        group.code, group.plover = d.code, d.plover
        group.confidence = max(group.confidence, d.confidence)
    group.members.append(d)
    _add_tellings(group, d.tellings)
    if group.actor1 is None and d.actor1 is not None and (d.actor2 is None or group.actor2 is None
                                                         or d.actor1.actor != group.actor2.actor):
        group.actor1 = d.actor1
    if group.actor2 is None and d.actor2 is not None and (group.actor1 is None or d.actor2.actor != group.actor1.actor):
        group.actor2 = d.actor2
    if d.time is not None and (group.time is None or d.time.precision < group.time.precision):
        group.time, group.time_span = d.time, d.time_span
    if d.location is not None and (
        group.location is None
        or (d.location.geo_precision or 3) < (group.location.geo_precision or 3)
        or (d.location.detail and not group.location.detail and d.location.geonameid == group.location.geonameid)
    ):
        group.location, group.location_span = d.location, d.location_span
    for kind, count in d.counts.items():
        group.counts.setdefault(kind, count)
    group.background = group.background and d.background


def group_mentions(drafts: list[Draft], ontology: Ontology, rules: GroupingRules | None = None) -> list[Draft]:
    """The article's events: each body mention, in text order, joins the latest event it agrees with,
    or founds one (a back-reference that agrees with none is dropped). Then each headline mention
    joins the first body event it tells, or founds an event of its own when the body tells none of
    its kind (a short item whose headline alone tells the event); a headline word that names no
    means ("clash", "attack") founds one only when the body tells no event at all."""
    rules = rules or load_rules()
    groups: list[Draft] = []
    for d in sorted(drafts, key=lambda x: x.start):
        if d.hit.in_headline:
            continue
        home = next((g for g in reversed(groups) if agrees(g, d, ontology, rules)), None)
        if home is not None:
            _absorb(home, d, ontology, rules)
        elif not d.hit.anaphoric:
            groups.append(d)
    founded: list[Draft] = []
    for h in (d for d in drafts if d.hit.in_headline and not d.hit.anaphoric):
        # a headline word that names no means ("attack", "killed") can only tell the article's lead
        candidates = groups if not loose(h, ontology) else groups[:1]
        home = next((g for g in candidates if _compatible(g, h, ontology, rules)), None)
        if home is not None:
            _absorb_headline(home, h, ontology, rules)
        elif not any(same_kind(g, h, ontology) for g in groups + founded) and not (loose(h, ontology) and groups):
            founded.append(h)  # "Mosque set on fire in Netherlands" and a body that only tells the reactions
    return founded + groups


def _absorb_headline(group: Draft, h: Draft, ontology: Ontology, rules: GroupingRules) -> None:
    """The headline tells the body's event: its words are evidence, its means may name a loosely told
    event ("Air strikes kill 45" over "45 people were killed") and its figure stands in for a missing one.
    Its place, day and actors do not: a headline runs into captions and datelines, and its actor is
    read on the lead's own word by ``filling``."""
    if _names_it_better(group, h, ontology, rules):
        group.code, group.plover = h.code, h.plover
    group.members.append(h)
    _add_tellings(group, h.tellings, front=True)
    for kind, count in h.counts.items():
        group.counts.setdefault(kind, count)



def _names_it_better(group: Draft, d: Draft, ontology: Ontology, rules: GroupingRules) -> bool:
    """Whether ``d``'s sub-type is the better name for the event: a means over loose tellings ("were
    killed" ... "the air strike"), or a refinement ("a bomb blast" ... "a suicide attacker detonated")."""
    if d.code is None:
        return False
    return ((_all_loose(group, ontology) and not loose(d, ontology))
            or (_all_guessed(group, rules) and not guessed(d, rules) and not loose(d, ontology))
            or (group.code, d.code) in rules.refinements)
