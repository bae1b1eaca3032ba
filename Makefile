# Kubernetes Playground. Needs only Python 3.11+ and make.
#   make run    the whole stack (web, worker, Redis) on http://127.0.0.1:8000/
#   make test   the whole test suite
#   make bench  every benchmark in bench/, one "name: value unit" line per figure

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Stamps: pip runs again only when a requirements file changed.
RUNTIME_STAMP := $(VENV)/.runtime-installed
DEV_STAMP := $(VENV)/.dev-installed
ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help run test bench lint format superuser shell clean

help:
	@echo "make run        start the playground (web, worker, Redis) and print its URL"
	@echo "make test       run the whole test suite (ARGS='-k name' to narrow it)"
	@echo "make bench      run every benchmark in bench/"
	@echo "make lint       ruff check and format check"
	@echo "make superuser  create an admin account"
	@echo "make clean      remove the virtualenv and local databases"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (PYTHON=$(PYTHON))."; exit 1; }
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
		echo "Could not create a virtualenv. On Debian/Ubuntu: apt-get install python3-venv"; \
		exit 1; }

$(RUNTIME_STAMP): requirements.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(DEV_STAMP): requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@ $(RUNTIME_STAMP)

run: $(RUNTIME_STAMP)
	$(BIN)/python -m devtools.run

test: $(DEV_STAMP)
	$(BIN)/python -m pytest $(ARGS)

# Benchmarks measure; they never fail the build (nor hang it: BENCH_TIMEOUT seconds each).
BENCH_TIMEOUT ?= 900
bench: $(RUNTIME_STAMP)
	@scripts="$(wildcard bench/*.py)"; \
	if [ -z "$$scripts" ]; then echo "no benchmarks in bench/ yet"; fi; \
	limit=$$(command -v timeout >/dev/null && echo "timeout $(BENCH_TIMEOUT)"); \
	for script in $$scripts; do \
		PYTHONPATH=. $$limit $(BIN)/python $$script || echo "# $$script failed or timed out (ignored)"; \
	done

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(DEV_STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

superuser: $(RUNTIME_STAMP)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py createsuperuser

shell: $(RUNTIME_STAMP)
	DEBUG=1 $(BIN)/python manage.py shell

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-shm db.sqlite3-wal
