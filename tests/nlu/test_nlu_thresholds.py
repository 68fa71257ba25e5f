"""nlu.thresholds: reads Rasa 3.6's report files and fails on any missed or unmeasured bar."""

import json
from pathlib import Path

import pytest

from nlu.thresholds import main


def write_reports(directory: Path, accuracy: float, macro_f1: float, entity_f1: dict[str, float]) -> None:
    intent = {
        "greet": {"precision": 1.0, "recall": 1.0, "f1-score": 1.0, "support": 10, "confused_with": {}},
        "accuracy": accuracy,
        "macro avg": {"precision": 0.9, "recall": 0.9, "f1-score": macro_f1, "support": 200},
        "weighted avg": {"precision": 0.9, "recall": 0.9, "f1-score": 0.9, "support": 200},
    }
    entities = {
        name: {"precision": f, "recall": f, "f1-score": f, "support": 20} for name, f in entity_f1.items()
    }
    entities["micro avg"] = {"precision": 1.0, "recall": 1.0, "f1-score": 1.0, "support": 60}
    (directory / "intent_report.json").write_text(json.dumps(intent), encoding="utf-8")
    (directory / "ThaiEntityExtractor_report.json").write_text(json.dumps(entities), encoding="utf-8")


GOOD_ENTITIES = {"case_id": 1.0, "phone": 0.97, "citizen_id": 0.95}


def test_all_bars_met(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_reports(tmp_path, 0.93, 0.91, GOOD_ENTITIES)
    assert main([str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "intent accuracy" in out and "0.9300" in out and "FAIL" not in out


@pytest.mark.parametrize(
    ("accuracy", "macro_f1", "entities", "failing"),
    [
        (0.89, 0.91, GOOD_ENTITIES, "intent accuracy"),
        (0.93, 0.87, GOOD_ENTITIES, "intent macro-F1"),
        (0.93, 0.91, {**GOOD_ENTITIES, "phone": 0.94}, "entity F1 phone"),
        (0.93, 0.91, {"case_id": 1.0, "phone": 1.0}, "entity F1 citizen_id"),  # not measured = failed
    ],
)
def test_a_missed_bar_fails(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    accuracy: float,
    macro_f1: float,
    entities: dict[str, float],
    failing: str,
) -> None:
    write_reports(tmp_path, accuracy, macro_f1, entities)
    assert main([str(tmp_path)]) == 1
    assert f"FAILED {failing}" in capsys.readouterr().out


def test_missing_reports_fail(tmp_path: Path) -> None:
    assert main([str(tmp_path)]) == 1
    (tmp_path / "intent_report.json").write_text("{not json", encoding="utf-8")
    assert main([str(tmp_path)]) == 1
