"""The sentence encoder: int8 by default, compiled once into the cache, batch-independent."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from flashpoint.events import quantize
from flashpoint.events.classifier import Embedder, _asset_dir

SOURCE = _asset_dir() / "onnx" / "model.onnx"
SENTENCES = [
    "Clashes erupted between the Iraqi federal police and Iran-backed militias in Mosul on Sunday.",
    "Protesters marched.",
    "A suicide bomber blew himself up at a checkpoint south of Kirkuk, killing at least 16 people "
    "and wounding dozens more, a local security official said on condition of anonymity.",
]


def test_int8_is_built_once_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASHPOINT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("FLASHPOINT_EMBEDDING_PRECISION", raising=False)
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    abandoned = tmp_path / f"minilm-int8-0123456789abcdef.{gone.stdout.strip()}.tmp.onnx"  # a killed build
    in_progress = tmp_path / f"minilm-int8-0123456789abcdef.{os.getppid()}.tmp.onnx"  # a live one
    for path in (abandoned, in_progress):
        path.write_bytes(b"half a model")
    built = quantize.model_path(SOURCE)
    assert not abandoned.exists() and in_progress.exists()
    in_progress.unlink()
    assert built.parent == tmp_path and built.name.startswith("minilm-int8-")
    assert built.stat().st_size < SOURCE.stat().st_size + sum(
        p.stat().st_size for p in SOURCE.parent.glob("model.onnx_*")) / 3  # int8: about a quarter
    mtime = built.stat().st_mtime_ns
    assert quantize.model_path(SOURCE) == built and built.stat().st_mtime_ns == mtime
    assert not list(tmp_path.glob("*.tmp.onnx"))


def test_a_planted_or_shared_int8_model_is_rebuilt_not_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A symlink at the int8 model's path (to a model someone else chose) or a model file others
    may write is never run: it is removed and the model built afresh, in a directory of its own
    with an unguessable name, never at a path named by the process id (issue 20, item 8)."""
    monkeypatch.setenv("FLASHPOINT_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("FLASHPOINT_EMBEDDING_PRECISION", raising=False)
    built = quantize.model_path(SOURCE)
    good = built.read_bytes()
    planted = tmp_path / "elsewhere.onnx"
    planted.write_bytes(b"a model someone else chose")
    built.unlink()
    built.symlink_to(planted)
    guessable = tmp_path / f"{built.stem}.{os.getpid()}.tmp.onnx"
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    guessable.symlink_to(victim)
    assert quantize.model_path(SOURCE) == built
    assert not built.is_symlink() and built.read_bytes() == good
    assert planted.read_bytes() == b"a model someone else chose" and victim.read_text() == "keep me"
    built.chmod(0o666)
    assert quantize.model_path(SOURCE) == built and built.stat().st_mode & 0o022 == 0
    assert not list(tmp_path.glob("minilm-int8-build.*"))


def test_fp32_setting_keeps_the_shipped_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASHPOINT_EMBEDDING_PRECISION", "fp32")
    assert quantize.model_path(SOURCE) == SOURCE


def test_a_bad_precision_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASHPOINT_EMBEDDING_PRECISION", "int4")
    with pytest.raises(ValueError, match="FLASHPOINT_EMBEDDING_PRECISION"):
        quantize.model_path(SOURCE)


def test_an_unwritable_cache_falls_back_to_fp32(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache directory should be")
    monkeypatch.setenv("FLASHPOINT_CACHE_DIR", str(blocker))
    monkeypatch.delenv("FLASHPOINT_EMBEDDING_PRECISION", raising=False)
    assert quantize.model_path(SOURCE) == SOURCE


def test_a_sentence_vector_does_not_depend_on_its_neighbours(monkeypatch: pytest.MonkeyPatch) -> None:
    """int8 activations are scaled per run: batching sentences would tie a coding to its batch."""
    monkeypatch.delenv("FLASHPOINT_EMBEDDING_PRECISION", raising=False)
    embedder = Embedder()
    together = embedder.embed(SENTENCES)
    for i, sentence in enumerate(SENTENCES):
        assert np.array_equal(embedder.embed([sentence])[0], together[i])
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)


def test_int8_vectors_stay_close_to_fp32(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLASHPOINT_EMBEDDING_PRECISION", raising=False)
    int8 = Embedder().embed(SENTENCES)
    monkeypatch.setenv("FLASHPOINT_EMBEDDING_PRECISION", "fp32")
    fp32 = Embedder().embed(SENTENCES)
    cosine = (int8 * fp32).sum(axis=1)
    assert cosine.min() > 0.97
    # and the two readings still tell a clash from a two-word protest
    assert float(int8[0] @ int8[1]) < 0.6


def test_the_first_build_prints_nothing_to_the_user(tmp_path: Path) -> None:
    """onnxruntime's quantiser logs advice through the root logger; in a fresh process with no
    logging configured that used to print 'WARNING:root:Please consider to run pre-processing ...'
    on every new install. It goes to the debug log instead."""
    env = {**os.environ, "FLASHPOINT_CACHE_DIR": str(tmp_path)}
    env.pop("FLASHPOINT_EMBEDDING_PRECISION", None)
    code = ("import logging\n"
            "from flashpoint.events import quantize\n"
            "from flashpoint.events.classifier import _asset_dir\n"
            "built = quantize.model_path(_asset_dir() / 'onnx' / 'model.onnx')\n"
            "assert built.name.startswith('minilm-int8-'), built\n"
            "assert not logging.getLogger().handlers\n"  # nothing left behind on the root logger
            "logging.warning('still printed')\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert "pre-processing" not in done.stderr and "WARNING:root:Please" not in done.stderr
    assert "WARNING:root:still printed" in done.stderr  # the user's own root logging is untouched
