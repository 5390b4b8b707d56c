"""Reading the knowledge files (``data/*.yaml``): the ontology, lexicons, actor dictionary and
the settings of each stage.

Why one reader: PyYAML's pure-Python parser took a third of a worker's start-up (the actor
dictionary alone is thousands of lines), and every worker of a parallel run pays its start-up
while the others wait for nothing. libyaml's parser (``CSafeLoader``, built into PyYAML's
wheels) builds the same objects with the same safe constructors, several times faster; where
PyYAML was built without it, the pure-Python loader is used.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """The parsed file; ``None`` for an empty one, as ``yaml.safe_load`` gives."""
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_LOADER)  # noqa: S506 - a safe loader, C or Python


def read_tsv_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row by column name) for a TSV data file with '#' comment lines and a header row;
    a row with another number of fields is a clear error naming the file and line."""
    header: list[str] | None = None
    with path.open(encoding="utf-8", newline="") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip() or line.startswith("#"):
                continue
            values = line.rstrip("\n").split("\t")
            if header is None:
                header = values
                continue
            if len(values) != len(header):
                raise ValueError(f"{path.name}:{n}: expected {len(header)} tab-separated fields, got {len(values)}")
            yield n, dict(zip(header, values, strict=True))
    if header is None:
        raise ValueError(f"{path}: no rows")


def read_jsonl(path: Path, error: type[Exception] = ValueError) -> Iterator[tuple[int, Any]]:
    """(line number, parsed object) for each non-blank line of a JSONL gold or data file; a line that
    is not JSON raises ``error`` naming the file and line, so one bad line is one clear message."""
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                yield n, json.loads(line)
            except json.JSONDecodeError as exc:
                raise error(f"{path.name}:{n}: not JSON: {exc.msg}") from None
