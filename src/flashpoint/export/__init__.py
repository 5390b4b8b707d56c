"""Exports: functions over event dicts as ``Store.events`` returns them, each writing one format.

Why a registry here: the CLI's ``--format`` choices, the API's download endpoint and the docs
should list the same formats; naming them in one place keeps them from drifting apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TextIO

from flashpoint.export import acled_csv, geojson, json_export, table


def _write_table(events: Iterable[Mapping[str, Any]], fp: TextIO) -> int:
    rows = list(events)
    fp.write(table.render(rows))
    return len(rows)


Writer = Callable[[Iterable[Mapping[str, Any]], TextIO], int]

# format name -> writer(events, fp) returning the number of events written.
FORMATS: dict[str, Writer] = {
    "csv": acled_csv.write,
    "json": json_export.write,
    "jsonl": lambda events, fp: json_export.write(events, fp, jsonl=True),
    "geojson": geojson.write,
    "table": _write_table,
}


def write(fmt: str, events: Iterable[Mapping[str, Any]], fp: TextIO) -> int:
    """Write ``events`` to ``fp`` in format ``fmt`` (a key of ``FORMATS``); returns the count."""
    try:
        writer = FORMATS[fmt]
    except KeyError:
        choices = ", ".join(FORMATS)
        raise ValueError(f"unknown export format {fmt!r}; choose one of {choices}") from None
    return writer(events, fp)


__all__ = ["FORMATS", "acled_csv", "geojson", "json_export", "table", "write"]
