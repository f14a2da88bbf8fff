# Two commands on a fresh machine (Python 3.11):  `make demo`  and  `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PG_URL ?= postgresql://postgres@127.0.0.1:5432/test
FUZZ_SECONDS ?= 600
AXE    := tests/e2e/axe/node_modules/axe-core/axe.min.js
export FLASK_APP := bimtek

.PHONY: demo install system-deps test test-sqlite test-postgres test-e2e translations worker bench audit load unit lint fmt run fuzz

## Install everything, build the database, load demo data and serve on http://127.0.0.1:5000
demo: install
	BIMTEK_DEMO=1 $(BIN)/flask db upgrade
	BIMTEK_DEMO=1 $(BIN)/flask seed-demo
	BIMTEK_DEMO=1 $(BIN)/flask run --host 127.0.0.1 --port 5000

install: system-deps $(VENV)/.installed translations $(AXE)

# axe-core (accessibility checks the browser tests inject), exact version pinned in package-lock.json.
$(AXE): tests/e2e/axe/package.json tests/e2e/axe/package-lock.json
	@if ! command -v npm >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  DEBIAN_FRONTEND=noninteractive $$SUDO $(APT_GET) install -y -qq nodejs npm >/dev/null; \
	fi
	@command -v npm >/dev/null 2>&1 || { echo "npm not found: install Node.js and npm (Debian: apt-get install npm)" >&2; exit 1; }
	cd tests/e2e/axe && npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian packages: HarfBuzz subsetter (fast WeasyPrint fonts), fonts, Chromium for browser tests, PDF tools,
# LibreOffice Writer (headless) to prove the activity report DOCX opens (tests/integration/test_reports_docx.py).
# apt waits up to APT_LOCK_WAIT seconds for another apt/dpkg (e.g. unattended-upgrades) instead of failing.
APT_LOCK_WAIT ?= 600
APT_GET = apt-get -o DPkg::Lock::Timeout=$(APT_LOCK_WAIT)
system-deps:
	@if command -v apt-get >/dev/null 2>&1 && ! dpkg -s libharfbuzz-subset0 chromium fonts-noto-core libzbar0 fontconfig libreoffice-writer-nogui wrk libnss3-tools >/dev/null 2>&1; then \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO $(APT_GET) update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO $(APT_GET) install -y -qq \
	    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core fonts-dejavu-core fontconfig \
	    chromium poppler-utils qpdf libzbar0 zbar-tools wrk libnss3-tools >/dev/null; \
	  DEBIAN_FRONTEND=noninteractive $$SUDO $(APT_GET) install -y -qq --no-install-recommends \
	    libreoffice-writer-nogui >/dev/null; \
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

## Pure tests and the architecture rules only: no database server, no browser (under 30 s). One process by
## default: on a busy machine two pytest-xdist workers cost a third more CPU and finished later; on an idle one
## `make unit UNIT_WORKERS=auto` spreads them over both cores.
UNIT_WORKERS ?= 0
unit: install
	$(BIN)/python -m pytest -q -n $(UNIT_WORKERS) tests/unit tests/architecture

## Style and static checks without running tests: ruff (pycodestyle, pyflakes, import order, bugbear,
## complexity 10) and mypy over the pure modules (the architecture rule lists them, so the set never goes stale).
lint: install
	$(BIN)/ruff check bimtek bench tests
	$(BIN)/mypy $$($(BIN)/python tests/architecture/list_pure.py)

## Apply ruff's safe fixes (import order first). No whole-file reformatting: diffs stay about behaviour.
fmt: install
	$(BIN)/ruff check --fix bimtek bench tests

## Development server on the existing database (run `make demo` once first).
run: install
	BIMTEK_DEMO=1 $(BIN)/flask run --host 127.0.0.1 --port 5000 --debug

## The browser journey alone (screenshots in artifacts/screenshots/).
test-e2e: install
	$(BIN)/python -m pytest -q -m e2e tests/e2e

## bandit must be clean (findings are fixed or carry `# nosec <id>  # reason`); pip-audit fails on known
## vulnerabilities and says so loudly when the advisory database cannot be reached (PIP_AUDIT_STRICT=1 to fail).
audit: install lint
	$(BIN)/bandit -q -r bimtek
	$(BIN)/python .ci/pip_audit.py

worker: install
	$(BIN)/flask run-worker

bench: install
	$(BIN)/python bench/attendance.py
	$(BIN)/python bench/load.py --database sqlite
	PG_URL=$(PG_URL) $(BIN)/python bench/load.py --database postgresql
	$(BIN)/python bench/certificates.py
	$(BIN)/python -W ignore bench/signing.py
	$(BIN)/python bench/hostile_files.py
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/pages.py --database-url $(PG_URL)

## Fuzzing campaign for every parser of user files (hypothesis, large inputs), FUZZ_SECONDS in all (default 600),
## one process; findings go to artifacts/fuzz/. Not part of `make test`.
fuzz: install
	FUZZ_SECONDS=$(FUZZ_SECONDS) $(BIN)/python -W ignore bench/fuzz.py

## Load from wrk (another process) against gunicorn on loopback (bare Flask reference, public page, verify page,
## registration); SQLite, then a fresh PostgreSQL database on PG_URL's server; checks seats and numbers after.
load: install system-deps
	$(BIN)/python bench/load.py --database sqlite
	PG_URL=$(PG_URL) $(BIN)/python bench/load.py --database postgresql
