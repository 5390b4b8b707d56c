"""The API and the settings under hostile or careless input (issue 20, items 5, 9, 11, 14, 15).

Each test meets the program where a user or an attacker does: the ASGI app driven byte by byte
(to count what the server reads), a real uvicorn server on 127.0.0.1, the TestClient, and the
``flashpoint`` command in a subprocess. The store is the one ``flashpoint run`` makes of the two
seed articles, so the tests stay fast.
"""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from flashpoint.api import create_app
from flashpoint.settings import DEFAULT_TRUSTED_HOSTS, Settings
from testkit import copy_store, live_server

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "examples" / "seeds.jsonl"
TOKEN = "hardening-token-7c1e"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
MB = 1 << 20


# ----------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The store `flashpoint run` makes of the two seed articles."""
    from flashpoint.runner import run_paths

    db = tmp_path_factory.mktemp("hardening") / "seeds.db"
    summary = run_paths([str(SEEDS)], db_url=str(db), progress=False)
    assert summary.inserted == 2 and summary.failed == 0
    return db




@pytest.fixture()
def writer(small_db: Path, tmp_path: Path) -> Iterator[TestClient]:
    """A client over a private copy of the seeds store, token set."""
    with TestClient(create_app(str(copy_store(small_db, tmp_path / "w.db")), token=TOKEN)) as c:
        yield c


@pytest.fixture()
def event_id(writer: TestClient) -> str:
    events = writer.get("/api/events").json()["events"]
    assert events
    return events[0]["id"]


def _detail(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str) and "\n" not in detail
    return detail


# ----------------------------------------------------------------------------------- the ASGI app, byte by byte


class CountingBody:
    """An ASGI ``receive`` that hands out ``total`` bytes in 1 MiB chunks and counts what was taken."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.taken = 0
        self.calls = 0
        self._chunk = b"x" * MB

    async def __call__(self) -> dict[str, Any]:
        self.calls += 1
        if self.taken >= self.total:
            return {"type": "http.disconnect"}
        chunk = self._chunk[: min(MB, self.total - self.taken)]
        self.taken += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": self.taken < self.total}


def drive(app: Any, method: str, path: str, body: CountingBody, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    """One request through the ASGI app; the status and the JSON answer."""
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in {"host": "localhost", **headers}.items()],
        "client": ("127.0.0.1", 50000), "server": ("127.0.0.1", 8000),
    }
    sent: list[dict[str, Any]] = []

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app(scope, body, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    payload = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], json.loads(payload)


WRITES = [("PATCH", "/api/events/x"), ("POST", "/api/events/merge"), ("POST", "/api/events/x/split"),
          ("POST", "/api/articles")]


@pytest.mark.parametrize(("method", "path"), WRITES)
@pytest.mark.parametrize("authorization", [None, "Bearer wrong", f"Basic {TOKEN}"])
def test_unauthenticated_write_body_is_never_read(small_db: Path, method: str, path: str,
                                                  authorization: str | None) -> None:
    """Item 5: 20 MiB offered with no or a wrong token: 401, and not one byte taken."""
    app = create_app(str(small_db), token=TOKEN)
    body = CountingBody(20 * MB)
    headers = {"content-type": "application/json", "content-length": str(body.total)}
    if authorization:
        headers["authorization"] = authorization
    status, answer = drive(app, method, path, body, headers)
    assert status == 401, answer
    assert body.taken == 0 and body.calls == 0


def test_writes_disabled_refuse_before_reading(small_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLASHPOINT_TOKEN", raising=False)
    app = create_app(str(small_db))
    body = CountingBody(20 * MB)
    status, answer = drive(app, "PATCH", "/api/events/x", body,
                           {**AUTH, "content-type": "application/json", "content-length": str(body.total)})
    assert status == 403 and "FLASHPOINT_TOKEN" in answer["detail"]
    assert body.taken == 0


def test_over_limit_body_is_413(small_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Item 5: with the token, a body over FLASHPOINT_MAX_BODY_BYTES is refused: at once when
    declared, at the limit when streamed without a length (chunked)."""
    monkeypatch.setenv("FLASHPOINT_MAX_BODY_BYTES", str(2 * MB))
    app = create_app(str(small_db), token=TOKEN)
    declared = CountingBody(20 * MB)
    status, answer = drive(app, "PATCH", "/api/events/x", declared,
                           {**AUTH, "content-type": "application/json", "content-length": str(declared.total)})
    assert status == 413 and "FLASHPOINT_MAX_BODY_BYTES" in answer["detail"]
    assert declared.taken == 0
    chunked = CountingBody(20 * MB)
    status, answer = drive(app, "POST", "/api/events/merge", chunked,
                           {**AUTH, "content-type": "application/json", "transfer-encoding": "chunked"})
    assert status == 413 and "limit" in answer["detail"]
    assert chunked.taken <= 3 * MB  # stopped at the limit, not at the end
    # Ingest carries articles: its limit follows FLASHPOINT_MAX_ARTICLE_BYTES, not the small one.
    with TestClient(app) as c:
        r = c.post("/api/articles", headers={**AUTH, "Content-Type": "application/pdf"}, content=b"x" * (3 * MB))
        assert "unsupported content type" in _detail(r, 415)  # read through to the route
        r = c.patch("/api/events/x", headers=AUTH, json={"changes": {"actor1": "x" * (3 * MB)}})
        assert "limit" in _detail(r, 413)


