"""Situation reports over a real store: FA-KES articles about Aleppo, coded and fused by `flashpoint run`.

Every figure the report prints is checked against the store itself (its SQL counts and its fused
events), not against the report's own intermediate numbers; the HTML and Markdown are read back
as a user would get them; reports are compared byte for byte across runs; article text that
carries markup must come out inert.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from flashpoint.filters import EventFilters, Period
from flashpoint.report import build
from flashpoint.report.citations import fold
from flashpoint.report.figures import change
from flashpoint.store import open_store

ROOT = Path(__file__).resolve().parents[1]
EXE = str(Path(sys.executable).with_name("flashpoint"))
FAKES = ROOT / "examples" / "fa-kes" / "fa-kes.jsonl"

# Aleppo, October 2016, against September 2016: the articles the FA-KES corpus files under Aleppo
# for those two months (62 of 804), enough for a real report in a few seconds of coding.
ADMIN1, SINCE, UNTIL = "Aleppo", "2016-10-01", "2016-10-31"
PREV_SINCE, PREV_UNTIL = "2016-09-01", "2016-09-30"
ACLED_TYPES = ("Battles", "Explosions/Remote violence", "Violence against civilians", "Protests",
               "Riots", "Strategic developments")


def fp(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([EXE, *args], capture_output=True, cwd=cwd, timeout=600)


@pytest.fixture(scope="session")
def aleppo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store, built once per session with the real command."""
    d = tmp_path_factory.mktemp("aleppo")
    subset = d / "aleppo-2016-09-10.jsonl"
    with FAKES.open(encoding="utf-8") as src, subset.open("w", encoding="utf-8") as out:
        for line in src:
            article = json.loads(line)
            if (article.get("fakes_location") == "aleppo"
                    and (article.get("fakes_date") or "")[:7] in ("2016-09", "2016-10")):
                out.write(line)
    db = d / "store.db"
    proc = fp("run", str(subset), "--db", str(db), "-q")
    assert proc.returncode == 0, proc.stderr.decode()
    return db


@pytest.fixture(scope="session")
def report_files(aleppo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The report as a user makes it: HTML and Markdown (with its images) through the CLI."""
    d = tmp_path_factory.mktemp("report")
    args = ["--db", str(aleppo_db), "--admin1", ADMIN1, "--since", "2016-10", "--until", "2016-10"]
    html = fp("report", *args, "--format", "html", "-o", str(d / "aleppo.html"))
    assert html.returncode == 0, html.stderr.decode()
    md = fp("report", *args, "--format", "md", "-o", str(d / "aleppo.md"))
    assert md.returncode == 0, md.stderr.decode()
    return {"html": d / "aleppo.html", "md": d / "aleppo.md", "dir": d}


# ------------------------------------------------------------------------------ reading back


class _Figures(HTMLParser):
    """data-figure values: top-level ones, and per table row keyed by data-type / data-actor."""

    def __init__(self) -> None:
        super().__init__()
        self.top: dict[str, int] = {}
        self.rows: dict[str, dict[str, dict[str, int]]] = {"type": {}, "actor": {}}
        self._row: tuple[str, str] | None = None
        self._figure: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "tr":
            self._row = next(((k, a[f"data-{k}"] or "") for k in ("type", "actor") if f"data-{k}" in a), None)
        if "data-figure" in a:
            self._figure, self._text = a["data-figure"], ""

    def handle_data(self, data: str) -> None:
        if self._figure is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        if self._figure is not None and tag in ("td", "div", "span"):
            value = int(self._text.replace(",", "") or 0)
            if self._row is None:
                self.top.setdefault(self._figure, value)
            else:
                self.rows[self._row[0]].setdefault(self._row[1], {})[self._figure] = value
            self._figure = None
        if tag == "tr":
            self._row = None


def html_figures(text: str) -> _Figures:
    parser = _Figures()
    parser.feed(text)
    return parser


def md_table(text: str, first_header: str) -> dict[str, list[str]]:
    """A Markdown table (found by its first header cell) as {first cell: other cells}."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"| {first_header} |"))
    rows = {}
    for line in lines[start + 2:]:
        if not line.startswith("|"):
            break
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line.strip())[1:-1]]
        rows[cells[0]] = cells[1:]
    return rows


