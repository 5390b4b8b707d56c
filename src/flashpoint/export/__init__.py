"""Exports: functions over fused event dicts (``Store.fused_events``), each writing one format.

Why a registry here: the CLI's ``--format`` choices, the API's download endpoint and the docs
should list the same formats; naming them in one place keeps them from drifting apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import IO, Any, TextIO

from flashpoint.export import acled_csv, geojson, json_export, parquet, table


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


BinaryWriter = Callable[[Iterable[Mapping[str, Any]], IO[bytes]], int]

# Formats written to a binary stream (a file opened "wb", or sys.stdout.buffer).
BINARY_FORMATS: dict[str, BinaryWriter] = {
    "parquet": parquet.write,
}


def write(fmt: str, events: Iterable[Mapping[str, Any]], fp: TextIO | IO[bytes]) -> int:
    """Write ``events`` to ``fp`` in format ``fmt`` (a key of ``FORMATS``, text, or of
    ``BINARY_FORMATS``, bytes); returns the count."""
    if fmt in BINARY_FORMATS:
        return BINARY_FORMATS[fmt](events, fp)  # type: ignore[arg-type]
    try:
        writer = FORMATS[fmt]
    except KeyError:
        choices = ", ".join([*FORMATS, *BINARY_FORMATS])
        raise ValueError(f"unknown export format {fmt!r}; choose one of {choices}") from None
    return writer(events, fp)  # type: ignore[arg-type]


__all__ = ["BINARY_FORMATS", "FORMATS", "acled_csv", "geojson", "json_export", "parquet", "table", "write"]
