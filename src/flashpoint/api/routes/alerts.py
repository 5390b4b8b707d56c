"""Early warning: this week per country and admin1 against the 4 and 52 weeks before, surges and
emerging actors (``GET /api/alerts``), the same figures ``flashpoint alerts --format json`` gives.

The response models live here, beside the one route that answers them: the dashboard's early-
warning panel is built against these keys, so they are declared (and so in /openapi.json) rather
than passed through.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field

from flashpoint.alerts import load_alerts, load_config
from flashpoint.api.context import get_store
from flashpoint.api.params import check_text
from flashpoint.api.routes._responses import READ
from flashpoint.filters import EventFilters
from flashpoint.store import Store

router = APIRouter(prefix="/api", tags=["alerts"])

_DAY = r"^\d{4}-\d{2}-\d{2}$"
_TEXT_MAX = 200


class WeekOut(BaseModel):
    start: str = Field(description="First day of the week (YYYY-MM-DD), as_of - 6 days.")
    end: str = Field(description="Last day of the week: as_of.")


class FiguresOut(BaseModel):
    this_week: int
    avg_4w: float | None = Field(description="total_4w / weeks_4w; null with no baseline week in the store.")
    avg_52w: float | None = Field(description="total_52w / weeks_52w.")
    change_4w: float | None = Field(
        description="(this_week - avg_4w) / avg_4w as a fraction (1.5 = +150%); null when avg_4w is 0.")
    change_52w: float | None
    total_4w: int
    weeks_4w: int = Field(description="Baseline weeks the store covers, at most 4: the divisor of avg_4w.")
    total_52w: int
    weeks_52w: int


class SurgeOut(FiguresOut):
    kind: Literal["surge", "new_violence"] = Field(
        description="surge: this_week >= (1 + threshold) x avg_4w; new_violence: none in the 4 weeks before.")
    country: str
    admin1: str | None = Field(description="null for a country-level surge.")
    measure: Literal["events", "fatalities"]
    threshold: float
    minimum: int = Field(description="The minimum base this week reached (min_events or min_fatalities).")
    event_ids: list[str] = Field(
        description="This week's events behind the figure (for fatalities: those with deaths).")


class EmergingActorOut(BaseModel):
    actor: str
    country: str | None
    admin1: str | None
    first_seen: str = Field(description="First day seen in this country/admin1 (YYYY-MM-DD), within the week.")
    first_seen_anywhere: str = Field(description="First day seen anywhere in the store.")
    scope: Literal["new", "new_in_admin1"]
    event_ids: list[str]


class AreaOut(BaseModel):
    country: str
    admin1: str | None = Field(description="null: the whole country.")
    events: FiguresOut
    fatalities: FiguresOut
    event_ids: list[str] = Field(description="This week's events in the area.")


class BaselineOut(BaseModel):
    short_weeks: int
    long_weeks: int
    history_weeks: int = Field(description="Whole weeks of dated events in the store before this week.")


class SettingsOut(BaseModel):
    threshold: float
    min_events: int
    min_fatalities: int
    version: int = Field(description="Version of data/alerts.yaml.")


class AlertsOut(BaseModel):
    as_of: str
    week: WeekOut
    baseline: BaselineOut
    settings: SettingsOut
    surges: list[SurgeOut]
    emerging_actors: list[EmergingActorOut]
    areas: list[AreaOut] = Field(description="Areas with events this week or in the 4 weeks before, busiest first.")


@router.get("/alerts", response_model=AlertsOut, responses=READ)
def alerts(
    as_of: str | None = Query(None, pattern=_DAY,
                              description="Last day of the week (default: the store's latest event date)."),
    threshold: float | None = Query(None, gt=0, le=1000,
                                    description="Surge threshold as a fraction (default 1.0: +100%)."),
    min_events: int | None = Query(None, ge=1, le=1_000_000,
                                   description="Fewer events this week is never a surge (default 3)."),
    country: str | None = Query(None, max_length=_TEXT_MAX, description="Country name, any case."),
    admin1: str | None = Query(None, max_length=_TEXT_MAX, description="First-level region, any case."),
    store: Store = Depends(get_store),
) -> dict[str, Any]:
    """Early warning for the week ending as_of: per-area figures, surges and emerging actors, each
    alert with the ids of its events (GET /api/events/{id} and /explain show them)."""
    config = load_config().with_overrides(threshold=threshold, min_events=min_events)
    filters = EventFilters(country=check_text("country", country), admin1=check_text("admin1", admin1))
    return load_alerts(store, filters, as_of=as_of, config=config).to_dict()
