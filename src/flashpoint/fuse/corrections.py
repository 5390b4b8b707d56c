"""Human corrections of fused events (change a field, merge, split), each with an audit row.

Why corrections are stored as overrides and constraints rather than edits of the rows: fusion and
re-coding rebuild fused events from their reports; an edit written into a row would be lost on the
next rebuild. An override survives rebuilds field by field, and a must/cannot constraint between
reports makes every later fusion pass keep a merge or a split a person decided.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from ..events.ontology import load_ontology
from ..model import MODALITIES
from ..store.fusion_rows import FusionRows
from .cluster import fused_id_for
from .features import load_config, score_pair
from .persist import (
    attach_article_places,
    ensure_vectors,
    members_of,
    rebuild,
    utc_now,
    write_fused,
)
from .reconcile import EDITABLE, reconcile, sub_event_codes

_MODALITIES = MODALITIES  # model.py's vocabulary, said once


def _validate(field: str, value: Any) -> Any:
    """The value to store for ``field``; ValueError with a one-line reason when it cannot be."""
    if field not in EDITABLE:
        raise ValueError(f"field {field!r} cannot be corrected; editable: {', '.join(EDITABLE)}")
    if value is None:
        if field == "sub_event_type":
            raise ValueError("sub_event_type cannot be empty")
        return None
    if field == "sub_event_type":
        if value not in sub_event_codes():
            raise ValueError(f"unknown ACLED sub-event type {value!r}")
        return value
    if field == "plover_type":
        if value not in load_ontology().plover_types:
            raise ValueError(f"unknown PLOVER type {value!r}")
        return value
    if field == "date":
        try:
            return date.fromisoformat(str(value)).isoformat()
        except ValueError:
            raise ValueError(f"date must be YYYY-MM-DD, not {value!r}") from None
    if field in ("fatalities", "injured"):
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{field} must be a whole number 0 or more, not {value!r}")
        return value
    if field in ("lat", "lon"):
        limit = 90 if field == "lat" else 180
        if isinstance(value, bool) or not isinstance(value, int | float) or not -limit <= value <= limit:
            raise ValueError(f"{field} must be a number between -{limit} and {limit}")
        return float(value)
    if field == "modality":
        if value not in _MODALITIES:
            raise ValueError(f"modality must be one of {', '.join(_MODALITIES)}")
        return value
    if not isinstance(value, str) or not value.strip() or len(value) > 300:
        raise ValueError(f"{field} must be non-empty text of at most 300 characters")
    return value.strip()


def _audit(rows: FusionRows, *, author: str, action: str, target: str, field: str | None = None,
           old: Any = None, new: Any = None, reason: str | None = None) -> None:
    rows.add_correction(
        at=utc_now(), author=author, action=action, target=target, field=field,
        old_value=None if old is None else json.dumps(old, ensure_ascii=False, sort_keys=True),
        new_value=None if new is None else json.dumps(new, ensure_ascii=False, sort_keys=True),
        reason=reason,
    )


def _check_author(author: str) -> str:
    if not isinstance(author, str) or not author.strip():
        raise ValueError("a correction needs an author")
    return author.strip()


def _current(event: dict[str, Any], field: str) -> Any:
    loc = event.get("location") or {}
    if field == "sub_event_type":
        return (event.get("acled") or {}).get("sub_event_type")
    if field == "plover_type":
        return (event.get("plover") or {}).get("type")
    if field == "location_name":
        return loc.get("name")
    if field in ("admin1", "lat", "lon"):
        return loc.get(field)
    return event.get(field)


def _fused_row(rows: FusionRows, fused_id: str) -> Any:
    row = rows.fused_row(fused_id)
    if row is None:
        raise KeyError(f"no event {fused_id}")
    return row


def correct_event(store: Any, fused_id: str, changes: dict[str, Any], *, author: str,
                  reason: str | None = None) -> dict[str, Any]:
    """Set fields of a fused event; the values hold through every later rebuild."""
    author = _check_author(author)
    if not isinstance(changes, dict) or not changes:
        raise ValueError("changes must name at least one field")
    clean = {k: _validate(k, v) for k, v in changes.items()}
    with store.exclusive("fusion"), store.fusion_rows(write=True) as rows:
        row = _fused_row(rows, fused_id)
        event = json.loads(row.event_json)
        overrides = json.loads(row.overrides) if row.overrides else {}
        for key, value in sorted(clean.items()):
            _audit(rows, author=author, action="patch", target=fused_id, field=key,
                   old=_current(event, key), new=value, reason=reason)
            overrides[key] = value
        rows.set_overrides(fused_id, json.dumps(overrides, sort_keys=True))
        rebuild(rows, fused_id, utc_now())
    result = store.fused_event(fused_id)
    assert result is not None
    return result


def _constrain(rows: FusionRows, a: str, b: str, kind: str, author: str, reason: str | None) -> None:
    a, b = sorted((a, b))
    other = "cannot" if kind == "must" else "must"
    rows.delete_constraint(a, b, other)
    if not rows.has_constraint(a, b, kind):
        rows.add_constraint(a, b, kind, author=author, reason=reason, created_at=utc_now())


def merge_events(store: Any, fused_ids: list[str], *, author: str,
                 reason: str | None = None) -> dict[str, Any]:
    """Make several fused events one; the first id survives, the others' reports move into it."""
    author = _check_author(author)
    ids = list(dict.fromkeys(fused_ids or []))
    if len(ids) < 2:
        raise ValueError("merge needs at least two different event ids")
    survivor = ids[0]
    with store.exclusive("fusion"), store.fusion_rows(write=True) as rows:
        for fid in ids:
            _fused_row(rows, fid)
        members = members_of(rows, ids)
        anchor = members[survivor][0].event_id
        for fid in ids[1:]:
            for report in members[fid]:
                _constrain(rows, anchor, report.event_id, "must", author, reason)
            rows.move_members(fid, survivor, score=1.0,
                              reasons=json.dumps({"rule": "merged by a correction", "author": author}))
            rows.delete_fused([fid])
        rows.record_removed({fid: survivor for fid in ids[1:]}, utc_now())
        for a in members[survivor]:
            for fid in ids[1:]:
                for b in members[fid]:
                    x, y = sorted((a.event_id, b.event_id))
                    rows.delete_constraint(x, y, "cannot")
        _audit(rows, author=author, action="merge", target=survivor, field="sources",
               old=ids[1:], new=survivor, reason=reason)
        rebuild(rows, survivor, utc_now())
    result = store.fused_event(survivor)
    assert result is not None
    return result


