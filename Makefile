# The two commands of the README: `make book` and `make test`.
# Both create .venv if it is missing and install the pinned dependencies into it.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PARAMS ?= params/default.yml
STAMP  := $(VENV)/.installed

.PHONY: venv test book bench clean

venv: $(STAMP)

# Re-install only when the pins or the package metadata change.
$(STAMP): requirements-lock.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip "setuptools>=68" wheel
	$(BIN)/python -m pip install --quiet -r requirements-lock.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

book: $(STAMP)
	$(BIN)/mutualism book --params $(PARAMS)

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf _build .cache
