# Two commands for a newcomer: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
FLASK  := $(BIN)/flask --app netzwerktreffen
HOST   ?= 127.0.0.1
PORT   ?= 5000
DEMO_PARTICIPANTS ?= 60

.PHONY: install run test bench translations translations-update clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "Python 3.11 oder neuer wird benötigt (gefunden: $$($(PYTHON) --version))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) translations

translations: $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d netzwerktreffen/translations -f -q

run: install
	$(FLASK) db upgrade
	$(FLASK) demo --if-empty --participants $(DEMO_PARTICIPANTS)
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install
	$(BIN)/pytest

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info

# After changing UI text: collect the German source strings and update the English catalogue.
translations-update: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o netzwerktreffen/translations/messages.pot --no-location --sort-output .
	$(BIN)/pybabel update -i netzwerktreffen/translations/messages.pot -d netzwerktreffen/translations --no-fuzzy-matching