def split_event(store: Any, fused_id: str, source_event_ids: list[str], *, author: str,
                reason: str | None = None) -> dict[str, Any]:
    """Move some reports of a fused event into a new one, and keep them apart from now on."""
    author = _check_author(author)
    moving = list(dict.fromkeys(source_event_ids or []))
    if not moving:
        raise ValueError("split needs the ids of the reports (sources) to move out")
    with store.exclusive("fusion"), store.fusion_rows(write=True) as rows:
        _fused_row(rows, fused_id)
        members = members_of(rows, [fused_id])[fused_id]
        member_ids = {r.event_id for r in members}
        unknown = [e for e in moving if e not in member_ids]
        if unknown:
            raise ValueError(f"not a source of event {fused_id}: {', '.join(unknown)}")
        staying = sorted(member_ids - set(moving))
        if not staying:
            raise ValueError("a split must leave at least one source in the original event")
        new_id = fused_id_for(min(moving))
        while rows.fused_exists(new_id):
            new_id = fused_id_for(new_id)
        for a in moving:
            for b in staying:
                _constrain(rows, a, b, "cannot", author, reason)
        for a in moving:
            for b in moving:
                if a < b:
                    _constrain(rows, a, b, "must", author, reason)
        rows.move_reports(moving, new_id, score=None,
                          reasons=json.dumps({"rule": "split by a correction", "author": author}))
        now = utc_now()
        # The new event starts from the reports alone: corrections made to the old one stay there.
        moved = members_of(rows, [new_id])[new_id]
        write_fused(rows, reconcile(new_id, moved), None, now)
        rebuild(rows, fused_id, now)
        _audit(rows, author=author, action="split", target=fused_id, field="sources",
               old=sorted(moving), new=new_id, reason=reason)
    result = store.fused_event(new_id)
    assert result is not None
    return result


def explain(store: Any, fused_id: str) -> dict[str, Any]:
    """Why these reports are one event: how each joined, and every pair's features now."""
    config = load_config()
    with store.fusion_rows() as rows:
        _fused_row(rows, fused_id)
        members = members_of(rows, [fused_id])[fused_id]
        joins = rows.member_joins(fused_id)
        constraints = rows.constraints_of([r.event_id for r in members])
        attach_article_places(rows, members)
    ensure_vectors(members)
    sources = []
    for r in members:
        join = joins[r.event_id]
        reasons = json.loads(join.reasons) if join.reasons else {}
        sources.append({"event_id": r.event_id, "article_id": r.article_id,
                        "outlet": r.article.get("source") or r.article_id,
                        "title": r.article.get("title"), "published": r.article.get("published"),
                        "date": r.event.get("date"), "score": join.score,
                        "rule": reasons.get("rule"), "joined_at": join.joined_at})
    pairs = []
    shown = members[:20]
    for i, a in enumerate(shown):
        for b in shown[i + 1:]:
            p = score_pair(a, b, config)
            decision = ("blocked by " + p.blocked_by) if p.blocked_by else (
                "above threshold" if p.score >= config.threshold else "below threshold")
            pairs.append({"a": a.event_id, "b": b.event_id, **p.to_dict(), "decision": decision})
    return {"id": fused_id, "threshold": config.threshold, "sources": sources, "pairs": pairs,
            "constraints": constraints, "corrections": store.corrections(fused_id)}


def explain_text(info: dict[str, Any]) -> str:
    """``explain`` as a page a person reads in a terminal."""
    lines = [f"Event {info['id']}: {len(info['sources'])} source(s); merge threshold "
             f"{info['threshold']:.2f}", ""]
    for src in info["sources"]:
        how = src["rule"] or "?"
        score = "" if src["score"] is None else f" (score {src['score']:.3f})"
        lines.append(f"  {src['event_id']}  {src['outlet']}, {src['published'] or 'undated'}: "
                     f"{src['title'] or '(untitled)'}  [{how}{score}]")
    if info["pairs"]:
        lines += ["", "Pairs (features 0..1; the score is their weighted mean):"]
        for p in info["pairs"]:
            feats = ", ".join(f"{k} {'-' if v is None else f'{v:.2f}'}" for k, v in p["features"].items())
            lines.append(f"  {p['a']} ~ {p['b']}: {p['score']:.3f} {p['decision']}; {feats}")
    if info["constraints"]:
        lines += ["", "Kept by corrections:"]
        for c in info["constraints"]:
            verb = "together" if c["kind"] == "must" else "apart"
            lines.append(f"  {c['a']} and {c['b']} {verb} ({c['author']}: {c['reason'] or 'no reason given'})")
    if info["corrections"]:
        lines += ["", "Corrections:"]
        for c in info["corrections"]:
            lines.append(f"  {c['at']} {c['author']} {c['action']} {c['field'] or ''}: "
                         f"{c['old_value']} -> {c['new_value']}" + (f" ({c['reason']})" if c["reason"] else ""))
    return "\n".join(lines) + "\n"