def _n(cell: str) -> int:
    return int(cell.replace(",", ""))


# ------------------------------------------------------------------------------ expectations from the store


def store_truth(db: Path) -> dict[str, Any]:
    """What the report must say, asked of the store directly (SQL counts, fused events)."""
    store = open_store(str(db))
    try:
        now = dict(admin1=ADMIN1, since=SINCE, until=UNTIL)
        before = dict(admin1=ADMIN1, since=PREV_SINCE, until=PREV_UNTIL)
        events, prev = store.fused_events(**now), store.fused_events(**before)

        def dead(rows: list[dict[str, Any]]) -> int:
            return sum(e["fatalities"] or 0 for e in rows)

        types = {}
        for t in ACLED_TYPES:
            n, pn = store.count_fused_events(event_type=t, **now), store.count_fused_events(event_type=t, **before)
            if n or pn:
                types[t] = (n, dead(store.fused_events(event_type=t, **now)), pn,
                            dead(store.fused_events(event_type=t, **before)))
        other = [e for e in events if not e["acled"]]
        other_prev = [e for e in prev if not e["acled"]]
        if other or other_prev:
            types["Other (PLOVER only)"] = (len(other), dead(other), len(other_prev), dead(other_prev))
        actors: Counter[str] = Counter()
        for e in events:
            names = {e["actor1"], e["actor2"]} | {
                p.strip() for k in ("assoc_actor_1", "assoc_actor_2") for p in (e[k] or "").split(";")}
            actors.update(n for n in names if n)
        return {
            "events": store.count_fused_events(**now), "fatalities": dead(events),
            "with_fatalities": sum(1 for e in events if (e["fatalities"] or 0) > 0),
            "previous_events": store.count_fused_events(**before), "previous_fatalities": dead(prev),
            "types": types, "actors": actors, "rows": events,
            "sources": {(s["article_id"]) for e in events for s in e["sources"]},
        }
    finally:
        store.close()


def test_the_subset_makes_a_real_report(aleppo_db: Path) -> None:
    truth = store_truth(aleppo_db)
    assert truth["events"] >= 5 and truth["previous_events"] >= 3
    assert truth["fatalities"] > 0 and len(truth["types"]) >= 3
    assert any(len(e["sources"]) > 1 for e in truth["rows"]), "fusion should join some reports"


def test_html_figures_match_the_store(aleppo_db: Path, report_files: dict[str, Path]) -> None:
    truth = store_truth(aleppo_db)
    text = report_files["html"].read_text(encoding="utf-8")
    figs = html_figures(text)
    assert figs.top["events"] == truth["events"]
    assert figs.top["fatalities"] == truth["fatalities"]
    assert figs.top["with-fatalities"] == truth["with_fatalities"]
    assert figs.top["previous-events"] == truth["previous_events"]
    assert figs.top["previous-fatalities"] == truth["previous_fatalities"]
    # the change against September, as printed in the cards and the summary
    delta_events = change(truth["events"], truth["previous_events"])
    delta_dead = change(truth["fatalities"], truth["previous_fatalities"])
    assert f"Change: events {delta_events}, fatalities {delta_dead}." in text
    assert f"previous period {truth['previous_events']:,}: {delta_events}" in text
    # one row per event type, and the total row
    rows = figs.rows["type"]
    assert set(rows) == set(truth["types"]) | {"all"}
    for t, (n, dead, pn, pdead) in truth["types"].items():
        assert rows[t] == {"events": n, "fatalities": dead, "previous-events": pn, "previous-fatalities": pdead}, t
    assert rows["all"] == {"events": truth["events"], "fatalities": truth["fatalities"],
                           "previous-events": truth["previous_events"],
                           "previous-fatalities": truth["previous_fatalities"]}
    # most active actors: counts over the period's fused events
    actors = figs.rows["actor"]
    assert actors, "the report lists actors"
    for name, got in actors.items():
        assert got["events"] == truth["actors"][name], name
    top = sorted(truth["actors"].items(), key=lambda kv: (-kv[1], kv[0]))[: len(actors)]
    assert list(actors) == [name for name, _ in top]
    assert f"{truth['events']} events were recorded in Aleppo (Syria) in October 2016" in text
    assert f"with {truth['fatalities']} reported fatalities" in text
    assert f"<h2>All events ({truth['events']})</h2>" in text


