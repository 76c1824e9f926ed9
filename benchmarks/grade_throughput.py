"""How fast the grader gets through a class: N generated chapter-1 submissions.

Generates N submissions (a mix of fully solved, half solved and untouched notebooks,
built from solutions/01_one_hot.ipynb and exercises/01_one_hot.ipynb), grades them with
the default limits and one job per core, and prints the wall time and submissions per
minute. The goal: 100 submissions in under 3 minutes on 2 cores.

    .venv/bin/python benchmarks/grade_throughput.py [--count 100] [--jobs 2]
"""

from __future__ import annotations

import argparse
import collections
import csv
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests" / "grading_corpus"))

import nbformat
from make_corpus import ALL, SOLUTION, exercise_with

from embcourse.grade import DEFAULT_HIDDEN, Limits, grade_all


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    kinds = [
        ("solved", SOLUTION),
        ("half", exercise_with([], solved=ALL[:2])),
        ("untouched", exercise_with([])),
    ]
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / "submissions"
        folder.mkdir()
        for number in range(args.count):
            name, notebook = kinds[number % len(kinds)]
            nbformat.write(notebook, folder / f"learner{number:03d}_{name}.ipynb")
        started = time.perf_counter()
        grade_all(
            "01",
            folder,
            Path(temp) / "grades.csv",
            DEFAULT_HIDDEN,
            None,
            jobs=args.jobs,
            limits=Limits(),
            quiet=True,
        )
        seconds = time.perf_counter() - started
        with open(Path(temp) / "grades.csv", newline="") as file:
            rows = list(csv.DictReader(file))
        shutil.rmtree(folder)
    totals = collections.Counter(
        (row["learner"].split("_", 1)[1], row["status"], row["total"]) for row in rows
    )
    print(
        f"graded {len(rows)} submissions with {args.jobs} jobs in {seconds:.1f} s "
        f"({len(rows) / seconds * 60:.0f} per minute; goal: 100 in under 180 s)"
    )
    for (kind, status, total), count in sorted(totals.items()):
        print(f"  {count:>4} x {kind:<10} {status:<10} {total} points")


if __name__ == "__main__":
    main()
