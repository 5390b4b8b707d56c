"""The geoparser's weights in force: the set every stage reads while it runs.

Why a module of its own: finding, the context pass, resolving and co-location all read the weights, and
``eval places --tune`` swaps a candidate set in for a block (``using_weights``). Each stage reads
``active_weights.W`` when it runs, so one swap here reaches them all; a name copied with
``from .active_weights import W`` would keep the set it was bound to.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from .weights import GeoWeights, load_weights

W: GeoWeights = load_weights()  # data/geoparse.yaml


@contextlib.contextmanager
def using_weights(weights: GeoWeights) -> Iterator[None]:
    """Geoparse with other weights inside the block (``eval places --tune`` tries candidates this way)."""
    global W
    saved, W = W, weights
    try:
        yield
    finally:
        W = saved
