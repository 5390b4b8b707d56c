"""Tune and held-out halves of a gold set, by a hash of each document's key.

Why one module: every scorer that keeps a held-out half (LGL places, TimeBank times) must split the
same way. By document, so that no document is half tuned on; by a hash of its key (a docid, a file
name), so that the split is stable and needs no list kept beside the gold.
"""

from __future__ import annotations

import hashlib

SPLITS = ("tune", "test", "all")


def split_of(key: str) -> str:
    """``tune`` when the SHA-1 of the key is even, else ``test``."""
    return "tune" if int(hashlib.sha1(key.encode("utf-8")).hexdigest(), 16) % 2 == 0 else "test"


def check_split(split: str) -> None:
    if split not in SPLITS:
        raise ValueError(f"unknown split {split!r}: one of {', '.join(SPLITS)}")
