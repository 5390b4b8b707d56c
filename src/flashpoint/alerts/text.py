"""Alerts as a person reads them in a terminal: surges first, each with the ids of its events
(so ``flashpoint explain ID`` is one copy away), then emerging actors, then every area's figures.
"""

from __future__ import annotations

from flashpoint.alerts.weekly import Alerts, AreaFigures, EmergingActor, Figures, Surge
from flashpoint.filters import human_date


def percent(change: float | None) -> str:
    """+150%, -50%, or "n/a" where there is no baseline to compare with."""
    return "n/a" if change is None else f"{change * 100:+.0f}%"


def avg(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"


def area_name(country: str | None, admin1: str | None) -> str:
    if admin1:
        return f"{admin1}, {country}" if country else admin1
    return country or "unknown place"


def _ids(ids: tuple[str, ...]) -> str:
    return " ".join(ids)


def _surge(s: Surge) -> list[str]:
    f, what = s.figures, s.measure
    head = "NEW VIOLENCE" if s.kind == "new_violence" else f"SURGE {percent(f.change_4w)}"
    lines = [f"{head}  {area_name(s.country, s.admin1)}: {f.this_week:,} {what} this week"]
    if s.kind == "new_violence":
        lines.append(f"    none in the {f.weeks_4w} weeks before; "
                     f"{f.total_52w:,} in the {f.weeks_52w} weeks before (avg {avg(f.avg_52w)}/week)")
    else:
        lines.append(f"    {f.weeks_4w}-week avg {avg(f.avg_4w)}/week ({f.total_4w:,} in {f.weeks_4w} weeks), "
                     f"{f.weeks_52w}-week avg {avg(f.avg_52w)}/week ({percent(f.change_52w)})")
    lines.append(f"    events: {_ids(s.event_ids)}")
    return lines


def _actor(a: EmergingActor) -> list[str]:
    place = area_name(a.country, a.admin1) if a.country or a.admin1 else "an unknown place"
    if a.scope == "new":
        head = f"NEW ACTOR  {a.actor}: first seen in the store on {a.first_seen.isoformat()}, in {place}"
    else:
        head = (f"NEW IN AREA  {a.actor}: first seen in {place} on {a.first_seen.isoformat()} "
                f"(elsewhere since {a.first_seen_anywhere.isoformat()})")
    return [head, f"    events: {_ids(a.event_ids)}"]


def _row(a: AreaFigures) -> list[str]:
    def cells(f: Figures) -> list[str]:
        return [f"{f.this_week:,}", avg(f.avg_4w), percent(f.change_4w), avg(f.avg_52w), percent(f.change_52w)]

    name = area_name(a.country, a.admin1) if a.admin1 else f"{a.country} (all)"
    return [name, *cells(a.events), *cells(a.fatalities)]


def render(alerts: Alerts) -> str:
    c = alerts.config
    w = alerts.week
    out = [
        f"Early warning as of {human_date(alerts.as_of)}: the week {w.start.isoformat()} to {w.end.isoformat()} "
        f"against the {c.short_weeks} and {c.long_weeks} weeks before "
        f"({alerts.history_weeks:,} weeks of history in the store).",
        f"A surge: at least {c.min_events} events (or {c.min_fatalities} fatalities) this week and "
        f"{percent(c.threshold)} or more against the {c.short_weeks}-week weekly average.",
        "",
    ]
    out.append(f"Surges ({len(alerts.surges)})")
    for s in alerts.surges:
        out += ["  " + line for line in _surge(s)]
    if not alerts.surges:
        out.append("  none")
    out += ["", f"Emerging actors ({len(alerts.emerging_actors)})"]
    for a in alerts.emerging_actors:
        out += ["  " + line for line in _actor(a)]
    if not alerts.emerging_actors:
        out.append("  none" if alerts.history_weeks >= c.min_history_weeks else
                   f"  not judged: the store holds {alerts.history_weeks} weeks of history before this week, "
                   f"fewer than {c.min_history_weeks}")
    out += ["", f"Areas with events this week or in the {c.short_weeks} weeks before ({len(alerts.areas)})"]
    if alerts.areas:
        headers = ["Area", "Events", f"{c.short_weeks}w avg", "change", f"{c.long_weeks}w avg", "change",
                   "Fatalities", f"{c.short_weeks}w avg", "change", f"{c.long_weeks}w avg", "change"]
        rows = [headers, *(_row(a) for a in alerts.areas)]
        widths = [max(len(r[i]) for r in rows) for i in range(len(headers))]
        for r in rows:
            out.append("  " + "  ".join(cell.ljust(widths[i]) if i == 0 else cell.rjust(widths[i])
                                        for i, cell in enumerate(r)).rstrip())
    else:
        out.append("  none")
    out += ["", "`flashpoint explain ID` shows any event above with its sources."]
    return "\n".join(out) + "\n"
