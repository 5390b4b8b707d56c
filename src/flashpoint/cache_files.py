"""Cache files that are safe to read back: plain data in named binary sections, never a pickle.

Why not pickle: loading a pickle runs whatever the file says, so anyone who can put a file in the
cache directory (a shared ``$XDG_CACHE_HOME``, a planted file, a restored backup) would run code
inside ``extract``. A keyed check (an HMAC over a pickle) would stop a stranger but still execute
the file when the key leaks or sits beside it; a format with no code in it cannot be made to run
anything, whoever wrote it. The caches are columns of numbers and strings anyway, so the format
is: an 8-byte magic, the length of a JSON header, the header (the cache's kind and key, small
values, and where each section lies), then the raw sections. Reading it back is one read and a few
``frombytes`` calls: as fast as the pickle was.

Why the checks on reading: a file owned by another user, or one that other users may write, may
have been planted; a symlink may point anywhere. Such a file, or a damaged one (wrong magic, kind
or key, sizes that do not add up, a CRC that does not match), is not read: the caller rebuilds the
cache and replaces it. Writing goes to a fresh temporary file in the same directory (``mkstemp``:
an unpredictable name, created exclusively, never through a symlink), then ``os.replace``: readers
see the old file or the whole new one, and a symlink at the cache path is replaced, not followed.
"""

from __future__ import annotations

import contextlib
import json
import logging
import mmap
import os
import stat
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

log = logging.getLogger(__name__)

MAGIC = b"FPCACHE1"
_HEADER_LEN = 8  # bytes of the header's length, little-endian
_NO_FOLLOW = getattr(os, "O_NOFOLLOW", 0)
T = TypeVar("T")


class UntrustedCache(ValueError):
    """A cache file that must not be read: planted, shared, damaged or of another kind."""


@dataclass(frozen=True, slots=True)
class CacheContents:
    """What a cache file holds: small values (``meta``, from JSON) and named binary sections."""

    meta: dict[str, Any]
    sections: dict[str, memoryview]


def untrusted_reason(st: os.stat_result) -> str | None:
    """Why a file with this status must not be trusted, or None.

    Only the current user's own regular files, writable by no one else, are read: root or the
    user could replace them anyway, anyone else could not have written them."""
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file"
    if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
        return f"owned by another user (uid {st.st_uid})"
    if st.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return "writable by other users"
    return None


def load_cache(path: Path, kind: str, key: str, decode: Callable[[CacheContents], T]) -> T | None:
    """``decode`` of the cache at ``path`` when it is trustworthy and of this ``kind`` and ``key``;
    None when it is missing, or (logged) when it must be rebuilt. Never follows a symlink at ``path``.

    The file is mapped, not read: ``decode`` copies each section once, straight from the page
    cache, into its arrays and strings. Any error ``decode`` raises for data that parse but do
    not fit (a missing section, a wrong type) also means: rebuild."""
    try:
        fd = os.open(path, os.O_RDONLY | _NO_FOLLOW | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:  # ELOOP: a symlink at the cache path; EACCES: not ours to read
        log.warning("not reading cache %s (%s); rebuilding it", path, exc.strerror or exc)
        return None
    try:
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            reason = untrusted_reason(st) or ("an empty file" if st.st_size == 0 else None)
            if reason:
                raise UntrustedCache(reason)
            mapped = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        try:
            return _decode_mapped(mapped, kind, key, decode)
        finally:
            with contextlib.suppress(BufferError):  # a view kept by mistake: leave the map to the GC
                mapped.close()
    except Exception as exc:  # noqa: BLE001 - whatever is wrong with a file on disk, it is rebuilt
        log.warning("not reading cache %s (%s); rebuilding it", path, exc)
        return None


def _decode_mapped(mapped: mmap.mmap, kind: str, key: str, decode: Callable[[CacheContents], T]) -> T:
    whole = memoryview(mapped)
    contents = None
    try:
        contents = _parse(whole, kind, key)
        return decode(contents)
    finally:  # every view of the map released, so that it can be closed
        for view in contents.sections.values() if contents else ():
            view.release()
        whole.release()


def _parse(data: memoryview, kind: str, key: str) -> CacheContents:
    if data[: len(MAGIC)] != MAGIC:
        raise UntrustedCache("not a Flashpoint cache file")
    start = len(MAGIC) + _HEADER_LEN
    header_len = int.from_bytes(data[len(MAGIC) : start], "little")
    header = json.loads(bytes(data[start : start + header_len]))
    if not isinstance(header, dict) or header.get("kind") != kind or header.get("key") != key:
        raise UntrustedCache("a cache of another kind or version")
    if header.get("byteorder") != sys.byteorder:
        raise UntrustedCache("written on a machine of another byte order")
    payload = data[start + header_len :]
    try:
        if zlib.crc32(payload) != header.get("crc32"):
            raise UntrustedCache("its checksum does not match (a damaged file)")
        sections: dict[str, memoryview] = {}
        offset = 0
        for name, length in header["sections"]:
            sections[name] = payload[offset : offset + length]
            offset += length
        if offset != len(payload):
            raise UntrustedCache(f"{len(payload)} bytes of data where the header says {offset}")
    except BaseException:
        payload.release()
        raise
    payload.release()  # the sections keep the map's buffer alive on their own
    return CacheContents(header.get("meta") or {}, sections)


def write_cache(path: Path, kind: str, key: str, meta: Mapping[str, Any],
                sections: Mapping[str, bytes | memoryview], *, mode: int = 0o644) -> None:
    """Write a cache atomically (see the module docstring). ``mode`` 0o644 lets other users of a
    shared cache directory read it; they will not load it (it is not theirs), nor can they change it."""
    views = [(name, memoryview(blob).cast("B")) for name, blob in sections.items()]
    crc = 0
    for _, view in views:
        crc = zlib.crc32(view, crc)
    header = json.dumps({"kind": kind, "key": key, "byteorder": sys.byteorder, "crc32": crc, "meta": meta,
                         "sections": [[name, view.nbytes] for name, view in views]},
                        ensure_ascii=True, separators=(",", ":")).encode("ascii")
    replace_atomically(path, [MAGIC, len(header).to_bytes(_HEADER_LEN, "little"), header,
                              *(view for _, view in views)], mode=mode)


def replace_atomically(path: Path, chunks: Iterable[bytes | memoryview], *, mode: int = 0o644) -> None:
    """Write ``chunks`` to a fresh private temporary file beside ``path``, then rename it over ``path``.

    ``mkstemp`` opens with O_CREAT | O_EXCL (and O_NOFOLLOW): a name planted in advance, symlink or
    not, is never opened. The mode is set on the open descriptor, not by name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
            os.fchmod(fh.fileno(), mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_stale(directory: Path, patterns: Iterable[str], keep: Path) -> None:
    """Delete older caches of one kind (other versions or sources), never following a symlink: a
    process that loaded one holds it in memory already."""
    for pattern in patterns:
        for stale in directory.glob(pattern):
            if stale != keep and not stale.name.startswith("."):
                try:
                    stale.unlink()
                except OSError as exc:
                    log.debug("could not remove stale cache %s: %s", stale, exc)
