"""Whether a fused event's fatality figure is one its own evidence states.

Why a report checks this at all: fusion keeps the lowest figure its sources state, and coding
reads a figure from one span of one article; a misread count ("kidnapped 900", a toll summed from
two sentences) or a figure from another source than the quoted sentence made "Deadliest" print
figures its own quotes contradict. A report prints a figure only with the words that state it,
and state it of the dead: a bare "463" shown as the quote supports no death toll.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

_TOKEN = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)?|\d[\d,]*")
@functools.lru_cache(maxsize=1)
def _lexicon() -> tuple[dict[str, int], dict[str, int]]:
    """The number and scale words the coder reads counts with (``data/triggers.yaml``), read
    straight from the file: a report process loads no spaCy."""
    from flashpoint.datafiles import read_yaml
    from flashpoint.settings import DATA_DIR

    lex = read_yaml(DATA_DIR / "triggers.yaml")
    words = {str(w).lower(): int(n) for w, n in lex["number_words"].items() if str(w).lower() not in {"a", "an"}}
    return words, {str(w).lower(): int(n) for w, n in lex.get("scale_words", {}).items()}


def numbers_in(text: str) -> list[int]:
    """The numbers ``text`` states, in order: digits ("1,200"), number words ("twenty-six", "two
    dozen", "three hundred")."""
    words, scales = _lexicon()
    out: list[int] = []
    for tok in _TOKEN.findall(text):
        low = tok.lower()
        if low[0].isdigit():
            digits = low.replace(",", "")
            if digits.isdigit():
                out.append(int(digits))
            continue
        if low in scales and out:
            out[-1] *= scales[low]
            continue
        parts = low.split("-")
        if all(p in words for p in parts):
            out.append(sum(words[p] for p in parts))
    return out


@functools.lru_cache(maxsize=1)
def _fatality_words() -> tuple[str, ...]:
    from flashpoint.datafiles import read_yaml
    from flashpoint.settings import DATA_DIR

    return tuple(str(w).lower() for w in read_yaml(DATA_DIR / "report.yaml")["fatality_words"])


def says_death(text: str) -> bool:
    """Whether ``text`` has a word that tells a death ("killed", "death toll", "executed")."""
    starts = _fatality_words()
    return any(tok.lower().startswith(starts) for tok in _TOKEN.findall(text) if not tok[0].isdigit())


def states(text: str, figure: int) -> bool:
    """Whether ``text`` states ``figure``: as one number, or as numbers that add up to it ("223
    fighters and 28 troops" for 251)."""
    numbers = numbers_in(text)
    return figure in numbers or (len(numbers) > 1 and sum(numbers) == figure)


@dataclass(frozen=True, slots=True)
class FatalitySupport:
    """The figure, the source that states it and the words: its fatality evidence and the
    sentence around it (one of the source's tellings)."""

    figure: int
    source: Mapping[str, Any]
    evidence: str
    sentence: str


def fatality_support(event: Mapping[str, Any]) -> FatalitySupport | None:
    """The support of the event's fatality figure, or None when no source's fatality evidence
    states it (then a report prints no figure for the event)."""
    figure = event.get("fatalities")
    if not isinstance(figure, int) or isinstance(figure, bool) or figure <= 0:
        return None
    if "fatalities" in (event.get("corrected") or ()):
        # set by a person through a correction (audited): their word is the evidence
        return FatalitySupport(figure, {}, "", "")
    for source in event.get("sources") or ():
        if source.get("fatalities") != figure:
            continue
        evidence: Sequence[Mapping[str, Any]] = source.get("evidence") or ()
        told = next((e for e in evidence if e.get("field") == "fatalities"), None)
        if told is None or not states(str(told.get("text") or ""), figure):
            continue
        sentence = next((e for e in evidence if e.get("field") == "sentence"
                         and e.get("start", 0) <= told.get("start", -1) and told.get("end", 0) <= e.get("end", -1)),
                        None)
        words = str(sentence["text"]) if sentence is not None else str(told["text"])
        if not says_death(words):
            continue  # the quote a reader is shown must say the figure is of the dead
        return FatalitySupport(figure, source, str(told["text"]), words)
    return None