def test_markdown_figures_match_the_store(aleppo_db: Path, report_files: dict[str, Path]) -> None:
    truth = store_truth(aleppo_db)
    text = report_files["md"].read_text(encoding="utf-8")
    key = md_table(text, "")  # the key-figures table has an empty first header
    assert [_n(c) for c in key["Events"][:2]] == [truth["events"], truth["previous_events"]]
    assert [_n(c) for c in key["Fatalities"][:2]] == [truth["fatalities"], truth["previous_fatalities"]]
    assert key["Events"][2] == change(truth["events"], truth["previous_events"])
    assert key["Fatalities"][2] == change(truth["fatalities"], truth["previous_fatalities"])
    types = md_table(text, "Event type")
    for t, (n, dead, pn, pdead) in truth["types"].items():
        cells = types[t]
        assert [_n(c) for c in cells[:4]] == [n, dead, pn, pdead], t
    assert [_n(c) for c in types["**All types**"][:4]] == [
        truth["events"], truth["fatalities"], truth["previous_events"], truth["previous_fatalities"]]
    actors = md_table(text, "Actor")
    for name, cells in actors.items():
        assert _n(cells[0]) == truth["actors"][name], name
    assert f"## All events ({truth['events']})" in text


def test_markdown_images_are_written_beside_it(report_files: dict[str, Path]) -> None:
    text = report_files["md"].read_text(encoding="utf-8")
    for name in ("aleppo-map.png", "aleppo-timeline.png"):
        assert f"]({name})" in text
        data = (report_files["dir"] / name).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 5000


def test_html_is_self_contained(report_files: dict[str, Path]) -> None:
    text = report_files["html"].read_text(encoding="utf-8")
    assert text.count('src="data:image/png;base64,') == 2
    assert not re.search(r'(src|href)="(?!data:|#|https?://)', text)
    assert "<link" not in text and "<script" not in text


def test_every_citation_quotes_its_article(aleppo_db: Path) -> None:
    """Each numbered source exists, every cited number is listed, and each quote is the article's
    own words (whitespace folded; a cut quote is a prefix)."""
    store = open_store(str(aleppo_db))
    try:
        rep = build(store, EventFilters(admin1=ADMIN1, since="2016-10", until="2016-10"))
        numbers = {c.n for c in rep.citations}
        assert numbers == set(range(1, len(rep.citations) + 1))
        used = {n for s in rep.headline + rep.change for n in s.cites}
        used |= {n for r in rep.types for n in r.cites} | {n for a in rep.actors for n in a.cites}
        used |= {n for r in rep.relations for n in r.statement.cites}
        used |= {n for e in rep.events for n in e.statement.cites}
        assert used <= numbers
        truth = store_truth(aleppo_db)
        headline_sources = {rep.citations[n - 1].article_id for n in rep.headline[0].cites}
        assert headline_sources == truth["sources"]
        for c in rep.citations:
            article = store.article(c.article_id)
            assert article is not None
            body = fold(article["text"])
            quote = c.quote[:-1] if c.quote.endswith("…") else c.quote
            for piece in quote.split(" … "):
                assert piece in body, (c.n, piece)
            assert c.outlet == article["source"] and c.title == article["title"]
    finally:
        store.close()


def test_timeline_and_map_account_for_every_event(aleppo_db: Path) -> None:
    store = open_store(str(aleppo_db))
    try:
        rep = build(store, EventFilters(admin1=ADMIN1, since="2016-10", until="2016-10"))
    finally:
        store.close()
    truth = store_truth(aleppo_db)
    dated = [e for e in truth["rows"] if e["date"] or e["date_start"]]
    assert rep.timeline_unit == "day" and len(rep.buckets) == 31
    assert sum(b.events for b in rep.buckets) == len(dated)
    assert sum(b.fatalities for b in rep.buckets) == sum(e["fatalities"] or 0 for e in dated)
    located = [e for e in truth["rows"] if (e["location"] or {}).get("lat") is not None]
    assert rep.map_info.mapped == len(located)
    assert rep.map_info.mapped + rep.map_info.unmapped == truth["events"]
    west, south, east, north = rep.map_info.extent
    assert all(west <= e["location"]["lon"] <= east and south <= e["location"]["lat"] <= north for e in located)


