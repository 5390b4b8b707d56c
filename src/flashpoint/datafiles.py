"""Reading the knowledge files (``data/*.yaml``): the ontology, lexicons, actor dictionary and
the settings of each stage.

Why one reader: PyYAML's pure-Python parser took a third of a worker's start-up (the actor
dictionary alone is thousands of lines), and every worker of a parallel run pays its start-up
while the others wait for nothing. libyaml's parser (``CSafeLoader``, built into PyYAML's
wheels) builds the same objects with the same safe constructors, several times faster; where
PyYAML was built without it, the pure-Python loader is used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path) -> Any:
    """The parsed file; ``None`` for an empty one, as ``yaml.safe_load`` gives."""
    with path.open(encoding="utf-8") as fh:
        return yaml.load(fh, Loader=_LOADER)  # noqa: S506 - a safe loader, C or Python
