"""Alerts as records, one per alert (``flashpoint alerts --format jsonl``), and the feed
``flashpoint watch --alerts`` appends to: only alerts it has not emitted before.

Why "not emitted before" is judged per day for surges: a week is the 7 days ending on the
latest event, so it slides a day at a time as news comes in, and a surge that lasts would be
re-announced daily. A surge is remembered by its area, measure and each day of its week; one whose
week shares a day with an emitted one is the same surge going on, and is not emitted again. An
emerging actor is remembered by actor, scope and area: it is new once.

What was emitted is kept in the watch state (``watch_state.SeenItems``, the table that remembers
the feed entries and files taken in), under the source name ``alerts``, so a watcher restarted
tomorrow does not repeat yesterday's alerts.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import IO, Any

from flashpoint.alerts.weekly import Alerts, EmergingActor, Surge

SOURCE = "alerts"  # the watch state's source name for emitted alerts


def record(alerts: Alerts, alert: Surge | EmergingActor) -> dict[str, Any]:
    """One alert as a JSON object: its type, the week it belongs to, then its own fields."""
    kind = "surge" if isinstance(alert, Surge) else "emerging_actor"
    return {"type": kind, "as_of": alerts.as_of.isoformat(), "week": alerts.week.to_dict(), **alert.to_dict()}


def records(alerts: Alerts) -> list[dict[str, Any]]:
    """Surges first, then emerging actors, each as ``record`` gives it."""
    return [record(alerts, a) for a in _each(alerts)]


def _each(alerts: Alerts) -> list[Surge | EmergingActor]:
    return [*alerts.surges, *alerts.emerging_actors]


def state_keys(alerts: Alerts, alert: Surge | EmergingActor) -> list[str]:
    """What the watch state remembers of an alert (see the module's docstring)."""
    if isinstance(alert, Surge):
        days = (alerts.week.start + dt.timedelta(days=i) for i in range((alerts.week.end - alerts.week.start).days + 1))
        return [f"alert:{alert.key()}|{d.isoformat()}" for d in days]
    return [f"alert:{alert.key()}"]


class AlertFeed:
    """After each watch pass that stored something: compute the alerts, append the new ones.

    ``compute`` gives the alerts (the CLI passes ``load_alerts`` over the watched store); ``seen``
    is the watch state (``unseen``/``mark``); ``out`` receives one JSON line per new alert.
    """

    def __init__(self, compute: Callable[[], Alerts | None], seen_factory: Callable[[], Any], out: IO[str]) -> None:
        self._compute = compute
        self._seen_factory = seen_factory
        self._out = out

    def emit(self) -> int:
        """Append the alerts not emitted before; how many were appended."""
        alerts = self._compute()
        if alerts is None:
            return 0
        seen = self._seen_factory()
        try:
            n = 0
            for alert in _each(alerts):
                keys = state_keys(alerts, alert)
                if len(seen.unseen(keys)) < len(keys):
                    continue  # this alert (or the same surge on an overlapping week) went out before
                self._out.write(json.dumps(record(alerts, alert), ensure_ascii=False, sort_keys=False) + "\n")
                self._out.flush()
                seen.mark(SOURCE, keys)  # after the line is out: a crash re-emits, never loses
                n += 1
            return n
        finally:
            seen.close()


def watch_feed(db_url: str | None, target: str, *, echo: Callable[[str], None]) -> Callable[[Any], None]:
    """The hook ``flashpoint watch --alerts TARGET`` runs after a pass that stored something:
    alerts over the watched store (default settings, the store's latest week), new ones appended
    to ``target`` (a file, opened for appending now so a bad path fails at start; "-": stdout)."""
    import sys

    from flashpoint.alerts.weekly import load_alerts
    from flashpoint.store import open_store
    from flashpoint.watch_state import SeenItems

    out = sys.stdout if target == "-" else open(target, "a", encoding="utf-8", newline="\n")  # noqa: SIM115 - kept open for the watch

    def compute() -> Alerts | None:
        store = open_store(db_url)
        try:
            return load_alerts(store)
        except ValueError:  # nothing dated to the week yet: no alert to give
            return None
        finally:
            store.close()

    feed = AlertFeed(compute, lambda: SeenItems(db_url), out)

    def after_store(_result: Any) -> None:
        n = feed.emit()
        if n and target != "-":
            echo(f"watch: {n} new alert(s) appended to {target}")

    return after_store
