"""Finding the submissions in a folder and reading each one, whatever the folder holds.

Every entry whose name ends in ``.ipynb`` is one learner's submission; the learner's id
is the file name without ``.ipynb`` (the whole name for a file called just ``.ipynb``).
Only regular files are read, without following links: a symbolic link, a folder, a FIFO
or a device named ``*.ipynb`` gets a row with status ``invalid notebook`` and the
reason.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

import nbformat

#: Largest notebook file read; a larger one is refused with a reason.
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
SUFFIX = ".ipynb"


@dataclass(frozen=True)
class Entry:
    """One ``*.ipynb`` entry of the submissions folder."""

    path: Path
    learner: str


def find(folder: Path) -> tuple[list[Entry], list[str]]:
    """The submissions in ``folder`` (sorted by learner) and the names of other files
    skipped.

    A name that is not valid UTF-8 is shown with replacement characters. Two entries
    that would get the same learner id (``ada.ipynb`` and ``ada.IPYNB``) both keep their
    whole file name as id instead.
    """
    entries, skipped = [], []
    for name in sorted(os.listdir(folder)):
        shown = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        if name.lower().endswith(SUFFIX):
            entries.append(Entry(folder / name, shown[: -len(SUFFIX)] or shown))
        elif not name.startswith("."):
            skipped.append(shown)
    ids = [entry.learner for entry in entries]
    entries = [
        entry
        if ids.count(entry.learner) == 1
        else Entry(
            entry.path,
            entry.path.name.encode("utf-8", "surrogateescape").decode(
                "utf-8", "replace"
            ),
        )
        for entry in entries
    ]
    return sorted(entries, key=lambda entry: entry.learner), skipped


def refuse(path: Path) -> str:
    """Why ``path`` cannot be a submission without reading it ("" if it may be)."""
    try:
        info = os.lstat(path)
    except OSError as error:
        return f"the file cannot be read ({error.strerror})"
    kinds = {
        stat.S_ISLNK: "a symbolic link",
        stat.S_ISDIR: "a folder",
        stat.S_ISFIFO: "a named pipe (FIFO)",
        stat.S_ISSOCK: "a socket",
        stat.S_ISCHR: "a device",
        stat.S_ISBLK: "a device",
    }
    for test, kind in kinds.items():
        if test(info.st_mode):
            return f"it is {kind}, not a notebook file: hand in the .ipynb file itself"
    if info.st_size > MAX_NOTEBOOK_BYTES:
        return (
            f"the file is {info.st_size / 1e6:.0f} MB, more than the "
            f"{MAX_NOTEBOOK_BYTES // 1_000_000} MB allowed: clear the outputs and "
            "hand it in again"
        )
    return ""


def read(path: Path) -> tuple[nbformat.NotebookNode | None, str]:
    """The submission as an nbformat v4 notebook, or None and the reason it cannot be
    one."""
    problem = refuse(path)
    if problem:
        return None, problem
    # O_NOFOLLOW and O_NONBLOCK: no link is followed and nothing can block the read.
    try:
        handle = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        return None, f"the file cannot be read ({error.strerror})"
    with os.fdopen(handle, "rb") as file:
        if not stat.S_ISREG(os.fstat(file.fileno()).st_mode):
            return None, "it is not a regular file: hand in the .ipynb file itself"
        data = file.read(MAX_NOTEBOOK_BYTES + 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None, "the file is not text (not a notebook)"
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        return None, f"the file is not JSON ({error.msg} at line {error.lineno})"
    except ValueError:
        return (
            None,
            "the file cannot be read as a notebook (a number in it is too long)",
        )
    except RecursionError:
        return None, "the file cannot be read as a notebook (it is nested too deeply)"
    if not isinstance(raw, dict) or "nbformat" not in raw:
        return None, "the file is JSON but not a Jupyter notebook (no 'nbformat' field)"
    try:
        notebook = nbformat.reads(text, as_version=4)
        nbformat.validate(notebook)
    except MemoryError:
        raise  # the caller says so (see runner.read_cells)
    except Exception as error:  # nbformat raises many kinds for malformed notebooks
        return (
            None,
            f"the notebook cannot be read ({type(error).__name__}: {str(error)[:120]})",
        )
    return notebook, ""


def code_cells(notebook: nbformat.NotebookNode) -> list[str]:
    """The sources of the notebook's non-empty code cells, in order."""
    return [
        cell.source
        for cell in notebook.cells
        if cell.cell_type == "code"
        and isinstance(cell.source, str)
        and cell.source.strip()
    ]
