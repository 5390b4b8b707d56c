"""Events as Apache Parquet: the CSV's rows and columns, with real types.

Why Parquet beside CSV: pandas, polars, DuckDB, R's arrow and Spark read it in one call with the
column types intact (dates as dates, counts as integers, unknown as null rather than ""), and it
is a fraction of the CSV's size. The columns are exactly the CSV's (ACLED's, then ours), so a
script can switch between the two files without renaming anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import IO, Any

from flashpoint.export.acled_csv import COLUMNS, row

_INT = frozenset({"year", "time_precision", "inter1", "inter2", "interaction", "iso",
                  "geo_precision", "fatalities", "injured", "n_sources"})
_FLOAT = frozenset({"latitude", "longitude", "confidence"})
_DATE = frozenset({"event_date"})
_TIMESTAMP = frozenset({"timestamp"})  # unix seconds, as in the CSV and ACLED


def schema() -> Any:
    """The Arrow schema: one field per CSV column, in the CSV's order."""
    import pyarrow as pa

    def kind(name: str) -> Any:
        if name in _INT:
            return pa.int32() if name != "iso" else pa.int16()
        if name in _TIMESTAMP:
            return pa.int64()
        if name in _FLOAT:
            return pa.float64()
        if name in _DATE:
            return pa.date32()
        return pa.string()

    return pa.schema([pa.field(name, kind(name), nullable=True) for name in COLUMNS],
                     metadata={"producer": "flashpoint", "columns": "ACLED, then Flashpoint's own"})


def _typed(name: str, value: Any) -> Any:
    """A CSV cell value as its column's Python type; "" and None are null."""
    if value is None or value == "":
        return None
    if name in _INT or name in _TIMESTAMP:
        return int(value)
    if name in _FLOAT:
        return float(value)
    if name in _DATE:
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            return None  # a partial date ("2019-04") has no day to store
    return str(value)


def table(events: Iterable[Mapping[str, Any]]) -> Any:
    """The events as a ``pyarrow.Table`` with ``schema()``."""
    import pyarrow as pa

    columns: dict[str, list[Any]] = {name: [] for name in COLUMNS}
    for event in events:
        r = row(event)
        for name in COLUMNS:
            columns[name].append(_typed(name, r[name]))
    return pa.Table.from_pydict(columns, schema=schema())


def write(events: Iterable[Mapping[str, Any]], fp: IO[bytes]) -> int:
    """Write a Parquet file to the binary stream ``fp``; returns the number of rows.

    The file is built in memory first: Parquet's footer comes last, and a pipe cannot seek back.
    """
    import io

    import pyarrow.parquet as pq

    t = table(events)
    buf = io.BytesIO()
    pq.write_table(t, buf, compression="zstd")
    fp.write(buf.getvalue())
    return t.num_rows
