"""Find actor mentions in a parsed article and resolve them to canonical actors.

Order of trust: a dictionary alias (or one of its spelling variants) beats a role noun, and a role
noun ("the militias") first links to the last named actor of its kind in the same article before
it falls back to a generic actor ("Unidentified Armed Group (Iraq)"). Named people are kept as
people; whether they count as civilians is read from how the article describes them.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from ..datafiles import read_yaml
from ..model import ActorMention
from ..nlp import furniture_end, lemma_matchers, sentence_of
from ..settings import DATA_DIR
from .conventions import load_conventions
from .dictionary import (
    ACTOR_TYPES,
    CIVILIANS_INTER,
    ActorDictionary,
    load_dictionary,
    normalize_name,
    spelling_variants,
)

_MODIFIER_DEPS = {"amod", "compound", "nmod", "npadvmod"}


@dataclass(frozen=True, slots=True)
class PersonInfo:
    """How the article describes a named person: decides civilian or not for ACLED."""

    civilian: bool | None
    country: str | None


class ActorResolver:
    """Matchers built once per (pipeline, dictionary); cheap to call per document."""

    def __init__(self, nlp: Language, dictionary: ActorDictionary) -> None:
        self.dictionary = dictionary
        self._keys: list[tuple[str, bool]] = []  # match label index -> (canonical, contextual)
        self.lower = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        for actor in dictionary.actors.values():
            self._add(nlp, actor.name, actor.aliases, contextual=False)
        for name, aliases in dictionary.contextual.items():
            self._add(nlp, name, aliases, contextual=True)
        self.settings = _resolution_settings()
        # role nouns ("army", "gunmen"), and the lower-case words a sentence may open with capitalised
        self._role_lemmas = frozenset(lemma for rule in dictionary.generic for lemma in rule.lemmas)
        self._known_words = self._role_lemmas | dictionary.government_words | dictionary.state_weapons
        pairs = sorted({(normalize_name(a), actor.name) for actor in dictionary.actors.values() for a in actor.aliases})
        self._alias_keys = [k for k, _ in pairs]
        self._alias_names = [n for _, n in pairs]
        self.generic = lemma_matchers(
            nlp.vocab, [(f"generic:{i}", list(rule.lemmas)) for i, rule in enumerate(dictionary.generic)]
        )

    def _add(self, nlp: Language, name: str, aliases: list[str], *, contextual: bool) -> None:
        key = f"{len(self._keys)}"
        self._keys.append((name, contextual))
        exact: list[Doc] = []
        lower: list[Doc] = []
        for alias in aliases:
            for variant in spelling_variants(alias):
                doc = nlp.make_doc(variant)
                # One-word aliases collide with English words ("Hashed", "IS", "US"): match them
                # with their capitalisation; longer names are safe case-insensitively.
                (exact if len(doc) == 1 else lower).append(doc)
                if len(doc) == 1 and not variant.isupper():
                    exact.append(nlp.make_doc(variant.upper()))
        if exact:
            self.exact.add(key, exact)
        if lower:
            self.lower.add(key, lower)

    def resolve(
        self,
        doc: Doc,
        *,
        focus_country: str | None,
        blocked: Sequence[tuple[int, int]] = (),
    ) -> list[ActorMention]:
        """Actor mentions in document order. ``blocked`` are char ranges already known as places."""
        named = self._dictionary_spans(doc, focus_country)
        taken = {t for span, _ in named for t in range(span.start, span.end)}
        mentions: list[tuple[Span, ActorMention]] = [
            (span, self._named_mention(span, name)) for span, name in named
        ]
        organisations = self._organisation_mentions(doc, taken, blocked)
        taken |= {t for span, _ in organisations for t in range(span.start, span.end)}
        mentions += organisations
        mentions += self._person_mentions(doc, taken, blocked, focus_country)
        taken |= {t for span, _ in mentions for t in range(span.start, span.end)}
        mentions.sort(key=lambda m: m[0].start)
        generic = self._generic_mentions(doc, taken, mentions, focus_country)
        # "Tags Aleppo Idlib Syria ...": names in a page's tag line are topics, not actors
        kept = [(span, m) for span, m in mentions + generic if span.start >= furniture_end(span[0])]
        return sorted((m for _, m in kept), key=lambda m: (m.start, m.end))

    # --- named actors -------------------------------------------------------------------------
    def _dictionary_spans(self, doc: Doc, focus_country: str | None) -> list[tuple[Span, str]]:
        spans: list[Span] = []
        labels: dict[tuple[int, int], str] = {}
        for matcher in (self.lower, self.exact):
            for match_id, start, end in matcher(doc):
                name, contextual = self._keys[int(doc.vocab.strings[match_id])]
                if contextual and (focus_country is None or self.dictionary.actors[name].country != focus_country):
                    continue
                if _sponsor_modifier(doc, end):
                    continue  # "Iran-backed militias": Iran backs the actor, it is not the actor
                span = Span(doc, start, end)
                spans.append(span)
                # The same words naming two actors: the one specific to this article's country wins.
                if (start, end) not in labels or contextual:
                    labels[(start, end)] = name
        return [(s, labels[(s.start, s.end)]) for s in filter_spans(spans)]

    def _named_mention(self, span: Span, name: str, method: str = "dictionary") -> ActorMention:
        actor = self.dictionary.actors[name]
        return ActorMention(
            start=span.start_char, end=span.end_char, text=span.text, actor=actor.name,
            actor_type=actor.actor_type, country=actor.country, inter=actor.inter, method=method,
        )

    # --- organisations no alias names exactly ----------------------------------------------------
    def _organisation_mentions(
        self, doc: Doc, taken: set[int], blocked: Sequence[tuple[int, int]]
    ) -> list[tuple[Span, ActorMention]]:
        """Names spaCy calls organisations (or people: it tags "Hashd al-Shaabi" as a PERSON):
        a spelling close enough to an alias resolves to that actor; an organisation nobody knows
        is kept as a new actor with a type guessed from its name, never dropped."""
        out: list[tuple[Span, ActorMention]] = []
        for ent in doc.ents:
            if ent.label_ not in {"ORG", "PERSON"} or any(t.i in taken for t in ent):
                continue
            if any(ent.start_char < e and s < ent.end_char for s, e in blocked):
                continue
            span = ent[1:] if ent[0].lower_ == "the" and len(ent) > 1 else ent
            name = self._fuzzy(span.text)
            if name is not None:
                out.append((span, self._named_mention(span, name, method="fuzzy")))
            elif (ent.label_ == "ORG" and not self._is_place_name(span.text) and not self._place_then_role(span)
                  and not self._capitalised_word(span)):
                inter = self._guess_inter(span.text)
                out.append((span, ActorMention(
                    start=span.start_char, end=span.end_char, text=span.text, actor=" ".join(span.text.split()),
                    actor_type=ACTOR_TYPES.get(inter, "Organisation") if inter else "Organisation",
                    country=None, inter=inter, method="new",
                )))
        return out

    def _fuzzy(self, text: str) -> str | None:
        key = normalize_name(text)
        exact = self.dictionary.lookup(text)
        if exact is not None:
            return exact
        if len(key) < self.settings["fuzzy_min_length"]:
            return None
        hit = process.extractOne(key, self._alias_keys, scorer=fuzz.ratio,
                                 score_cutoff=self.settings["fuzzy_threshold"])
        return self._alias_names[hit[2]] if hit else None

    @staticmethod
    def _is_place_name(name: str) -> bool:
        """spaCy often calls a town an organisation ("Djibo", "Niamey recorded ..."); the gazetteer knows.
        A place's possessive written without its apostrophe ("Syrias") is the place too."""
        from ..places import Gazetteer

        try:
            gaz = Gazetteer.load()
            if gaz.lookup(name, loose=False):
                return True
            return name.endswith("s") and len(name) > 4 and " " not in name and bool(gaz.lookup(name[:-1], loose=False))
        except Exception:  # noqa: BLE001 - without a gazetteer, keep the organisation
            return False

    def _capitalised_word(self, span: Span) -> bool:
        """"Regime air strikes hit ...", "Barrel bombs fell ...": a word the dictionary knows in lower
        case (a government word, a state's weapon, a role noun), capitalised only because it opens the
        sentence, is that word, not a new organisation."""
        if len(span) != 1 or not span[0].is_sent_start:
            return False
        return span[0].lower_ in self._known_words or span[0].lemma_.lower() in self._known_words

    def _place_then_role(self, span: Span) -> bool:
        """"Lattakia Army", "Daraa Police": spaCy ran a place and a role noun into one name; the role
        noun is then read as the generic actor it is, not as a new organisation."""
        for k in range(1, len(span)):
            rest = " ".join(t.lemma_.lower() for t in span[k:])
            if rest in self._role_lemmas and self._is_place_name(span[:k].text):
                return True
        return False

    def _guess_inter(self, name: str) -> int | None:
        words = " " + " ".join(normalize_name(name).split()) + " "
        for rule in self.settings["new_actor_types"]:
            if any(f" {normalize_name(w)} " in words for w in rule["words"]):
                return rule["inter"]
        return None

    # --- people -------------------------------------------------------------------------------
    def _person_mentions(
        self, doc: Doc, taken: set[int], blocked: Sequence[tuple[int, int]], focus_country: str | None
    ) -> list[tuple[Span, ActorMention]]:
        out: list[tuple[Span, ActorMention]] = []
        full_names: dict[str, tuple[str, PersonInfo]] = {}
        for ent in doc.ents:
            if ent.label_ != "PERSON" or any(t.i in taken for t in ent):
                continue
            if any(ent.start_char < e and s < ent.end_char for s, e in blocked):
                continue
            tokens = [t for t in ent if t.pos_ == "PROPN" or t.text[:1].isupper()]
            # "Mashzoub's kinsman": keep the name, drop what follows the possessive.
            cut = next((i for i, t in enumerate(tokens) if t.dep_ == "case" or t.text in {"'s", "\u2019s"}), None)
            if cut is not None:
                tokens = tokens[:cut]
            if not tokens:
                continue
            span = doc[tokens[0].i : tokens[-1].i + 1]
            name = span.text
            if len(span) == 1 and name in full_names:
                name, info = full_names[name]  # "Mashzoub" after "Alaa Mashzoub": the same person
            elif len(span) == 1:
                continue  # a lone capitalised word is too often a place or group the model mislabels
            else:
                info = self.describe_person(span, focus_country)
                full_names[span[-1].text] = (name, info)
            inter = 7 if info.civilian else None
            kind = ACTOR_TYPES[7] if info.civilian else ("Armed person" if info.civilian is False else "Person")
            out.append((span, ActorMention(
                start=span.start_char, end=span.end_char, text=span.text, actor=name,
                actor_type=kind,
                country=info.country, inter=inter, method="person",
            )))
        return out

    def describe_person(self, span: Span, focus_country: str | None) -> PersonInfo:
        """Read the words around a name: "Iraqi novelist X" is a civilian, "X, a militia leader" is not."""
        root = span.root
        descriptors: list[Token] = [c for c in root.children
                                    if c.dep_ in {"compound", "appos", "amod"} and c.i < span.start
                                    or c.dep_ == "appos"]
        if root.dep_ == "appos":
            descriptors.append(root.head)
        words: set[str] = set()
        country = None
        for d in descriptors:
            for t in d.subtree:
                words.add(t.lemma_.lower())
                country = country or self.dictionary.country_of_demonym(t.text)
        if words & self.dictionary.armed_roles or "militia" in words:
            civilian: bool | None = False
        elif words & self.dictionary.civilian_roles:
            civilian = True
        else:
            civilian = None
        return PersonInfo(civilian, country or focus_country)

    # --- role nouns ---------------------------------------------------------------------------
    def _generic_mentions(
        self,
        doc: Doc,
        taken: set[int],
        earlier: list[tuple[Span, ActorMention]],
        focus_country: str | None,
    ) -> list[tuple[Span, ActorMention]]:
        found: list[Span] = []
        rules: dict[tuple[int, int], int] = {}
        matches = {m for matcher in self.generic for m in matcher(doc)}
        for match_id, start, end in sorted(matches, key=lambda m: (m[1], m[2], m[0])):
            head = doc[end - 1]
            if head.pos_ not in {"NOUN", "PROPN"} or any(i in taken for i in range(start, end)):
                continue
            if head.dep_ in {"compound", "amod"} and head.head.pos_ in {"NOUN", "PROPN"} and head.head.i > head.i:
                continue  # "police officers": the head noun carries the mention; "novelist X": a descriptor
            span = doc[start:end]
            found.append(span)
            rules[(start, end)] = int(doc.vocab.strings[match_id].split(":")[1])
        out: list[tuple[Span, ActorMention]] = []
        for span in filter_spans(found):
            rule = self.dictionary.generic[rules[(span.start, span.end)]]
            head = span[-1]
            if rule.inter != CIVILIANS_INTER and self._names_a_group(head, taken):
                continue  # "CJNG gunmen", "militants of the Balochistan Liberation Army": the name says who
            left = span.start
            for mod in sorted((c for c in head.lefts if c.dep_ in _MODIFIER_DEPS), key=lambda c: -c.i):
                edge = mod.left_edge.i
                # The parser sometimes hangs a caption word on the next paragraph: never cross a line.
                if edge < sentence_of(head).start or any("\n" in t.text_with_ws for t in doc[edge : span.start]):
                    break
                left = min(left, edge)
            full = doc[left : span.end]
            demonym = self._demonym_in(full)
            if demonym is None and rule.inter == CIVILIANS_INTER:
                # "a US hostage", "UN election workers": the name before them says whose civilians
                # they are, not who they are (they stay civilians; the name keeps its own mention)
                demonym = next((m.country for s, m in earlier if full.start <= s.start and s.end <= head.i
                                and m.country), None)
            linked = self._link(rule.link, head.i, earlier, demonym, rule.link_except)
            if linked is not None:
                m = ActorMention(
                    start=full.start_char, end=full.end_char, text=full.text, actor=linked.actor,
                    actor_type=linked.actor_type, country=linked.country, inter=linked.inter, method="link",
                )
            elif rule.template is None:
                continue  # "the group" with no named group before it names nobody
            else:
                if rule.needs_owner and demonym is None and not self._names_own_state(full, head):
                    continue  # "warplanes" alone: whose, the phrase does not say
                country = demonym or focus_country
                name = self._fill(rule.template, country)
                inter = rule.inter
                if inter == 1 and rule.template.startswith(_STATE_FORCES) and country and country != focus_country:
                    inter = 8  # "Russian warplanes" in a Syria story: a foreign state's forces
                m = ActorMention(
                    start=full.start_char, end=full.end_char, text=full.text, actor=name,
                    actor_type=ACTOR_TYPES[inter], country=country, inter=inter, method="generic",
                )
            out.append((full, m))
        return out

    def _names_own_state(self, full: Span, head: Token) -> bool:
        """"regime warplanes", "government jets", "the army's helicopters": the article's state."""
        words = self.dictionary.government_words
        return any(t.lemma_.lower() in words or t.lower_ in words for t in full if t.i != head.i)

    def _names_a_group(self, head: Token, taken: set[int]) -> bool:
        for c in head.children:
            if c.dep_ in {"compound", "nmod", "poss"} and c.i < head.i and any(t.i in taken for t in c.subtree):
                return True
            if c.dep_ == "prep" and c.lower_ in {"of", "from"}:
                if any(t.i in taken for t in c.subtree):
                    return True
        return False

    def _demonym_in(self, span: Span) -> str | None:
        """A nationality word in the phrase; two-word ones ("North Korean") first."""
        for t in span:
            if t.i + 1 < span.end:
                two = self.dictionary.country_of_demonym(f"{t.text} {t.nbor().text}")
                if two:
                    return two
            one = self.dictionary.country_of_demonym(t.text)
            if one:
                return one
        return None

    def _fill(self, template: str, country: str | None) -> str:
        """"Military Forces of the Philippines", "Civilians (Philippines)": ACLED's own spelling."""
        if not country:
            return template.replace(" ({country})", "").replace(" of {country}", "")
        if " of {country}" in template and country in self.dictionary.countries_with_article:
            return template.format(country=f"the {country}")
        return template.format(country=country)

    @staticmethod
    def _link(
        inters: tuple[int, ...], token_i: int, earlier: list[tuple[Span, ActorMention]], demonym: str | None,
        excluded: frozenset[str] = frozenset(),
    ) -> ActorMention | None:
        """The most-mentioned compatible named actor so far (ties: the latest): "the militias" in a
        piece about the PMF means the PMF, even just after a quote that listed two of its factions."""
        if not inters:
            return None
        counts: dict[str, int] = {}
        last: dict[str, tuple[int, ActorMention]] = {}
        for span, mention in earlier:
            if (span.start >= token_i or mention.method != "dictionary" or mention.inter not in inters
                    or mention.actor in excluded):
                continue
            if demonym and mention.country and mention.country != demonym:
                continue
            counts[mention.actor] = counts.get(mention.actor, 0) + 1
            last[mention.actor] = (span.start, mention)
        if not counts:
            return None
        best = max(counts, key=lambda a: (counts[a], last[a][0]))
        return last[best][1]


@functools.lru_cache(maxsize=1)
def _resolution_settings() -> dict:
    return read_yaml(DATA_DIR / "resolution.yaml")


_STATE_FORCES = load_conventions().state_prefixes  # "Military Forces of", "Police Forces of"
_SPONSOR_WORDS = {"backed", "led", "allied", "aligned", "supported", "sponsored", "funded", "armed", "trained",
                  "linked", "affiliated", "inspired", "controlled", "held", "run", "brokered"}


def _sponsor_modifier(doc: Doc, end: int) -> bool:
    """A name followed by "-backed", "-led" ... modifies the next noun; it names a sponsor."""
    return (
        end + 1 < len(doc)
        and doc[end].text == "-"
        and not doc[end - 1].whitespace_
        and doc[end + 1].lower_ in _SPONSOR_WORDS
    )


@functools.lru_cache(maxsize=4)
def _resolver_for(nlp: Language) -> ActorResolver:
    return ActorResolver(nlp, load_dictionary())


def get_resolver(nlp: Language) -> ActorResolver:
    return _resolver_for(nlp)
