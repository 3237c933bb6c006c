# The two commands of the README: `make book` and `make test`.
# Both create .venv if it is missing and install the pinned dependencies into it.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PARAMS ?= params/default.yml
STAMP  := $(VENV)/.installed

.PHONY: venv test test-fast book pdf tex tex-for-tests bench clean chromium

venv: $(STAMP)

# Re-install only when the pins or the package metadata change.
$(STAMP): requirements-lock.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip "setuptools>=68" wheel
	$(BIN)/python -m pip install --quiet -r requirements-lock.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

# The browser test (tests/test_browser.py) opens the built pages in Debian's chromium, and
# the PDF test (tests/test_pdf.py) typesets three pages with Debian's TeX Live: both are
# installed here when missing and possible (root with apt-get), the tests skip with a
# message otherwise (and fail when CI is set).
# The suite runs on TEST_JOBS workers (pytest-xdist; tests/conftest.py says how the tests
# are grouped, each session book on one worker); TEST_JOBS=0 runs it in this process. `make test-fast`
# leaves out the tests marked slow (the WIOD book, the Dask clusters, the multiverse CLI):
# a developer's loop, never CI's.
TEST_JOBS ?= 2
XDIST := $(if $(filter 0,$(TEST_JOBS)),,-n $(TEST_JOBS) --dist loadgroup --no-loadscope-reorder)
test: $(STAMP) chromium tex-for-tests
	$(BIN)/python -m pytest $(XDIST) $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest $(XDIST) -m "not slow" $(PYTEST_ARGS)

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

# The PDF edition: the executed chapters of `make book` (same PARAMS and SOLUTIONS) through
# Sphinx's LaTeX builder and XeLaTeX -> $(BOOK_OUT)/pdf/mutualism.pdf. Debian's TeX Live is
# installed when missing and possible (root with apt-get; a few hundred MB; `make test`
# installs it the same way for tests/test_pdf.py, which skips without TeX and fails when CI
# is set).
TEX_PACKAGES := texlive-xetex texlive-latex-recommended texlive-latex-extra texlive-fonts-recommended latexmk fonts-freefont-otf lmodern
pdf: book tex
	$(BIN)/python scripts/make_pdf.py $(BOOK_OUT)

tex:
	@command -v xelatex >/dev/null 2>&1 && command -v latexmk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(TEX_PACKAGES) >/dev/null; \
	  else echo "make pdf needs TeX: apt-get install -y $(TEX_PACKAGES) (as root)"; exit 1; fi; }

tex-for-tests:
	@command -v xelatex >/dev/null 2>&1 && command -v latexmk >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(TEX_PACKAGES) >/dev/null) \
	      || echo "could not install TeX: the PDF test will say so"; \
	  else echo "TeX is missing (apt-get install -y $(TEX_PACKAGES) as root): the PDF test will say so"; fi; }

bench: $(STAMP)
	$(BIN)/python bench/run_all.py

clean:
	rm -rf _build .cache
