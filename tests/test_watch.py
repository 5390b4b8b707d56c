"""`flashpoint watch` over RSS, Atom and a folder, and URL fetching with its SSRF guard, against a
real HTTP server on 127.0.0.1 (so the tests allow private addresses, except where they prove the
guard refuses them)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from click.testing import CliRunner

from flashpoint.cli import main
from flashpoint.ingest.fetch import FetchError, fetch

PAGE = """<html><head><title>{title}</title></head><body><article><h1>{title}</h1>
<p>{body}</p></article><footer>Subscribe to our newsletter</footer></body></html>"""

STORIES = {
    "kirkuk": ("Gunmen kill two soldiers near Kirkuk",
               "Gunmen killed two Iraqi soldiers at a checkpoint near Kirkuk on Monday, security sources said."),
    "idlib": ("Shelling hits Idlib market",
              "Government shelling hit a market in Idlib on Tuesday, killing four civilians, rescuers said."),
    "aden": ("Protesters rally in Aden",
             "Hundreds of protesters rallied in Aden on Wednesday against power cuts, witnesses said."),
    "mosul": ("Clashes in Mosul",
              "Clashes erupted between Iraqi police and militiamen in Mosul on Thursday, wounding three people."),
}


def rss(items: list[tuple[str, str]]) -> str:
    entries = "".join(
        f"<item><title>{STORIES[k][0]}</title><link>{link}</link><guid>{k}</guid>"
        f"<pubDate>Mon, 15 Apr 2019 10:00:00 GMT</pubDate></item>" for k, link in items)
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Test Wire</title>'
            f"<link>http://example.org/</link><description>test</description>{entries}</channel></rss>")


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom Desk</title><id>urn:atom-desk</id>
<updated>2019-04-17T10:00:00Z</updated>
<entry><title>Protesters rally in Aden</title><id>urn:aden</id><link href="/aden.html"/>
<updated>2019-04-17T10:00:00Z</updated></entry>
<entry><title>Airstrike on Saada</title><id>urn:saada</id><updated>2019-04-18T10:00:00Z</updated>
<content type="html"
>&lt;p&gt;An airstrike hit a house in Saada on Thursday, killing five people, medics said.&lt;/p&gt;</content>
</entry>
<entry><title>Gone</title><id>urn:gone</id><link href="/gone.html"/><updated>2019-04-18T10:00:00Z</updated></entry>
</feed>"""


class _Handler(SimpleHTTPRequestHandler):
    log: list[str]

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        self.log.append(self.path)
        if self.path == "/slow":
            time.sleep(2)
        if self.path == "/to-file":
            self.send_response(302)
            self.send_header("Location", "file:///etc/passwd")
            self.end_headers()
            return
        super().do_GET()

    def log_message(self, *args: object) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # the client gave up on /slow, as the test meant it to


