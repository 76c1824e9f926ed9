"""Execute notebooks top to bottom in one fresh kernel and save them with their outputs.

Stored outputs are what the site shows and what the tests compare, so after editing a
chapter or a solution, re-run it with this script (or "Restart kernel and run all" in
Jupyter, then save):

    python scripts/execute_notebooks.py book/01_one_hot.ipynb solutions/01_one_hot.ipynb
    python scripts/execute_notebooks.py --all

Run it with your machine's kernels as they are: force no OPENBLAS_CORETYPE or
ATEN_CPU_CAPABILITY for it. The outputs it stores must also hold on other CPUs, whose
kernels round differently: print at the precision a figure supports, and give a cell
whose last digit still moves a declared tolerance (CONTRIBUTING.md, *Outputs that hold
on other CPUs*); then `make test-kernels` checks every book notebook with other kernels
forced.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from embcourse.progress import NO_PROGRESS_ENV

ROOT = Path(__file__).resolve().parent.parent


def coalesce_streams(outputs: list) -> list:
    """Merge runs of stdout (or stderr) outputs into one, as a reader sees them.

    How a kernel splits printed text into messages depends on timing; merged, the stored
    output is the same on every run.
    """
    merged: list = []
    for output in outputs:
        previous = merged[-1] if merged else None
        if (
            output.output_type == "stream"
            and previous is not None
            and previous.output_type == "stream"
            and previous.name == output.name
        ):
            previous.text += output.text
        else:
            merged.append(output)
    return merged


def execute(path: Path, timeout: int = 600) -> float:
    """Execute the notebook at ``path`` in place (cwd: its folder); return seconds
    taken.

    Progress bars are switched off (EMBCOURSE_NO_PROGRESS), as in the test suite.
    """
    os.environ[NO_PROGRESS_ENV] = "1"
    notebook = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        record_timing=False,
        resources={"metadata": {"path": str(path.parent)}},
    ).execute()
    elapsed = time.perf_counter() - started
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)
            cell.metadata.pop("execution", None)  # timings: noise in every diff
    # One timing is kept for a chapter: the landing page's table of chapters shows it
    # (scripts/landing_page.py).
    if path.resolve().parent.name == "book":
        notebook.metadata.setdefault("embcourse", {})["run_seconds"] = round(elapsed)
    nbformat.write(notebook, path)
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path)
    parser.add_argument(
        "--all", action="store_true", help="every notebook in book/ and solutions/"
    )
    args = parser.parse_args(argv)
    paths = list(args.notebooks)
    if args.all:
        paths += sorted((ROOT / "book").glob("*.ipynb")) + sorted(
            (ROOT / "solutions").glob("*.ipynb")
        )
    if not paths:
        parser.error("name notebooks to execute, or pass --all")
    for path in paths:
        print(f"{path}: {execute(path):.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
