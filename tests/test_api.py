"""The HTTP API over a real store: the pipeline run over the seeds and 30 FA-KES articles, fused.

Read tests share one store built once; write tests (ingest, corrections) work on copies of it, so
the read tests' counts never depend on test order. The last test lets schemathesis throw
generated requests at every operation of the OpenAPI schema: no 500s, every answer as declared.
"""

from __future__ import annotations

import json
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flashpoint.api import create_app
from flashpoint.api.security import CSP
from testkit import copy_store, seeds_and_fakes_store

N_FAKES = 30
TOKEN = "test-token-5f2a"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


# ----------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store `flashpoint run` makes of the seeds plus the first 30 FA-KES articles."""
    db, summary = seeds_and_fakes_store(tmp_path_factory.mktemp("api"), N_FAKES)
    assert summary.inserted == 2 + N_FAKES and summary.failed == 0
    return db




@pytest.fixture(scope="module")
def client(built_db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(str(built_db), token=TOKEN)) as c:
        yield c


@pytest.fixture()
def writer(built_db: Path, tmp_path: Path) -> Iterator[TestClient]:
    """A client over a private copy of the store, token set, small article size limit."""
    db = copy_store(built_db, tmp_path / "w.db")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FLASHPOINT_MAX_ARTICLE_BYTES", "20000")
        app = create_app(str(db), token=TOKEN)
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def all_events(client: TestClient) -> list[dict[str, Any]]:
    page = client.get("/api/events", params={"limit": 1000}).json()
    assert page["total"] == len(page["events"]) > 20
    return page["events"]


def _ok(response: Any) -> Any:
    assert response.status_code == 200, response.text
    return response.json()


def _bad(response: Any, status: int = 400) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    return body["detail"]


# ----------------------------------------------------------------------------------- events


def test_schema_lists_every_endpoint(client: TestClient) -> None:
    paths = _ok(client.get("/openapi.json"))["paths"]
    assert set(paths) == {
        "/api/events", "/api/events/{event_id}", "/api/events/{event_id}/explain",
        "/api/articles", "/api/articles/{article_id}", "/api/actors", "/api/graph", "/api/places",
        "/api/stories", "/api/stories/{story_id}", "/api/search", "/api/stats", "/api/corrections",
        "/api/events/merge", "/api/events/{event_id}/split", "/api/events/download", "/api/alerts",
    }
    assert "patch" in paths["/api/events/{event_id}"]
    ops = [op for path in paths.values() for op in path.values()]
    assert all("422" not in op["responses"] and "400" in op["responses"] for op in ops)


def test_events_page(client: TestClient, all_events: list[dict[str, Any]]) -> None:
    page = _ok(client.get("/api/events"))
    assert page["limit"] == 100 and page["offset"] == 0 and page["total"] == len(all_events)
    e = page["events"][0]
    assert {"id", "acled", "plover", "actor1", "date", "location", "fatalities", "n_sources",
            "n_outlets", "story_id", "evidence", "article", "sources"} <= set(e)
    assert e["sources"] and all("evidence" in s for s in e["sources"])


def test_pagination_is_stable_and_disjoint(client: TestClient) -> None:
    first = _ok(client.get("/api/events", params={"limit": 5}))["events"]
    second = _ok(client.get("/api/events", params={"limit": 5, "offset": 5}))["events"]
    both = _ok(client.get("/api/events", params={"limit": 10}))["events"]
    assert [e["id"] for e in first + second] == [e["id"] for e in both]
    beyond = _ok(client.get("/api/events", params={"offset": 100_000}))
    assert beyond["events"] == [] and beyond["total"] > 0


def test_sorting(client: TestClient) -> None:
    def dates(sort: str) -> list[str]:
        events = _ok(client.get("/api/events", params={"sort": sort, "limit": 1000}))["events"]
        return [e["date"] or e["date_start"] for e in events if e["date"] or e["date_start"]]

    newest, oldest = dates("-date"), dates("date")
    assert newest == sorted(newest, reverse=True) and oldest == sorted(oldest)
    assert newest[0] > oldest[0]


def _ids(client: TestClient, **params: Any) -> set[str]:
    page = _ok(client.get("/api/events", params={"limit": 1000, **params}))
    assert page["total"] == len(page["events"])
    return {e["id"] for e in page["events"]}


