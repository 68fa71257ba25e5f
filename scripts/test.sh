#!/usr/bin/env bash
# Everything CI checks, in the order that fails fastest. Expects `make train` to have run.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false  # Rasa would otherwise report usage and errors to its servers
RASA=.venv-rasa/bin
mkdir -p results

echo "== Lint (ruff) and types (mypy)"
# One command per line: `set -e` ignores a failure on the left of `&&`, which once let lint errors pass.
.venv/bin/ruff check .
.venv/bin/ruff format --check . >/dev/null
.venv/bin/mypy

echo "== Rasa data validation"
$RASA/rasa data validate --config config.yml --domain bot/domain --data bot/data --fail-on-warnings --quiet

echo "== Rasa-side unit tests (Python 3.10: NLU components, Rasa input channels, tracker stores)"
$RASA/python -m pytest tests/rasa -q -p no:cacheprovider

echo "== NLU held-out evaluation (thresholds enforced)"
$RASA/rasa test nlu --config config.yml --nlu bot/tests/nlu_heldout.yml --out results/nlu --quiet
$RASA/python -m nlu.thresholds results/nlu

echo "== Dialogue test stories"
$RASA/rasa test core --stories bot/tests/stories --out results/core --fail-on-prediction-errors --quiet

echo "== Python 3.11 tests (unit, real Redis/PostgreSQL, end to end)"
# Two workers (TEST_WORKERS), each taking whole files (tests in a file share servers and fixtures).
# Every test has its own databases, Redis key prefix, ports and files (tests/databases.py), so the
# workers never see each other's state; this halves the step on a 2-core machine (25 -> 13.5 min).
.venv/bin/python -m pytest tests --ignore=tests/rasa -q -p no:cacheprovider -n "${TEST_WORKERS:-2}" --dist loadfile
