"""The corrections trail as clients want it: old and new values as JSON values, not JSON text.

Why decode here: the store keeps each value as JSON text so any type fits one column; a client
comparing "old" and "new" should not have to parse a string inside a JSON document.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any


def _value(raw: Any) -> Any:
    if not isinstance(raw, str):
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def decode_corrections(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [{**r, "old_value": _value(r.get("old_value")), "new_value": _value(r.get("new_value"))}
            for r in rows]
