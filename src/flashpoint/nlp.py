"""The spaCy pipeline, loaded once per process.

Why a module-level cache: loading a spaCy model costs a few hundred milliseconds and tens of MB;
the CLI, the API and every batch worker must pay that once, not once per article.
"""

from __future__ import annotations

import threading

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from .settings import get_settings

_lock = threading.Lock()
_cache: dict[str, Language] = {}


@Language.component("flashpoint_line_breaks")
def line_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headlines, captions and datelines carry no final period, and
    without this the parser glues them to the first sentence of the body."""
    for tok in doc[:-1]:
        if "\n" in tok.text_with_ws or tok.is_space and "\n" in tok.text:
            doc[tok.i + 1].is_sent_start = True
    return doc


class ModelNotInstalled(RuntimeError):
    """The configured spaCy model is not installed (it must come from PyPI; nothing downloads)."""


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
            _cache[name] = nlp
        return nlp
