"""Loading the data files the course ships in ``data/``."""

from __future__ import annotations

from pathlib import Path

#: Texts shipped in ``data/texts/``, by short name. See ``data/texts/NOTICE.md``.
TEXTS = {
    "alice": "alice_chapter1_opening.txt",
}


def repo_root() -> Path:
    """Return the root of the course checkout (the folder that holds ``data/``)."""
    return Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """Return the course's ``data/`` folder, with a clear error if it is missing."""
    folder = repo_root() / "data"
    if not folder.is_dir():
        raise FileNotFoundError(
            f"The course data folder {folder} is missing. embcourse must be installed "
            "from a checkout of the course ('pip install -e .' at its root, which "
            "'make test' and 'make book' do for you)."
        )
    return folder


def load_text(name: str) -> str:
    """Return the text shipped under ``name`` (one of :data:`TEXTS`) as one string."""
    if name not in TEXTS:
        known = ", ".join(sorted(TEXTS))
        raise KeyError(f"No shipped text called {name!r}. Texts available: {known}.")
    return (data_dir() / "texts" / TEXTS[name]).read_text(encoding="utf-8")
