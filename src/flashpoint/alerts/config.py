"""The early-warning settings, read from ``data/alerts.yaml``, with the overrides a user may give.

Why a data file: the surge threshold, the minimum base, the window lengths and the list of
generic actors are analysts' conventions (ACLED's early-warning dashboard), reviewed and changed
without reading code; the CLI and the API override only the two a user tunes per question
(``--threshold``, ``--min-events``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from flashpoint.datafiles import read_yaml
from flashpoint.settings import DATA_DIR

CONFIG_PATH = DATA_DIR / "alerts.yaml"


@dataclass(frozen=True)
class AlertConfig:
    version: int
    week_days: int
    short_weeks: int            # the surge baseline ("the past month")
    long_weeks: int             # the long baseline ("the past year")
    threshold: float            # a surge: this week >= (1 + threshold) x the short weekly average
    min_events: int             # the minimum base: fewer events this week is never a surge
    min_fatalities: int         # likewise for fatalities
    max_time_precision: int     # coarser dates have no week
    max_range_days: int         # longer date ranges have no week
    min_history_weeks: int      # weeks of history before "first seen" means anything
    generic_actors: tuple[re.Pattern[str], ...]

    def with_overrides(self, *, threshold: float | None = None, min_events: int | None = None) -> AlertConfig:
        """This config with a user's threshold and minimum base, checked (ValueError, one line)."""
        out = self
        if threshold is not None:
            if not math.isfinite(threshold) or threshold <= 0:
                raise ValueError(f"threshold must be a positive fraction (1 = +100%), not {threshold!r}")
            out = replace(out, threshold=float(threshold))
        if min_events is not None:
            if isinstance(min_events, bool) or min_events < 1:
                raise ValueError(f"min_events must be a whole number of 1 or more, not {min_events!r}")
            out = replace(out, min_events=int(min_events))
        return out

    def minimum(self, measure: str) -> int:
        return self.min_events if measure == "events" else self.min_fatalities

    def is_generic(self, actor: str) -> bool:
        return any(p.fullmatch(actor) for p in self.generic_actors)


def read_config(path: Path = CONFIG_PATH) -> AlertConfig:
    """The settings in ``path``; a missing or wrong value is a ValueError naming the file."""
    raw = read_yaml(path) or {}
    try:
        surge, dates, emerging = raw["surge"], raw["weekly_dates"], raw["emerging"]
        config = AlertConfig(
            version=int(raw["version"]),
            week_days=int(raw["week_days"]),
            short_weeks=int(raw["baseline_weeks"]["short"]),
            long_weeks=int(raw["baseline_weeks"]["long"]),
            threshold=float(surge["threshold"]),
            min_events=int(surge["min_events"]),
            min_fatalities=int(surge["min_fatalities"]),
            max_time_precision=int(dates["max_time_precision"]),
            max_range_days=int(dates["max_range_days"]),
            min_history_weeks=int(emerging["min_history_weeks"]),
            generic_actors=tuple(re.compile(p, re.IGNORECASE) for p in emerging["generic_actors"]),
        )
    except (KeyError, TypeError, ValueError, re.error) as exc:
        raise ValueError(f"{path.name}: missing or bad value ({exc})") from None
    if not (config.week_days >= 1 and 1 <= config.short_weeks <= config.long_weeks):
        raise ValueError(f"{path.name}: week_days must be >= 1 and 1 <= short <= long baseline weeks")
    return config


@lru_cache(maxsize=1)
def load_config() -> AlertConfig:
    """The shipped settings (read once)."""
    return read_config()
