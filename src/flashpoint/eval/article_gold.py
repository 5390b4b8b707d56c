"""The article-level gold: what a careful coder codes from each whole article (docs/CODING_GUIDE.md).

Why a format of its own: the sentence sets measure typing, the seeds two articles; this one holds,
per real article, every event a coder requires or accepts, with a date window, a place and radius,
acceptable actors and a conservative death toll, plus the traps (background, forecasts, captions)
a coder must not code. Mentions are verbatim quotes, or, for text that may not ship (AG news),
offsets into the source record's fields, resolved against the cleaned text at scoring time.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..datafiles import read_jsonl

REPO = Path(__file__).resolve().parents[3]
DEFAULT_TEXTS = (REPO / "examples" / "fa-kes" / "fa-kes.jsonl",
                 REPO.parent / "shared" / "corpora" / "ag_news_world_test.csv")
TRAP_KINDS = frozenset({"background", "forecast", "negated", "generic", "aggregate", "caption", "dateline",
                        "abroad", "statement"})
ACTOR_CONVENTIONS = re.compile(
    r"^(Military Forces of|Police Forces of|Government of) .+$"
    r"|^(Rebel Group|Unidentified Armed Group|Civilians|Protesters|Rioters) \(.+\)$")


UNKNOWN = "Unidentified"  # an actor list's null entry: the article may be read as not saying who


class GoldError(ValueError):
    """A gold file that cannot be read: the message names the line and the problem."""


@dataclass(frozen=True, slots=True)
class Mention:
    """Where the gold says an event (or trap) is told: a quote, or a span of a source field."""

    quote: str | None = None
    field: str | None = None
    start: int | None = None
    end: int | None = None

    def text(self, source: dict[str, Any]) -> str | None:
        if self.quote is not None:
            return self.quote
        value = source.get(self.field or "")
        if not isinstance(value, str) or self.start is None or self.end is None or self.end > len(value):
            return None
        return value[self.start : self.end]


@dataclass(frozen=True, slots=True)
class GoldPlace:
    country: str
    name: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None

    @property
    def country_only(self) -> bool:
        return self.lat is None


@dataclass(slots=True)
class GoldEvent:
    id: str
    status: str  # required | optional
    mentions: list[Mention]
    type: str
    acceptable: tuple[str, ...] = ()
    date: tuple[str, str] | None = None  # inclusive window; None: no date can be known
    places: list[GoldPlace] = field(default_factory=list)  # the place and its alternatives; empty: unscored
    actor1: tuple[str, ...] | None = None  # acceptable names; None: not stated
    actor2: tuple[str, ...] | None = None
    fatalities: tuple[int, int] | None = None  # inclusive; None: no figure stated (0 or none accepted)
    background: bool = False  # an earlier event: matches only with its own date
    note: str = ""

    @property
    def required(self) -> bool:
        return self.status == "required"

    @property
    def codes(self) -> frozenset[str]:
        return frozenset((self.type, *self.acceptable))


@dataclass(slots=True)
class Trap:
    kind: str
    mention: Mention
    note: str = ""


@dataclass(slots=True)
class GoldArticle:
    id: str
    split: str  # tune | test
    published: str | None
    events: list[GoldEvent]
    traps: list[Trap]
    note: str = ""


# ------------------------------------------------------------------------------------------ reading
def _mention(raw: Any, where: str) -> Mention:
    if isinstance(raw, str) and raw.strip():
        return Mention(quote=raw)
    if isinstance(raw, dict) and {"field", "start", "end"} <= raw.keys():
        return Mention(field=str(raw["field"]), start=int(raw["start"]), end=int(raw["end"]))
    raise GoldError(f"{where}: a mention is a quote or {{field, start, end}}, not {raw!r}")


def _place(raw: dict[str, Any], where: str) -> GoldPlace:
    if not isinstance(raw, dict) or not raw.get("country"):
        raise GoldError(f"{where}: a place needs at least a country")
    lat, lon = raw.get("lat"), raw.get("lon")
    if (lat is None) != (lon is None):
        raise GoldError(f"{where}: a place gives both lat and lon or neither")
    radius = raw.get("radius_km")
    if lat is not None and not radius:
        radius = 25.0
    return GoldPlace(country=raw["country"], name=raw.get("name"), admin1=raw.get("admin1"),
                     lat=float(lat) if lat is not None else None, lon=float(lon) if lon is not None else None,
                     radius_km=float(radius) if radius else None)


def _names(raw: Any, where: str) -> tuple[str, ...] | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list) or not raw or not all(n is None or (isinstance(n, str) and n.strip()) for n in raw):
        raise GoldError(f"{where}: actors are null, a name or a list of names (null in the list: 'or unknown')")
    return tuple(UNKNOWN if n is None else n for n in raw)


def _window(raw: Any, where: str) -> tuple[str, str] | None:
    if raw is None:
        return None
    if isinstance(raw, str):
        raw = {"from": raw, "to": raw}
    try:
        lo, hi = dt.date.fromisoformat(raw["from"]), dt.date.fromisoformat(raw["to"])
    except (KeyError, TypeError, ValueError):
        raise GoldError(f"{where}: a date is YYYY-MM-DD or {{from, to}}, not {raw!r}") from None
    if hi < lo:
        raise GoldError(f"{where}: date window ends before it starts")
    return lo.isoformat(), hi.isoformat()


def _fatalities(raw: Any, where: str) -> tuple[int, int] | None:
    if raw is None:
        return None
    if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
        return raw, raw
    if isinstance(raw, list) and len(raw) == 2 and all(isinstance(v, int) and v >= 0 for v in raw) and raw[0] <= raw[1]:
        return raw[0], raw[1]
    raise GoldError(f"{where}: fatalities are null, a count or [low, high]")


def _event(raw: dict[str, Any], where: str) -> GoldEvent:
    try:
        status = raw["status"]
        if status not in {"required", "optional"}:
            raise GoldError(f"{where}: status is required or optional")
        mentions = [_mention(m, where) for m in raw["mentions"]]
        if not mentions:
            raise GoldError(f"{where}: an event needs at least one mention")
        place = raw.get("place")
        places = [] if place is None else [_place(place, where)]
        places += [_place(p, where) for p in raw.get("alternatives", []) or []]
        return GoldEvent(
            id=str(raw["id"]), status=status, mentions=mentions, type=raw["type"],
            acceptable=tuple(raw.get("acceptable", []) or []), date=_window(raw.get("date"), where),
            places=places, actor1=_names(raw.get("actor1"), where), actor2=_names(raw.get("actor2"), where),
            fatalities=_fatalities(raw.get("fatalities"), where), background=bool(raw.get("background", False)),
            note=raw.get("note", "") or "")
    except KeyError as exc:
        raise GoldError(f"{where}: missing {exc.args[0]!r}") from None


def parse_article(raw: dict[str, Any], where: str) -> GoldArticle:
    if not isinstance(raw, dict) or "id" not in raw:
        raise GoldError(f"{where}: each line is an object with an id")
    split = raw.get("split")
    if split not in {"tune", "test"}:
        raise GoldError(f"{where}: split is tune or test")
    published = (raw.get("given") or {}).get("published")
    if published is not None:
        _window(published, where)
    events = [_event(e, f"{where} {raw['id']} {e.get('id', '?')}") for e in raw.get("events", [])]
    traps = []
    for t in raw.get("traps", []) or []:
        kind = t.get("kind")
        if kind not in TRAP_KINDS:
            raise GoldError(f"{where}: trap kind {kind!r} is not one of {', '.join(sorted(TRAP_KINDS))}")
        traps.append(Trap(kind, _mention(t.get("quote") or t.get("span"), where), t.get("note", "") or ""))
    return GoldArticle(id=str(raw["id"]), split=split, published=published, events=events, traps=traps,
                       note=raw.get("note", "") or "")


def load_gold(path: Path) -> list[GoldArticle]:
    """Every article of a gold JSONL file; a bad line is one clear error naming it."""
    out: list[GoldArticle] = []
    seen: set[str] = set()
    for n, raw in read_jsonl(path, GoldError):
        item = parse_article(raw, f"{path.name}:{n}")
        if item.id in seen:
            raise GoldError(f"{path.name}:{n}: {item.id} is labelled twice")
        seen.add(item.id)
        out.append(item)
    return out


def load_texts(paths: Iterable[Path] = DEFAULT_TEXTS) -> dict[str, dict[str, Any]]:
    """Source records by id, from JSONL (``id``, ``text``, ``title`` ...) and CSV (``id``, ``title``,
    ``description``) files; a path that does not exist is skipped (AG news lives outside the repo)."""
    out: dict[str, dict[str, Any]] = {}
    for path in paths:
        path = Path(path)
        if not path.exists():
            continue
        if path.suffix == ".csv":
            with path.open(encoding="utf-8", newline="") as fh:
                for row in csv.DictReader(fh):
                    out[row["id"]] = dict(row)
        else:
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        row = json.loads(line)
                        out[str(row["id"])] = row
    return out


# ------------------------------------------------------------------------------------------ locating
def locate(quote: str, text: str) -> tuple[int, int] | None:
    """Where a quote lies in the cleaned text, allowing for whitespace the cleaner changed and for the
    site's name ingest cuts from a page title ("... - Daily Sabah")."""
    from ..ingest.metadata import without_site_name

    for form in dict.fromkeys((quote, without_site_name(quote))):
        i = text.find(form)
        if i != -1:
            return i, i + len(form)
        words = form.split()
        if not words:
            continue
        m = re.search(r"\s+".join(re.escape(w) for w in words), text)
        if m:
            return m.start(), m.end()
    return None


