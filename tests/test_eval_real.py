"""Event typing on real labelled text (issue 18): the label files, the scorer and the training rows."""

from __future__ import annotations

from pathlib import Path

import pytest

from flashpoint.eval.real import AG_LABELS, FAKES_BANK, RealItem, read_ag, read_fakes, scores
from flashpoint.events.classifier import read_real_bank


def _item(label: str, alt: str | None = None, split: str = "test") -> RealItem:
    return RealItem("x", "ag", split, label, alt, "text")


def test_the_shipped_label_files_read_and_split_by_article() -> None:
    rows = read_fakes()
    assert len(rows) >= 700 and {r.split for r in rows} == {"train", "test"}
    by_article: dict[str, set[str]] = {}
    for r in rows:
        by_article.setdefault(r.id.rsplit("-s", 1)[0], set()).add(r.split)
    assert all(len(splits) == 1 for splits in by_article.values())  # never split inside an article
    ag_ids = [line.split("\t")[0] for line in AG_LABELS.read_text().splitlines()
              if line.startswith("ag-world-")]
    assert len(ag_ids) == 1900 and len(set(ag_ids)) == 1900


def test_the_classifier_trains_on_sure_training_rows_only(tmp_path: Path) -> None:
    bank = tmp_path / "bank.tsv"
    bank.write_text("# comment\nid\tarticle\tsplit\tlabel\talt\ttext\n"
                    "a-s00\ta\ttrain\tAIR_STRIKE\t\tJets bombed the town.\n"
                    "a-s01\ta\ttrain\tNONE\tATTACK\tTen people were killed in the town.\n"
                    "b-s00\tb\ttest\tARMED_CLASH\t\tRebels fought troops.\n", encoding="utf-8")
    assert read_real_bank(bank) == (["AIR_STRIKE"], ["Jets bombed the town."])
    labels, texts = read_real_bank(FAKES_BANK)
    assert labels and len(labels) < len(read_fakes())


def test_an_unsure_item_s_other_reading_counts_as_right() -> None:
    items = [_item("NONE", "ATTACK"), _item("AIR_STRIKE"), _item("NONE")]
    m = scores(items, ["ATTACK", "AIR_STRIKE", "ARMED_CLASH"])
    assert m["accuracy"] == pytest.approx(2 / 3, abs=1e-3)
    assert m["event_precision"] == pytest.approx(2 / 3, abs=1e-3) and m["event_recall"] == 1.0
    assert m["per_label"]["ARMED_CLASH"]["precision"] == 0.0


def test_bad_label_files_are_clear_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("id\tarticle\tsplit\tlabel\talt\ttext\nx\ta\ttrain\tBOMBING\t\tSome text.\n", encoding="utf-8")
    with pytest.raises(ValueError, match="bad.tsv:2: unknown label 'BOMBING'"):
        read_fakes(bad)
    texts = tmp_path / "ag.csv"
    texts.write_text("id,title,description\nag-world-0001,T,D\n", encoding="utf-8")
    labels = tmp_path / "ag.tsv"
    labels.write_text("id\tsplit\tlabel\talt\nag-world-0002\ttest\tNONE\t\n", encoding="utf-8")
    with pytest.raises(ValueError, match="ag-world-0002 is not in ag.csv"):
        read_ag(labels, texts)
    assert read_ag(labels, tmp_path / "absent.csv") == []  # AG text lives outside the repository


def test_eval_real_from_the_command_line_scores_the_held_out_sentences(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    exe = str(Path(sys.executable).with_name("flashpoint"))
    out = subprocess.run([exe, "eval", "real", "--ag-texts", str(tmp_path / "absent.csv")], capture_output=True,
                         text=True, timeout=600, cwd=Path(__file__).resolve().parents[1])
    assert out.returncode == 0, out.stderr
    assert "AG items skipped" in out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert set(result) == {"fakes test", "all test"}
    assert result["fakes test"]["n"] == sum(1 for r in read_fakes() if r.split == "test")
    assert 0.5 < result["fakes test"]["weighted_f1"] <= 1.0
