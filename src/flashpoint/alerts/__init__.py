"""Early warning: this week's violence per country and admin1 against the 4 and 52 weeks before,
surges, and actors seen for the first time (``flashpoint alerts``, ``GET /api/alerts``, the
reports' "Early warning" section, ``flashpoint watch --alerts``).

Modules, one concern each: ``config`` (the settings in ``data/alerts.yaml``), ``weekly`` (the
figures and alerts, pure functions over fused events, and the loader that asks the store),
``text`` (the table a person reads), ``feed`` (what ``watch`` appends: only alerts not emitted
before).
"""

from flashpoint.alerts.config import AlertConfig, load_config
from flashpoint.alerts.weekly import (
    Alerts,
    AreaFigures,
    EmergingActor,
    Figures,
    Surge,
    Week,
    compute,
    load_alerts,
    parse_as_of,
    week_day,
)

__all__ = ["AlertConfig", "Alerts", "AreaFigures", "EmergingActor", "Figures", "Surge", "Week", "compute",
           "load_alerts", "load_config", "parse_as_of", "week_day"]
