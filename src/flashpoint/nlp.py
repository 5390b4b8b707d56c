"""The spaCy pipeline, loaded once per process.

Why a module-level cache: loading a spaCy model costs a few hundred milliseconds and tens of MB;
the CLI, the API and every batch worker must pay that once, not once per article.
"""

from __future__ import annotations

import bisect
import threading

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from .settings import ModelNotInstalled, get_settings

_lock = threading.Lock()
_cache: dict[str, Language] = {}


@Language.component("flashpoint_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines, captions and datelines carry no final period, and
    without this the parser glues them to the first sentence of the body."""
    for tok in doc[:-1]:
        if "\n" in tok.text_with_ws or tok.is_space and "\n" in tok.text:
            first = doc[tok.i + 1]
            first.is_sent_start = True
            if first.like_num and first.i + 1 < len(doc) and not doc[first.i + 1].is_space:
                doc[first.i + 1].is_sent_start = False  # "25 fighters were killed": a figure opens a sentence
    return doc


@Language.component("flashpoint_entity_edges")
def entity_edges(doc: Doc) -> Doc:
    """An entity ends at its last word: the small model sometimes takes the blank lines after a
    headline into it ("... airstrikes on Raqqa\n\n" read as an organisation "Raqqa\n\n"), and a
    name with trailing blanks is no longer the bare name every later stage looks up."""
    ents = []
    for ent in doc.ents:
        start, end = ent.start, ent.end
        while start < end and doc[start].is_space:
            start += 1
        while end > start and doc[end - 1].is_space:
            end -= 1
        if start < end:
            ents.append(ent if (start, end) == (ent.start, ent.end) else Span(doc, start, end, label=ent.label))
    doc.ents = ents
    return doc


def get_nlp(model: str | None = None) -> Language:
    name = model or get_settings().spacy_model
    with _lock:
        nlp = _cache.get(name)
        if nlp is None:
            try:
                nlp = spacy.load(name)
            except OSError as exc:
                raise ModelNotInstalled(
                    f"spaCy model {name!r} is not installed; run `make setup` "
                    "or set FLASHPOINT_SPACY_MODEL to an installed model"
                ) from exc
            if "parser" in nlp.pipe_names and "flashpoint_line_breaks" not in nlp.pipe_names:
                nlp.add_pipe("flashpoint_line_breaks", before="parser")
            if "ner" in nlp.pipe_names and "flashpoint_entity_edges" not in nlp.pipe_names:
                nlp.add_pipe("flashpoint_entity_edges", after="ner")
            _cache[name] = nlp
        return nlp


def _sentences(doc: Doc) -> list[Span]:
    spans = doc.user_data.get("flashpoint_sents")
    if spans is None:
        spans = list(doc.sents)
        doc.user_data["flashpoint_sent_starts"] = [s.start for s in spans]
        doc.user_data["flashpoint_sents"] = spans
    return spans


def sentence_of(token: Token) -> Span:
    """The sentence a token is in. spaCy's ``token.sent`` walks the document on every call; over
    a long article that is quadratic, so the boundaries are computed once per Doc and bisected."""
    return _sentences(token.doc)[sentence_number(token)]


def sentence_number(token: Token) -> int:
    """Which sentence of its document a token is in (0 for the first), from the same cached bounds."""
    _sentences(token.doc)
    return bisect.bisect_right(token.doc.user_data["flashpoint_sent_starts"], token.i) - 1


# Words that open a run of page furniture glued to a sentence when a web page is flattened to one line:
# "Tags Syria Idlib regime airstrikes Kafr Takharim Sixteen civilians were killed ...".
_FURNITURE_WORDS = frozenset({"tags", "tagged", "related", "keywords", "topics"})


def furniture_end(token: Token) -> int:
    """The index of the first token after a tag list that opens the token's sentence, or the
    sentence's start when it opens with none. The list runs up to where the sentence's own subject
    (or, without one, its main verb) begins: "Tags Syria Russia Chemical Attack | British scientists
    said ..." A trigger, actor or place inside it names a topic, not an event."""
    sent = sentence_of(token)
    first = sent[0]
    if first.lower_ not in _FURNITURE_WORDS:
        return sent.start
    root = sent.root
    subjects = [c for c in root.children if c.dep_ in {"nsubj", "nsubjpass", "csubj"} and c.i > first.i]
    end = min((c.left_edge.i for c in subjects), default=root.i)
    return max(sent.start + 1, end)


def says_any(span: Span, words: frozenset[str]) -> bool:
    """Whether a word of ``words`` (lower case) is in the span, written or as its lemma."""
    return bool(words) and any(t.lower_ in words or t.lemma_.lower() in words for t in span)


def acts_as_verb(token: Token) -> bool:
    """A verb or auxiliary, or a "noun" with a subject and a direct object of its own: a verb the
    small model misread ("The army retook Palmyra" tags retook as a noun)."""
    if token.pos_ in {"VERB", "AUX"}:
        return True
    return token.pos_ == "NOUN" and {"nsubj", "dobj"} <= {c.dep_ for c in token.children}


def sentence_bounds(doc: Doc) -> list[tuple[int, int]]:
    """Character bounds of the sentences (the cache ``sentence_of`` uses); the whole text as one
    sentence when the pipeline sets no boundaries."""
    try:
        spans = _sentences(doc)
    except ValueError:  # no parser or sentencizer in the pipeline
        return [(0, len(doc_text(doc)))]
    return [(s.start_char, s.end_char) for s in spans]


_VOWELS = set("aeiou")


def inflections(word: str) -> set[str]:
    """A lemma and its regular English forms (-s, -ed, -ing, with e-dropping, y-changes and
    consonant doubling both ways). Why: the lemmatiser misreads some words that matter ("raped"
    -> "rap"), so the lexicon also matches the written forms; a form that English does not use
    simply never matches."""
    w = word.lower()
    if not w.isalpha() or len(w) < 3:
        return {w}
    forms = {w}
    y_stem = w[:-1] if w.endswith("y") and w[-2] not in _VOWELS else None
    forms.add(w + "es" if w.endswith(("s", "x", "z", "ch", "sh")) else (y_stem + "ies" if y_stem else w + "s"))
    if w.endswith("e"):
        forms |= {w + "d", (w[:-2] + "ying") if w.endswith("ie") else w[:-1] + "ing"}
    elif y_stem:
        forms |= {y_stem + "ied", w + "ing"}
    else:
        forms |= {w + "ed", w + "ing"}
        if w[-1] not in _VOWELS | {"w", "x", "y"} and w[-2] in _VOWELS and w[-3] not in _VOWELS:
            forms |= {w + w[-1] + "ed", w + w[-1] + "ing"}  # "rob" -> "robbed"
    return forms


def lemma_matchers(vocab: Vocab, entries: list[tuple[str, list[str]]], *,
                   inflect: bool = False) -> tuple[PhraseMatcher, PhraseMatcher]:
    """Two phrase matchers over the same word lists, one on lemmas and one on lower-case forms
    (the tagger sometimes lemmatises a rare word oddly; with ``inflect`` the lower-case matcher
    also knows each phrase with its first and its last word inflected). Phrase matchers are much faster than
    token-pattern matchers for plain word sequences, which is all a lexicon needs."""
    by_lemma = PhraseMatcher(vocab, attr="LEMMA")
    by_lower = PhraseMatcher(vocab, attr="LOWER")
    for key, phrases in entries:
        docs, written = [], []
        for phrase in phrases:
            words = phrase.split()
            docs.append(Doc(vocab, words=words, lemmas=words))
            firsts = sorted(inflections(words[0])) if inflect else [words[0]]
            if len(words) == 1:
                written += [Doc(vocab, words=[first]) for first in firsts]
                continue
            # the head of a noun phrase is its last word: "barrel bombs", "car bombs" (needed when
            # the tagger calls a capitalised first word a proper noun and keeps it as its lemma)
            lasts = sorted(inflections(words[-1])) if inflect else [words[-1]]
            written += [Doc(vocab, words=[first, *words[1:-1], last]) for first in firsts for last in lasts]
        if docs:
            by_lemma.add(key, docs)
            by_lower.add(key, written)
    return by_lemma, by_lower


def doc_text(doc: Doc) -> str:
    """The document's text, built once: spaCy's ``Doc.text`` joins every token on each call."""
    text = doc.user_data.get("flashpoint_text")
    if text is None:
        text = doc.text
        doc.user_data["flashpoint_text"] = text
    return text


# A text longer than the model's ``max_length`` (spaCy refuses it with E088; an article may be up
# to FLASHPOINT_MAX_ARTICLE_BYTES) is parsed in pieces of at most this many characters, cut where a
# line or a sentence ends, and the pieces joined back into one Doc over the same text. Texts within
# ``max_length`` are parsed whole, exactly as before.
LONG_TEXT_PIECE_CHARS = 100_000


def _cut_points(text: str, size: int) -> list[int]:
    """Where to cut ``text`` into pieces of at most ``size`` characters: after the last line
    break in each window, else after the last sentence end (". "), else after the last space,
    else (one unbroken run of characters) at the window's end. Every piece but the last ends in
    whitespace, so the pieces' tokens join back into exactly the text."""
    cuts, start = [], 0
    while len(text) - start > size:
        window = text[start : start + size]
        at = window.rfind("\n")
        if at <= 0:
            at = window.rfind(". ") + 1
        if at <= 0:
            at = max(window.rfind(" "), window.rfind("\t"))
        cut = start + at + 1 if at > 0 else start + size
        cuts.append(cut)
        start = cut
    return cuts


def parse_long(nlp: Language, text: str) -> Doc:
    """One Doc over a text of any length (see ``LONG_TEXT_PIECE_CHARS``)."""
    if len(text) <= nlp.max_length:
        return nlp(text)
    bounds = [0, *_cut_points(text, min(LONG_TEXT_PIECE_CHARS, nlp.max_length)), len(text)]
    pieces = [text[a:b] for a, b in zip(bounds, bounds[1:], strict=False) if b > a]
    doc = Doc.from_docs(list(nlp.pipe(pieces, batch_size=4)), ensure_whitespace=False)
    if doc.text != text:  # never seen; a wrong offset anywhere would be worse than a refusal
        raise ValueError("the pieces of a long text did not join back into the text")
    return doc
