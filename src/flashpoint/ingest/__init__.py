"""Ingest: raw inputs (text, HTML, JSONL, stdin) to cleaned Articles with their metadata.

The first stage, and the only one that sees raw bytes: everything after it works on
``Article.text`` and its offsets, so this is where encodings, boilerplate and bad input end.
"""

from flashpoint.ingest.clean import clean_text
from flashpoint.ingest.metadata import normalise_date
from flashpoint.ingest.readers import BadInput, IngestOptions, make_article, read_inputs

__all__ = [
    "BadInput",
    "IngestOptions",
    "clean_text",
    "make_article",
    "normalise_date",
    "read_inputs",
]
