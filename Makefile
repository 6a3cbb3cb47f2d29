# Chuxin: `make run` serves the county demo on SQLite; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: run test lint typecheck pytest bench install clean messages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	CHUXIN_HTTPS=$${CHUXIN_HTTPS:-0} $(BIN)/chuxin migrate --noinput
	CHUXIN_HTTPS=$${CHUXIN_HTTPS:-0} $(BIN)/chuxin demo --scale county --if-empty
	CHUXIN_HTTPS=$${CHUXIN_HTTPS:-0} $(BIN)/chuxin demo_logins
	CHUXIN_HTTPS=$${CHUXIN_HTTPS:-0} $(BIN)/chuxin serve --port $(PORT) --with-worker

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy chuxin config

pytest: $(STAMP)
	$(BIN)/chuxin makemigrations --check --dry-run
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python bench/run.py $(BENCH_ARGS)

messages: $(STAMP)
	$(BIN)/chuxin makemessages -l zh_Hans --no-obsolete --ignore '.venv/*' --ignore 'var/*' \
		--ignore 'bench/*' --ignore 'tests/*' --ignore '*/tests/*' --ignore 'chuxin/static/*'
	$(BIN)/chuxin compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache
