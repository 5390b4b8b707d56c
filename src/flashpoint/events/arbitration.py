"""Arbitrate between the trigger lexicon and the sentence classifier: proposals, re-typing, confidence.

Why its own module: the lexicon and the classifier each read every sentence, and they disagree in
known ways. The classifier reads the topic, not the negation, so it may propose an event only where
the lexicon found none and modality ruled nothing out; a trigger that names the means ("shelling",
"car bomb") or whose roles decided the sub-type may not be re-typed out of it; a word the sentence
lacks (``classifier_needs_words``) or one that vetoes a sub-type (an accident, a test, a storm) holds
the classifier back. These rules are one policy, the ``Arbiter``'s; the coder asks it, and
``decision`` holds the thresholds it applies.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from spacy.tokens import Doc, Span

from ..actors.conventions import load_conventions
from ..model import Article
from ..nlp import doc_text, says_any, sentence_of
from .claims import speech_verbs
from .classifier import EventClassifier
from .decision import Params, decide
from .detect import Hit, held, in_headline_case
from .draft import Draft
from .grouping import GroupingRules
from .ontology import Ontology, Trigger

_TERRITORY = {"GOV_REGAINS_TERIT", "NON_STATE_ACTOR_OVERTAKES_TER"}


class Arbiter:
    """The lexicon's and the classifier's calls on one article's mentions, settled by one policy."""

    def __init__(self, ontology: Ontology, classifier: EventClassifier | None, params: Params,
                 grouping: GroupingRules) -> None:
        self.ontology = ontology
        self.classifier = classifier  # None: the lexicon decides alone
        self.params = params
        self.grouping = grouping
        # sub-type -> the words that veto its triggers in a sentence (an accident, a test, a storm):
        # they veto the classifier's proposal of that sub-type too
        self.vetoes: dict[str, frozenset[str]] = {}
        # verbs that make a weapon word one held, not used: such a word is no word of its means
        self.held_by = frozenset(v for t in ontology.triggers for v in t.not_governors)
        for t in ontology.triggers:
            for code in {t.code, *t.by_target.values(), *t.by_agent.values()}:
                if code is None:
                    continue
                self.vetoes[code] = self.vetoes.get(code, frozenset()) | t.not_in_sentence

    def proposals(self, doc: Doc, article: Article, drafts: list[Draft], unsaid: set[int],
                  draft: Callable[[Hit], Draft | None]) -> list[Draft]:
        """Sentences the lexicon passed over but the classifier reads as an event of some kind;
        not those whose event word the lexicon found and modality ruled out ("did not attack",
        "threatened to storm"): the classifier reads the topic, not the negation. ``draft`` turns
        a hit into a mention (roles and all), as the coder does for the lexicon's hits."""
        if self.classifier is None:  # the lexicon alone proposes nothing more (the coder asks only with one)
            return []
        taken = {sentence_of(d.hit.anchor).start for d in drafts} | unsaid
        cues = self.ontology.classifier_cues
        candidates = [s for s in doc.sents if s.start_char >= article.body_start and s.start not in taken
                      and len(s) >= 4 and any(t.lemma_.lower() in cues or t.lower_ in cues for t in s)]
        if not candidates:
            return []
        probs = self._admissible(self.classifier.predict([s.text for s in candidates]), candidates)
        labels = self.classifier.labels
        none = labels.index("NONE") if "NONE" in labels else None
        out: list[Draft] = []
        for sent, p in zip(candidates, probs, strict=True):
            ranked = [i for i in p.argsort()[::-1] if i != none]
            top = ranked[0]
            if p[top] < self.params.propose_prob or (none is not None and p[top] <= p[none]):
                continue
            if float(p[top]) < self.params.propose_after_event_prob and self._follows_event(sent, drafts):
                continue  # later in a paragraph whose event is coded: a retelling, rarely a new event
            if says_any(sent, self.vetoes.get(labels[top], frozenset())):
                continue  # "a gas explosion in a coal mine": the accident its triggers would not code
            trigger = self._synthetic_trigger(labels[top], float(p[top]))
            anchor = sent.root
            content = [c for c in anchor.children if c.dep_ in {"ccomp", "parataxis"}]
            if anchor.lemma_ in speech_verbs("report") and content:
                anchor = content[0]  # “It continues to fund ...,” the official said: read what was said
            if in_headline_case(doc[anchor.i : anchor.i + 1]):
                continue  # "Syrian Airstrikes Kill Over 100 ...": another story's headline
            hit = Hit(trigger, doc[anchor.i : anchor.i + 1], anchor)
            proposed = draft(hit)
            if proposed is not None:
                proposed.proposed = float(p[top])
                out.append(proposed)
        return out

    @staticmethod
    def _follows_event(sent: Span, drafts: list[Draft]) -> bool:
        """Whether an earlier sentence of the same paragraph already holds an event: the rest of
        a paragraph mostly retells or comments on its event ("Heavily armed men parked a vehicle in
        the way of the patrol ... The video clip released later declared that the fighters had
        disrupted the patrol"), so a proposal there needs more than one in a fresh paragraph."""
        doc = sent.doc
        text = doc_text(doc)
        paragraph_start = text.rfind("\n", 0, sent.start_char) + 1
        return any(paragraph_start <= sentence_of(d.hit.anchor).start_char < sent.start_char for d in drafts)

    def _synthetic_trigger(self, code: str, prob: float) -> Trigger:
        sub = self.ontology.sub_events[code]  # a code the classifier knows is the ontology's
        roles = "symmetric" if code == "ARMED_CLASH" else "agent" if sub.event_type in {"Protests", "Riots"} else "svo"
        default = load_conventions().default_agent(sub.event_type)
        return Trigger(id=f"classifier:{code}", lemmas=(), phrases=(), pos=frozenset({"VERB", "NOUN", "AUX"}),
                       code=code, plover_type=sub.plover, plover_mode=None, roles=roles,
                       default_agent=default, weight=round(prob, 3))

    def classify(self, drafts: list[Draft]) -> list[Draft]:
        """The classifier reads each ACLED mention's sentence before mentions are grouped: it may drop
        the mention (NONE) or re-type it, and it shares in the confidence. PLOVER-only mentions are
        the lexicon's alone. A mention the classifier proposed keeps its own probability."""
        for d in drafts:
            d.confidence = self._lexicon_confidence(d)
        if self.classifier is None:
            return drafts
        todo = [d for d in drafts if d.code is not None and d.proposed is None]
        if not todo:
            return drafts
        sentences = [sentence_of(d.hit.anchor) for d in todo]
        probs = self._admissible(self.classifier.predict([s.text for s in sentences]), sentences,
                                keep=[d.code for d in todo])
        dropped: set[int] = set()
        for row, d in enumerate(todo):
            verdict = decide(d.code or "", d.hit.trigger.weight, d.confidence, probs[row],
                             self.classifier.labels, self.params)
            if verdict.code is None:
                dropped.add(id(d))
                continue
            if verdict.code != d.code and self.may_retype(d, verdict.code):
                d.code = verdict.code
                d.plover = self.ontology.sub_events[verdict.code].plover
            d.confidence = verdict.confidence
        return [d for d in drafts if id(d) not in dropped]

    def may_retype(self, d: Draft, code: str) -> bool:
        """A trigger that names the means ("shelling", "car bomb", "air strike") fixes the event type:
        the classifier may change the sub-type within it, never move it out (shelling that kills
        civilians stays Explosions/Remote violence, as ACLED codes it). Any other violent word may
        leave political violence only for the few sub-types it can turn out to be (an arrest, a foiled
        attack, force against protesters): "operations against the terrorists" is no territory transfer."""
        trig = d.hit.trigger
        own = trig.code
        by_roles = {trig.code, *trig.by_target.values(), *trig.by_agent.values()}
        if d.code in by_roles and code in by_roles and (d.roles.target is not None or d.roles.agent is not None):
            return False  # who acted on whom decided it ("gunmen killed two soldiers": a clash, not an attack)
        if d.code in _TERRITORY and code in _TERRITORY and d.roles.agent is not None:
            return False  # the state retakes, anyone else overtakes: the agent decides, not the wording
        if says_any(sentence_of(d.hit.anchor), self.vetoes.get(code, frozenset())):
            return False  # the sentence tells an accident, a test or a storm, not that sub-type
        a, b = self.ontology.sub_event(own), self.ontology.sub_event(code)
        if a is None or b is None:
            return True
        if trig.id in self.ontology.fixed_means:
            return (own, code) in self.grouping.refinements  # a car bomb is no air strike
        if own in self.ontology.means_precedence:
            return a.event_type == b.event_type
        violent = self.ontology.violent_types
        if a.event_type in violent and b.event_type not in violent:
            return code in self.ontology.violence_may_become  # a violent word: violence happened
        return True

    def _lexicon_confidence(self, d: Draft) -> float:
        if d.proposed is not None:
            return round(min(0.99, d.proposed), 3)  # the classifier's own call
        complete = sum([d.actor1 is not None, d.time is not None,
                        d.location is not None and d.location.geonameid is not None])
        confidence = d.hit.trigger.weight * (0.7 + 0.1 * complete)
        return confidence * 0.9 if d.modality == "claimed" else confidence

    def _admissible(self, probs: np.ndarray, sentences: list[Span], keep: list[str | None] | None = None) -> np.ndarray:
        """The classifier's probabilities with the codes it may not choose for each sentence set to 0:
        those that need a word of their kind the sentence lacks (``classifier_needs_words``). The
        lexicon's own code (``keep``) is never held back."""
        needs = self.ontology.classifier_needs_words
        labels = self.classifier.labels if self.classifier is not None else []
        columns = [(k, code) for k, code in enumerate(labels) if code in needs]
        if not columns:
            return probs
        out = np.array(probs, copy=True)
        for row, sent in enumerate(sentences):
            used = [t for t in sent if not held(t, self.held_by)]  # "a fighter holding a grenade": no grenade attack
            words = {t.lemma_.lower() for t in used} | {t.lower_ for t in used}
            for k, code in columns:
                if (keep is None or keep[row] != code) and not self.ontology.classifier_may_choose(code, words):
                    out[row, k] = 0.0
        return out
