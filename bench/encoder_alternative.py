"""Measure another sentence encoder in place of MiniLM-L6 int8 (issue 18): `eval real` and the
encoder's cost per sentence, with everything else unchanged.

The alternative measured is WordLlama 0.4.0 (`l2_supercat_256`): a PyPI wheel with its weights
inside (wordllama/weights/*.safetensors, 16 MB; no download at run time when loaded as below). It
is not in the lock: install it beside, never into, the product's environment, e.g.

    .venv/bin/python -m pip download wordllama==0.4.0.post1 --no-deps -d /tmp/wl
    .venv/bin/python -m pip install --no-deps --target /tmp/wlpkg /tmp/wl/wordllama-*.whl safetensors toml
    .venv/bin/python bench/encoder_alternative.py --site /tmp/wlpkg

The classifier is retrained on the same banks with the other vectors (in a cache directory of
its own); the decision thresholds are left as tuned for MiniLM, so the figures are a first
reading, not the alternative at its best.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

SENTENCE = ("Gunmen killed two soldiers in Kirkuk on Monday, police said, and another attack wounded "
            "five civilians near the market.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", required=True, help="Folder wordllama was installed into (--target).")
    args = parser.parse_args()
    sys.path.insert(0, args.site)
    os.environ["FLASHPOINT_CACHE_DIR"] = tempfile.mkdtemp(prefix="flashpoint-encoder-")

    import wordllama
    from wordllama import WordLlama

    from flashpoint.events import classifier
    from flashpoint.events.classifier import get_embedder

    mini = get_embedder()
    mini.embed([SENTENCE])
    started = time.perf_counter()
    mini.embed([SENTENCE] * 200)
    mini_ms = (time.perf_counter() - started) / 200 * 1000

    # The wheel keeps its tokenizer under wordllama/tokenizers, which load() finds as a "cache".
    model = WordLlama.load(cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    started = time.perf_counter()
    for _ in range(200):
        model.embed([SENTENCE], norm=True)
    other_ms = (time.perf_counter() - started) / 200 * 1000
    print(f"encoder cost per sentence: MiniLM-L6 int8 {mini_ms:.2f} ms, WordLlama {other_ms:.3f} ms")

    def embed(self: object, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), 384), dtype=np.float32)
        if texts:
            vectors = np.asarray(model.embed(list(texts), norm=True), dtype=np.float32)
            out[:, : vectors.shape[1]] = vectors
        return out

    classifier.Embedder.embed = embed  # type: ignore[method-assign]
    classifier.Embedder._load = lambda self: None  # type: ignore[method-assign]
    classifier._vector_memo.cache_clear()
    from flashpoint.cli import main as cli

    cli(["eval", "real", "--split", "all"])


if __name__ == "__main__":
    main()
