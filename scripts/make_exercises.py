"""Generate exercises/NN_topic.ipynb from solutions/NN_topic.ipynb.

The solution notebook is the single source. In its code cells, the lines between
``### BEGIN SOLUTION`` and ``### END SOLUTION`` are the answer; in the exercise they become
``# Write your code here`` and ``pass`` at the same indentation, so every task function
still runs and returns None, which the checks report as "not attempted yet". Everything
else (task statements, check cells, metadata) is kept; outputs and execution counts are
cleared, since learners run the notebook themselves.

    python scripts/make_exercises.py            # write exercises/
    python scripts/make_exercises.py --check    # exit 1 if exercises/ is out of date
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = "# Write your code here"


class MarkerError(ValueError):
    """A solution cell whose BEGIN/END SOLUTION markers do not pair up."""


def strip_solution(source: str, where: str = "a cell") -> str:
    """Replace each marked solution block in ``source`` with a runnable stub."""
    out: list[str] = []
    inside = False
    for number, line in enumerate(source.splitlines(), start=1):
        marker = line.strip()
        if marker == BEGIN:
            if inside:
                raise MarkerError(f"{where}, line {number}: '{BEGIN}' inside another solution block.")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out += [indent + STUB, indent + "pass"]
        elif marker == END:
            if not inside:
                raise MarkerError(f"{where}, line {number}: '{END}' without a '{BEGIN}' before it.")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise MarkerError(f"{where}: '{BEGIN}' is never closed by '{END}'.")
    return "\n".join(out)


def exercise_from_solution(solution: nbformat.NotebookNode, name: str = "notebook") -> nbformat.NotebookNode:
    """Return the exercise notebook generated from a solution notebook."""
    exercise = nbformat.from_dict(solution)
    for index, cell in enumerate(exercise.cells):
        if cell.cell_type != "code":
            continue
        cell.source = strip_solution(cell.source, f"{name}, cell {index}")
        cell.outputs = []
        cell.execution_count = None
        cell.metadata.pop("execution", None)  # timings of the solution's last run
    return exercise


def render(solution_path: Path) -> str:
    """Return the text of the exercise notebook for ``solution_path``."""
    solution = nbformat.read(solution_path, as_version=4)
    return nbformat.writes(exercise_from_solution(solution, solution_path.name)) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="only report exercises that are out of date")
    parser.add_argument("--root", type=Path, default=ROOT, help="course checkout (default: this one)")
    args = parser.parse_args(argv)
    solutions, exercises = args.root / "solutions", args.root / "exercises"
    stale = []
    for solution_path in sorted(solutions.glob("*.ipynb")):
        target = exercises / solution_path.name
        try:
            text = render(solution_path)
        except MarkerError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        stale.append(target)
        if not args.check:
            target.parent.mkdir(exist_ok=True)
            target.write_text(text, encoding="utf-8")
            print(f"wrote {target.relative_to(args.root)}")
    if args.check and stale:
        names = ", ".join(str(path.relative_to(args.root)) for path in stale)
        print(f"out of date: {names}. Run 'make exercises' (python scripts/make_exercises.py).", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
