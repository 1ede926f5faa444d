# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
FLASK  := $(BIN)/flask --app netzwerktreffen
HOST   ?= 127.0.0.1
PORT   ?= 5000
DEMO_PARTICIPANTS ?= 60

# Debian packages: WeasyPrint's libraries and fonts for the PDFs (run), chromium and poppler for the tests.
RUN_PACKAGES  := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0 libfontconfig1 \
                 fonts-dejavu-core fonts-liberation
TEST_PACKAGES := chromium poppler-utils nginx

.PHONY: install run test test-fast bench translations translations-update clean system-packages test-packages

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 oder neuer wird benötigt (gefunden: $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) translations system-packages

# Installs missing Debian packages where we may (root with apt-get), else says what is missing.
define ensure_packages
	@missing=""; \
	if command -v dpkg >/dev/null 2>&1; then \
	  for p in $(1); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	fi; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installiere Debian-Pakete:$$missing"; \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; } || \
	      echo "Konnte$$missing nicht installieren ($(2))."; \
	  else \
	    echo "Hinweis: Es fehlen Debian-Pakete:$$missing"; \
	    echo "  Bitte installieren: sudo apt-get install$$missing"; \
	    echo "  ($(2))"; \
	  fi; \
	fi
endef

system-packages:
	$(call ensure_packages,$(RUN_PACKAGES),ohne sie lassen sich keine PDFs erzeugen)

test-packages:
	$(call ensure_packages,$(TEST_PACKAGES),ohne sie werden die Browser-, PDF-Bild- und nginx-Tests übersprungen)

translations: $(STAMP)
	$(BIN)/pybabel -q compile --use-fuzzy -d netzwerktreffen/translations -f

run: install
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty --participants $(DEMO_PARTICIPANTS)
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install test-packages
	$(BIN)/lint-imports
	$(BIN)/pytest

# The quick loop while developing: SQLite only, no browser, no slow solver runs. `make test` runs everything.
test-fast: install
	$(BIN)/lint-imports
	$(BIN)/pytest -q -m "not slow" -k "not postgresql and not browser"

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info

# After changing UI text: collect the German source strings and update the English catalogue.
translations-update: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o netzwerktreffen/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i netzwerktreffen/translations/messages.pot -d netzwerktreffen/translations --no-fuzzy-matching --ignore-obsolete
