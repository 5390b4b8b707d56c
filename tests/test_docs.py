"""Docs that cannot drift, in the manner of datasette's tests/test_docs.py: whatever a user can set
or call must be written down, and whatever the docs name must exist.

Why a test and not a review habit: the docs drifted silently before (DESIGN named an
``actors.yaml`` that had become a folder, six knowledge files were missing from its table, and a
data file cited ``eval actors --sweep``, a flag that never existed). Each check reads the thing
users meet (the click command tree, the environment variables the code reads, the files in
``src/flashpoint/data/``, the FastAPI app's routes) and the page that documents it:

- every command, option and argument: ``docs/CLI.md``, one ``## flashpoint COMMAND`` section each,
  with an options table;
- every ``FLASHPOINT_*`` variable read under ``src/``: README's Settings table;
- every knowledge file and folder: the Knowledge files table of ``docs/DESIGN.md``;
- every API route: README's API table;
- every ``flashpoint COMMAND --flag`` cited in README, ``docs/`` or a data file's comments
  names a real command and flag.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import click
import pytest

from flashpoint.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
CLI_DOC = ROOT / "docs" / "CLI.md"
DESIGN = ROOT / "docs" / "DESIGN.md"
SRC = ROOT / "src" / "flashpoint"
DATA = SRC / "data"
HELP_OPTS = frozenset({"-h", "--help"})

# ------------------------------------------------------------------------------------ helpers


def _commands(cmd: click.Command = main, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command of the tree, the root included, depth first (``("eval", "seeds")`` ...)."""
    if getattr(cmd, "hidden", False):
        return
    yield path, cmd
    if isinstance(cmd, click.Group):
        for name, sub in sorted(cmd.commands.items()):
            yield from _commands(sub, (*path, name))


COMMANDS = dict(_commands())


def _title(path: tuple[str, ...]) -> str:
    return " ".join(("flashpoint", *path))


def _sections(text: str, level: str) -> dict[str, str]:
    """A Markdown page cut at its headings of one level (``"##"``): heading text -> body."""
    out: dict[str, str] = {}
    parts = re.split(rf"^{level} (.+)$", text, flags=re.M)
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        out[heading.strip()] = body
    return out


def _table_rows(body: str) -> list[list[str]]:
    """The cells of every table row in ``body`` (header and rule rows left out)."""
    rows = []
    lines = [line.strip() for line in body.splitlines() if line.strip().startswith("|")]
    for i, line in enumerate(lines):
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip("|"))]  # `a\|b` stays one cell
        if i + 1 < len(lines) and set(lines[i + 1].replace("|", "").strip()) <= {"-", " ", ":"}:
            continue  # a header row: the next line is its rule
        if set(line.replace("|", "").strip()) <= {"-", " ", ":"}:
            continue
        rows.append(cells)
    return rows


def _code_tokens(cell: str) -> set[str]:
    """The words of a cell's `code spans`: `-o`, `--output FILE` -> {"-o", "--output", "FILE"}."""
    tokens = set()
    for span in re.findall(r"`([^`]+)`", cell):
        for word in re.split(r"[\s,/\[\]]+|\\\|", span):
            if word:
                tokens.add(word.rstrip(".").rstrip("…"))
    return tokens


def _opts(cmd: click.Command) -> set[str]:
    return {o for p in cmd.params if isinstance(p, click.Option) and not p.hidden
            for o in (*p.opts, *p.secondary_opts)} | HELP_OPTS


def _cli_sections() -> dict[str, str]:
    return {h: b for h, b in _sections(CLI_DOC.read_text(encoding="utf-8"), "##").items()
            if h.startswith("flashpoint")}


# --------------------------------------------------------------------------------------- CLI


def test_every_command_has_a_section_in_the_cli_reference() -> None:
    sections = _cli_sections()
    missing = [_title(p) for p in COMMANDS if _title(p) not in sections]
    assert not missing, f"docs/CLI.md lacks a '## <command>' section for: {', '.join(missing)}"
    stale = sorted(set(sections) - {_title(p) for p in COMMANDS})
    assert not stale, f"docs/CLI.md documents commands that do not exist: {', '.join(stale)}"


