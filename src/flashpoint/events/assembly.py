"""Assemble one output row (an ``Event``) from a settled event: ACLED's conventions, fields, evidence.

Why its own module: by the time an event reaches here, grouping and filling have decided what the
article says; what remains is how ACLED writes it down. A witness or a monitor is no side, a
government's missile strike is its military's, unarmed victims are civilians of their country, an
attack with no named perpetrator takes the trigger's default agent, a range is dated by its middle,
and every field keeps the text span that supports it. The naming conventions themselves are data
(``actors.conventions``); this module only applies them, so none is spelled here.
"""

from __future__ import annotations

import datetime as dt

from spacy.tokens import Doc

from ..actors.conventions import load_conventions
from ..actors.dictionary import ACTOR_TYPES, CIVILIANS_INTER
from ..model import AcledCoding, ActorMention, Article, Event, Evidence, PloverCoding, stable_id
from .claims import speech_verbs
from .confidence import ConfidenceModel, features as confidence_features
from .draft import Draft, forces_of_government, unarmed_new_name
from .filling import REPORT_DATE, FillingRules, civilian_victims, until_report
from .ontology import Ontology

# Event types whose unarmed victims ACLED codes as civilians of their country: an attack on them, and
# remote violence (a shell, strike or bomb) that hit them.
_HIT_CIVILIANS = frozenset(("Violence against civilians", "Explosions/Remote violence"))


def assemble_event(d: Draft, article: Article, focus_country: str | None, *, ontology: Ontology,
                   filling: FillingRules, confidence_model: ConfidenceModel | None) -> Event:
    """The row for ``d``; ``confidence_model``: the fitted one, or None to keep the raw score."""
    text = article.text
    sub = ontology.sub_event(d.code)
    a1, a2 = _armed_or_victim(d.actor1, sub), _armed_or_victim(d.actor2, sub)
    doc = d.hit.anchor.doc
    a1 = None if _speaker(a1, doc) else a1
    a2 = None if _speaker(a2, doc) else a2
    country = (d.location.country if d.location else None) or focus_country
    a1 = _military_if_material(a1, d.plover, focus_country)
    a2 = _military_if_material(a2, d.plover, focus_country) if sub is not None else a2
    if a1 is not None and a2 is not None and a1.actor == a2.actor:
        a2 = None  # one actor on both sides is a parse or merge slip, not a fight with itself
    if sub is not None and a1 is not None and a1.inter == CIVILIANS_INTER and d.plover == "ASSAULT":
        a1, a2 = None, a2 or a1  # civilians are the ones hit, never the perpetrators, in ACLED's coding
    name1, inter1 = (a1.actor, a1.inter) if a1 else (None, None)
    civilians = load_conventions()["civilians"]
    if a1 is None and d.hit.trigger.default_agent and country:
        template = d.hit.trigger.default_agent
        name1, inter1 = template.format(country=country), load_conventions().inter_of_template(template)
    name2, inter2 = (a2.actor, a2.inter) if a2 else (None, None)
    if a2 is None and sub is not None and country and civilian_victims(d, filling):
        name2, inter2 = civilians.fill(country), civilians.inter  # "killing 12 people": ACLED's civilians
    assoc2 = "; ".join(m.actor for m in d.roles.assoc_target) or None
    victims_country = a2.country or country if a2 is not None else None
    if a2 is not None and a2.method == "person" and sub is not None and sub.event_type in _HIT_CIVILIANS:
        if (a2.inter == CIVILIANS_INTER or a2.actor_type == "Person") and victims_country:
            # ACLED codes unarmed victims as civilians of their country; the name stays as evidence.
            # With no country known the person keeps their own name (never "Civilians (None)").
            name2, inter2 = civilians.fill(victims_country), civilians.inter
    ev: list[Evidence] = []

    def add(field_name: str, start: int, end: int) -> None:
        ev.append(Evidence(field_name, start, end, text[start:end]))

    for telling in d.tellings:
        add("sentence", telling.start_char, telling.end_char)
    add("trigger", d.hit.span.start_char, d.hit.span.end_char)
    for m in d.members:
        add("mention", m.hit.span.start_char, m.hit.span.end_char)
    if a1 is not None:
        add("actor1", a1.start, a1.end)
    if a2 is not None:
        add("actor2", a2.start, a2.end)
    t = until_report(d.time, parse_date(article.published), filling)
    if d.time_span and t is not None:
        add("date", *d.time_span)
    if d.location_span:
        add("location", *d.location_span)
    fatalities = injured = None
    if sub is not None:
        fatalities, injured = 0, 0
    if "fatalities" in d.counts:
        c = d.counts["fatalities"]
        fatalities = c.value
        add("fatalities", c.start, c.end)
    if "injured" in d.counts:
        c = d.counts["injured"]
        injured = c.value
        add("injured", c.start, c.end)
    date = None
    if t is not None:
        # the publication date itself for current news dated by it; a range's middle otherwise
        date = t.value if t.precision == 1 or t.anchor == REPORT_DATE else _midpoint(t.date_start, t.date_end)
    confidence = d.confidence
    if len(d.tellings) > 1:
        confidence = min(0.99, confidence + 0.05 * (len(d.tellings) - 1))
    event = Event(
        id=stable_id(article.id, d.code or d.plover, d.hit.span.start_char),
        acled=AcledCoding(sub.event_type, sub.sub_event_type, _interaction(inter1, inter2)) if sub else None,
        plover=PloverCoding(d.plover, d.hit.trigger.plover_mode),
        actor1=name1,
        actor2=name2,
        assoc_actor_1="; ".join(m.actor for m in d.roles.assoc_agent) or None,
        assoc_actor_2=assoc2,
        inter1=inter1,
        inter2=inter2,
        date=date,
        date_start=t.date_start if t else None,
        date_end=t.date_end if t else None,
        time_precision=t.precision if t else None,
        location=d.location,
        fatalities=fatalities,
        injured=injured,
        modality=d.modality,
        confidence=round(confidence, 3),
        evidence=ev,
        article_id=article.id,
    )
    if confidence_model is not None:
        event.confidence = round(confidence_model(confidence_features(event, confidence)), 3)
    return event