def test_reports_are_byte_for_byte_deterministic(aleppo_db: Path, report_files: dict[str, Path],
                                                  tmp_path: Path) -> None:
    args = ["--db", str(aleppo_db), "--admin1", ADMIN1, "--since", "2016-10", "--until", "2016-10"]
    again = fp("report", *args, "--format", "html", "-o", str(tmp_path / "aleppo.html"))
    assert again.returncode == 0
    assert (tmp_path / "aleppo.html").read_bytes() == report_files["html"].read_bytes()
    again = fp("report", *args, "--format", "md", "-o", str(tmp_path / "aleppo.md"))
    assert again.returncode == 0
    for name in ("aleppo.md", "aleppo-map.png", "aleppo-timeline.png"):
        assert (tmp_path / name).read_bytes() == (report_files["dir"] / name).read_bytes(), name
    stdout = fp("report", *args, "--format", "md")
    assert stdout.returncode == 0
    assert stdout.stdout.decode().count("](data:image/png;base64,") == 2


def test_previous_period_is_the_same_length() -> None:
    import datetime as dt

    october = Period(dt.date(2016, 10, 1), dt.date(2016, 10, 31))
    assert october.previous() == Period(dt.date(2016, 9, 1), dt.date(2016, 9, 30))
    assert october.label() == "October 2016" and october.previous().label() == "September 2016"
    quarter = Period(dt.date(2017, 1, 1), dt.date(2017, 3, 31))
    assert quarter.previous() == Period(dt.date(2016, 10, 1), dt.date(2016, 12, 31))
    days = Period(dt.date(2016, 10, 3), dt.date(2016, 10, 16))
    assert days.previous() == Period(dt.date(2016, 9, 19), dt.date(2016, 10, 2))
    assert days.label() == "3–16 October 2016"


# ------------------------------------------------------------------------------ hostile text, empty periods, errors


@pytest.fixture(scope="session")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("hostile")
    article = {
        "id": "evil-1", "published": "2019-04-15", "source": "<b>Evil</b> Times", "url": "javascript:alert(1)",
        "title": "<script>alert('title')</script> Clashes in Mosul",
        "text": "<script>alert('title')</script> Clashes in Mosul\n\nClashes erupted between Iraqi police "
                "and gunmen <img src=x onerror=alert(1)> in Mosul on Sunday, killing two policemen "
                "<script>alert(2)</script>.",
    }
    (d / "evil.jsonl").write_text(json.dumps(article) + "\n", encoding="utf-8")
    db = d / "store.db"
    proc = fp("run", str(d / "evil.jsonl"), "--db", str(db), "-q")
    assert proc.returncode == 0, proc.stderr.decode()
    return db


def test_article_text_is_escaped(hostile_db: Path, tmp_path: Path) -> None:
    html = fp("report", "--db", str(hostile_db), "--since", "2019-04", "--until", "2019-04")
    assert html.returncode == 0, html.stderr.decode()
    text = html.stdout.decode()
    assert "Clashes" in text and "Mosul" in text
    assert "<script" not in text.lower() and "<img src=x" not in text and "<b>Evil" not in text
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in text
    assert "&lt;img src=x onerror=alert(1)&gt;" in text
    assert 'href="javascript:' not in text and "javascript:alert(1)" in text  # shown, never linked
    md = fp("report", "--db", str(hostile_db), "--since", "2019-04", "--until", "2019-04", "--format", "md")
    assert md.returncode == 0
    mtext = md.stdout.decode()
    assert "<script" not in mtext.lower() and "<img" not in mtext and "<b>" not in mtext
    assert "&lt;img src=x onerror=alert(1)&gt;" in mtext


