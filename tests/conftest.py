"""Shared fixtures. Notebooks under tests/ are test data, never collected by nbval."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

collect_ignore_glob = ["**/*.ipynb"]


def chapter_notebooks(folder: str) -> list[Path]:
    """The notebooks of one course folder, sorted by name."""
    return sorted((ROOT / folder).glob("*.ipynb"))


def code_cells(path: Path) -> list[dict]:
    """The code cells of a notebook, as plain dicts."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def printed_outputs(path: Path) -> str:
    """Everything a notebook's code cells printed, as stored."""
    return "\n".join(
        "".join(output.get("text", ""))
        for cell in code_cells(path)
        for output in cell["outputs"]
    )


def chapter_notebook(chapter: str) -> Path:
    """book/NN_*.ipynb for chapter "NN"."""
    return next((ROOT / "book").glob(f"{chapter}_*.ipynb"))


def needs_chromium(what: str = "the browser test"):
    """Skip where Debian's Chromium is missing, except in CI, which must run it."""
    import os

    from site_checker import chromium_available

    return pytest.mark.skipif(
        not chromium_available() and not os.environ.get("CI"),
        reason=(
            f"Chromium not found: install Debian's 'chromium' package (.ci/run does) "
            f"to run {what}"
        ),
    )


@pytest.fixture
def root() -> Path:
    return ROOT


def build_site(folder: Path) -> subprocess.CompletedProcess:
    """Build the site in ``folder`` exactly as `make book` does (`make site`, this
    venv)."""
    return subprocess.run(
        [
            "make",
            "--no-print-directory",
            "-C",
            str(folder),
            "site",
            f"BIN={Path(sys.executable).parent}",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )


@pytest.fixture(scope="session")
def built_site() -> subprocess.CompletedProcess:
    """The course's own site, built once per test run into _build/html."""
    return build_site(ROOT)


@pytest.fixture(scope="session")
def built_pdf(built_site) -> subprocess.CompletedProcess:
    """The whole-book PDF, printed from the built site as `make pdf` does."""
    assert built_site.returncode == 0, (
        built_site.stdout[-2000:] + built_site.stderr[-2000:]
    )
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_pdf.py")],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


@pytest.fixture(scope="session")
def grading_sandbox():
    """Skip (with the fix) where bubblewrap cannot run, except in CI, which must run
    it."""
    import os

    from embcourse.grading import sandbox

    try:
        sandbox.check_available()
    except sandbox.SandboxUnavailable as error:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the grading sandbox: {error}")
        pytest.skip(f"the grading sandbox cannot run here: {error}")


# `make check CHAPTER=NN` sets EMBCOURSE_CHAPTER: only that chapter's notebooks, the
# tests whose parameters name it (its exercises, cases, mutants, claims), and the tests
# about all tasks at once are run.
def pytest_collection_modifyitems(config, items):
    import os
    import re

    chapter = os.environ.get("EMBCOURSE_CHAPTER", "").strip()
    if not chapter:
        return
    chapters = sorted(
        path.name[:2] for path in (ROOT / "book").glob("[0-9][0-9]_*.ipynb")
    )
    if chapter not in chapters:
        raise pytest.UsageError(
            f"there is no chapter {chapter!r}; give one of {', '.join(chapters)}, "
            f"for example: make check CHAPTER={chapters[0]}"
        )
    mentions = re.compile(rf"(?<![\d.])(?:ch)?{chapter}[._:]")
    any_chapter = re.compile(r"(?<![\d.])(?:ch)?0\d[._:]")
    # Tests about every task at once (registry, hints, generators, the grading corpus)
    # also guard a chapter's tasks: they run too.
    about_tasks = (
        "tests/test_checks.py",
        "tests/test_case_generators.py",
        "tests/test_mutants.py",
        "tests/test_hidden_cases.py",
        "tests/test_exercises.py",
        "tests/test_grade.py::test_committed_corpus_is_what_make_corpus_writes",
    )
    keep = [
        item
        for item in items
        if mentions.search(item.nodeid)
        or (item.nodeid.startswith(about_tasks) and not any_chapter.search(item.nodeid))
    ]
    kept = {id(item) for item in keep}
    config.hook.pytest_deselected(
        items=[item for item in items if id(item) not in kept]
    )
    items[:] = keep