def parse_date(value: str | None) -> dt.date | None:
    """An ISO date (or the date part of a timestamp); None for a missing or unreadable one."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def _midpoint(start: str | None, end: str | None) -> str | None:
    a, b = parse_date(start), parse_date(end)
    if a is None or b is None:
        return start
    return (a + (b - a) / 2).isoformat()


def _interaction(a: int | None, b: int | None) -> int | None:
    codes = sorted(c for c in (a, b) if c)
    if not codes:
        return None
    return codes[0] * 10 if len(codes) == 1 else codes[0] * 10 + codes[1]


def _speaker(m: ActorMention | None, doc: Doc) -> bool:
    """A person who tells of the event ("resident Suleiman Youssef told the AP", "said Rami Abdel
    Rahman") is its witness or source, not a side of it."""
    if m is None or m.method != "person":
        return False
    span = doc.char_span(m.start, m.end, alignment_mode="expand")
    if span is None:
        return False
    root = span.root
    if root.dep_ == "appos":
        root = root.head
    return root.dep_ == "nsubj" and root.head.lemma_.lower() in speech_verbs()


def _armed_or_victim(m: ActorMention | None, sub: object) -> ActorMention | None:
    """An organisation found only in the text, whose name says nothing of arms ("Syrian Observatory
    for Human Rights", "Hijackers", a news agency, a run of place names), is no side of an ACLED
    event: the monitor that reports a strike did not strike."""
    if sub is not None and unarmed_new_name(m):
        return None
    return m


def _military_if_material(m: ActorMention | None, plover: str, focus_country: str | None) -> ActorMention | None:
    """Governments do not fire missiles: "a U.S. missile strike" is the act of the U.S. military."""
    forces = forces_of_government(m.actor) if m is not None and plover in {"ASSAULT", "COERCE"} else None
    if m is None or forces is None:
        return m
    country = load_conventions().government_country(m.actor)
    inter = load_conventions()["military"].coded_inter_in(country, focus_country)
    return ActorMention(m.start, m.end, m.text, forces, ACTOR_TYPES[inter], m.country, inter, "inferred")