def test_a_period_without_events(hostile_db: Path) -> None:
    proc = fp("report", "--db", str(hostile_db), "--since", "2020-01", "--until", "2020-01", "--format", "md")
    assert proc.returncode == 0, proc.stderr.decode()
    text = proc.stdout.decode()
    assert "No events were recorded in all places in January 2020." in text
    assert "No events were recorded in the previous period (December 2019)." in text
    assert "No event in this period has coordinates." in text


@pytest.mark.parametrize("args, needle", [
    (["--since", "2016-13"], "--since '2016-13' is not a date"),
    (["--since", "2016-10", "--until", "2016-09"], "is after until"),
    (["--bbox", "36,35,38"], "--bbox '36,35,38' is not four numbers"),
    (["--bbox", "36,40,38,35"], "north of its north"),
    (["--min-sources", "0"], "--min-sources '0' is not a whole number"),
    (["--format", "pdf"], "pdf"),
    (["-o", "/no/such/dir/r.html", "--since", "2019-04"], "no directory"),
    ([], "no dated events match"),
])
def test_bad_values_are_one_line(args: list[str], needle: str, tmp_path: Path) -> None:
    if not args:  # a store with nothing in it (report never creates one: a missing store is exit 1)
        from flashpoint.store import open_store

        open_store(str(tmp_path / "empty.db")).close()
    proc = fp("report", "--db", str(tmp_path / "empty.db"), *args)
    err = proc.stderr.decode()
    assert proc.returncode == (1 if "no directory" in needle else 2), err
    assert "Traceback" not in err and needle in err
    if args and args[0] != "--format":
        assert len(err.strip().splitlines()) == 1


# ------------------------------------------------------------------------------ looking at it


_BROWSER_CHECK = """
import json, sys
from playwright.sync_api import sync_playwright
with sync_playwright() as p:
    browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=[
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"])
    try:
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto(sys.argv[1])
        widths = page.evaluate("[...document.images].map(i => i.naturalWidth)")
        overflow = page.evaluate(
            "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right >"
            " document.querySelector('main').getBoundingClientRect().right + 1).length")
        page.screenshot(path=sys.argv[2], full_page=True)
    finally:
        browser.close()
print(json.dumps({"widths": widths, "overflow": overflow}))
"""


def test_html_renders_in_chromium_without_overflow(report_files: dict[str, Path], tmp_path: Path) -> None:
    """Headless Chromium lays the report out: pictures decode, nothing spills sideways.

    In its own process: the playwright sync API refuses to start inside another test's still
    running browser session (the dashboard tests keep one open for the whole session)."""
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("no Chromium at /usr/bin/chromium")
    pytest.importorskip("playwright.sync_api")
    shot = tmp_path / "report.png"
    proc = subprocess.run([sys.executable, "-c", _BROWSER_CHECK, report_files["html"].as_uri(), str(shot)],
                          capture_output=True, timeout=300)
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    result = json.loads(proc.stdout.decode().strip().splitlines()[-1])
    assert len(result["widths"]) == 2 and all(w > 500 for w in result["widths"])
    assert result["overflow"] == 0
    assert shot.stat().st_size > 50_000


def test_sentences_state_the_store_figures(aleppo_db: Path, report_files: dict[str, Path]) -> None:
    """The figures inside sentences: deaths, missing figures, the commonest type, busiest and
    deadliest days, who acted against whom, the deadliest events."""
    truth = store_truth(aleppo_db)
    rows = truth["rows"]
    text = report_files["md"].read_text(encoding="utf-8")

    def count(n: int, word: str) -> str:
        return f"{n} {word}" + ("" if n == 1 else "s")

    n_dead = sum(1 for e in rows if (e["fatalities"] or 0) > 0)
    n_none = sum(1 for e in rows if e["fatalities"] is None)
    assert f"{count(n_dead, 'event')} caused deaths; {count(n_none, 'event')} reported no casualty figure." in text
    by_type = Counter((e["acled"] or {}).get("event_type") or "Other (PLOVER only)" for e in rows)
    top_n = max(by_type.values())
    m = re.search(r"The most frequent type was (.+) \((\d+) events?\)\.", text)
    assert m and by_type[m[1]] == int(m[2]) == top_n
    per_day = Counter(e["date"] or e["date_start"] for e in rows if e["date"] or e["date_start"])
    m = re.search(r"The busiest days?,? (?:was .+?, )?with (\d+) events?", text)
    assert m and int(m[1]) == max(per_day.values())
    dead_day: Counter[str] = Counter()
    for e in rows:
        dead_day[e["date"] or e["date_start"]] += e["fatalities"] or 0
    m = re.search(r"The deadliest day was (\d+) October 2016, with (\d+) reported fatalities", text)
    assert m and int(m[2]) == max(dead_day.values()) == dead_day[f"2016-10-{int(m[1]):02d}"]
    pairs = md_table(text, "Actor 1")
    want = Counter((e["actor1"], e["actor2"]) for e in rows
                   if e["actor1"] and e["actor2"] and e["actor1"] != e["actor2"])
    for a1, cells in pairs.items():
        assert _n(cells[1]) == want[(a1, cells[0])]
    deadliest = re.findall(r"^\d\. .*?; (\d+) killed", text.split("### Deadliest")[1].split("###")[0], re.M)
    assert [int(n) for n in deadliest] == sorted((e["fatalities"] for e in rows if (e["fatalities"] or 0) > 0),
                                                reverse=True)[:5]