@pytest.mark.parametrize("path", list(COMMANDS), ids=lambda p: _title(p).replace(" ", "-"))
def test_every_option_and_argument_is_in_its_commands_table(path: tuple[str, ...]) -> None:
    """Each option (all its spellings: ``-o``, ``--output``) and each argument is a row of the
    command's options table, with a description; the table names nothing the command lacks."""
    cmd = COMMANDS[path]
    body = _cli_sections().get(_title(path))
    if body is None:
        pytest.fail(f"docs/CLI.md has no section '## {_title(path)}'")
    rows = _table_rows(body)
    documented: set[str] = set()
    for cells in rows:
        tokens = _code_tokens(cells[0])
        assert len(cells) >= 2 and cells[-1], f"{_title(path)}: row {cells[0]} has no description"
        unknown = {t for t in tokens if re.match(r"--?[a-zA-Z]", t)} - _opts(cmd)
        assert not unknown, f"docs/CLI.md, {_title(path)}: no such option {sorted(unknown)}"
        documented |= tokens
    for param in cmd.params:
        if isinstance(param, click.Option):
            if param.hidden:
                continue
            names = set(param.opts) | set(param.secondary_opts)
            assert names <= documented, (
                f"docs/CLI.md, {_title(path)}: option {'/'.join(sorted(names))} is not in the options table")
        else:
            name = (param.name or "").upper()
            assert name in documented, f"docs/CLI.md, {_title(path)}: argument {name} is not in the options table"


def _cited_commands(text: str) -> Iterator[tuple[str, list[str]]]:
    """Each command line the text cites, as its words: `flashpoint eval places --tune`, a code
    block's `.venv/bin/flashpoint run x --workers 4 # ...`, or a span that starts with a command
    (`events --format`). Shell pipes, redirections and comments end a command line."""
    spans, prose, fenced = [], [], False
    for line in text.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        elif fenced:
            spans.append(line)
        else:
            prose.append(line)
    spans += re.findall(r"`([^`\n]+)`", "\n".join(prose))
    top = {p[0] for p in COMMANDS if p}
    for span in spans:
        for m in re.finditer(r"(?:^|\s)(?:\S*/)?flashpoint\s+(.*)", span):
            yield span, re.split(r"\s(?:#|\||>|<|&&|;)", m.group(1))[0].split()
        words = span.split()
        if words and words[0] in top and any(w.startswith("-") for w in words[1:]):
            yield span, re.split(r"\s(?:#|\||>|<|&&|;)", span)[0].split()


def _check_citations(text: str, where: str) -> list[str]:
    problems = []
    for span, words in _cited_commands(text):
        path: tuple[str, ...] = ()
        for word in words:
            node = COMMANDS[path]
            if isinstance(node, click.Group) and (*path, word) in COMMANDS:
                path = (*path, word)
            else:
                break
        if not path:
            if words and re.fullmatch(r"[a-z][a-z-]*", words[0]):
                problems.append(f"{where}: `{span}`: no command '{words[0]}'")
            continue
        flags = {w.split("=")[0].strip("[]().,;:") for w in words if re.match(r"\[?-{1,2}[a-zA-Z]", w)}
        unknown = sorted(f for f in flags if f not in _opts(COMMANDS[path]))
        if unknown:
            problems.append(f"{where}: `{span}`: {_title(path)} has no {', '.join(unknown)}")
    return problems


def _pages() -> list[Path]:
    return [README, *sorted((ROOT / "docs").glob("*.md"))]


def test_every_cited_command_and_flag_exists() -> None:
    """`flashpoint eval actors --sweep` in a data file's header sent readers to a flag that never
    existed; every command line cited in the docs or in a knowledge file's comments must run."""
    problems = []
    for page in _pages():
        problems += _check_citations(page.read_text(encoding="utf-8"), str(page.relative_to(ROOT)))
    for path in sorted(DATA.rglob("*")):
        if path.suffix in {".yaml", ".tsv"}:
            comments = "\n".join(line for line in path.read_text(encoding="utf-8").splitlines()
                                 if line.lstrip().startswith("#"))
            problems += _check_citations(comments, str(path.relative_to(ROOT)))
    assert not problems, "\n".join(problems)


