"""Shared fixtures. Notebooks under tests/ are test data, never collected by nbval."""

from __future__ import annotations

import json
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


@pytest.fixture
def root() -> Path:
    return ROOT