def test_a_figure_its_own_evidence_contradicts_is_not_printed(tmp_path: Path) -> None:
    """A fused event whose fatality figure no source's evidence states (a misread toll, a figure
    from another source than the words quoted) is no "deadliest" event and its figure is not
    printed; an event whose evidence states its figure is listed with the sentence that states it."""
    import sqlite3

    articles = [
        {"id": "a", "published": "2019-04-15", "source": "Wire A",
         "text": "Mosul attack\n\nGunmen killed five people at a market in Mosul on Sunday, police said."},
        {"id": "b", "published": "2019-04-15", "source": "Wire B",
         "text": "Kirkuk bombing\n\nA car bomb killed three soldiers at a checkpoint in Kirkuk on Sunday."},
    ]
    inputs = tmp_path / "in.jsonl"
    inputs.write_text("".join(json.dumps(a) + "\n" for a in articles), encoding="utf-8")
    db = tmp_path / "store.db"
    assert fp("run", str(inputs), "--db", str(db), "-q").returncode == 0
    con = sqlite3.connect(db)
    try:
        fid, event_json = con.execute("select id, event_json from fused_events where fatalities = 5").fetchone()
        event = json.loads(event_json)
        event["fatalities"] = 900  # a figure "five" does not state
        con.execute("update fused_events set fatalities = 900, event_json = ? where id = ?", (json.dumps(event), fid))
        con.commit()
    finally:
        con.close()
    md = fp("report", "--db", str(db), "--since", "2019-04", "--until", "2019-04", "--format", "md")
    assert md.returncode == 0, md.stderr.decode()
    notable = md.stdout.decode().split("### Deadliest")[1].split("###")[0]
    assert "900" not in notable
    assert "3 killed" in notable and "A car bomb killed three soldiers" in notable


def test_numbers_a_quote_states() -> None:
    from flashpoint.report.support import numbers_in, states

    assert numbers_in("at least 1,200 dead, twenty-six wounded and two dozen missing") == [1200, 26, 24]
    assert states("223 Daesh fighters and 28", 251) and states("killing 6", 6)
    assert not states("killing 6", 84) and not states("dozens were killed", 160)


def test_a_quote_must_say_the_figure_is_of_the_dead() -> None:
    """"463" or "kidnapped 900" states a number, not a death toll: no figure is printed on it."""
    from flashpoint.report.support import fatality_support, says_death

    assert says_death("Gunmen killed five people") and says_death("the death toll rose to 12")
    assert says_death("Daesh has lost 463 fighters") and says_death("18 People Executed")
    assert not says_death("463") and not says_death("Daesh kidnapped 900 people")

    def event(told: str, sentence: str | None) -> dict:
        evidence = [{"field": "fatalities", "text": told, "start": 10, "end": 10 + len(told)}]
        if sentence is not None:
            evidence.append({"field": "sentence", "text": sentence, "start": 0, "end": 200})
        return {"fatalities": 463, "sources": [{"fatalities": 463, "evidence": evidence}]}

    assert fatality_support(event("463", None)) is None
    assert fatality_support(event("463", "Militants kidnapped 463 villagers on Sunday.")) is None
    found = fatality_support(event("463", "Daesh has lost 463 fighters in the battle."))
    assert found is not None and found.sentence == "Daesh has lost 463 fighters in the battle."


