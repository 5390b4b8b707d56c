"""The dashboard in a real browser: Debian's chromium, driven by playwright, over a real uvicorn
server on loopback and a store built by the real pipeline from the examples.

Every page is watched: a console error, an uncaught exception or a request to any host other than
loopback fails the test. Where /usr/bin/chromium is missing the tests are skipped, except under CI
(env CI set), where they fail: CI installs chromium (.ci/run).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from testkit import live_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "examples" / "seeds.jsonl"
FAKES = ROOT / "examples" / "fa-kes" / "fa-kes.jsonl"
N_FAKES = 20
VIEWPORT = {"width": 1366, "height": 768}
WAIT_MS = 20_000
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}

XSS_SCRIPT = "<script>window.__pwned=1</script>"
XSS_IMG = '<img src=x onerror="window.__pwned=1">'
XSS_ARTICLE = {
    "id": "xss-test",
    "title": 'Car bomb kills five in Mosul <img src=x onerror="window.__pwned=1">',
    "published": "2019-03-04",
    "source": "Test <b>Wire</b>",
    "url": "javascript:window.__pwned=1",
    "text": (
        "Car bomb kills five in Mosul\n\n"
        "MOSUL, Iraq, March 3 2019 - A car bomb exploded in a market in Mosul on Sunday, killing five "
        f"civilians, police said. {XSS_SCRIPT} Witnesses said the blast {XSS_IMG} destroyed "
        "several shops."
    ),
}


def _require_browser() -> None:
    problem = None
    if not Path(CHROMIUM).exists():
        problem = (f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium) "
                   "to run the dashboard tests")
    else:
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            problem = "the playwright package is not installed (pip install -r requirements.lock)"
    if problem:
        if os.environ.get("CI", "").lower() not in ("", "0", "false", "no"):
            pytest.fail(f"dashboard tests cannot run under CI: {problem}", pytrace=False)
        pytest.skip(problem)


# -- the store and the server (once per session)


@pytest.fixture(scope="session")
def dashboard_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    _require_browser()
    work = tmp_path_factory.mktemp("dashboard")
    with FAKES.open(encoding="utf-8") as f:
        fakes = [next(f) for _ in range(N_FAKES)]
    inputs = work / "articles.jsonl"
    inputs.write_text(
        SEEDS.read_text(encoding="utf-8").rstrip("\n") + "\n" + "".join(fakes) + json.dumps(XSS_ARTICLE) + "\n",
        encoding="utf-8",
    )
    url = f"sqlite:///{work / 'store.db'}"
    proc = subprocess.run(
        [sys.executable, "-c", "from flashpoint.cli import main; main()", "run", str(inputs), "--db", url],
        capture_output=True, text=True, timeout=600,
    )
    assert proc.returncode == 0, f"flashpoint run failed:\n{proc.stdout}\n{proc.stderr}"
    return url


@pytest.fixture(scope="session")
def server(dashboard_db: str) -> Iterator[str]:
    from flashpoint.api import create_app

    app = create_app(dashboard_db, token="test-token", read_token_required=False)
    with live_server(app) as port:
        yield f"http://127.0.0.1:{port}"


def get_json(base: str, path: str, **params: Any) -> Any:
    query = urllib.parse.urlencode({k: v for k, v in params.items() if v is not None})
    with urllib.request.urlopen(f"{base}{path}{'?' + query if query else ''}", timeout=30) as res:
        return json.load(res)


# -- the browser


@pytest.fixture(scope="session")
def browser(server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class Watched:
    """A page whose console errors, uncaught exceptions and off-loopback requests are recorded."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.errors: list[str] = []
        self.outside: list[str] = []
        page.on("console", lambda m: self.errors.append(f"console.{m.type}: {m.text}") if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(f"uncaught: {e}"))
        page.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        url = urllib.parse.urlsplit(route.request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.hostname not in LOOPBACK:
            self.outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()


@pytest.fixture
def ui(browser: Any, server: str) -> Iterator[Watched]:
    context = browser.new_context(viewport=VIEWPORT, base_url=server)
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    watched = Watched(page)
    try:
        yield watched
        assert watched.outside == [], f"requests left loopback: {watched.outside}"
        assert watched.errors == [], f"errors in the page: {watched.errors}"
    finally:
        context.close()


def load(ui: Watched, hash_: str = "") -> Any:
    page = ui.page
    page.goto(f"/{hash_}")
    page.wait_for_selector("body[data-ready='true']")
    return page


def wait_total(page: Any, expected: int) -> None:
    page.wait_for_function(
        "n => document.querySelector('#event-count').dataset.total === String(n)"
        " && !document.body.classList.contains('loading')",
        arg=expected,
    )


def rows(page: Any) -> int:
    return page.locator("#events-table tbody tr").count()


def row_ids(page: Any) -> list[str]:
    return page.eval_on_selector_all("#events-table tbody tr", "trs => trs.map(tr => tr.dataset.id)")


def choose(page: Any, name: str, *values: str) -> None:
    """Tick ``values`` in the multi-select filter ``name`` (country, admin1, type, actor_type)."""
    page.click(f".ms[data-name='{name}'] .ms-button")
    for value in values:
        page.locator(f".ms[data-name='{name}'] .ms-options input[value='{value}']").check()
    page.click(f".ms[data-name='{name}'] .ms-done")


def api_ids(base: str, params: list[tuple[str, str]]) -> list[str]:
    query = urllib.parse.urlencode([*params, ("limit", "1000")])
    with urllib.request.urlopen(f"{base}/api/events?{query}", timeout=30) as res:
        return [e["id"] for e in json.load(res)["events"]]


# -- the tests


def test_dashboard_loads_offline_without_errors(ui: Watched, server: str) -> None:
    page = load(ui)
    total = get_json(server, "/api/events", limit=1)["total"]
    assert total > 20
    wait_total(page, total)
    assert page.locator("#event-count").inner_text() == f"{total} events"
    assert rows(page) == min(total, 25)
    page.wait_for_selector("#map[data-basemap='ok']")
    assert int(page.locator("#map").get_attribute("data-markers")) > 0
    assert page.locator("#map .fp-cluster, #map .fp-pin").count() > 0
    assert int(page.locator("#timeline").get_attribute("data-points")) > 0
    assert page.locator("#timeline canvas").count() == 1
    page.wait_for_timeout(300)
    page.screenshot(path="/tmp/dash-main.png")


def test_filter_by_type_and_date_matches_the_api(ui: Watched, server: str) -> None:
    page = load(ui)
    battles = get_json(server, "/api/events", type="Battles", limit=1)["total"]
    assert 0 < battles < get_json(server, "/api/events", limit=1)["total"]
    choose(page, "type", "Battles")
    wait_total(page, battles)
    types = page.locator("#events-table tbody tr td:nth-child(2)").all_inner_texts()
    assert types and all("Battles" in t for t in types)
    assert "type=Battles" in page.evaluate("location.hash")

    # A date range inside the Battles' own dates, so both filters bite whatever the coder finds.
    dates = sorted(e["date"] for e in get_json(server, "/api/events", type="Battles", limit=1000)["events"]
                   if e["date"])
    since, until = dates[len(dates) // 4], dates[(3 * len(dates)) // 4]
    expected = get_json(server, "/api/events", type="Battles", since=since, until=until, limit=1)["total"]
    assert 0 < expected <= battles
    page.fill("#filters input[name='since']", since)
    page.fill("#filters input[name='until']", until)
    page.click("#filters button[type='submit']")
    wait_total(page, expected)
    assert rows(page) == min(expected, 25)  # (an event counts when its date range overlaps the filter)

    page.click("#reset")
    wait_total(page, get_json(server, "/api/events", limit=1)["total"])


def test_timeline_brush_sets_the_date_range(ui: Watched, server: str) -> None:
    page = load(ui)
    box = page.locator("#timeline .u-over").bounding_box()
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.05, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.45, y, steps=8)
    page.mouse.up()
    page.wait_for_function("location.hash.includes('since=') && location.hash.includes('until=')")
    params = urllib.parse.parse_qs(page.evaluate("location.hash").lstrip("#"))
    since, until = params["since"][0], params["until"][0]
    assert since < until
    expected = get_json(server, "/api/events", since=since, until=until, limit=1)["total"]
    wait_total(page, expected)
    assert page.input_value("#filters input[name='since']") == since
    assert page.input_value("#filters input[name='until']") == until

    # The band stays on the chosen dates (not a 2-pixel line at the left edge) and the chart is
    # zoomed to them: the range fills most of the plot, with a margin either side.
    tl = page.locator("#timeline")
    page.wait_for_function("document.querySelector('#timeline').dataset.zoomed === 'true'")
    band_left, band_width = float(tl.get_attribute("data-band-left")), float(tl.get_attribute("data-band-width"))
    plot_width = page.locator("#timeline .u-over").bounding_box()["width"]
    assert band_left > 10 and band_width > plot_width * 0.4, (band_left, band_width, plot_width)
    assert band_left + band_width < plot_width - 10
    view_from, view_to = tl.get_attribute("data-view-from"), tl.get_attribute("data-view-to")
    assert view_from < since and until < view_to, (view_from, view_to, since, until)
    # Only events of the range are listed (newest first), every one of them the API's.
    ids = set(api_ids(server, [("since", since), ("until", until)]))
    listed = row_ids(page)
    assert listed and set(listed) <= ids
    dates = [d for d in page.locator("#events-table tbody td.date").all_inner_texts() if d != "undated"]
    assert dates == sorted(dates, reverse=True)

    # Zoom out shows the whole timeline with the band still on the range; Clear dates drops it.
    page.click("#zoom-out")
    page.wait_for_function("document.querySelector('#timeline').dataset.zoomed === 'false'")
    assert float(tl.get_attribute("data-band-width")) < band_width
    assert "since=" in page.evaluate("location.hash")
    page.click("#clear-range")
    wait_total(page, get_json(server, "/api/events", limit=1)["total"])
    assert tl.get_attribute("data-band-width") is None


def test_event_panel_highlights_the_evidence(ui: Watched, server: str) -> None:
    page = load(ui)
    page.locator("#events-table tbody tr").first.click()
    panel = page.locator("#panel")
    panel.wait_for(state="visible")
    page.wait_for_selector("#panel .article-text mark.ev")
    event_id = panel.get_attribute("data-event-id")
    event = get_json(server, f"/api/events/{event_id}")
    evidence = [e for e in event["evidence"] if e["field"] != "sentence"]
    assert evidence, "the first event should carry evidence"
    marks = page.eval_on_selector_all(
        "#panel .source:first-of-type .article-text mark",
        "ms => ms.map(m => ({field: m.dataset.field, text: m.textContent}))",
    )
    for item in evidence:
        assert any(item["field"] in m["field"].split(", ") and m["text"] == item["text"] for m in marks), (
            f"no <mark> for {item['field']} {item['text']!r} in {marks}")
    trigger = next(e for e in event["evidence"] if e["field"] == "trigger")
    assert page.locator("#panel mark.ev-trigger", has_text=trigger["text"]).first.is_visible()
    assert page.locator("#panel dl.fields").inner_text().count("“") >= 1  # quotes of the evidence
    src = event["sources"][0]
    assert (src["source"] or "") in page.locator("#panel .source .outlet").first.inner_text()
    page.wait_for_timeout(400)
    page.screenshot(path="/tmp/dash-panel.png")


def test_actor_network_renders_nodes(ui: Watched, server: str) -> None:
    page = load(ui)
    page.click("#tab-network")
    page.wait_for_selector("#network-pane .cy[data-nodes]")
    n = int(page.locator("#network-pane .cy").get_attribute("data-nodes"))
    graph = get_json(server, "/api/graph")
    assert 0 < n <= len(graph["nodes"])
    assert page.locator("#network-pane .cy canvas").count() > 0
    assert page.locator("#network-pane .actor-list button").count() > 0
    # Choosing an actor from the list filters the events by it.
    first = page.locator("#network-pane .actor-list button .name").first.inner_text()
    page.locator("#network-pane .actor-list button").first.click()
    wait_total(page, get_json(server, "/api/events", actor=first, limit=1)["total"])
    page.wait_for_timeout(300)
    page.screenshot(path="/tmp/dash-network.png")


def test_story_view_filters_to_the_story(ui: Watched, server: str) -> None:
    stories = get_json(server, "/api/stories")["stories"]
    if not stories:
        pytest.fail("no stories in this store: the fixture should make some")
    page = load(ui)
    page.click("#tab-stories")
    page.locator("#stories-list button.story").first.click()
    story = stories[0]
    wait_total(page, get_json(server, "/api/events", story=story["id"], limit=1)["total"])
    assert page.locator("#chips").inner_text().startswith("Story:")
    assert rows(page) == min(story["n_events"], 25)


def test_keyboard_tab_enter_escape(ui: Watched) -> None:
    page = load(ui)
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('#events-table tbody tr')"):
            break
    else:
        pytest.fail("Tab never reached a table row")
    row_id = page.evaluate("document.activeElement.dataset.id")
    page.keyboard.press("Enter")
    page.locator("#panel").wait_for(state="visible")
    page.wait_for_function("id => document.querySelector('#panel').dataset.eventId === id", arg=row_id)
    assert page.evaluate("document.activeElement.id") == "panel-title"
    page.keyboard.press("Escape")
    page.locator("#panel").wait_for(state="hidden")
    assert page.evaluate("document.activeElement.dataset.id") == row_id
    # Arrow keys move between rows.
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.dataset.id") != row_id


def test_article_html_is_shown_as_text_never_run(ui: Watched, server: str) -> None:
    events = get_json(server, "/api/events", limit=1000)["events"]
    ids = [e["id"] for e in events if e["article"]["id"] == XSS_ARTICLE["id"]]
    assert ids, "the test article was not coded"
    page = load(ui, f"#event={ids[0]}")  # a link straight to the event opens its panel
    page.locator("#panel").wait_for(state="visible")
    page.wait_for_selector("#panel .article-text mark.ev")
    text = page.locator("#panel .article-text").first
    assert text.is_visible()
    body = text.inner_text()
    assert XSS_SCRIPT in body and XSS_IMG in body
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.locator("#panel script, #panel img, #panel b").count() == 0
    assert XSS_ARTICLE["title"] in page.locator("#panel .src-title").first.inner_text()
    assert page.locator("#panel .source a").count() == 0  # a javascript: URL is never a link
    assert XSS_ARTICLE["source"] in page.locator("#panel .outlet").first.inner_text()
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.__pwned") == "undefined"


def test_table_opens_newest_first(ui: Watched, server: str) -> None:
    page = load(ui)
    newest = get_json(server, "/api/events", limit=25, sort="-date")["events"]
    wait_total(page, get_json(server, "/api/events", limit=1)["total"])
    assert page.locator("th[data-key='date']").get_attribute("aria-sort") == "descending"
    assert page.locator("#events-table tbody td.date").first.inner_text() == newest[0]["date"]


def test_multi_select_country_and_type(ui: Watched, server: str) -> None:
    countries = [r["key"] for r in get_json(server, "/api/stats", by="country")["rows"] if r["key"]][:2]
    assert len(countries) == 2, countries
    page = load(ui)
    choose(page, "country", *countries)
    both = api_ids(server, [("country", c) for c in countries])
    assert len(both) > len(api_ids(server, [("country", countries[0])]))
    wait_total(page, len(both))
    assert set(row_ids(page)) <= set(both)
    hash_ = urllib.parse.parse_qs(page.evaluate("location.hash").lstrip("#"))
    assert sorted(hash_["country"]) == sorted(countries)
    assert f"Country: {countries[0]} or {countries[1]}" in page.locator("#chips").inner_text()
    # A second field ANDs with the first; several types OR among themselves.
    choose(page, "type", "Battles", "Explosions/Remote violence")
    params = [("country", c) for c in countries] + [("type", "Battles"), ("type", "Explosions/Remote violence")]
    wait_total(page, len(api_ids(server, params)))
    # Actor type and admin1 take several values too, from the ontology's names and the store's regions.
    choose(page, "actor_type", "State forces", "Rebel group")
    params += [("actor_type", "State forces"), ("actor_type", "Rebel group")]
    wait_total(page, len(api_ids(server, params)))
    page.click("#reset")
    wait_total(page, get_json(server, "/api/events", limit=1)["total"])
    admin1 = [r["key"] for r in get_json(server, "/api/stats", by="admin1")["rows"] if r["key"]][:2]
    choose(page, "admin1", *admin1)
    wait_total(page, len(api_ids(server, [("admin1", a) for a in admin1])))


def test_download_is_the_current_view(ui: Watched, server: str) -> None:
    import csv
    import io

    countries = [r["key"] for r in get_json(server, "/api/stats", by="country")["rows"] if r["key"]][:2]
    page = load(ui)
    choose(page, "country", *countries)
    expected = api_ids(server, [("country", c) for c in countries])
    wait_total(page, len(expected))
    with page.expect_download() as info:
        page.click("#downloads a[data-format='csv']")
    download = info.value
    assert download.suggested_filename == "flashpoint-events.csv"
    rows_ = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert len(rows_) == len(expected)
    assert {r["country"] for r in rows_} == set(countries)
    with page.expect_download() as info:
        page.click("#downloads a[data-format='geojson']")
    fc = json.loads(Path(info.value.path()).read_text(encoding="utf-8"))
    assert fc["type"] == "FeatureCollection" and fc["features"]
    assert {f["properties"]["country"] for f in fc["features"]} <= set(countries)


def test_story_page_lists_events_actors_and_sources(ui: Watched, server: str) -> None:
    stories = get_json(server, "/api/stories")["stories"]
    if not stories:
        pytest.fail("no stories in this store: the fixture should make some")
    story = stories[0]
    events = get_json(server, "/api/events", story=story["id"], sort="date", limit=1000)["events"]
    page = load(ui)
    page.click("#tab-stories")
    page.locator(f"#stories-list button.story[data-story='{story['id']}']").click()
    page.wait_for_selector(f".story-page[data-story='{story['id']}'][data-ready='true']")
    assert f"story={story['id']}" in page.evaluate("location.hash")  # its own URL
    listed = page.eval_on_selector_all(".story-events button", "bs => bs.map(b => b.dataset.id)")
    assert listed == [e["id"] for e in events]  # in date order
    articles = {s["article_id"] for e in events for s in e["sources"]}
    assert page.locator(".story-sources li").count() == len(articles)
    actors = {e[k] for e in events for k in ("actor1", "actor2") if e.get(k)}
    shown = page.locator(".story-actors").inner_text() if actors else ""
    assert all(a in shown for a in actors)
    # The page's link opens it again; an event of it opens the evidence panel.
    link = page.evaluate("location.hash")
    page2 = load(ui, link)
    page2.wait_for_selector(f".story-page[data-story='{story['id']}'][data-ready='true']")
    page2.locator(".story-events button").first.click()
    page2.locator("#panel").wait_for(state="visible")
    page2.keyboard.press("Escape")
    page2.locator("#panel").wait_for(state="hidden")
    page2.click(".story-back")
    page2.wait_for_selector("#stories-list button.story")


def test_layout_at_1024_by_768(browser: Any, server: str) -> None:
    context = browser.new_context(viewport={"width": 1024, "height": 768}, base_url=server)
    page = context.new_page()
    watched = Watched(page)
    try:
        load(watched)
        wait_total(page, get_json(server, "/api/events", limit=1)["total"])
        assert page.evaluate("document.documentElement.scrollWidth") <= 1024
        right = page.locator("#right").bounding_box()
        sources = page.locator("th[data-key='sources']").bounding_box()
        assert sources["x"] + sources["width"] <= right["x"] + right["width"] + 0.5 <= 1024.5
        assert page.evaluate("(() => { const s = document.querySelector('.table-scroll');"
                             " return s.scrollWidth <= s.clientWidth; })()")
        # Every column header reads in full (none cut to "Sour…").
        cut = page.eval_on_selector_all("#events-table th button",
                                        "bs => bs.filter(b => b.scrollWidth > b.clientWidth).map(b => b.textContent)")
        assert cut == []
        # No panel overlaps another: header above main, the map beside the table, timeline below the map.
        header, mapbox, timeline = (page.locator(s).bounding_box() for s in (".top", ".map-wrap", "#timeline-box"))
        assert header["y"] + header["height"] <= mapbox["y"] + 0.5
        assert mapbox["x"] + mapbox["width"] <= right["x"] + 0.5
        assert mapbox["y"] + mapbox["height"] <= timeline["y"] + 0.5
        assert timeline["y"] + timeline["height"] <= 768
        # Each filter control lies inside the viewport.
        for box in page.locator("#filters .field, #filters label, #filters .buttons").all():
            b = box.bounding_box()
            assert b["x"] >= 0 and b["x"] + b["width"] <= 1024
        page.screenshot(path="/tmp/dash-1024.png")
        assert watched.errors == [] and watched.outside == []
    finally:
        context.close()


def test_map_has_labels_and_no_antimeridian_bands(ui: Watched) -> None:
    page = load(ui)
    page.wait_for_selector("#map[data-basemap='ok']")
    page.click("#map .leaflet-control-zoom-in")  # more towns are named as the map zooms in
    page.wait_for_selector("#map .fp-town", state="attached")
    assert int(page.locator("#map").get_attribute("data-town-labels")) > 0
    assert page.locator("#map .fp-town").count() > 0
    # The legend starts folded, so it hides no pin, and opens on demand.
    assert page.locator(".fp-legend ul").is_hidden()
    page.click(".fp-legend-toggle")
    assert page.locator(".fp-legend ul").is_visible()


def test_alerts_panel_opens_each_alerts_events(ui: Watched, server: str) -> None:
    alerts = get_json(server, "/api/alerts")
    page = load(ui)
    page.click("#tab-alerts")
    page.wait_for_selector("#alerts-pane .alerts-head")
    assert page.locator("#alerts-pane .surges > li").count() == len(alerts["surges"])
    assert page.locator("#alerts-pane .actors > li").count() == len(alerts["emerging_actors"])
    items = alerts["surges"] + alerts["emerging_actors"]
    if not items:
        assert "No surge this week." in page.locator("#alerts-pane").inner_text()
        return
    first = page.locator("#alerts-pane button.alert").first
    first.click()
    page.wait_for_selector("#alerts-pane .alert-events li")
    ids = page.eval_on_selector_all("#alerts-pane .alert-events button", "bs => bs.map(b => b.dataset.id)")
    assert sorted(ids) == sorted(items[0]["event_ids"])
    page.locator("#alerts-pane .alert-events button").first.click()
    page.locator("#panel").wait_for(state="visible")
