"""The lock is installed with --no-deps, so it must be closed under its own requirements.

Why a test: a lock that lacks a package some locked package asks for (through an extra, as
``justext`` asks for ``lxml[html_clean]``) installs without error under --no-deps and breaks at
import time instead; under plain resolution it let a new release on the index break setup.
"""

import subprocess
import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

import check_lock  # noqa: E402


def test_the_shipped_lock_is_closed_under_its_own_requirements() -> None:
    assert check_lock.problems(ROOT / "requirements.lock", ROOT / "requirements.in") == []


def _pin(name: str) -> str:
    return f"{name}=={metadata.version(name)} \\\n    --hash=sha256:{'0' * 64}\n"


def test_a_package_an_extra_needs_is_reported_missing(tmp_path: Path) -> None:
    # justext asks for lxml[html_clean]; the html_clean extra of lxml asks for lxml_html_clean.
    lock = tmp_path / "requirements.lock"
    lock.write_text(_pin("justext") + _pin("lxml"))
    roots = tmp_path / "requirements.in"
    roots.write_text("justext\n")
    found = check_lock.problems(lock, roots)
    assert any(line.startswith("lxml-html-clean ") and "lxml[html_clean]" in line for line in found), found


def test_a_locked_version_that_breaks_a_specifier_is_reported(tmp_path: Path) -> None:
    lock = tmp_path / "requirements.lock"
    # justext needs lxml>=4.4.2: a lock pinning lxml 1.0 is not consistent.
    lock.write_text(_pin("justext") + "lxml==1.0 \\\n" + _pin("lxml-html-clean"))
    roots = tmp_path / "requirements.in"
    roots.write_text("justext\n")
    found = check_lock.problems(lock, roots)
    assert any("lxml==1.0 does not satisfy justext" in line for line in found), found
    assert any("lxml is locked at 1.0 but" in line for line in found), found


def test_a_direct_requirement_missing_from_the_lock_is_reported(tmp_path: Path) -> None:
    lock = tmp_path / "requirements.lock"
    lock.write_text(_pin("click"))
    roots = tmp_path / "requirements.in"
    roots.write_text("click>=8\npyyaml>=6\n")
    assert check_lock.problems(lock, roots) == ["pyyaml (asked for by requirements.in) is not in the lock"]


def test_the_command_exits_nonzero_on_an_open_lock(tmp_path: Path) -> None:
    lock = tmp_path / "requirements.lock"
    lock.write_text(_pin("justext"))
    roots = tmp_path / "requirements.in"
    roots.write_text("justext\n")
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "check_lock.py"), "--lock", str(lock), "--roots", str(roots)],
        capture_output=True, text=True,
    )
    assert done.returncode == 1
    assert "lock not closed: lxml (asked for by justext" in done.stderr
