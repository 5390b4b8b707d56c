"""One contract for a fused event (issue 23): ``model.FusedEvent`` is the type, the API says the same.

Why a test and not a pydantic model derived from the TypedDict: the API's models carry their own
descriptions and defaults for the OpenAPI schema, and stay readable as documentation; what must
not happen is that they drift from what fusion produces. So: the API models have exactly the
TypedDicts' keys, with types that accept every value the TypedDict allows (the API may say a
field can be null where fusion always fills it, never the other way round); and the fused events
of a real store have exactly those keys, validate against the API model, and come out of
``GET /api/events/{id}`` as the store holds them.
"""

from __future__ import annotations

import datetime as dt
import json
import types
import typing
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

import pytest
from fastapi.testclient import TestClient
from pydantic import BaseModel

from flashpoint.api import create_app
from flashpoint.api.aggregate import stats
from flashpoint.api.schemas import EventOut, SourceOut
from flashpoint.fuse import fuse_pending
from flashpoint.model import FusedEvent, FusedSource, event_day
from flashpoint.report import figures
from flashpoint.store import open_store
from testkit import identity_reports

REPORTS = Path(__file__).resolve().parent / "data" / "store_identity" / "reports.jsonl"


# ----------------------------------------------------------------------------------- types


def _members(t: Any) -> list[Any]:
    """The members of a union (``X | None`` or ``Optional[X]``), or ``[t]``."""
    if get_origin(t) in (Union, types.UnionType):
        return list(get_args(t))
    return [t]


def _mismatches(td: Any, model: Any, where: str) -> list[str]:
    """Why ``model`` (a pydantic type) does not accept every value ``td`` (a TypedDict type)
    allows; [] when it does."""
    wanted, offered = _members(td), _members(model)
    if len(wanted) > 1 or len(offered) > 1:
        # Each member of the TypedDict's type must be accepted by one of the model's; the nearest
        # miss (fewest problems) says why when none does.
        out = []
        for w in wanted:
            tries = [_mismatches(w, o, where) for o in offered]
            if all(tries):
                out += min(tries, key=len)
        return out
    if typing.is_typeddict(td):
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return [f"{where}: {model!r} is no model for {td.__name__}"]
        hints = get_type_hints(td)
        fields = model.model_fields
        out = [f"{where}.{k}: in {td.__name__}, not in {model.__name__}" for k in hints if k not in fields]
        out += [f"{where}.{k}: in {model.__name__}, not in {td.__name__}" for k in fields if k not in hints]
        for key in sorted(hints.keys() & fields.keys()):
            out += _mismatches(hints[key], fields[key].annotation, f"{where}.{key}")
        return out
    if get_origin(td) is list:
        if get_origin(model) is not list:
            return [f"{where}: a list in the TypedDict, {model!r} in the model"]
        return _mismatches(get_args(td)[0], get_args(model)[0], f"{where}[]")
    return [] if td == model else [f"{where}: {td!r} in the TypedDict, {model!r} in the model"]


@pytest.mark.parametrize(("typed", "model"), [(FusedEvent, EventOut), (FusedSource, SourceOut)])
def test_the_api_models_are_the_fused_event_contract(typed: Any, model: type[BaseModel]) -> None:
    """Same keys at every level (evidence, codings, location, article, sources), compatible types."""
    assert _mismatches(typed, model, typed.__name__) == []


def test_the_check_catches_drift() -> None:
    """The comparison fails on a missing key, an extra key, a narrower type and a wrong nesting."""

    class Narrow(BaseModel):
        event_id: str
        article_id: str
        id: str  # the TypedDict allows null here

    problems = _mismatches(FusedSource, Narrow, "s")
    assert "s.id: <class 'NoneType'> in the TypedDict, <class 'str'> in the model" in problems
    assert any(p.startswith("s.evidence: in FusedSource, not in Narrow") for p in problems)

    class Extra(SourceOut):
        outlet: str | None = None

    assert _mismatches(FusedSource, Extra, "s") == ["s.outlet: in Extra, not in FusedSource"]
    assert _mismatches(FusedEvent, SourceOut, "e") != []


# ----------------------------------------------------------------------------------- a real store


@pytest.fixture(scope="module")
def fused_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixed coded reports of the store identity test, saved and fused (no spaCy needed)."""
    db = tmp_path_factory.mktemp("contract") / "contract.db"
    results = identity_reports()
    store = open_store(str(db))
    try:
        store.save_results(results, replace=[False] * len(results))
        fuse_pending(store)
    finally:
        store.close()
    return db


def test_stored_fused_events_have_exactly_the_contracts_keys(fused_db: Path) -> None:
    store = open_store(str(fused_db))
    try:
        events = store.fused_events()
    finally:
        store.close()
    assert len(events) > 20 and any(e["n_sources"] > 1 for e in events)
    keys, sources = set(get_type_hints(FusedEvent)), set(get_type_hints(FusedSource))
    for event in events:
        assert set(event) == keys, event["id"]
        assert all(set(s) == sources for s in event["sources"]), event["id"]
        EventOut.model_validate(event)


def test_the_api_serves_a_fused_event_as_stored(fused_db: Path) -> None:
    """``GET /api/events/{id}`` passes through ``EventOut``: every key and value survives, and the
    declared keys come in the model's order, ``timestamp`` last as before it was declared."""
    store = open_store(str(fused_db))
    try:
        event = next(e for e in store.fused_events() if e["n_sources"] > 1)
    finally:
        store.close()
    with TestClient(create_app(str(fused_db))) as client:
        got = client.get(f"/api/events/{event['id']}")
    assert got.status_code == 200
    body = got.json()
    # What the model adds is only its defaults: the article_id evidence items of the sources
    # lack (null, as before the contract was typed); everything stored is there, unchanged.
    assert _within(json.loads(json.dumps(event)), body)
    assert all(ev["article_id"] is None for s in body["sources"] for ev in s["evidence"])
    assert list(body) == list(EventOut.model_fields)
    assert list(body)[-1] == "timestamp" and body["timestamp"]


def _within(stored: Any, served: Any) -> bool:
    """Every key and value of ``stored`` is in ``served`` (which may hold more keys)."""
    if isinstance(stored, dict):
        return isinstance(served, dict) and all(k in served and _within(v, served[k]) for k, v in stored.items())
    if isinstance(stored, list):
        return (isinstance(served, list) and len(stored) == len(served)
                and all(_within(a, b) for a, b in zip(stored, served, strict=True)))
    return stored == served


# ----------------------------------------------------------------------------------- the day of an event


@pytest.mark.parametrize(("event", "day"), [
    ({"date": "2019-04-14", "date_start": "2019-04-10"}, dt.date(2019, 4, 14)),
    ({"date": None, "date_start": "2019-04-10", "date_end": "2019-04-16"}, dt.date(2019, 4, 10)),
    ({"date": "2019-04", "date_start": "2019-04-01"}, dt.date(2019, 4, 1)),  # no day: the range's start
    ({"date": "2019-04-14T10:00:00Z"}, dt.date(2019, 4, 14)),
    ({"date": "2019-02-30", "date_start": None}, None),
    ({"date": "2019-W15"}, None),
    ({}, None),
])
def test_the_day_of_an_event(event: dict[str, Any], day: dt.date | None) -> None:
    """ACLED's event_date: the date, else the first day of the range; one rule for the report's
    figures and the API's charts."""
    assert event_day(event) == day
    assert figures.day_of(event) == day
    rows = stats([{**event, "id": "e1", "fatalities": 3}], "day")
    assert rows == ([{"key": day.isoformat(), "events": 1, "fatalities": 3}] if day else [])
