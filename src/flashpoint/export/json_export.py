"""Events as JSON: one array for files people open, or JSON Lines for pipes and big exports.

Why both: an array is what most tools load in one call; JSONL streams (one event per line, no
closing bracket to wait for), so ``flashpoint export --format jsonl | jq`` starts at once and a
million events never sit in memory as one document.

The dicts are written exactly as ``Store.events`` returns them (the event contract plus its
"article"), so the JSON export and ``/api/events`` never disagree.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, TextIO


def write(events: Iterable[Mapping[str, Any]], fp: TextIO, jsonl: bool = False) -> int:
    """Write the events to ``fp`` (UTF-8 text, non-ASCII kept readable); returns how many."""
    n = 0
    if jsonl:
        for event in events:
            fp.write(json.dumps(event, ensure_ascii=False) + "\n")
            n += 1
        return n
    # Streamed element by element: the same bytes as json.dump(list, indent=2) without the list.
    fp.write("[")
    for event in events:
        fp.write(",\n" if n else "\n")
        fp.write("  " + json.dumps(event, ensure_ascii=False, indent=2).replace("\n", "\n  "))
        n += 1
    fp.write("\n]\n" if n else "]\n")
    return n
