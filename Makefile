# The two commands a newcomer needs:
#   make book   build the HTML book into _build/html (sets everything up on first use)
#   make test   run the whole test suite: library tests and every notebook under nbval
# Both create a project-local virtual environment (.venv) on first use and are idempotent.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: book test browser-test benchmark setup clean

# The chapters multiply small matrices; one BLAS thread per process is faster for them than
# OpenBLAS's thread pool (which only spins on a 2-core machine) and keeps timings steady.
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1

book: $(STAMP) vendor/.complete
	$(BIN)/python tools/question_bank.py --write
	rm -rf _build/html _build/jupyter_execute _build/.doctrees
	$(BIN)/jupyter-book build . --all -W --keep-going
	@echo "The book is in _build/html/index.html"

test: $(STAMP)
	$(BIN)/python -m pytest --nbval-lax --nbval-current-env --ignore=tests/browser; status=$$?; \
	  if [ $$status -eq 5 ]; then echo "pytest collected no tests"; exit 1; fi; exit $$status

# Drives the built HTML in headless Chromium (needs `make book` first and Debian's chromium).
browser-test: $(STAMP)
	$(BIN)/python -m pytest tests/browser

benchmark: $(STAMP)
	$(BIN)/python benchmarks/run.py

setup: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	# Strip notebook outputs on `git add` (contributors commit notebooks without outputs).
	-git rev-parse --git-dir >/dev/null 2>&1 && $(BIN)/nbstripout --install
	touch $(STAMP)

# MathJax and the widget JavaScript, served by the book itself (offline). Without npm the
# build still works and the pages load them from CDNs instead (book/_ext/offline_assets.py).
vendor/.complete: package.json package-lock.json tools/vendor_assets.py
	@if command -v npm >/dev/null 2>&1; then \
	  npm ci --no-audit --no-fund --loglevel=error && $(PYTHON) tools/vendor_assets.py; \
	else \
	  echo "npm not found: the book will load MathJax and widget JavaScript from CDNs."; \
	fi

clean:
	rm -rf _build vendor node_modules