def test_the_citation_check_catches_a_flag_that_does_not_exist() -> None:
    """The check above must be able to fail: the drift the issue found is reported, with its place."""
    assert _check_citations("with `flashpoint eval actors --sweep`", "x") == [
        "x: `flashpoint eval actors --sweep`: flashpoint eval actors has no --sweep"]
    assert _check_citations("```sh\n.venv/bin/flashpoint runn x\n```", "x") == [
        "x: `.venv/bin/flashpoint runn x`: no command 'runn'"]
    assert _check_citations("`export --format json|jsonl --changed-since TIME` and `flashpoint run -q`", "x") == []


# ---------------------------------------------------------------------------------- settings


def _settings_read() -> set[str]:
    """Every FLASHPOINT_* name the package's code mentions (settings.py holds most; the cache
    directory is read where the cache lives)."""
    names: set[str] = set()
    for path in SRC.rglob("*.py"):
        names |= set(re.findall(r"\bFLASHPOINT_[A-Z0-9_]*[A-Z0-9]\b", path.read_text(encoding="utf-8")))
    return names


def _settings_table() -> dict[str, list[str]]:
    body = _sections(README.read_text(encoding="utf-8"), "##")["Settings"]
    table: dict[str, list[str]] = {}
    for cells in _table_rows(body):
        for name in re.findall(r"`(FLASHPOINT_[A-Z0-9_]+)`", cells[0]):
            table[name] = cells
    return table


def test_every_setting_is_in_the_readmes_settings_table() -> None:
    read, table = _settings_read(), _settings_table()
    assert "FLASHPOINT_DB" in read  # the scan itself works
    missing = sorted(read - set(table))
    assert not missing, f"README.md's Settings table lacks: {', '.join(missing)}"
    stale = sorted(set(table) - read)
    assert not stale, f"README.md's Settings table names variables nothing reads: {', '.join(stale)}"
    for name, cells in table.items():
        assert len(cells) == 3 and all(cells), f"{name}: a settings row needs its default and meaning"


# ----------------------------------------------------------------------------- knowledge files


def _knowledge_entries() -> set[str]:
    """What ``src/flashpoint/data/`` holds: files by name, folders as ``name/``."""
    out = set()
    for path in DATA.iterdir():
        if path.name.startswith((".", "_")):
            continue
        out.add(path.name + "/" if path.is_dir() else path.name)
    return out


def _knowledge_table() -> dict[str, list[str]]:
    body = _sections(DESIGN.read_text(encoding="utf-8"), "##")["Knowledge files"]
    table: dict[str, list[str]] = {}
    for cells in _table_rows(body):
        for name in re.findall(r"`([^`]+)`", cells[0]):
            table[name] = cells
    return table


def test_every_knowledge_file_is_in_designs_table() -> None:
    entries, table = _knowledge_entries(), _knowledge_table()
    assert {"ontology.yaml", "actors/"} <= entries  # the listing itself works
    missing = sorted(entries - set(table))
    assert not missing, f"docs/DESIGN.md's Knowledge files table lacks: {', '.join(missing)}"
    stale = sorted(set(table) - entries)
    assert not stale, f"docs/DESIGN.md's Knowledge files table names what data/ lacks: {', '.join(stale)}"
    for name, cells in table.items():
        assert len(cells) >= 2 and cells[-1], f"{name}: a knowledge file needs a one-line description"


# ---------------------------------------------------------------------------------------- API


def _norm(route: str) -> str:
    return re.sub(r"\{[^}]*\}", "{}", route)


def test_every_api_route_is_in_the_readmes_api_table(tmp_path: Path) -> None:
    """The routes come from the real app (its OpenAPI schema: what a client can call)."""
    from flashpoint.api.app import create_app

    schema = create_app(f"sqlite:///{tmp_path / 'docs.db'}").openapi()
    routes = {f"{method.upper()} {_norm(path)}" for path, ops in schema["paths"].items() for method in ops}
    assert "GET /api/events" in routes
    body = _sections(README.read_text(encoding="utf-8"), "##")["API"]
    listed = set()
    for cells in _table_rows(body):
        for method, path in re.findall(r"`(GET|POST|PATCH|PUT|DELETE) (/[^`?\s]+)", cells[0]):
            listed.add(f"{method} {_norm(path)}")
    missing = sorted(routes - listed)
    assert not missing, f"README.md's API table lacks: {', '.join(missing)}"
    stale = sorted(listed - routes)
    assert not stale, f"README.md's API table names routes the app lacks: {', '.join(stale)}"
