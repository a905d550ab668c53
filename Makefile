# The two set-up commands are `make run` and `make test`; both need only Python 3.11+.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEV_SETTINGS := portal.settings.dev
TEST_SETTINGS := portal.settings.test
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev browser-tools migrate demo translations messages lint audit bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

translations: install
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(BIN)/python manage.py compiletranslations

migrate: install
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(BIN)/python manage.py migrate --no-input

demo: migrate translations
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(BIN)/python manage.py load_demo --admin-url http://$(HOST):$(PORT)/admin/

run: demo
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) WAGTAILADMIN_BASE_URL=http://$(HOST):$(PORT) $(BIN)/python manage.py runserver $(HOST):$(PORT)

# The browser tests (tests/browser) drive Debian's Chromium (/usr/bin/chromium; Playwright never
# downloads a browser) and check accessibility with axe-core, installed here from the npm registry
# at an exact version. Without npm (or Chromium) those tests are skipped, saying why.
AXE_CORE_VERSION := 4.14.1
NPM_DIR := var/npm
AXE_CORE_STAMP := $(NPM_DIR)/.axe-core-$(AXE_CORE_VERSION)

$(AXE_CORE_STAMP):
	npm install --no-save --no-package-lock --no-audit --no-fund --prefix $(NPM_DIR) axe-core@$(AXE_CORE_VERSION)
	touch $@

browser-tools:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(AXE_CORE_STAMP); \
	else echo "npm not found: the axe-core checks of tests/browser will be skipped"; fi

test: install-dev browser-tools
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(BIN)/python manage.py compiletranslations
	DJANGO_SETTINGS_MODULE=$(TEST_SETTINGS) $(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var static_collected

# Extract translatable strings: the project catalog (locale/: portal, home, templates), and each
# app that has a catalog of its own (<app>/locale/) from that app's folder, for every language of
# settings.LANGUAGES. Needs GNU gettext.
APP_CATALOGS := $(patsubst %/locale,%,$(wildcard */locale))
LOCALE_FLAGS = $(shell DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(BIN)/python -c "from django.conf import settings; \
	from django.utils.translation import to_locale; print(*('-l ' + to_locale(code) for code, _ in settings.LANGUAGES))")
messages: install
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(BIN)/python manage.py makemessages $(LOCALE_FLAGS) --no-location --no-obsolete \
		--ignore=.venv --ignore=var --ignore=static_collected --ignore=tests $(foreach app,$(APP_CATALOGS),--ignore=$(app))
	for app in $(APP_CATALOGS); do \
		(cd $$app && env -u DJANGO_SETTINGS_MODULE ../$(BIN)/django-admin makemessages $(LOCALE_FLAGS) --no-location --no-obsolete) || exit 1; \
	done

# Known vulnerabilities in the pinned runtime dependencies (pip-audit, PyPI's advisory data).
audit: install-dev
	$(BIN)/pip-audit --requirement requirements.txt --vulnerability-service pypi --progress-spinner off

# Load test of a fresh demo site under gunicorn (bench/run.py prints the table and writes
# bench/results.md). wrk comes from Debian's packages when missing and we are root; without it the
# Python load generator (bench/loadgen.py) drives the server. BENCH_ARGS="--duration 20" etc.
bench: install
	@command -v wrk >/dev/null 2>&1 || [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1 || \
		apt-get install -y -qq wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk; } >/dev/null 2>&1 || true
	@command -v wrk >/dev/null 2>&1 || echo "wrk is not installed: bench/loadgen.py drives the server."
	$(BIN)/python bench/run.py $(BENCH_ARGS)
