"""ruff over every notebook and all the Python of the repository: lines of at most 88
characters (what fits the site's code column), ruff's default rules, ruff's format.

The settings are in pyproject.toml ([tool.ruff]); to fix most findings:
.venv/bin/ruff format . && .venv/bin/ruff check --fix .
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
RUFF = Path(sys.executable).parent / "ruff"


def ruff(*args, cwd=ROOT):
    return subprocess.run(
        [str(RUFF), *args, "--no-cache"],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_ruff_check_passes_everywhere():
    result = ruff("check", ".")
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr


def test_ruff_format_is_applied_everywhere():
    result = ruff("format", "--check", ".")
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr


def test_the_check_covers_notebooks_and_every_folder():
    listed = ruff("check", "--show-files", ".").stdout
    for expected in (
        "book/01_one_hot.ipynb",
        "solutions/06_glove.ipynb",
        "exercises/03_cbow_skipgram.ipynb",
        "embcourse/checks.py",
        "scripts/make_exercises.py",
        "tests/test_lint.py",
        "benchmarks/train_throughput.py",
    ):
        assert f"/{expected}" in listed, f"ruff does not check {expected}"


def test_a_long_line_in_a_notebook_fails(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("x = " + "1 + " * 25 + "1\n"))
    path = tmp_path / "planted.ipynb"
    nbformat.write(nb, path)
    result = ruff("check", "--config", str(ROOT / "pyproject.toml"), str(path))
    assert result.returncode == 1 and "E501" in result.stdout, result.stdout


def test_no_code_line_of_a_notebook_is_longer_than_88_characters():
    """ruff lets a line without spaces run long (a long URL, say); the site's column
    does not, so every code line of the chapters and solutions is checked here too."""
    long_lines = [
        f"{path.relative_to(ROOT)} {cell.get('id')}: {line}"
        for folder in ("book", "solutions")
        for path in sorted((ROOT / folder).glob("*.ipynb"))
        for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "code"
        for line in cell.source.splitlines()
        if len(line) > 88
    ]
    assert not long_lines, long_lines
