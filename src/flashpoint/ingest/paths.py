"""Which filesystem entries ingest may read, and why not: folder walks, symlinks, pipes, loops.

Why a symlink found while walking a folder is followed only while it stays inside that folder:
``flashpoint run inbox/`` and ``flashpoint watch inbox/`` mean "the articles in this folder". A
link ``inbox/innocent.txt -> ~/private.txt`` planted by whoever may write to the inbox would
otherwise carry a private file into the store, where the open search API serves it. A path the
user names on the command line may be a link anywhere: the user chose it.

Why a named pipe, socket or device is refused from its file type, before it is opened: opening a
FIFO for reading blocks until a writer appears, which may be never, and reading a device such as
``/dev/zero`` never ends. Standard input (``-``) is the one stream ingest reads.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterator
from pathlib import Path

from flashpoint.ingest.clean import replace_surrogates
from flashpoint.model import IngestError

OUTSIDE_FOLDER = "symlink leads outside the folder"

# What a path is, for the one line that says why it was not read; checked in this order.
_NOT_REGULAR = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a directory"),
)


def not_regular_reason(mode: int) -> str:
    """The reason a path of this mode is not read as an article file."""
    what = next((name for test, name in _NOT_REGULAR if test(mode)), "a special file")
    hint = "; to read a stream, pipe it to standard input ('-')" if stat.S_ISFIFO(mode) else ""
    return f"cannot read: {what}, not a regular file{hint}"


def os_error_reason(path: Path, err: OSError) -> str:
    """An OSError met when looking at or opening ``path``, as the words a user can act on."""
    if err.errno == errno.ELOOP:
        return "cannot read: symlink loop"
    if err.errno == errno.ENOENT:
        return "cannot read: broken symbolic link" if path.is_symlink() else "cannot read: no such file or directory"
    return f"cannot read: {err.strerror or err}"


def _inside(real: str, top: str) -> bool:
    try:
        return os.path.commonpath([real, top]) == top
    except ValueError:  # different drives (Windows)
        return False


def walk_folder(root: Path, suffixes: frozenset[str]) -> Iterator[Path | IngestError]:
    """The files under ``root`` whose extension is in ``suffixes``, recursively, in sorted order.

    Hidden entries (a leading dot) are skipped. A symlink is followed when it resolves inside
    ``root`` (each real folder is walked once, so a link loop ends); one that leads outside, is
    broken or loops is an IngestError, for the entries that would have been read. The names come
    as the folder spells them; an origin that is not valid UTF-8 is made printable.
    """
    top = os.path.realpath(root)
    yield from _walk(root, top, suffixes, set())


def _walk(directory: Path, top: str, suffixes: frozenset[str], seen: set[str]) -> Iterator[Path | IngestError]:
    real = os.path.realpath(directory)
    if real in seen:
        return
    seen.add(real)
    try:
        entries = sorted(os.scandir(directory), key=lambda e: e.name)
    except OSError as err:
        yield _error(directory, f"cannot read directory: {err.strerror or err}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir()  # follows a link
        except OSError:
            is_dir = False
        if not is_dir and path.suffix.lower() not in suffixes:
            continue
        if entry.is_symlink():
            try:
                os.stat(path)
            except OSError as err:
                yield _error(path, os_error_reason(path, err))
                continue
            if not _inside(os.path.realpath(path), top):
                yield _error(path, OUTSIDE_FOLDER)
                continue
        if is_dir:
            yield from _walk(path, top, suffixes, seen)
        else:
            yield path


def _error(path: Path, reason: str) -> IngestError:
    return IngestError(replace_surrogates(str(path)), reason)
