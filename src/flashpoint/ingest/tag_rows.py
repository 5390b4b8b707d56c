"""A site's "Tags" row of keywords, cut where it ran into the article's text on the same line.

Why: when a page flattens to text, the row "Tags Syria Idlib Assad war" often lands in front of the
next sentence with no break ("... Tags Syria Idlib Assad war Government air raids in a town killed
27 people"). The parser then reads the keywords as one noun compound with the sentence's subject,
so the strikes lose their perpetrator, keywords become actors, and a keyword like "airstrikes"
becomes an event of its own. Line-based boilerplate cannot see the row, so it is cut here, inside
the line; what goes is listed with the other removed boilerplate.

Where the keywords end is read from how a sentence starts (the word lists are in
``boilerplate.yaml``, section ``tag_rows``): the sentence begins at the last opener word ("A", "At",
"Three") before the first lowercase sentence word ("were", "in", "a"), else at the last capitalised
word before it. A row with no sentence word within ``max_words`` is left alone: a wrong cut would
delete article text, a missed one only leaves the text as it was.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_WORD = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class TagRows:
    """The ``tag_rows`` section of boilerplate.yaml, compiled."""

    marker: re.Pattern[str]
    trailer: re.Pattern[str]
    max_words: int
    sentence_words: frozenset[str]
    sentence_word_form: re.Pattern[str]
    openers: frozenset[str]

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> TagRows:
        return cls(
            marker=re.compile(spec["marker"]),
            trailer=re.compile(spec["trailer"]),
            max_words=int(spec["max_words"]),
            sentence_words=frozenset(spec["sentence_words"]),
            sentence_word_form=re.compile(spec["sentence_word_pattern"]),
            openers=frozenset(spec["openers"]),
        )


def _bare(word: str) -> str:
    return word.strip(".,;:")


def _in_sentence(word: str, settings: TagRows) -> bool:
    """A lowercase word that keywords do not use: a function word or a past-tense verb."""
    bare = _bare(word)
    return bare in settings.sentence_words or settings.sentence_word_form.match(bare) is not None


def _sentence_start(rest: str, settings: TagRows) -> int | None:
    """Offset in ``rest`` (the text after "Tags ") where the article's sentence starts, or None."""
    words = list(_WORD.finditer(rest))[: settings.max_words + 1]
    if not words or _in_sentence(words[0].group(), settings):
        return None  # "Tags were attached ...": prose, not a row
    first_lower = next((i for i, w in enumerate(words) if _in_sentence(w.group(), settings)), None)
    if first_lower is None:
        return None
    before = words[1:first_lower]  # the row has at least one keyword
    opener = [w for w in before if _bare(w.group()) in settings.openers]
    if opener:
        return opener[-1].start()
    capital = [w for w in before if w.group()[:1].isupper()]
    return capital[-1].start() if capital else None


def cut_tag_rows(line: str, settings: TagRows) -> tuple[str, list[str]]:
    """The line without its tag rows, and the rows cut (for ``Article.removed``)."""
    removed: list[str] = []
    search_from = 0
    while (found := settings.marker.search(line, search_from)) is not None:
        rest = line[found.end():]
        trailer = settings.trailer.search(rest)
        if trailer is not None and len(_WORD.findall(rest[: trailer.start()])) <= settings.max_words:
            cut_end = len(line)
        else:
            start = _sentence_start(rest, settings)
            if start is None:
                search_from = found.end()
                continue
            cut_end = found.end() + start
        removed.append(line[found.start():cut_end].strip())
        line = line[: found.start()] + line[cut_end:]
        search_from = found.start()
    return line.rstrip(), removed
