"""Enforce the NLU quality bars on the reports that ``rasa test nlu --out DIR`` writes.

    python -m nlu.thresholds results/nlu [--write]

Reads ``intent_report.json`` and the entity extractor's ``<Extractor>_report.json`` (Rasa 3.6
names), prints a table and exits 1 if a bar is missed or a report/entity is missing: a bar that
cannot be measured counts as failed. ``--write`` also puts the table into bench/README.md between
``<!-- nlu-heldout:start -->`` and ``<!-- nlu-heldout:end -->`` (README.md's NLU rows).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

INTENT_REPORT = "intent_report.json"
ENTITY_EXTRACTOR = "ThaiEntityExtractor"
INTENT_BARS = {"accuracy": 0.90, "macro_f1": 0.88}
ENTITY_F1_BAR = 0.95
ENTITIES = ("case_id", "phone", "citizen_id")


@dataclass(frozen=True)
class Check:
    """One measured figure against its bar; ``value`` None means it could not be measured."""

    name: str
    value: float | None
    bar: float
    support: int | None = None

    @property
    def passed(self) -> bool:
        return self.value is not None and self.value >= self.bar


def _load(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None


def collect(results_dir: Path, extractor: str = ENTITY_EXTRACTOR) -> list[Check]:
    """All checks for one results directory."""
    intents = _load(results_dir / INTENT_REPORT) or {}
    macro = intents.get("macro avg", {})
    checks = [
        Check("intent accuracy", intents.get("accuracy"), INTENT_BARS["accuracy"], macro.get("support")),
        Check("intent macro-F1", macro.get("f1-score"), INTENT_BARS["macro_f1"], macro.get("support")),
    ]
    entities = _load(results_dir / f"{extractor}_report.json") or {}
    for entity in ENTITIES:
        row = entities.get(entity, {})
        checks.append(Check(f"entity F1 {entity}", row.get("f1-score"), ENTITY_F1_BAR, row.get("support")))
    return checks


def render(checks: Sequence[Check]) -> str:
    """A fixed-width table, one line per check."""
    lines = [f"{'metric':<22} {'value':>7} {'bar':>6} {'support':>8}  result"]
    for c in checks:
        value = "missing" if c.value is None else f"{c.value:.4f}"
        support = "-" if c.support is None else str(c.support)
        lines.append(f"{c.name:<22} {value:>7} {c.bar:>6.2f} {support:>8}  {'ok' if c.passed else 'FAIL'}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Print the table; exit status 0 only when every bar is met."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("results_dir", type=Path)
    parser.add_argument("--extractor", default=ENTITY_EXTRACTOR)
    parser.add_argument("--write", action="store_true", help="write the table into bench/README.md")
    args = parser.parse_args(argv)
    if not (args.results_dir / INTENT_REPORT).exists():
        print(f"nlu.thresholds: {args.results_dir / INTENT_REPORT} not found; run rasa test nlu first")
        return 1
    checks = collect(args.results_dir, args.extractor)
    print(render(checks))
    if args.write:
        write_readme(checks, argv)
    failed = [c.name for c in checks if not c.passed]
    if failed:
        print(f"nlu.thresholds: FAILED {', '.join(failed)}")
        return 1
    print("nlu.thresholds: all NLU quality bars met")
    return 0


def write_readme(checks: Sequence[Check], argv: Sequence[str] | None) -> None:
    """The checks as a Markdown table under the command that produced them."""
    from bench.readme import command_line, measured_by, table, write_section

    rows = [
        (
            f"{c.name} (support {c.support})" if c.support is not None else c.name,
            "missing" if c.value is None else f"{c.value:.4f}",
            f"{c.bar:.2f}",
            "met" if c.passed else "**NOT met**",
        )
        for c in checks
    ]
    body = "\n".join(
        [
            measured_by(
                "rasa test nlu --nlu bot/tests/nlu_heldout.yml --out results/nlu && "
                + command_line(argv, module="nlu.thresholds")
            ),
            "",
            table(["metric", "value", "bar", "result"], rows),
        ]
    )
    write_section("nlu-heldout", body)


if __name__ == "__main__":
    sys.exit(main())
