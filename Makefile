# Chuxin: `make run` serves the county demo on SQLite; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint typecheck pytest bench install clean messages

# The app alone (for `make run`), then the development tools on top (for `make test`).
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e .
	touch $(STAMP)

$(DEV_STAMP): $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(DEV_STAMP)

install: $(DEV_STAMP)

run: $(STAMP)
	CHUXIN_HTTPS=$${CHUXIN_HTTPS:-0} $(BIN)/chuxin migrate --noinput
	CHUXIN_HTTPS=$${CHUXIN_HTTPS:-0} $(BIN)/chuxin demo --scale county --if-empty
	CHUXIN_HTTPS=$${CHUXIN_HTTPS:-0} $(BIN)/chuxin demo_logins
	CHUXIN_HTTPS=$${CHUXIN_HTTPS:-0} $(BIN)/chuxin serve --port $(PORT) --with-worker

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(DEV_STAMP)
	$(BIN)/mypy chuxin config

pytest: $(DEV_STAMP)
	$(BIN)/chuxin makemigrations --check --dry-run
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

test: lint typecheck pytest

bench: $(DEV_STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

messages: $(DEV_STAMP)
	$(BIN)/chuxin makemessages -l zh_Hans --no-obsolete --ignore '.venv/*' --ignore 'var/*' \
		--ignore 'bench/*' --ignore 'tests/*' --ignore '*/tests/*' --ignore 'chuxin/static/*'
	$(BIN)/chuxin compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
