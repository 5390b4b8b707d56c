"""The embedding model with int8 weights, compiled once from the shipped fp32 ONNX file.

Why: the sentence encoder is the largest cost of event coding. Dynamic int8 quantisation of its
matrix multiplications (per output channel) runs it about twice as fast on a CPU, and keeps
sentence vectors at a mean cosine of 0.99 to the fp32 ones; the classifier is trained on the
vectors of whichever model runs, so it never sees a mismatch. Nothing is downloaded: the int8 file
is derived from the model inside the pinned PyPI package and cached beside the gazetteer index,
keyed by the source file and the onnxruntime version, so it is rebuilt when either changes.
``FLASHPOINT_EMBEDDING_PRECISION=fp32`` keeps the original model.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)

PRECISIONS = ("int8", "fp32")
_lock = threading.Lock()


def precision() -> str:
    """FLASHPOINT_EMBEDDING_PRECISION (a SettingsError, one line, for a value not in PRECISIONS)."""
    from ..settings import get_settings

    return get_settings().embedding_precision


def _digest(source: Path) -> str:
    import onnxruntime

    h = hashlib.sha256(onnxruntime.__version__.encode())
    for part in sorted(source.parent.glob(source.name + "*")):  # the graph and its external data
        h.update(f"{part.name}:{part.stat().st_size}".encode())
    return h.hexdigest()[:16]


def model_path(source: Path) -> Path:
    """The ONNX file to run: ``source`` itself for fp32, else its int8 build (made on first use).

    A build that fails (no space, an unwritable cache, an onnxruntime without the quantiser)
    falls back to ``source`` with a warning: slower, never broken."""
    if precision() == "fp32":
        return source
    from ..places.gazetteer import cache_dir

    target = cache_dir() / f"minilm-int8-{_digest(source)}.onnx"
    if _trusted(target):
        return target
    with _lock:
        if _trusted(target):
            return target
        _sweep_abandoned(target.parent)
        try:
            from onnxruntime.quantization import QuantType, quantize_dynamic

            target.parent.mkdir(parents=True, exist_ok=True)
            # A directory of its own with an unguessable name (mkdtemp: created 0700, never an
            # existing path or a symlink someone planted), moved into place whole.
            build = Path(tempfile.mkdtemp(prefix=f"{_BUILD_PREFIX}{os.getpid()}.", dir=target.parent))
            try:
                tmp = build / "model.onnx"
                with _quantiser_log_to_debug():
                    quantize_dynamic(str(source), str(tmp), weight_type=QuantType.QInt8, per_channel=True)
                os.chmod(tmp, 0o644)
                os.replace(tmp, target)  # atomic: a parallel worker sees the whole file or none
            finally:
                shutil.rmtree(build, ignore_errors=True)
        except Exception as exc:  # noqa: BLE001 - speed is optional, coding is not
            log.warning("int8 embedding model not built (%s: %s); using the fp32 model", type(exc).__name__, exc)
            return source
        for stale in target.parent.glob("minilm-int8-*.onnx"):
            if stale != target and not stale.name.endswith(".tmp.onnx"):
                stale.unlink(missing_ok=True)
    return target


class _ToDebug(logging.Handler):
    """Re-logs onnxruntime's records at DEBUG on this module's logger; passes any other record on
    as Python would have without a root handler (``logging.lastResort``)."""

    def emit(self, record: logging.LogRecord) -> None:
        if "onnxruntime" in (record.pathname or ""):
            log.debug("onnxruntime %s: %s", record.levelname.lower(), record.getMessage())
        elif logging.lastResort is not None and record.levelno >= logging.lastResort.level:
            logging.lastResort.handle(record)


@contextmanager
def _quantiser_log_to_debug() -> Iterator[None]:
    """Keep onnxruntime's quantiser from printing to the user.

    Why: it logs through the root logger (``logging.warning("Please consider to run pre-processing
    before quantization ...")``), which, with no handler configured, makes Python call
    ``basicConfig`` and print ``WARNING:root:...`` on the first run of every fresh install. The
    advice does not apply (the build is checked by the embedding tests), so it goes to the debug log.
    A root handler present for the duration stops ``basicConfig`` from installing one for good."""
    root = logging.getLogger()
    handler = _ToDebug()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)


_BUILD_PREFIX = "minilm-int8-build."


def _trusted(target: Path) -> bool:
    """Whether the int8 model at ``target`` exists and may be run: this user's own regular file,
    writable by no one else, not a symlink. Anything else is removed (and rebuilt by the caller),
    since a planted model would change every embedding."""
    from ..cache_files import untrusted_reason

    try:
        st = os.lstat(target)
    except OSError:  # missing, or no cache directory at all: build (or fall back) as usual
        return False
    reason = untrusted_reason(st)
    if reason is None:
        return True
    log.warning("not using the int8 model %s (%s); rebuilding it", target, reason)
    target.unlink(missing_ok=True)
    return False


def _sweep_abandoned(directory: Path) -> None:
    """Delete half-written builds (``minilm-int8-build.<pid>.*/``, and the older
    ``minilm-int8-<digest>.<pid>.tmp.onnx``; about 20 MB each) whose process is gone: a run killed
    while building leaves one, and the next build is the first moment anyone looks. A live
    process's build is left to it."""
    for tmp in directory.glob("minilm-int8-*.tmp.onnx"):
        pid = tmp.name.split(".")[-3]
        if pid.isdigit() and not _alive(int(pid)):
            tmp.unlink(missing_ok=True)
    for build in directory.glob(f"{_BUILD_PREFIX}*"):
        pid = build.name[len(_BUILD_PREFIX):].split(".")[0]
        if pid.isdigit() and not _alive(int(pid)) and build.is_dir() and not build.is_symlink():
            shutil.rmtree(build, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True
