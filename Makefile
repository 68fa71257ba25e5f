# Two commands matter: `make run` (set up, train if needed, start everything on loopback)
# and `make test` (everything CI checks). The rest are their parts.
SHELL := /bin/bash
.DEFAULT_GOAL := run
RASA := .venv-rasa/bin
APP := .venv/bin

.PHONY: setup train run cluster test test-unit test-rasa lint format bench clean rotate-keys reload-model

setup:
	@bash scripts/setup_envs.sh

train: setup
	@bash scripts/train.sh

run: train
	@bash scripts/run.sh

# Two of every process behind HAProxy on PostgreSQL and Redis (scripts/cluster.sh; README "Several
# replicas"). HAProxy comes from Debian, installed here when missing.
cluster: train
	@command -v haproxy >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy)
	@bash scripts/cluster.sh

# A running Rasa serves the newest model in models/ without a restart or a dropped conversation
# (Rasa's PUT /model; scripts/reload_model.py). `make train` does this itself after training.
reload-model:
	@$(APP)/python scripts/reload_model.py

test: train
	@bash scripts/test.sh

test-unit: setup
	@$(APP)/python -m pytest tests -m "not e2e" -q

lint: setup
	@$(APP)/ruff check . && $(APP)/ruff format --check . && $(APP)/mypy

format: setup
	@$(APP)/ruff format . && $(APP)/ruff check --fix .

bench: train
	@bash bench/run.sh

# Re-seal every stored personal-data value under the first key of PERSONAL_DATA_KEYS (privacy/README.md).
# Keys from the environment, else the ones `make run` generated under var/secrets/.
rotate-keys: setup
	@for name in PERSONAL_DATA_KEYS CASES_SECRET_KEY; do \
	  if [ -z "$${!name:-}" ] && [ -s var/secrets/$$name ]; then export $$name="$$(cat var/secrets/$$name)"; fi; \
	done; $(APP)/python -m db.migrate && $(APP)/python -m privacy rotate-keys

clean:
	rm -rf .venv .venv-rasa models/*.tar.gz models/.fingerprint var results
