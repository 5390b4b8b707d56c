"""Choose the articles of the article-level gold (docs/CODING_GUIDE.md), reproducibly.

FA-KES: every outlet gets a share of the sample in proportion to its size (at least 5), taken
round-robin over the years it covers so that no outlet's sample is one month's news; within an
outlet, articles alternate between the tune and held-out halves. AG world news: half the items
whose words suggest violence or politics, half drawn from the rest, so that the "no event" side
is measured too; alternate halves as well.

Usage: python scripts/sample_gold_articles.py FAKES_JSONL AG_CSV OUT_DIR
Writes OUT_DIR/fakes_sample.tsv and OUT_DIR/ag_sample.tsv: id<TAB>split.
"""

from __future__ import annotations

import collections
import csv
import json
import random
import re
import sys
from pathlib import Path

SEED = 20261207
FAKES_TOTAL = 168
AG_CONFLICT = 70
AG_OTHER = 60
_VIOLENT = re.compile(
    r"\b(kill|killed|dead|bomb|blast|explosion|attack|fighting|clash|rebel|troops|soldier|militant|"
    r"insurgent|protest|riot|kidnap|hostage|arrest|ceasefire|cease-fire|shell|strike|raid|gunmen|"
    r"suicide|massacre|violence|army|police)", re.I)


def sample_fakes(path: Path) -> list[tuple[str, str]]:
    rows = [json.loads(line) for line in path.open(encoding="utf-8")]
    rng = random.Random(SEED)
    by_source: dict[str, list[dict]] = collections.defaultdict(list)
    for r in rows:
        by_source[r["source"]].append(r)
    out: list[tuple[str, str]] = []
    for source in sorted(by_source):
        items = by_source[source]
        share = max(5, round(len(items) / len(rows) * FAKES_TOTAL))
        by_year: dict[str, list[dict]] = collections.defaultdict(list)
        for r in items:
            by_year[r["fakes_date"][:4]].append(r)
        for year in by_year:
            rng.shuffle(by_year[year])
        years = sorted(by_year)
        picked: list[dict] = []
        while len(picked) < share and any(by_year.values()):
            for y in years:
                if by_year[y] and len(picked) < share:
                    picked.append(by_year[y].pop())
        for i, r in enumerate(picked):
            out.append((r["id"], "tune" if i % 2 == 0 else "test"))
    return out


def sample_ag(path: Path) -> list[tuple[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    rng = random.Random(SEED)
    violent = [r for r in rows if _VIOLENT.search(r["title"] + " " + r["description"])]
    other = [r for r in rows if not _VIOLENT.search(r["title"] + " " + r["description"])]
    picked = rng.sample(violent, AG_CONFLICT) + rng.sample(other, AG_OTHER)
    picked.sort(key=lambda r: r["id"])
    return [(r["id"], "tune" if i % 2 == 0 else "test") for i, r in enumerate(picked)]


def main(fakes: str, ag: str, out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    for name, items in (("fakes_sample.tsv", sample_fakes(Path(fakes))), ("ag_sample.tsv", sample_ag(Path(ag)))):
        (out / name).write_text("".join(f"{i}\t{s}\n" for i, s in items), encoding="utf-8")
        print(f"{name}: {len(items)} items")


if __name__ == "__main__":
    main(*sys.argv[1:4])
