"""Keep every notebook runnable outside a clone of the course: write its setup cell and
the chapters' links to their exercise notebooks, from the repository set in _config.yml.

    python scripts/setup_cells.py           # write them into book/ and solutions/
    python scripts/setup_cells.py --check   # exit 1, naming the notebooks, if any is
    stale

Every chapter (book/) and solution (solutions/) notebook gets, as its first code cell,
the setup cell below; exercises/ gets it from solutions/ (make exercises). Each
chapter's "## Exercises" cell gets a line linking its exercise notebook: a download
from the site and Colab. The repository's address is written once, in _config.yml; run
this script after changing it (tests/test_setup_cells.py fails until you do).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
SETUP_ID = "cell-setup"
LINKS_START = "**The exercise notebook:**"

SETUP_TEMPLATE = """\
# Setup: in a clone of the course this does nothing. Anywhere else (Colab, Binder, a
# downloaded notebook) it installs the course package, embcourse, with its data and
# the libraries the chapters use. To install something else instead (a wheel built
# with `pip wheel --no-deps .`, or a folder), set EMBCOURSE_SOURCE to its path.
import importlib.util
import os
import subprocess
import sys

if importlib.util.find_spec("embcourse") is None:
    source = os.environ.get(
        "EMBCOURSE_SOURCE",
        "embcourse @ git+{url}@{branch}",
    )
    command = [sys.executable, "-m", "pip", "install", "--quiet", source]
    subprocess.run(command, check=True)
    importlib.invalidate_caches()"""


def repository() -> tuple[str, str]:
    """The repository's URL and branch, as _config.yml sets them."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    repo = config["repository"]
    return repo["url"].rstrip("/"), repo.get("branch", "main")


def setup_source() -> str:
    url, branch = repository()
    return SETUP_TEMPLATE.format(url=url, branch=branch)


def links_line(name: str) -> str:
    """The line under a chapter's "## Exercises" heading that links its notebook."""
    url, branch = repository()
    colab = url.replace(
        "https://github.com/", "https://colab.research.google.com/github/"
    )
    return (
        f"{LINKS_START} {{download}}`download {name}.ipynb <../exercises/{name}.ipynb>`"
        f" or [open it in Colab]({colab}/blob/{branch}/exercises/{name}.ipynb);"
        " in a clone of the course, `make lab` opens it (see the README)."
    )


def with_setup(nb: nbformat.NotebookNode) -> bool:
    """Put the setup cell first among the code cells; True if anything changed."""
    source = setup_source()
    index = next((i for i, c in enumerate(nb.cells) if c.get("id") == SETUP_ID), None)
    if index is not None:
        cell = nb.cells[index]
        if cell.source == source:
            return False
        cell.source, cell.outputs, cell.execution_count = source, [], None
        return True
    first_code = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
    cell = nbformat.v4.new_code_cell(source)
    cell.id = SETUP_ID
    cell.metadata["tags"] = ["hide-input"]
    nb.cells.insert(first_code, cell)
    return True


def with_links(nb: nbformat.NotebookNode, name: str) -> bool:
    """Write the exercise notebook's links under "## Exercises"; True if changed."""
    cell = next(
        (
            c
            for c in nb.cells
            if c.cell_type == "markdown" and c.source.startswith("## Exercises")
        ),
        None,
    )
    if cell is None:
        raise SystemExit(f"book/{name}.ipynb has no '## Exercises' cell to link from.")
    heading, _, rest = cell.source.partition("\n\n")
    rest = re.sub(rf"^{re.escape(LINKS_START)}[^\n]*(\n\n)?", "", rest)
    source = f"{heading}\n\n{links_line(name)}\n\n{rest}".rstrip()
    if source == cell.source:
        return False
    cell.source = source
    return True


def notebooks() -> list[tuple[Path, bool]]:
    """Every chapter and solution notebook, and whether it is a chapter."""
    chapters = sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb"))
    solutions = sorted((ROOT / "solutions").glob("[0-9][0-9]_*.ipynb"))
    return [(p, True) for p in chapters] + [(p, False) for p in solutions]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if stale"
    )
    args = parser.parse_args(argv)
    stale = []
    for path, is_chapter in notebooks():
        nb = nbformat.read(path, as_version=4)
        changed = with_setup(nb)
        if is_chapter:
            changed = with_links(nb, path.stem) or changed
        if changed:
            stale.append(path.relative_to(ROOT))
            if not args.check:
                nbformat.write(nb, path)
    if args.check and stale:
        names = ", ".join(map(str, stale))
        print(
            f"Setup cells or exercise links out of date in: {names}.", file=sys.stderr
        )
        print("Run: .venv/bin/python scripts/setup_cells.py", file=sys.stderr)
        return 1
    for path in stale:
        print(f"updated {path} (re-execute it: scripts/execute_notebooks.py {path})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
