"""Shared fixtures: the example articles live beside the repository, in ../shared."""

from pathlib import Path

import pytest

SEEDS_DIR = Path(__file__).resolve().parents[2] / "shared" / "seeds"


@pytest.fixture
def seeds_dir() -> Path:
    """The seed articles; tests that need them are skipped where the checkout lacks them."""
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"seed articles not found at {SEEDS_DIR}")
    return SEEDS_DIR
