"""Convert the FA-KES CSV (Latin-1) into the JSONL that `flashpoint run` reads.

FA-KES: Salem, F. K. A., Al Feel, R., Elbassuoni, S., Jaber, M., & Farah, M. (2019). FA-KES: A fake
news dataset around the Syrian war. Zenodo 2607278. CC BY 4.0. Changes made here: re-encoded as
UTF-8, the CSV date kept as `fakes_date` in ISO form, columns renamed; the text is unchanged.

Usage: python scripts/convert_fakes.py ../shared/corpora/FA-KES-Dataset.csv examples/fa-kes/fa-kes.jsonl
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys


def main(src: str, dst: str) -> None:
    with open(src, encoding="latin-1", newline="") as fh, open(dst, "w", encoding="utf-8") as out:
        for row in csv.DictReader(fh):
            month, day, year = (int(x) for x in row["date"].split("/"))
            item = {
                "id": f"fakes-{row['unit_id']}",
                "title": row["article_title"].strip(),
                "text": row["article_content"].strip(),
                # The CSV's date is often the event's, not the article's: keep it apart and let the
                # dateline at the head of each text ("Wed 05 Apr 2017") give the publication date.
                "fakes_date": dt.date(year, month, day).isoformat(),
                "source": row["source"].strip(),
                "fakes_location": row["location"].strip(),
                "fakes_label": int(row["labels"]),
            }
            out.write(json.dumps(item, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:3])
