#!/usr/bin/env bash
# Trains the Rasa model only when its inputs changed. Rasa's own fingerprint ignores the code
# of custom components, so the stamp here hashes config, bot data and the nlu/ sources too.
set -euo pipefail
cd "$(dirname "$0")/.."
export RASA_TELEMETRY_ENABLED=false  # Rasa would otherwise report usage and errors to its servers
# The staff console's approved examples (teaching loop) as NLU data: generated from the database on
# every run, so the fingerprint moves exactly when approved examples change.
taught=var/teaching/nlu.yml
.venv/bin/python -m teaching export-nlu --out "$taught"
inputs=$(find config.yml bot/domain bot/data nlu "$taught" -type f \( -name '*.yml' -o -name '*.py' -o -name '*.txt' \) \
  -not -path '*/__pycache__/*' | LC_ALL=C sort)
fingerprint=$(cat $inputs | sha256sum | cut -c1-16)
latest=$(ls -t models/*.tar.gz 2>/dev/null | head -n 1 || true)
if [ -n "$latest" ] && [ -f models/.fingerprint ] && [ "$(cat models/.fingerprint)" = "$fingerprint" ]; then
  echo "train: $latest is current"
  exit 0
fi
echo "train: training a new model (inputs changed or no model yet)"
start=$(date +%s)
.venv-rasa/bin/rasa train --config config.yml --domain bot/domain --data bot/data "$taught" --out models \
  --fixed-model-name "govbot-$(date +%Y%m%d-%H%M%S)" --quiet
echo "$fingerprint" > models/.fingerprint
echo "train: done in $(( $(date +%s) - start )) s"
# Keep the three newest models (Rasa serves the newest); older ones only fill the disk.
ls -t models/*.tar.gz 2>/dev/null | tail -n +4 | xargs -r rm -f
# A running Rasa (`make run`) serves the new model at once, conversations and forms carrying on
# (scripts/reload_model.py; `make reload-model` does the same on its own). No Rasa running: nothing to do.
.venv/bin/python scripts/reload_model.py --model "$(ls -t models/*.tar.gz | head -n 1)" ||
  echo "train: the running Rasa keeps its model (see above); \`make reload-model\` tries again" >&2
