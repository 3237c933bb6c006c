# The two commands of the README: `make book` and `make test`.
# Both create .venv if it is missing and install the pinned dependencies into it.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PARAMS ?= params/default.yml
STAMP  := $(VENV)/.installed

.PHONY: venv test book bench clean chromium

venv: $(STAMP)

# Re-install only when the pins or the package metadata change.
$(STAMP): requirements-lock.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip "setuptools>=68" wheel
	$(BIN)/python -m pip install --quiet -r requirements-lock.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# The browser test (tests/test_browser.py) opens the built pages in Debian's chromium:
# installed here when missing and possible (root with apt-get), skipped with a message
# otherwise (failed when CI is set).
test: $(STAMP) chromium
	$(BIN)/python -m pytest $(PYTEST_ARGS)

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "could not install chromium: the browser test will say so"; \
	  else echo "chromium is missing (apt-get install -y chromium as root): the browser test will say so"; fi; }

# SOLUTIONS=hide builds the student edition (no solutions) into _build/student/, beside
# the reader's book in _build/.
SOLUTIONS ?= show
BOOK_OUT  ?= $(if $(filter hide,$(SOLUTIONS)),_build/student,_build)
book: $(STAMP)
	$(BIN)/mutualism book --params $(PARAMS) --out $(BOOK_OUT) $(if $(filter hide,$(SOLUTIONS)),--solutions hide,)

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf _build .cache
