"""bench.nlu_reference: the issue's plain baseline runs on any labelled CSV and ends with its JSON line."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from bench import nlu_reference


def _write(path: Path, rows: list[tuple[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["texts", "destination"])
        writer.writerows(rows)


def test_reference_baseline_prints_a_json_summary_last(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [(f"จ่ายบิลค่าโทรศัพท์เดือน {i}", "billing") for i in range(8)]
    rows += [(f"สมัครโปรเน็ตรายเดือนแบบที่ {i}", "promotions") for i in range(8)]
    data = tmp_path / "train.csv"
    _write(data, rows)
    argv = ["--train", str(data), "--cv", "2", "--text-column", "texts", "--label-column", "destination"]
    assert nlu_reference.main([*argv, "--embedding-cache", str(tmp_path / "cache.npz")]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    summary = json.loads(lines[-1])
    assert summary["n"] == 16
    assert summary["micro_f1"] == pytest.approx(1.0)
    assert summary["macro_f1"] == pytest.approx(1.0)
    assert [json.loads(line)["fold"] for line in lines[:-1]] == [1, 2]


def test_reference_baseline_names_a_missing_column(tmp_path: Path) -> None:
    data = tmp_path / "train.csv"
    _write(data, [("สวัสดี", "greet")])
    with pytest.raises(SystemExit, match="label"):
        nlu_reference.main(["--train", str(data), "--text-column", "texts", "--label-column", "label"])
