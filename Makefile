# Pantau Pakta: `make run` serves the demo, `make test` runs the whole suite.
# Both create the virtualenv themselves; nothing needs installing by hand first.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
FLASK  := $(BIN)/flask --app tracker
PO     := $(wildcard tracker/translations/*/LC_MESSAGES/messages.po)
MO     := $(PO:.po=.mo)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint typecheck unit i18n i18n-compile chromium axe bench bench-list nginx serve-prod clean setup screenshots mutation audit

setup: $(VENV)/.installed $(MO)

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	# setuptools too: the venv's own copy (65.5 on Python 3.11) has known vulnerabilities.
	$(BIN)/pip install --quiet --upgrade pip setuptools
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

%.mo: %.po $(VENV)/.installed
	$(BIN)/pybabel -q compile -d tracker/translations
	touch $@

# A secret key per checkout, made once, so `make run` is not in debug mode yet needs no setup.
instance/secret_key:
	mkdir -p instance
	$(BIN)/python -c "import secrets; print(secrets.token_hex(32))" > $@
	chmod 600 $@

# Every absolute link (mails, feeds, calendars, CSV, share links, snapshot citations) starts
# with it; an environment's own TRACKER_BASE_URL (a proxy's public address) wins.
TRACKER_BASE_URL ?= http://$(HOST):$(PORT)

run: export TRACKER_BASE_URL := $(TRACKER_BASE_URL)
run: setup instance/secret_key
	TRACKER_SECRET_KEY=$$(cat instance/secret_key) $(FLASK) db upgrade
	TRACKER_SECRET_KEY=$$(cat instance/secret_key) $(FLASK) demo load
	@echo "Pantau Pakta: http://$(HOST):$(PORT)/  (links say $(TRACKER_BASE_URL); Ctrl-C stops)"
	@echo "Notices: swept every 5 min by the embedded scheduler; without TRACKER_MAIL_SERVER they stay in the outbox"
	TRACKER_SECRET_KEY=$$(cat instance/secret_key) TRACKER_EMBEDDED_SCHEDULER=1 \
		$(FLASK) run --host $(HOST) --port $(PORT)

# The production stack in the foreground (docs/DEPLOY.md runs it under systemd): migrations, then
# gunicorn (gunicorn.conf.py, GUNICORN_BIND default 127.0.0.1:8000) and the scheduler as its own
# process, on TRACKER_DATABASE_URL (PostgreSQL or MariaDB). Set TRACKER_BASE_URL to the public
# address; the secret key is TRACKER_SECRET_KEY, else the checkout's instance/secret_key.
serve-prod: setup instance/secret_key
	TRACKER_SECRET_KEY=$${TRACKER_SECRET_KEY:-$$(cat instance/secret_key)} BIN=$(BIN) scripts/serve-prod.sh

# Debian's Chromium for the browser tests (Playwright cannot download browsers here).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
		echo "Installing Debian's chromium for the browser tests..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# axe-core from the npm registry, for the accessibility checks in the browser tests.
AXE_VERSION := 4.10.3
AXE_JS      := .cache/npm/node_modules/axe-core/axe.min.js
axe: $(AXE_JS)
$(AXE_JS):
	mkdir -p .cache/npm
	cd .cache/npm && npm install --silent --no-audit --no-fund --no-save axe-core@$(AXE_VERSION)
	test -f $@

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: setup
	$(BIN)/mypy

unit: setup
	$(BIN)/pytest -q tests/unit

# One pytest worker per core, each taking whole files (module fixtures load once per file);
# TEST_JOBS=0 runs in this process, as a debugger needs.
TEST_JOBS ?= auto
test: setup chromium axe nginx lint typecheck
	$(BIN)/pytest -n $(TEST_JOBS) --dist loadfile

# The README's pictures and axe-core results: the browser tests, writing into docs/ instead of
# the ignored .cache/screens and .cache/axe (fixed clock and demo data: same bytes every run).
# Run it after changing a page the README shows, and commit what changed.
screenshots: setup chromium axe
	TRACKER_SCREENSHOTS_DIR=docs/screenshots TRACKER_AXE_DIR=docs/axe \
		$(BIN)/pytest -q tests/e2e

# Mutation testing of the rule modules with mutmut 3 (a dev dependency; pyproject.toml's
# [tool.mutmut] says which modules, which tests, and why mutmut rather than cosmic-ray). Slow, so
# not part of `make test`; .ci/run runs it when a mutated module differs from .ci/mutation.sha256.
# Works in a copy under .cache/mutation/; prints the surviving mutants and the score per module,
# fails under 90 %. docs/mutation.md lists the survivors judged equivalent.
mutation: setup
	scripts/mutation.sh

# Known vulnerabilities in the installed dependencies (pip-audit) and bandit on tracker/: fails on
# a known vulnerability or a high-severity finding. pip-audit needs its vulnerability database on
# the network; where it answers nothing, PyPI's project records are asked instead
# (scripts/audit_latest.py: a dependency at its latest release is audited, the others listed).
# With neither, the target says BLOCKED (nothing audited) and passes, unless PIP_AUDIT_REQUIRED=1.
# PIP_AUDIT_SERVICE=osv asks OSV instead of PyPI.
audit: setup
	scripts/audit.sh

i18n: setup
	# --ignore-dirs: only hidden folders; Babel's default would skip templates/_macros.
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k N_ --ignore-dirs '.*' --no-location \
		--sort-output --project "Pantau Pakta" -o tracker/translations/messages.pot .
	$(BIN)/pybabel -q update --no-fuzzy-matching -i tracker/translations/messages.pot \
		-d tracker/translations
	$(BIN)/pybabel -q compile -d tracker/translations

# Debian's nginx, the caching reverse proxy `make bench` puts in front (docs/nginx/).
nginx:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { \
		echo "Installing Debian's nginx for the bench's caching proxy..."; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null; }

# The public pages at national size on PostgreSQL (TRACKER_BENCH_ADMIN_URL, default the local
# server's postgres database), each against GET /api/v1/ping measured in the same run; writes
# bench/results/<date>.json and prints the table (bench/national.py says what it measures).
# BENCH_ARGS passes options, e.g. BENCH_ARGS="--seconds 3 --regencies 100".
bench: setup nginx
	$(BIN)/python bench/national.py $(BENCH_ARGS)

# The older micro-benchmark: the pact list at 100, 1,000 and 5,000 pacts, in process.
bench-list: setup
	$(BIN)/python bench/pacts_list.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .cache/npm
