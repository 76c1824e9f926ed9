"""Write the landing page's table of chapters and its figure from the notebooks.

    python scripts/landing_page.py           # rewrite both
    python scripts/landing_page.py --check   # exit 1 if either is out of date

The table (between the two ``chapter-table`` comments of book/intro.md) gives, for each
chapter of _toc.yml: its reading time (the words of its Markdown cells before the
exercises, at 200 words a minute, rounded up to 5 minutes), its number of exercise tasks
(solutions/), and how long the notebook took to run when it was last executed
(scripts/execute_notebooks.py stores that in the notebook's metadata). Every figure in
it comes from the notebooks, so none can drift from them (tests/test_landing_page.py).

The figure is chapter 2's map of 35 words, copied from the chapter's stored output.
"""

from __future__ import annotations

import argparse
import base64
import math
import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
INTRO = ROOT / "book" / "intro.md"
FIGURE = ROOT / "book" / "images" / "word_map.png"
FIGURE_SOURCE = ("02_dense_embeddings", "cell-017")  # the cell whose output it is
START, END = "<!-- chapter-table:start -->", "<!-- chapter-table:end -->"
WORDS_PER_MINUTE = 200
NOTE = (
    "Reading: the chapter's prose at {words} words a minute, code and exercises not "
    "counted. Runs in: the whole notebook, top to bottom, as last executed for this "
    "site, on a machine with 2 CPU cores. Exercises: the tasks of its notebook in "
    "[`exercises/`]({url}/tree/main/exercises), each checked automatically. To run "
    "the chapters on your own machine, see the [README]({url}#readme) or *Running it "
    "yourself* below."
)


def chapters() -> list[Path]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [ROOT / f"{entry['file']}.ipynb" for entry in toc["chapters"]]
    return [path for path in files if path.exists()]


def reading_minutes(nb: nbformat.NotebookNode) -> int:
    words = 0
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            if cell.source.startswith("## Exercises"):
                break
            words += len(re.findall(r"\w+", cell.source))
    return 5 * math.ceil(words / WORDS_PER_MINUTE / 5)


def tasks(name: str) -> int:
    solution = nbformat.read(ROOT / "solutions" / f"{name}.ipynb", as_version=4)
    return sum(
        1
        for cell in solution.cells
        if cell.cell_type == "markdown" and re.match(r"## Task \d+", cell.source)
    )


def run_time(nb: nbformat.NotebookNode, name: str) -> str:
    seconds = nb.metadata.get("embcourse", {}).get("run_seconds")
    if seconds is None:
        raise SystemExit(
            f"book/{name}.ipynb has no recorded run time: execute it with "
            f"scripts/execute_notebooks.py book/{name}.ipynb, then run this again."
        )
    return f"{seconds} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def table() -> str:
    url = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))[
        "repository"
    ]["url"].rstrip("/")
    rows = [
        "| chapter | reading | exercises | runs in |",
        "|---|---|---|---|",
    ]
    for path in chapters():
        nb = nbformat.read(path, as_version=4)
        # The chapter's title up to its colon: "6. GloVe", not its whole subtitle.
        title = nb.cells[0].source.splitlines()[0].lstrip("# ").split(":")[0].strip()
        name = path.stem
        rows.append(
            f"| [{title}]({name}.ipynb) | {reading_minutes(nb)} min "
            f"| [{tasks(name)} tasks]({url}/blob/main/exercises/{name}.ipynb) "
            f"| {run_time(nb, name)} |"
        )
    return "\n".join(
        [
            START,
            *rows,
            "",
            NOTE.format(words=WORDS_PER_MINUTE, url=url),
            END,
        ]
    )


def figure() -> bytes:
    name, cell_id = FIGURE_SOURCE
    nb = nbformat.read(ROOT / "book" / f"{name}.ipynb", as_version=4)
    cell = next(c for c in nb.cells if c.get("id") == cell_id)
    png = next(
        o["data"]["image/png"] for o in cell.outputs if "image/png" in o.get("data", {})
    )
    return base64.b64decode(png)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if stale"
    )
    args = parser.parse_args(argv)
    intro = INTRO.read_text(encoding="utf-8")
    if START not in intro or END not in intro:
        raise SystemExit(f"book/intro.md needs the two lines {START} and {END}.")
    before, rest = intro.split(START, 1)
    _, after = rest.split(END, 1)
    new_intro = before + table() + after
    new_figure = figure()
    stale = []
    if new_intro != intro:
        stale.append("book/intro.md")
    if not FIGURE.exists() or FIGURE.read_bytes() != new_figure:
        stale.append(str(FIGURE.relative_to(ROOT)))
    if args.check:
        if stale:
            print(
                f"Out of date: {', '.join(stale)}. Run: .venv/bin/python "
                "scripts/landing_page.py",
                file=sys.stderr,
            )
            return 1
        return 0
    INTRO.write_text(new_intro, encoding="utf-8")
    FIGURE.parent.mkdir(exist_ok=True)
    FIGURE.write_bytes(new_figure)
    for path in stale:
        print(f"updated {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
