"""Check that requirements.lock is a closed set: every requirement of every locked package is itself
locked, at a version that satisfies it.

Why: setup installs the lock with ``--no-deps`` (the lock is the complete set, so nothing is
resolved at install time and a release on the index cannot change what is installed). That is only
sound if the lock is closed under its own requirements, extras included: ``justext`` asks for
``lxml[html_clean]``, so lxml's ``html_clean`` extra (``lxml_html_clean``) must be locked too. Run it
inside the environment the lock was installed into (``make lock`` and the test suite do): it reads each
package's requirements from its installed metadata, evaluated for this interpreter and platform.

Exit status 0 when closed; 1 with one line per problem otherwise.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import deque
from importlib import metadata
from pathlib import Path

from packaging.markers import default_environment
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[1]
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;\\]+)")


def read_lock(path: Path) -> dict[str, Version]:
    """``name -> version`` for every ``name==version`` line of a pip-compile/uv lock file."""
    pins: dict[str, Version] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        m = _PIN.match(line)
        if m:
            pins[canonicalize_name(m.group(1))] = Version(m.group(3))
    return pins


def read_roots(path: Path) -> list[Requirement]:
    """The direct requirements (``requirements.in``): where the walk over extras starts."""
    roots = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            roots.append(Requirement(line))
    return roots


def _applies(req: Requirement, extra: str) -> bool:
    if req.marker is None:
        return extra == ""
    env = {**default_environment(), "extra": extra}
    return req.marker.evaluate(env)


def problems(lock: Path, roots_file: Path) -> list[str]:
    """Every way the lock fails to be closed; empty when it is."""
    pins = read_lock(lock)
    found: list[str] = []
    queue: deque[tuple[str, frozenset[str], str]] = deque()
    for root in read_roots(roots_file):
        if _applies(root, ""):
            queue.append((canonicalize_name(root.name), frozenset(root.extras), "requirements.in"))
    seen: set[tuple[str, str]] = set()
    while queue:
        name, extras, asked_by = queue.popleft()
        if name not in pins:
            found.append(f"{name} (asked for by {asked_by}) is not in the lock")
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            found.append(f"{name}=={pins[name]} is locked but not installed here")
            continue
        installed = Version(dist.version)
        if installed != pins[name]:
            found.append(f"{name} is locked at {pins[name]} but {installed} is installed")
        for extra in ("", *sorted(extras)):
            if (name, extra) in seen:
                continue
            seen.add((name, extra))
            for raw in dist.requires or []:
                req = Requirement(raw)
                if not _applies(req, extra):
                    continue
                dep = canonicalize_name(req.name)
                label = f"{name}[{extra}]" if extra else name
                if dep not in pins:
                    found.append(f"{dep} (asked for by {label}: {raw}) is not in the lock")
                    continue
                if req.specifier and not req.specifier.contains(pins[dep], prereleases=True):
                    found.append(f"{dep}=={pins[dep]} does not satisfy {label}'s requirement {raw}")
                queue.append((dep, frozenset(req.extras), label))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lock", type=Path, default=ROOT / "requirements.lock")
    parser.add_argument("--roots", type=Path, default=ROOT / "requirements.in")
    args = parser.parse_args(argv)
    found = problems(args.lock, args.roots)
    for line in found:
        print(f"lock not closed: {line}", file=sys.stderr)
    if not found:
        print(f"{args.lock.name}: closed ({len(read_lock(args.lock))} packages)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
