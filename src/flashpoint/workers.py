"""The code a worker runs, wherever it runs: a pool process, a Dask worker, or this process.

Why a module of its own: the process pool (``parallel.py``) and the Dask driver
(``dask_runner.py``) send the same task (``code_batch``) and prepare a worker the same way (one
core, models loaded once); with that code inside ``parallel.py`` the Dask driver imported the pool,
and ``coding.open_coder``, which picks among them, was imported back by both.

This module's top level imports nothing heavy: a spawned worker imports it to find its task, and
the thread limits of ``one_core`` must be set before numpy or onnxruntime load.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .outcomes import BATCH_SIZE, Outcome

if TYPE_CHECKING:
    from .model import Article

# N workers on N cores: each must stay on one core, or the libraries' own thread pools fight.
SINGLE_THREADED = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                   "FLASHPOINT_THREADS": "1"}

# A short article that touches every stage (places, times, actors, an event), so that the first
# real batch does not pay for loading. Its sentence names itself, so no real article can share it:
# the classifier's per-sentence embedding memo never serves an article a vector computed here.
_WARM_UP_TEXT = (
    "Flashpoint warm-up\n\n"
    "Flashpoint warm-up: gunmen attacked a police checkpoint in Mosul on Sunday, killing two officers."
)


def warm_up() -> None:
    """Load spaCy, the gazetteer, the actor dictionary and the classifier in this process now."""
    from .ingest import make_article
    from .pipeline import extract_articles

    list(extract_articles([make_article(_WARM_UP_TEXT, origin="warm-up")]))


def code_batch(batch: list[Article]) -> list[Outcome]:
    """The task a worker (a pool process, a Dask worker, or this process) runs: one parse batch,
    coded."""
    from .pipeline import code_articles

    return list(code_articles(batch, batch_size=BATCH_SIZE))


def one_core() -> None:
    """Make this worker use one core: it is one of N workers sharing N cores.

    Why ``FLASHPOINT_THREADS`` too: onnxruntime's session (the event classifier's embedder) sizes
    its thread pool from that setting, not from the BLAS variables; two workers with two spinning
    threads each on two cores ran no faster than one process. Called before any model loads; only
    ever in a worker process, never in the process a user imported Flashpoint into.
    """
    os.environ.update(SINGLE_THREADED)


__all__ = ["SINGLE_THREADED", "code_batch", "one_core", "warm_up"]