def test_long_citation_lists_link_to_their_full_list(aleppo_db: Path, tmp_path: Path) -> None:
    """A statement over hundreds of events cites its first few sources and links the full list
    (issue 21: "[1-344]" could not be followed); every number of every list is a source."""
    md = fp("report", "--db", str(aleppo_db), "--format", "md").stdout.decode()
    shown = re.findall(r"\\\[([^\]]*)\\\]", md.split("## Source lists")[0])
    assert shown and all(len(re.findall(r"\d+", c)) <= 12 for c in shown if "more:" not in c)
    linked = {int(k) for k in re.findall(r"list L(\d+) under Source lists", md)}
    assert linked, "a statement over this many events must cite more sources than fit"
    lists = dict(re.findall(r"^- L(\d+): \\\[(.*)\\\]$", md, flags=re.M))
    assert {int(k) for k in lists} == linked
    n_sources = len(re.findall(r"^\d+\. ", md.split("## Sources")[1], flags=re.M))
    for text in lists.values():
        for a, b in re.findall(r"(\d+)(?:–(\d+))?", text):
            assert 1 <= int(a) <= int(b or a) <= n_sources
    html = fp("report", "--db", str(aleppo_db), "--format", "html").stdout.decode()
    for k in re.findall(r'href="#cites-(\d+)"', html):
        assert f'id="cites-{k}"' in html


# ------------------------------------------------------------------------------ the FA-KES store holds (issue 21)


def test_every_deadliest_figure_is_stated_by_its_own_quote(aleppo_db: Path) -> None:
    """Over real FA-KES articles: each "Deadliest" figure is a number its quote states, and the
    quote says a death ("kidnapped 900" or a bare "463" is no death toll)."""
    from flashpoint.report.support import says_death, states

    md = fp("report", "--db", str(aleppo_db), "--format", "md").stdout.decode()
    deadliest = md.split("### Deadliest")[1].split("###")[0]
    items = re.findall(r"^\d+\. (.*?); (\d[\d,]*) killed.*?\n\s+> (.*)$", deadliest, flags=re.M)
    assert items, deadliest
    for _, figure, quote in items:
        n = int(figure.replace(",", ""))
        assert states(quote, n) and says_death(quote), (figure, quote)


def _day(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value[:10]) if value and len(value) >= 10 else None


def _query(db: Path, sql: str) -> list[tuple]:
    """Rows of ``sql`` over the store, opened read-only."""
    import sqlite3

    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_no_event_is_dated_after_the_article_that_reports_it(aleppo_db: Path) -> None:
    rows = _query(aleppo_db, "select e.date, e.date_start, e.date_end, a.published from events e "
                             "join articles a on a.id = e.article_id")
    assert rows
    late = [r for r in rows if _day(r[3]) and any(
        d and d > _day(r[3]) + dt.timedelta(days=1) for d in (_day(r[0]), _day(r[1])))]
    assert late == []


def test_no_fused_event_joins_reports_a_month_apart(aleppo_db: Path) -> None:
    """Reports whose dates lie more than 30 days apart are not one event, unless they share an
    exact day (a retelling months later of "21 August 2013" is still that day's event)."""
    rows = _query(aleppo_db, "select m.fused_id, coalesce(e.date_start, e.date), coalesce(e.date_end, e.date), "
                             "e.time_precision from fusion_members m join events e on e.id = m.event_id")
    members: dict[str, list[tuple[dt.date, dt.date, int | None]]] = {}
    for fused, start, end, precision in rows:
        if _day(start) and _day(end):
            members.setdefault(fused, []).append((_day(start), _day(end), precision))
    assert any(len(m) > 1 for m in members.values())
    for fused, spans in members.items():
        gap = (max(s for s, _, _ in spans) - min(e for _, e, _ in spans)).days
        exact_days = {s for s, e, p in spans if s == e and p == 1}
        assert gap <= 30 or len(exact_days) == 1, (fused, spans)
