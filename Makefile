# Two commands on a fresh machine (Python 3.11):  `make demo`  and  `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
FUZZ_SECONDS ?= 600
export FLASK_APP := bimtek

.PHONY: demo install system-deps test test-sqlite test-postgres test-e2e translations worker bench audit load unit lint run fuzz

## Install everything, build the database, load demo data and serve on http://127.0.0.1:5000
demo: install
	BIMTEK_DEMO=1 $(BIN)/flask db upgrade
	BIMTEK_DEMO=1 $(BIN)/flask seed-demo
	BIMTEK_DEMO=1 $(BIN)/flask run --host 127.0.0.1 --port 5000

install: system-deps $(VENV)/.installed translations

# Debian packages: HarfBuzz subsetter (fast WeasyPrint fonts), fonts, Chromium for browser tests, PDF tools.
# apt waits up to APT_LOCK_WAIT seconds for another apt/dpkg (e.g. unattended-upgrades) instead of failing.
APT_LOCK_WAIT ?= 600
APT_GET = apt-get -o DPkg::Lock::Timeout=$(APT_LOCK_WAIT)
system-deps:
	@if command -v apt-get >/dev/null 2>&1 && ! dpkg -s libharfbuzz-subset0 chromium fonts-noto-core libzbar0 fontconfig libnss3-tools >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO $(APT_GET) update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO $(APT_GET) install -y -qq \
	    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core fonts-dejavu-core fontconfig \
	    chromium poppler-utils qpdf libzbar0 zbar-tools libnss3-tools >/dev/null; \
	fi

$(VENV)/.installed: setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

translations: $(VENV)/.installed
	$(BIN)/pybabel compile -d translations -f --statistics

## The whole test suite: SQLite, then the same integration tests on PostgreSQL, then the browser journey,
## then the static security checks (bandit, pip-audit).
test: install
	$(BIN)/python -m pytest -q -m "not e2e"
	TEST_DATABASE_URL=$(PG_URL) $(BIN)/python -m pytest -q tests/integration tests/security -m "not e2e"
	$(BIN)/python -m pytest -q -m e2e tests/e2e
	$(MAKE) --no-print-directory audit

## Pure tests and the architecture rules only: no database server, no browser (seconds).
unit: install
	$(BIN)/python -m pytest -q tests/unit tests/architecture

## Style and static checks without running tests.
lint: install
	$(BIN)/flake8 bimtek bench tests

## Development server on the existing database (run `make demo` once first).
run: install
	BIMTEK_DEMO=1 $(BIN)/flask run --host 127.0.0.1 --port 5000 --debug

## The browser journey alone (screenshots in artifacts/screenshots/).
test-e2e: install
	$(BIN)/python -m pytest -q -m e2e tests/e2e

## bandit must be clean (findings are fixed or carry `# nosec <id>  # reason`); pip-audit fails on known
## vulnerabilities and says so loudly when the advisory database cannot be reached (PIP_AUDIT_STRICT=1 to fail).
audit: install
	$(BIN)/flake8 bimtek bench tests
	$(BIN)/bandit -q -r bimtek
	$(BIN)/python .ci/pip_audit.py

worker: install
	$(BIN)/flask run-worker

bench: install
	$(BIN)/python bench/attendance.py
	$(BIN)/python bench/certificates.py
	$(BIN)/python -W ignore bench/signing.py
	$(BIN)/python bench/hostile_files.py

## Fuzzing campaign for every parser of user files (hypothesis, large inputs), FUZZ_SECONDS in all (default 600),
## one process; findings go to artifacts/fuzz/. Not part of `make test`.
fuzz: install
	FUZZ_SECONDS=$(FUZZ_SECONDS) $(BIN)/python -W ignore bench/fuzz.py

## Concurrent load against gunicorn on loopback (public page, verify page, registration); checks the DB after.
load: install
	$(BIN)/python bench/load.py