@pytest.fixture
def site(tmp_path: Path) -> Iterator[tuple[str, Path, list[str]]]:
    """(base URL, the folder it serves, the paths requested so far)."""
    root = tmp_path / "site"
    root.mkdir()
    for key, (title, body) in STORIES.items():
        (root / f"{key}.html").write_text(PAGE.format(title=title, body=body), encoding="utf-8")
    (root / "rss.xml").write_text(rss([("kirkuk", "/kirkuk.html"), ("idlib", "/idlib.html")]), encoding="utf-8")
    (root / "atom.xml").write_text(ATOM, encoding="utf-8")
    (root / "big.html").write_text(PAGE.format(title="Big", body="word " * 4000), encoding="utf-8")
    (root / "not-a-feed.xml").write_text("just words, no feed", encoding="utf-8")
    log: list[str] = []
    handler = type("Handler", (_Handler,), {"log": log})
    server = _QuietServer(("127.0.0.1", 0), lambda *a: handler(*a, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root, log
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def allow_private(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASHPOINT_ALLOW_PRIVATE_URLS", "1")


def cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


def stored(db: Path, what: str = "articles") -> list[dict]:
    code, out = cli("articles", "--db", str(db), "--format", "json", *(["--errors"] if what == "errors" else []))
    assert code == 0, out
    return json.loads(out)


# ------------------------------------------------------------------ watch


def test_watch_once_takes_in_only_new_items(site: tuple[str, Path, list[str]], allow_private: None,
                                            tmp_path: Path) -> None:
    base, root, log = site
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "one.txt").write_text("Bombing in Baghdad\n\nA car bomb exploded in Baghdad on Friday, "
                                  "killing six people.\n")
    (drop / "two.txt").write_text("Attack in Kabul\n\nGunmen attacked a mosque in Kabul on Saturday, "
                                  "killing eight worshippers.\n")
    db = tmp_path / "watch.db"
    sources = [f"{base}/rss.xml", f"{base}/atom.xml", f"{base}/not-a-feed.xml", str(drop)]

    code, out = cli("watch", *sources, "--once", "--db", str(db))
    assert code == 3, out  # a bad source and a 404 page: the rest stored, the failures in the exit code
    # rss: 2 pages; atom: 1 page + 1 entry without a link (its content is the article); folder: 2
    assert "6 new" in out, out
    assert "not-a-feed.xml: not an RSS or Atom feed" in out  # one bad source, the others go on
    articles = stored(db)
    by_title = {a["title"]: a for a in articles}
    assert by_title["Gunmen kill two soldiers near Kirkuk"]["source"] == "Test Wire"
    assert by_title["Gunmen kill two soldiers near Kirkuk"]["url"] == f"{base}/kirkuk.html"
    assert by_title["Gunmen kill two soldiers near Kirkuk"]["published"] == "2019-04-15"
    assert by_title["Airstrike on Saada"]["source"] == "Atom Desk"
    errors = {e["origin"]: e["reason"] for e in stored(db, "errors")}
    assert "HTTP 404" in errors[f"{base}/gone.html"]
    assert "not an RSS or Atom feed" in errors[f"{base}/not-a-feed.xml"]

    # Second pass: one new feed item, one new file; nothing seen before is fetched or read again.
    (root / "rss.xml").write_text(rss([("kirkuk", "/kirkuk.html"), ("idlib", "/idlib.html"),
                                       ("mosul", "/mosul.html")]), encoding="utf-8")
    (drop / "three.txt").write_text("Shelling in Donetsk\n\nShelling killed two civilians in Donetsk on Sunday.\n")
    log.clear()
    code, out = cli("watch", *sources[:2], str(drop), "--once", "--db", str(db))
    assert code == 0, out
    assert "2 article(s) read: 2 new, 0 re-coded, 0 unchanged" in out, out
    assert sorted(log) == ["/atom.xml", "/mosul.html", "/rss.xml"]  # the 404 is not retried either
    assert len(stored(db)) == 8

    code, out = cli("watch", *sources[:2], str(drop), "--once", "--db", str(db))
    assert code == 0 and "nothing new" in out, out


def test_watch_rejects_a_source_that_is_neither_feed_nor_folder(tmp_path: Path) -> None:
    code, out = cli("watch", str(tmp_path / "missing"), "--once", "--db", str(tmp_path / "w.db"))
    assert code != 0
    assert "not a feed URL" in out and "Traceback" not in out


def test_a_failing_source_backs_off_exponentially_up_to_a_cap(tmp_path: Path) -> None:
    from flashpoint.watch import Source

    source = Source("http://example.invalid/feed", "feed")
    delays = [source.failed(now=0.0, interval=60, cap=600) for _ in range(5)]
    assert delays == [120, 240, 480, 600, 600]
    source.succeeded(now=1000.0, interval=60)
    assert (source.failures, source.due) == (0, 1060.0)


# ------------------------------------------------------------------ fetching and the SSRF guard


@pytest.mark.parametrize("url, why", [
    ("http://127.0.0.1:9/x", "127.0.0.1 is a loopback address"),
    ("http://localhost:9/x", "a loopback address"),
    ("http://10.1.2.3/x", "10.1.2.3 is a private address"),
    ("http://192.168.0.1/x", "a private address"),
    ("http://169.254.169.254/latest/meta-data/", "a link-local address"),
    ("http://[::1]/x", "a loopback address"),
    ("http://[::ffff:10.0.0.1]/x", "a private address"),
    ("http://0.0.0.0/x", "a reserved address"),
    ("http://240.0.0.1/x", "a reserved address"),
    ("file:///etc/passwd", "only http and https"),
    ("ftp://example.org/x", "only http and https"),
])
def test_private_and_odd_urls_are_refused(url: str, why: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLASHPOINT_ALLOW_PRIVATE_URLS", raising=False)
    with pytest.raises(FetchError) as info:
        fetch(url)
    assert why in info.value.reason
    assert info.value.reason.startswith("refused:") and "\n" not in info.value.reason
    assert not info.value.retry


def test_run_url_refusals_are_recorded_as_ingest_errors(site: tuple[str, Path, list[str]], tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    base, _, log = site
    monkeypatch.delenv("FLASHPOINT_ALLOW_PRIVATE_URLS", raising=False)
    db = tmp_path / "run.db"
    code, out = cli("run", f"{base}/kirkuk.html", "http://10.0.0.7/story.html", "--db", str(db), "-q")
    assert code == 1, out  # no input could be read
    assert "2 failed" in out
    errors = {e["origin"]: e["reason"] for e in stored(db, "errors")}
    assert errors[f"{base}/kirkuk.html"].startswith("refused: 127.0.0.1 is a loopback address")
    assert "FLASHPOINT_ALLOW_PRIVATE_URLS=1" in errors[f"{base}/kirkuk.html"]
    assert errors["http://10.0.0.7/story.html"].startswith("refused: 10.0.0.7 is a private address")
    assert log == []  # refused before any connection


def test_run_fetches_a_url_within_its_caps(site: tuple[str, Path, list[str]], allow_private: None,
                                           tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base, _, _ = site
    monkeypatch.setenv("FLASHPOINT_MAX_ARTICLE_BYTES", "5000")
    monkeypatch.setenv("FLASHPOINT_FETCH_TIMEOUT", "0.5")
    db = tmp_path / "run.db"
    code, out = cli("run", f"{base}/idlib.html", f"{base}/big.html", f"{base}/slow", f"{base}/to-file",
                    "--db", str(db), "-q")
    assert code == 3, out  # some inputs failed
    assert "1 new" in out and "3 failed" in out, out
    [article] = stored(db)
    assert article["title"] == "Shelling hits Idlib market" and article["url"] == f"{base}/idlib.html"
    errors = {e["origin"]: e["reason"] for e in stored(db, "errors")}
    assert "over the 5,000-byte limit" in errors[f"{base}/big.html"]
    assert "took longer than 0.5 s" in errors[f"{base}/slow"]
    assert "only http and https" in errors[f"{base}/to-file"]  # every redirect hop is checked
