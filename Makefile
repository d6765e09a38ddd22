# Signwatch: `make run` and `make test` do all set-up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint test-sqlite test-postgres demo browser-deps clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev,postgres]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/signwatch db upgrade
	$(BIN)/signwatch run --host 127.0.0.1 --port 5000

lint: $(STAMP)
	$(BIN)/ruff check .

test-sqlite: $(STAMP)
	SIGNWATCH_TEST_DATABASE_URL=sqlite $(BIN)/pytest -q

# A fresh PostgreSQL database per run, dropped afterwards. No server: a loud warning on a
# user's machine, a failure under CI.
test-postgres: $(STAMP)
	@url=$$($(BIN)/python tests/pgdb.py create); status=$$?; \
	if [ $$status -ne 0 ]; then \
	  if [ "$$CI" = "true" ]; then echo "FAIL: CI needs PostgreSQL on 127.0.0.1:5432"; exit 1; fi; \
	  echo ""; echo "!!!! WARNING: no PostgreSQL on 127.0.0.1:5432: PostgreSQL tests NOT run !!!!"; \
	  echo "!!!! only SQLite was tested. Start PostgreSQL (trust auth, user postgres) !!!!"; echo ""; \
	  exit 0; \
	fi; \
	echo "PostgreSQL test database: $$url"; \
	SIGNWATCH_TEST_DATABASE_URL=$$url $(BIN)/pytest -q; rc=$$?; \
	$(BIN)/python tests/pgdb.py drop $$url; exit $$rc

# Both databases' suites at once, one a core; each one's output is printed when it ends.
test: lint
	@echo "running the suite on SQLite and on PostgreSQL side by side (output when each ends)"
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-sqlite test-postgres

demo: $(STAMP)
	$(BIN)/signwatch db upgrade
	$(BIN)/signwatch demo

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