@pytest.fixture(scope="module")
def server(small_db: Path) -> Iterator[int]:
    """A real uvicorn server over the seeds store on 127.0.0.1; yields its port."""
    with live_server(create_app(str(small_db), token=TOKEN)) as port:
        yield port


def _raw_request(port: int, head: str, body: bytes = b"", timeout: float = 5.0) -> str:
    """Send a request head (and the start of a body) over a socket; the status line that comes back."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(head.encode("latin-1") + b"\r\n" + body)
        answer = b""
        while b"\r\n" not in answer:
            chunk = s.recv(4096)
            if not chunk:
                break
            answer += chunk
    return answer.split(b"\r\n", 1)[0].decode("latin-1")


def test_real_server_answers_401_without_waiting_for_the_body(server: int) -> None:
    """Item 5 on a real server: a 150 MB body is announced and 64 KiB sent; the 401 comes back at
    once (before the fix the server waited to read the whole body first)."""
    head = (f"PATCH /api/events/x HTTP/1.1\r\nHost: 127.0.0.1:{server}\r\n"
            "Content-Type: application/json\r\nContent-Length: 150000000\r\n")
    assert " 401 " in _raw_request(server, head, b"{" + b" " * 65535)


def test_real_server_refuses_a_rebound_host(server: int) -> None:
    """Item 9 on a real server: a page on a rebound domain reaches 127.0.0.1 but names its domain."""
    assert " 400 " in _raw_request(server, "GET /api/events HTTP/1.1\r\nHost: rebind.attacker.example\r\n")
    assert " 200 " in _raw_request(server, f"GET /api/events HTTP/1.1\r\nHost: 127.0.0.1:{server}\r\n")
    assert " 200 " in _raw_request(server, f"GET /api/events HTTP/1.1\r\nHost: localhost:{server}\r\n")


# ----------------------------------------------------------------------------------- Host header


def test_trusted_hosts_default_is_loopback_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FLASHPOINT_TRUSTED_HOSTS", raising=False)
    assert Settings().trusted_hosts == DEFAULT_TRUSTED_HOSTS == ("localhost", "127.0.0.1", "::1")


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "localhost.evil.example", "127.0.0.2"])
def test_foreign_host_header_is_400(writer: TestClient, host: str) -> None:
    """Item 9: the TestClient's own name ("testserver", the server address of its connections)
    is served; any other name gets 400 saying how to allow it."""
    for path in ("/api/events", "/", "/openapi.json"):
        detail = _detail(writer.get(path, headers={"Host": host}), 400)
        assert "FLASHPOINT_TRUSTED_HOSTS" in detail and "rebinding" in detail


@pytest.mark.parametrize("host", ["localhost", "LOCALHOST:8000", "127.0.0.1:8000", "[::1]:8000", "testserver"])
def test_loopback_hosts_are_served(writer: TestClient, host: str) -> None:
    assert writer.get("/api/events", headers={"Host": host}).status_code == 200


def test_trusted_hosts_setting(small_db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASHPOINT_TRUSTED_HOSTS", "events.example.org, *.internal.example")
    with TestClient(create_app(str(small_db))) as c:
        for ok in ("events.example.org", "events.example.org:443", "a.internal.example"):
            assert c.get("/api/events", headers={"Host": ok}).status_code == 200, ok
        for bad in ("localhost", "internal.example.evil", "example.org"):
            _detail(c.get("/api/events", headers={"Host": bad}), 400)
    monkeypatch.setenv("FLASHPOINT_TRUSTED_HOSTS", "*")
    with TestClient(create_app(str(small_db))) as c:
        assert c.get("/api/events", headers={"Host": "anything.example"}).status_code == 200


# ----------------------------------------------------------------------------------- corrections


@pytest.mark.parametrize("value", [2**63, 2**31, 10_000_001, 10**30])
@pytest.mark.parametrize("field", ["fatalities", "injured"])
def test_correction_counts_are_bounded(writer: TestClient, event_id: str, field: str, value: int) -> None:
    """Item 11: 2**63 was a 500 (OverflowError); every count over 10,000,000 is a clear 400."""
    r = writer.patch(f"/api/events/{event_id}", headers=AUTH, json={"changes": {field: value}})
    detail = _detail(r, 400)
    assert f"changes.{field}" in detail and "10000000" in detail
    assert writer.get("/api/corrections").json()["corrections"] == []


def test_largest_count_is_stored(writer: TestClient, event_id: str) -> None:
    r = writer.patch(f"/api/events/{event_id}", headers=AUTH, json={"changes": {"fatalities": 10_000_000}})
    assert r.status_code == 200 and r.json()["fatalities"] == 10_000_000


@pytest.mark.parametrize(("body", "where", "what"), [
    ({"changes": {"actor1": "Islamic\x00State"}}, "changes.actor1", "NUL"),
    ({"changes": {"location_name": "Mosul\x1b[2J"}}, "changes.location_name", "control character"),
    ({"changes": {"fatalities": 2}, "reason": "checked\x00"}, "reason", "NUL"),
    ({"changes": {"admin1": "Nineveh\udc80"}}, "changes.admin1", "surrogate"),
])
def test_correction_text_refuses_control_characters(writer: TestClient, event_id: str, body: dict[str, Any],
                                                    where: str, what: str) -> None:
    """Item 11: NUL and other control characters in a text field: 400 naming the field; nothing stored."""
    r = writer.patch(f"/api/events/{event_id}", content=json.dumps(body).encode(),  # \u0000, \udc80 escapes
                     headers={**AUTH, "Content-Type": "application/json"})
    detail = _detail(r, 400)
    assert where in detail and what in detail
    assert writer.get("/api/corrections").json()["corrections"] == []


def test_merge_and_split_refuse_control_characters(writer: TestClient, event_id: str) -> None:
    detail = _detail(writer.post("/api/events/merge", headers=AUTH, json={"ids": [event_id, "x\x00"]}), 400)
    assert "ids.1" in detail and "NUL" in detail
    detail = _detail(writer.post(f"/api/events/{event_id}/split", headers=AUTH,
                                 json={"source_event_ids": ["a"], "reason": "\x07"}), 400)
    assert "reason" in detail and "control character" in detail
    # Newlines and tabs in a reason stay allowed.
    r = writer.patch(f"/api/events/{event_id}", headers=AUTH,
                     json={"changes": {"actor1": "Police"}, "reason": "line one\n\tline two"})
    assert r.status_code == 200, r.text


# ----------------------------------------------------------------------------------- internal errors


def test_internal_error_is_500_with_an_error_id(small_db: Path, tmp_path: Path,
                                                caplog: pytest.LogCaptureFixture) -> None:
    """Item 15: a damaged row made the API answer 400 with the JSON library's text. Now: 500, a
    generic message and an error id, and the same id in the server log with the traceback."""
    db = copy_store(small_db, tmp_path / "damaged.db")
    with sqlite3.connect(db) as conn:
        (fused_id,) = conn.execute("SELECT id FROM fused_events LIMIT 1").fetchone()
        conn.execute("UPDATE fused_events SET event_json = '{not json' WHERE id = ?", (fused_id,))
    with TestClient(create_app(str(db), token=TOKEN), raise_server_exceptions=False) as c:
        with caplog.at_level(logging.ERROR, logger="flashpoint.api"):
            r = c.get(f"/api/events/{fused_id}")
        detail = _detail(r, 500)
        error_id = r.json()["error_id"]
        assert error_id in detail and "internal error" in detail
        assert "Expecting" not in detail and "JSONDecodeError" not in detail  # no library text
        logged = [rec for rec in caplog.records if error_id in rec.getMessage()]
        assert logged and logged[0].exc_info is not None
        # A client's mistake is still a 4xx with a clear message.
        assert "no event" in _detail(c.get("/api/events/nope"), 404)


# ----------------------------------------------------------------------------------- settings


FLASHPOINT = Path(sys.executable).parent / "flashpoint"


@pytest.mark.parametrize(("name", "value"), [
    ("FLASHPOINT_MAX_ARTICLE_BYTES", "5MB"),
    ("FLASHPOINT_MAX_ARTICLE_BYTES", "0"),
    ("FLASHPOINT_FETCH_TIMEOUT", "abc"),
    ("FLASHPOINT_FETCH_TIMEOUT", "nan"),
    ("FLASHPOINT_FETCH_TIMEOUT", "-3"),
    ("FLASHPOINT_MAX_BODY_BYTES", "1e6"),
    ("FLASHPOINT_CLASSIFIER", "maybe"),
    ("FLASHPOINT_READ_TOKEN_REQUIRED", "2"),
    ("FLASHPOINT_ALLOW_PRIVATE_URLS", "sure"),
    ("FLASHPOINT_TRUSTED_HOSTS", "http://example.org:80/"),
    ("FLASHPOINT_THREADS", "two"),
    ("FLASHPOINT_EMBEDDING_PRECISION", "int4"),
])
def test_bad_setting_is_one_line_and_exit_2(tmp_path: Path, name: str, value: str) -> None:
    """Item 14: a bad FLASHPOINT_* value stops every command with one line naming it; no traceback."""
    import os

    env = {**os.environ, name: value}
    for args in (["events", "--db", str(tmp_path / "x.db")], ["run", "--db", str(tmp_path / "y.db"), str(SEEDS)]):
        proc = subprocess.run([str(FLASHPOINT), *args], env=env, capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2, proc.stderr
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and name in lines[0] and repr(value) in lines[0], proc.stderr
        assert "Traceback" not in proc.stderr and "expected" in lines[0]


def test_good_settings_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLASHPOINT_MAX_ARTICLE_BYTES", " 5_000 ")
    monkeypatch.setenv("FLASHPOINT_FETCH_TIMEOUT", "2.5")
    monkeypatch.setenv("FLASHPOINT_CLASSIFIER", "Off")
    monkeypatch.setenv("FLASHPOINT_READ_TOKEN_REQUIRED", "YES")
    monkeypatch.setenv("FLASHPOINT_TRUSTED_HOSTS", "Example.org., [::1], 10.0.0.5")
    monkeypatch.setenv("FLASHPOINT_ALLOW_PRIVATE_URLS", "")
    s = Settings()
    assert (s.max_article_bytes, s.fetch_timeout, s.use_classifier, s.read_token_required) == (5000, 2.5, False, True)
    assert s.trusted_hosts == ("example.org", "::1", "10.0.0.5") and s.allow_private_urls is False
