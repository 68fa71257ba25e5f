# Two commands matter: `make run` (set up, train if needed, start everything on loopback)
# and `make test` (everything CI checks). The rest are their parts.
SHELL := /bin/bash
.DEFAULT_GOAL := run
RASA := .venv-rasa/bin
APP := .venv/bin

.PHONY: setup train run test test-unit test-rasa lint format bench clean

setup:
	@bash scripts/setup_envs.sh

train: setup
	@bash scripts/train.sh

run: train
	@bash scripts/run.sh

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

clean:
	rm -rf .venv .venv-rasa models/*.tar.gz models/.fingerprint var results