def source_text(source: dict[str, Any]) -> str:
    """The text a labeller reads for a source record: its body (JSONL) or description (CSV)."""
    return source.get("text") or source.get("description") or ""


# ------------------------------------------------------------------------------------------ checking
def validate(item: GoldArticle, texts: dict[str, dict[str, Any]]) -> list[str]:
    """Problems with one labelled article: quotes not in its text, unknown codes or actor names."""
    from ..actors.dictionary import load_dictionary
    from ..events.ontology import load_ontology

    ontology = load_ontology()
    known = load_dictionary().actors
    problems: list[str] = []
    source = texts.get(item.id)
    if source is None:
        return [f"no text found for {item.id}"]
    whole = "\n".join(str(source.get(k) or "") for k in ("title", "text", "description"))

    def check_mention(m: Mention, what: str) -> None:
        quote = m.text(source)
        if quote is None:
            problems.append(f"{what}: span outside its field")
        elif locate(quote, whole) is None:
            problems.append(f"{what}: quote not found: {quote[:80]!r}")

    for e in item.events:
        what = f"event {e.id}"
        for code in e.codes:
            if ontology.sub_event(code) is None:
                problems.append(f"{what}: unknown sub-event code {code!r}")
        for m in e.mentions:
            check_mention(m, what)
        for role in ("actor1", "actor2"):
            for name in getattr(e, role) or ():
                if name != UNKNOWN and name not in known and not ACTOR_CONVENTIONS.match(name):
                    problems.append(f"{what}: {role} {name!r} is neither a dictionary name nor a convention")
        if e.required and not e.places:
            problems.append(f"{what}: a required event needs a place (at least a country)")
        if e.date and item.published and e.date[0] > item.published and not e.background:
            problems.append(f"{what}: dated after publication ({e.date[0]} > {item.published})")
    for t in item.traps:
        check_mention(t.mention, f"trap {t.kind}")
    return problems
