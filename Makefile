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

.PHONY: venv book site pdf test test-fast check lab exercises execute grade constraints clean

venv:
	@bash scripts/ensure_venv.sh

book: venv site pdf  ## build the site into _build/html, with the whole book as a PDF

site:  # the build itself, for a .venv already in order
	$(BIN)/jupyter-book build . $(BOOK_FLAGS)
	@echo "The site is in _build/html (open _build/html/index.html)."

pdf:  ## the whole book as one PDF, printed from the built site by Debian's chromium
	$(BIN)/python scripts/build_pdf.py

test: venv  ## the whole suite: unit tests, notebooks, exercises, site build
	$(BIN)/python -m pytest $(TEST_FLAGS) --durations=15 tests book solutions

test-fast: venv  ## the suite without the slow parts: no site build, no grader runs, no book notebooks
	$(BIN)/python -m pytest $(TEST_FLAGS) -m "not slow" tests solutions

# Authors: make check CHAPTER=01 runs one chapter's notebooks (book and solution) and the
# tests that name it: its exercises, cases, mutants, claims and grading.
check: venv  ## one chapter: make check CHAPTER=01
	@if [ -z "$(CHAPTER)" ]; then echo "usage: make check CHAPTER=01 (two digits, a chapter of book/)" >&2; exit 2; fi
	EMBCOURSE_CHAPTER=$(CHAPTER) $(BIN)/python -m pytest $(TEST_FLAGS) tests book solutions

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
