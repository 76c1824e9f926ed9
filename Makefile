# Token Embeddings: set-up, site and tests. Every target first makes sure .venv is
# in order (scripts/ensure_venv.sh), so each works on a fresh clone.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export PYTHON VENV

# The site is built from the stored outputs, with every warning an error.
BOOK_FLAGS := -W -n --keep-going --all
# nbval re-executes every notebook in book/ and solutions/ and compares its outputs.
TEST_FLAGS := --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg
# make test runs on JOBS workers (pytest-xdist), a notebook or a group of tests whole on
# one worker, longest first (tests/parallel.py); make test JOBS=1 runs one after another.
JOBS ?= 2
ifeq ($(JOBS),1)
PARALLEL := -p no:xdist
else
PARALLEL := -n $(JOBS) --dist loadscope --no-loadscope-reorder
endif
# Stored outputs must hold on other CPUs, whose BLAS and torch kernels round differently:
# make test-kernels re-executes every book notebook with older kernels forced, as another
# machine would pick them, and compares under the same rules (CI runs it after make test).
OTHER_KERNELS := OPENBLAS_CORETYPE=Sandybridge ATEN_CPU_CAPABILITY=default

.PHONY: venv book site pdf test test-kernels test-fast check lab exercises execute grade constraints clean

venv:
	@bash scripts/ensure_venv.sh

book: venv site pdf  ## build the site into _build/html, with the whole book as a PDF

site:  # the build itself, for a .venv already in order
	$(BIN)/jupyter-book build . $(BOOK_FLAGS)
	@echo "The site is in _build/html (open _build/html/index.html)."

pdf:  ## the whole book as one PDF, printed from the built site by Debian's chromium
	$(BIN)/python scripts/build_pdf.py

test: venv  ## the whole suite: unit tests, notebooks, exercises, site build
	@started=$$(date +%s); \
	$(BIN)/python -m pytest $(TEST_FLAGS) $(PARALLEL) --durations=15 tests book solutions; \
	status=$$?; echo "make test: $$(( $$(date +%s) - started )) s of wall time on $(JOBS) worker(s)"; \
	exit $$status

test-kernels: venv  ## every book notebook re-executed with other CPU kernels forced
	@started=$$(date +%s); \
	$(OTHER_KERNELS) $(BIN)/python -m pytest $(TEST_FLAGS) $(PARALLEL) --durations=5 book; \
	status=$$?; echo "make test-kernels ($(OTHER_KERNELS)): $$(( $$(date +%s) - started )) s of wall time"; \
	exit $$status

test-fast: venv  ## the suite without the slow parts: no site build, no grader runs, no book notebooks
	$(BIN)/python -m pytest $(TEST_FLAGS) $(PARALLEL) -m "not slow" tests solutions

# Authors: make check CHAPTER=01 runs one chapter's notebooks (book and solution) and the
# tests that name it: its exercises, cases, mutants, claims and grading.
check: venv  ## one chapter: make check CHAPTER=01
	@if [ -z "$(CHAPTER)" ]; then echo "usage: make check CHAPTER=01 (two digits, a chapter of book/)" >&2; exit 2; fi
	EMBCOURSE_CHAPTER=$(CHAPTER) $(BIN)/python -m pytest $(TEST_FLAGS) $(PARALLEL) tests book solutions

lab: venv  ## open the exercises in JupyterLab
	$(BIN)/jupyter lab exercises

exercises: venv  ## regenerate exercises/, the chapters' Exercises sections and the grading corpus from solutions/
	$(BIN)/python scripts/make_exercises.py
	$(BIN)/python tests/grading_corpus/make_corpus.py

execute: venv  ## re-run every notebook of book/ and solutions/ and save its outputs
	$(BIN)/python scripts/execute_notebooks.py --all

# Instructors: make grade CHAPTER=01 SUBMISSIONS=path/to/folder [OUT=grades.csv]
OUT ?= grades.csv
grade: venv  ## grade a folder of learners' notebooks for one chapter
	@if [ -z "$(CHAPTER)" ] || [ -z "$(SUBMISSIONS)" ]; then \
	  echo "usage: make grade CHAPTER=01 SUBMISSIONS=folder-of-notebooks [OUT=grades.csv]" >&2; exit 2; fi
	$(BIN)/python -m embcourse.grade $(CHAPTER) $(SUBMISSIONS) --out $(OUT)

# Maintainers: after changing requirements.txt, pin every transitive dependency again.
constraints: venv  ## regenerate constraints.txt from requirements.txt (pip-tools)
	$(BIN)/pip-compile --quiet --strip-extras --no-emit-index-url --no-emit-find-links \
	  --output-file constraints.txt requirements.txt

clean:
	rm -rf _build
