# Rahnuma: two commands on a fresh clone (Python 3.11+ and make):
#   make run    install into .venv and run the bot (Telegram with a token, else console)
#   make test   install with test extras into .venv and run the whole test suite
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python

.PHONY: run test lint bench content-check catalogs clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

run: $(VENV)/.installed
	$(PY) -m bot

test: $(VENV)/.installed-test
	$(PY) -m ruff check bot tests benchmarks
	$(PY) -m bot content check
	$(PY) -m pytest

lint: $(VENV)/.installed-test
	$(PY) -m ruff check bot tests benchmarks

content-check: $(VENV)/.installed
	$(PY) -m bot content check

# Re-extract UI strings into content/locale/messages.pot and merge them into every .po catalog.
catalogs: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k N_ -k say -k button --no-location --sort-output \
		--project Rahnuma --copyright-holder "Rahnuma contributors" -o content/locale/messages.pot bot
	$(VENV)/bin/pybabel update -i content/locale/messages.pot -d content/locale -D messages --no-wrap

bench: $(VENV)/.installed-test
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