def test_filters(client: TestClient, all_events: list[dict[str, Any]]) -> None:
    every = {e["id"] for e in all_events}
    loc = lambda e: e["location"] or {}  # noqa: E731
    iraq = _ids(client, country="iraq")
    assert iraq and iraq == {e["id"] for e in all_events if loc(e).get("country") == "Iraq"}
    battles = _ids(client, type="battles")
    assert battles == {e["id"] for e in all_events if (e["acled"] or {}).get("event_type") == "Battles"}
    assert _ids(client, type="Armed clash") <= battles
    since = _ids(client, since="2017")
    assert since and since < every
    assert all((e["date_end"] or e["date"] or "") >= "2017" for e in all_events if e["id"] in since)
    assert _ids(client, since="2015-01", until="2015-12").isdisjoint(since)
    admin1 = next(loc(e)["admin1"] for e in all_events if loc(e).get("admin1"))
    assert _ids(client, admin1=admin1.upper()) == {e["id"] for e in all_events if loc(e).get("admin1") == admin1}
    assert _ids(client, actor="nusra") == {
        e["id"] for e in all_events
        if any("nusra" in (e.get(k) or "").lower() for k in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2"))}
    syria_box = _ids(client, bbox="35.5,32.3,42.4,37.4")
    assert syria_box and all(35.5 <= loc(e)["lon"] <= 42.4 for e in all_events if e["id"] in syria_box)
    assert _ids(client, bbox="35.5,32.3,42.4,37.4", country="Iraq") <= iraq
    multi = _ids(client, min_sources=2)
    assert multi == {e["id"] for e in all_events if e["n_sources"] >= 2}
    story = _ok(client.get("/api/stories"))["stories"][0]
    assert _ids(client, story=story["id"]) == set(story["event_ids"])


def test_event_detail_sources_and_evidence(client: TestClient, all_events: list[dict[str, Any]]) -> None:
    event = _ok(client.get(f"/api/events/{all_events[0]['id']}"))
    assert event["id"] == all_events[0]["id"] and event["n_sources"] == len(event["sources"])
    for src in event["sources"]:
        text = _ok(client.get(f"/api/articles/{src['article_id']}"))["text"]
        for ev in src["evidence"]:
            assert text[ev["start"]:ev["end"]] == ev["text"]
    rep = _ok(client.get(f"/api/articles/{event['article']['article_id']}"))
    for ev in event["evidence"]:
        assert rep["text"][ev["start"]:ev["end"]] == ev["text"]


def test_explain(client: TestClient, all_events: list[dict[str, Any]]) -> None:
    fused = max(all_events, key=lambda e: e["n_sources"])
    info = _ok(client.get(f"/api/events/{fused['id']}/explain"))
    assert info["id"] == fused["id"] and len(info["sources"]) == fused["n_sources"]
    assert isinstance(info["pairs"], list) and info["corrections"] == []


@pytest.mark.parametrize("path", [
    "/api/events/0000000000000000", "/api/events/nope/explain", "/api/articles/nope",
    "/api/stories/nope", "/api/nothing-here",
])
def test_unknown_ids_are_404(client: TestClient, path: str) -> None:
    _bad(client.get(path), 404)


@pytest.mark.parametrize(("path", "words"), [
    ("/api/events?limit=0", "limit"),
    ("/api/events?limit=1001", "limit"),
    ("/api/events?limit=ten", "limit"),
    ("/api/events?offset=-1", "offset"),
    ("/api/events?sort=size", "sort"),
    ("/api/events?since=2019-13", "since"),
    ("/api/events?until=yesterday", "until"),
    ("/api/events?since=2019-05&until=2019-04", "after"),
    ("/api/events?bbox=1,2,3", "bbox"),
    ("/api/events?bbox=0,40,10,30", "bbox"),
    ("/api/events?bbox=a,b,c,d", "bbox"),
    ("/api/events?bbox=0,0,200,10", "bbox"),
    ("/api/events?min_sources=0", "min_sources"),
    ("/api/events?country=Sy%00ria", "country"),
    ("/api/stats?by=year", "by"),
    ("/api/places?since=2019-02-30", "since"),
    ("/api/graph?until=20190101", "until"),
    ("/api/search", "q"),
    ("/api/search?q=x", "q"),
    ("/api/search?q=" + "x" * 201, "q"),
    ("/api/search?q=%20%20%20", "q"),
    ("/api/search?q=mosul&limit=500", "limit"),
    ("/api/actors?min_mentions=0", "min_mentions"),
    ("/api/stories?offset=-5", "offset"),
])
def test_bad_parameters_are_400_with_one_message(client: TestClient, path: str, words: str) -> None:
    assert words in _bad(client.get(path))


# ----------------------------------------------------------------------------------- the rest


def test_actors(client: TestClient) -> None:
    actors = _ok(client.get("/api/actors", params={"limit": 5}))["actors"]
    assert len(actors) == 5 and actors[0]["mentions"] >= actors[-1]["mentions"]
    frequent = _ok(client.get("/api/actors", params={"min_mentions": 10, "limit": 10_000}))["actors"]
    assert frequent and all(a["mentions"] >= 10 for a in frequent)


def test_graph(client: TestClient) -> None:
    g = _ok(client.get("/api/graph"))
    ids = {n["id"] for n in g["nodes"]}
    assert g["nodes"] and g["edges"]
    assert all({"id", "label", "actor_type", "country", "mentions"} <= set(n) for n in g["nodes"])
    assert all(e["source"] in ids and e["target"] in ids and e["weight"] >= 1 for e in g["edges"])
    assert any(e["relation"].startswith("event:") for e in g["edges"])
    assert any(e["evidence"] for e in g["edges"] if e["kind"] == "text")
    narrow = _ok(client.get("/api/graph", params={"since": "2030"}))
    assert not any(e["relation"].startswith("event:") for e in narrow["edges"])


def test_places(client: TestClient, all_events: list[dict[str, Any]]) -> None:
    places = _ok(client.get("/api/places"))["places"]
    located = [e for e in all_events if (e["location"] or {}).get("lat") is not None]
    assert sum(p["events"] for p in places) == len(located)
    assert sum(p["fatalities"] for p in places) == sum(e["fatalities"] or 0 for e in located)
    assert [p["events"] for p in places] == sorted((p["events"] for p in places), reverse=True)
    iraq = _ok(client.get("/api/places", params={"country": "Iraq"}))["places"]
    assert iraq and all(p["country"] == "Iraq" for p in iraq)


@pytest.mark.parametrize("by", ["day", "week", "month", "admin1", "country", "type", "sub_event_type"])
def test_stats(client: TestClient, all_events: list[dict[str, Any]], by: str) -> None:
    out = _ok(client.get("/api/stats", params={"by": by}))
    assert out["by"] == by
    keys = [r["key"] for r in out["rows"]]
    if by in ("day", "week", "month"):
        assert keys == sorted(keys) and None not in keys
        assert sum(r["events"] for r in out["rows"]) == sum(1 for e in all_events if e["date"] or e["date_start"])
    else:
        assert sum(r["events"] for r in out["rows"]) == len(all_events)
    if by == "week":
        assert all(len(k) == 8 and k[4:6] == "-W" for k in keys)


def test_stats_follow_filters(client: TestClient, all_events: list[dict[str, Any]]) -> None:
    rows = _ok(client.get("/api/stats", params={"by": "country", "type": "Battles"}))["rows"]
    battles = [e for e in all_events if (e["acled"] or {}).get("event_type") == "Battles"]
    assert sum(r["events"] for r in rows) == len(battles)
    assert sum(r["fatalities"] for r in rows) == sum(e["fatalities"] or 0 for e in battles)


def test_stories(client: TestClient) -> None:
    page = _ok(client.get("/api/stories", params={"limit": 2}))
    assert page["limit"] == 2 and len(page["stories"]) == 2
    story = _ok(client.get(f"/api/stories/{page['stories'][0]['id']}"))
    assert story["event_ids"] and story["events"] == story["event_ids"]
    assert story["n_events"] == len(story["event_ids"])


def test_search(client: TestClient) -> None:
    hits = _ok(client.get("/api/search", params={"q": "HASHED al"}))["results"]
    assert hits and all(h["article_id"] and h["snippet"] for h in hits)
    h = hits[0]
    assert h["snippet"][h["highlight"][0]:h["highlight"][1]] == "Hashed Al"
    assert _ok(client.get("/api/search", params={"q": "zzqx no such words"}))["results"] == []
    # LIKE wildcards in the query are literal: "%" alone matches nothing, "_" is not "any letter".
    assert _ok(client.get("/api/search", params={"q": "%%"}))["results"] == []
    assert _ok(client.get("/api/search", params={"q": "Ira_"}))["results"] == []
    assert len(_ok(client.get("/api/search", params={"q": "syria", "limit": 3}))["results"]) == 3


def test_corrections_empty(client: TestClient) -> None:
    assert _ok(client.get("/api/corrections")) == {"corrections": []}


def test_security_headers_and_dashboard(client: TestClient) -> None:
    for path in ("/api/events?limit=1", "/", "/api/nothing", "/openapi.json"):
        r = client.get(path)
        assert r.headers["content-security-policy"] == CSP
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["referrer-policy"] == "no-referrer"
    home = client.get("/")
    assert home.status_code == 200 and home.headers["content-type"].startswith("text/html")
    assert "<script>" not in home.text  # no inline script: the CSP would block it
    docs = client.get("/docs")
    assert docs.status_code == 200 and "cdn" not in docs.text  # offline: vendored Swagger UI
    assert "'unsafe-eval'" not in docs.headers["content-security-policy"]
    for asset in ("/docs-assets/swagger-ui-bundle.js", "/docs-assets/swagger-ui.css"):
        assert client.get(asset).status_code == 200


def test_fallback_page_without_dashboard(built_db: Path, tmp_path: Path) -> None:
    with TestClient(create_app(str(built_db), web_dir=tmp_path)) as c:
        r = c.get("/")
        assert r.status_code == 200 and 'href="/docs"' in r.text
        assert r.headers["content-security-policy"] == CSP


def test_unopenable_store_is_503(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    with TestClient(create_app(str(tmp_path / "file" / "db.sqlite"))) as c:
        assert "cannot" in _bad(c.get("/api/events"), 503)


# ----------------------------------------------------------------------------------- auth


WRITES = [
    ("post", "/api/articles", {"json": {"text": "Gunmen killed two soldiers in Kirkuk on Monday."}}),
    ("patch", "/api/events/x", {"json": {"changes": {"fatalities": 1}}}),
    ("post", "/api/events/merge", {"json": {"ids": ["a", "b"]}}),
    ("post", "/api/events/x/split", {"json": {"source_event_ids": ["a"]}}),
]


@pytest.mark.parametrize(("method", "path", "kw"), WRITES)
def test_writes_need_the_token(client: TestClient, method: str, path: str, kw: dict[str, Any]) -> None:
    r = getattr(client, method)(path, **kw)
    assert "Bearer" in _bad(r, 401) and r.headers["www-authenticate"] == "Bearer"
    r = getattr(client, method)(path, headers={"Authorization": "Bearer wrong"}, **kw)
    assert _bad(r, 401) == "wrong token" and r.headers["www-authenticate"] == "Bearer"
    r = getattr(client, method)(path, headers={"Authorization": f"Basic {TOKEN}"}, **kw)
    _bad(r, 401)


@pytest.mark.parametrize(("method", "path", "kw"), WRITES)
def test_writes_refused_without_a_configured_token(built_db: Path, method: str, path: str,
                                                   kw: dict[str, Any]) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("FLASHPOINT_TOKEN", raising=False)
        app = create_app(str(built_db))
    with TestClient(app) as c:
        assert "FLASHPOINT_TOKEN" in _bad(getattr(c, method)(path, headers=AUTH, **kw), 403)


def test_reads_can_require_the_token(built_db: Path) -> None:
    with TestClient(create_app(str(built_db), token=TOKEN, read_token_required=True)) as c:
        _bad(c.get("/api/events"), 401)
        _bad(c.get("/api/events", headers={"Authorization": "Bearer nope"}), 401)
        assert _ok(c.get("/api/events", headers=AUTH))["total"] > 0
        assert _ok(c.get("/api/search", params={"q": "Mosul"}, headers=AUTH))["results"]
        assert c.get("/openapi.json").status_code == 200  # the schema and dashboard stay public
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("FLASHPOINT_TOKEN", raising=False)
        app = create_app(str(built_db), read_token_required=True)
    with TestClient(app) as c:
        assert "FLASHPOINT_TOKEN" in _bad(c.get("/api/events", headers=AUTH), 403)


def test_token_from_settings(built_db: Path) -> None:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FLASHPOINT_TOKEN", "from-env")
        mp.setenv("FLASHPOINT_READ_TOKEN_REQUIRED", "1")
        app = create_app(str(built_db))
    with TestClient(app) as c:
        _bad(c.get("/api/actors"), 401)
        assert _ok(c.get("/api/actors", headers={"Authorization": "Bearer from-env"}))["actors"]


# ----------------------------------------------------------------------------------- ingest


GOOD = "Gunmen killed two soldiers at a checkpoint in Kirkuk on Monday, police said."


def test_ingest_good_and_bad_in_one_request(writer: TestClient) -> None:
    before = _ok(writer.get("/api/events"))["total"]
    body = {"articles": [
        {"id": "good-1", "text": GOOD, "title": "Soldiers killed in Kirkuk", "published": "2019-04-15",
         "source": "Test Wire"},
        {"id": "empty", "text": "   "},
        {"id": "huge", "text": "Clashes in Mosul. " * 2000},
        {"id": "binary", "text": "\x00\x01\x02 binary"},
        {"id": "bad-date", "text": GOOD + " Again.", "published": "someday"},
        {"id": "no-text"},
        ["not", "an", "object"],
        {"id": "extra", "text": GOOD, "colour": "red"},
    ]}
    out = _ok(writer.post("/api/articles", headers=AUTH, json=body))
    assert [r["id"] for r in out["results"]] == ["good-1"]
    good = out["results"][0]
    assert good["outcome"] == "inserted" and good["events"] >= 1
    reasons = {e["origin"]: e["reason"] for e in out["errors"]}
    assert set(reasons) == {f"articles[{i}]" for i in range(1, 8)}
    assert "empty" in reasons["articles[1]"]
    assert "20,000-byte limit" in reasons["articles[2]"]
    assert "binary" in reasons["articles[3]"]
    assert "not a date" in reasons["articles[4]"]
    assert "text" in reasons["articles[5]"]
    assert "array" in reasons["articles[6]"]
    assert "colour" in reasons["articles[7]"]
    # Stored, coded and fused: the new article's event is listed with its source.
    assert _ok(writer.get("/api/events"))["total"] > before
    kirkuk = _ok(writer.get("/api/events", params={"since": "2019-04-01", "until": "2019-04-30",
                                                   "country": "Iraq", "limit": 1000}))["events"]
    assert any(s["article_id"] == good["article_id"] for e in kirkuk for s in e["sources"])
    # The same text again is not re-coded.
    again = _ok(writer.post("/api/articles", headers=AUTH, json=body["articles"][0]))
    assert again["results"][0]["outcome"] == "unchanged" and again["errors"] == []


def test_ingest_all_bad_or_malformed_is_400(writer: TestClient) -> None:
    r = writer.post("/api/articles", headers=AUTH, json={"articles": [{"text": ""}, {"id": 3}]})
    assert "no article could be ingested" in _bad(r)
    assert [e["origin"] for e in r.json()["errors"]] == ["articles[0]", "articles[1]"]
    post = lambda data, ctype="application/json": writer.post(  # noqa: E731
        "/api/articles", headers={**AUTH, "Content-Type": ctype}, content=data)
    assert "malformed JSON" in _bad(post(b'{"articles": [{"text": "x"'))
    assert "UTF-8" in _bad(post(b'{"text": "\xff\xfe"}'))
    assert "empty body" in _bad(post(b""))
    assert "at most 100" in _bad(writer.post("/api/articles", headers=AUTH,
                                             json={"articles": [{"text": GOOD}] * 101}))
    assert "article object" in _bad(post(b"[1, 2]"))
    assert "unsupported content type" in _bad(post(b"x", "application/pdf"), 415)
    assert "limit" in _bad(post(b"x" * 1_100_000, "text/plain"), 413)


def test_ingest_file_upload(writer: TestClient) -> None:
    jsonl = (json.dumps({"id": "up-1", "text": "Protesters rallied in Baghdad on Friday against corruption."})
             + "\n{broken\n").encode()
    html = b"<html><body><p>An airstrike hit a market in Idlib on Tuesday, killing five civilians.</p></body></html>"
    files = [("file", ("batch.jsonl", jsonl, "application/octet-stream")),
             ("file", ("story.html", html, "text/html")),
             ("file", ("blob.txt", bytes(range(256)) * 8, "text/plain")),
             ("file", ("empty.txt", b"", "text/plain"))]
    out = _ok(writer.post("/api/articles", headers=AUTH, files=files,
                          data={"published": "2019-05-03", "source": "Upload Test"}))
    assert [r["id"] for r in out["results"]] == ["up-1", "story"]
    reasons = {e["origin"]: e["reason"] for e in out["errors"]}
    assert "malformed JSON" in reasons["batch.jsonl:2"]
    assert "binary" in reasons["blob.txt"] and "empty" in reasons["empty.txt"]
    article = _ok(writer.get(f"/api/articles/{out['results'][1]['article_id']}"))
    assert article["published"] == "2019-05-03" and article["source"] == "Upload Test"
    assert "<p>" not in article["text"] and "airstrike" in article["text"]
    text = writer.post("/api/articles", headers={**AUTH, "Content-Type": "text/plain"},
                       content=b"Car bomb kills three in Kirkuk\n\nA car bomb killed three people in Kirkuk on Sunday.")
    assert _ok(text)["results"][0]["outcome"] == "inserted"
    assert "published" in _bad(writer.post("/api/articles", headers=AUTH, files=files[:1],
                                           data={"published": "soon"}))
    no_file = b'--xyz\r\nContent-Disposition: form-data; name="source"\r\n\r\nx\r\n--xyz--\r\n'
    r = writer.post("/api/articles", content=no_file,
                    headers={**AUTH, "Content-Type": "multipart/form-data; boundary=xyz"})
    assert "no file" in _bad(r)


def test_script_in_an_article_comes_back_as_plain_json_text(writer: TestClient) -> None:
    payload = "<script>alert(1)</script>"
    text = f"Gunmen attacked a checkpoint in Kirkuk on Monday {payload} killing two soldiers."
    out = _ok(writer.post("/api/articles", headers=AUTH, json={"id": "xss", "text": text,
                                                               "title": f"Kirkuk {payload}"}))
    r = writer.get(f"/api/articles/{out['results'][0]['article_id']}")
    assert r.headers["content-type"] == "application/json"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert payload in r.json()["text"] and payload in r.json()["title"]  # stored as text, unchanged
    hit = _ok(writer.get("/api/search", params={"q": "alert(1)"}))["results"]
    assert hit and payload in hit[0]["snippet"]
    assert "script-src 'self'" in r.headers["content-security-policy"]


# ----------------------------------------------------------------------------------- corrections


def test_patch_with_audit_trail(writer: TestClient) -> None:
    event = _ok(writer.get("/api/events", params={"limit": 1}))["events"][0]
    r = writer.patch(f"/api/events/{event['id']}", headers={**AUTH, "X-Author": "Ana Analyst"},
                     json={"changes": {"fatalities": 7, "sub_event_type": "Armed clash"}, "reason": "checked"})
    fixed = _ok(r)
    assert fixed["fatalities"] == 7 and fixed["acled"]["sub_event_type"] == "Armed clash"
    assert set(fixed["corrected"]) >= {"fatalities", "sub_event_type"}
    assert _ok(writer.get(f"/api/events/{event['id']}"))["fatalities"] == 7
    trail = _ok(writer.get("/api/corrections", params={"target": event["id"]}))["corrections"]
    by_field = {c["field"]: c for c in trail}
    assert by_field["fatalities"]["author"] == "Ana Analyst" and by_field["fatalities"]["action"] == "patch"
    assert by_field["fatalities"]["old_value"] == event["fatalities"] and by_field["fatalities"]["new_value"] == 7
    assert by_field["fatalities"]["reason"] == "checked"
    _ok(writer.patch(f"/api/events/{event['id']}", headers=AUTH, json={"changes": {"injured": 1}}))
    corrections = _ok(writer.get("/api/corrections", params={"target": event["id"]}))["corrections"]
    assert corrections[-1]["author"] == "api-token"
    explained = _ok(writer.get(f"/api/events/{event['id']}/explain"))
    assert len(explained["corrections"]) == len(trail) + 1
    # Bad corrections: a clear 400 or 404, and no audit row.
    assert "cannot be corrected" in _bad(writer.patch(f"/api/events/{event['id']}", headers=AUTH,
                                                     json={"changes": {"colour": "red"}}))
    assert "fatalities" in _bad(writer.patch(f"/api/events/{event['id']}", headers=AUTH,
                                             json={"changes": {"fatalities": -1}}))
    assert "changes" in _bad(writer.patch(f"/api/events/{event['id']}", headers=AUTH, json={"changes": {}}))
    _bad(writer.patch("/api/events/nope", headers=AUTH, json={"changes": {"fatalities": 1}}), 404)
    assert len(_ok(writer.get("/api/corrections"))["corrections"]) == len(trail) + 1


def test_merge_then_split(writer: TestClient) -> None:
    a, b = _ok(writer.get("/api/events", params={"limit": 2, "country": "Syria"}))["events"]
    total = _ok(writer.get("/api/events"))["total"]
    merged = _ok(writer.post("/api/events/merge", headers={**AUTH, "X-Author": "lead"},
                             json={"ids": [a["id"], b["id"]], "reason": "same attack"}))
    assert merged["id"] == a["id"] and merged["n_sources"] == a["n_sources"] + b["n_sources"]
    assert _ok(writer.get("/api/events"))["total"] == total - 1
    _bad(writer.get(f"/api/events/{b['id']}"), 404)
    moving = [s["event_id"] for s in b["sources"]]
    split = _ok(writer.post(f"/api/events/{a['id']}/split", headers={**AUTH, "X-Author": "lead"},
                            json={"source_event_ids": moving, "reason": "two attacks after all"}))
    assert {s["event_id"] for s in split["sources"]} == set(moving)
    assert _ok(writer.get("/api/events"))["total"] == total
    assert _ok(writer.get(f"/api/events/{a['id']}"))["n_sources"] == a["n_sources"]
    trail = _ok(writer.get("/api/corrections", params={"target": a["id"]}))["corrections"]
    assert [c["action"] for c in trail] == ["merge", "split"] and all(c["author"] == "lead" for c in trail)
    assert trail[1]["new_value"] == split["id"]
    explained = _ok(writer.get(f"/api/events/{a['id']}/explain"))
    assert any(c["kind"] == "cannot" for c in explained["constraints"])
    # Bad merges and splits.
    assert "two" in _bad(writer.post("/api/events/merge", headers=AUTH, json={"ids": [a["id"], a["id"]]}))
    _bad(writer.post("/api/events/merge", headers=AUTH, json={"ids": [a["id"]]}))
    _bad(writer.post("/api/events/merge", headers=AUTH, json={"ids": [a["id"], "nope"]}), 404)
    assert "not a source" in _bad(writer.post(f"/api/events/{a['id']}/split", headers=AUTH,
                                              json={"source_event_ids": ["nope"]}))
    _bad(writer.post("/api/events/nope/split", headers=AUTH, json={"source_event_ids": ["x"]}), 404)
    _bad(writer.post("/api/events/merge", headers=AUTH, json={"ids": "ab"}))


# ----------------------------------------------------------------------------------- schemathesis


def _hypothesis_jsonschema_compat() -> None:
    """Let hypothesis-jsonschema 0.23 run on the pinned Hypothesis.

    Why: hypothesis-jsonschema 0.23.1 draws objects with ``cu.many(...).more()``; the pinned
    Hypothesis (6.170) turned ``many`` into a ``with many(...) as e: for _ in e:`` iterator and
    dropped ``more()``, so every query-parameter object schemathesis generates fails with
    AttributeError. This adapter gives it the old two-method interface over the new one. It is
    applied only when ``more`` is missing, and only inside this test module.
    """
    import hypothesis.internal.conjecture.utils as cu
    import hypothesis_jsonschema._from_schema as hjs

    if hasattr(cu.many, "more") or getattr(hjs.cu, "_flashpoint_compat", False):
        return

    class LegacyMany:
        def __init__(self, data: Any, **kwargs: Any) -> None:
            self._many = cu.many(data, **kwargs)
            self._many.__enter__()
            self._elements = iter(self._many)

        def more(self) -> bool:
            try:
                next(self._elements)
                return True
            except StopIteration:
                self._many.__exit__(None, None, None)
                return False

        def reject(self, why: str | None = None) -> None:
            self._many.reject(why)

    hjs.cu = types.SimpleNamespace(**{**vars(cu), "many": LegacyMany, "_flashpoint_compat": True})


schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402

_hypothesis_jsonschema_compat()


@pytest.fixture(scope="module")
def api_schema(built_db: Path) -> Any:
    """The live schema of an app with a token set: writes are generated without it (401)."""
    app = create_app(str(built_db), token=TOKEN)
    # FastAPI writes OpenAPI 3.1; schemathesis 3.x reads it in its 3.0 mode.
    return schemathesis.from_asgi("/openapi.json", app, force_schema_version="30")


schema = schemathesis.from_pytest_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_openapi_conformance(case: Any) -> None:
    response = case.call()
    assert response.status_code < 500, response.text
    if case.method != "GET":
        assert response.status_code in (400, 401), response.text
    case.validate_response(response)
