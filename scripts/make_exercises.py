"""Generate exercises/NN_topic.ipynb, and the Exercises section of book/NN_topic.ipynb,
from solutions/NN_topic.ipynb.

The solution notebook is the single source. In its code cells, the lines between
``### BEGIN SOLUTION`` and ``### END SOLUTION`` are the answer; in the exercise they
become ``# Write your code here`` and ``pass`` at the same indentation, so every task
function still runs and returns None, which the checks report as "not attempted yet".
Everything else (task statements, check cells, metadata) is kept; outputs and execution
counts are cleared, since learners run the notebook themselves.

The chapter's *Exercises* section (everything after its "## Exercises" cell) is the same
tasks for the site: each task's statement in an {exercise} block, its solution and check
cell folded in a {solution} dropdown. Cells whose text is unchanged keep their ids and
stored outputs, so a section regenerated without changes is byte for byte the same; a
new or changed cell has no output until the chapter is re-executed.

    python scripts/make_exercises.py            # write exercises/ and the books'
    sections python scripts/make_exercises.py --check    # exit 1 if either is out of
    date
"""

from __future__ import annotations

import argparse
import re
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
                raise MarkerError(
                    f"{where}, line {number}: '{BEGIN}' inside another solution block."
                )
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out += [indent + STUB, indent + "pass"]
        elif marker == END:
            if not inside:
                raise MarkerError(
                    f"{where}, line {number}: '{END}' without a '{BEGIN}' before it."
                )
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise MarkerError(f"{where}: '{BEGIN}' is never closed by '{END}'.")
    return "\n".join(out)


def exercise_from_solution(
    solution: nbformat.NotebookNode, name: str = "notebook"
) -> nbformat.NotebookNode:
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


def without_markers(source: str) -> str:
    """A solution cell as the book shows it: the answer kept, its marker lines
    dropped."""
    return "\n".join(
        line for line in source.splitlines() if line.strip() not in (BEGIN, END)
    ).strip()


TASK_HEADING = re.compile(r"^## Task (\d+)\s*\n", re.MULTILINE)
CHECK_CALL = re.compile(r'^check\("(\d\d)\.(\w+)", \2\)$')


def solution_tasks(
    solution: nbformat.NotebookNode, name: str
) -> list[tuple[str, str, str, str]]:
    """(number, statement, solved code, check code) of each task of a solution notebook:
    a "## Task N" Markdown cell, the code cell that solves it, then its check cell."""
    tasks, cells = [], solution.cells
    for index, cell in enumerate(cells):
        heading = (
            TASK_HEADING.match(cell.source) if cell.cell_type == "markdown" else None
        )
        if not heading:
            continue
        code, check = (cells[index + 1 : index + 3] + [None, None])[:2]
        if not (
            code
            and check
            and code.cell_type == check.cell_type == "code"
            and CHECK_CALL.match(check.source.strip())
        ):
            raise MarkerError(
                f"{name}, cell {index}: a '## Task' cell must be followed by the "
                'code cell that solves it and its check cell, check("NN.name", name).'
            )
        tasks.append(
            (
                heading.group(1),
                cell.source[heading.end() :].strip(),
                without_markers(code.source),
                check.source.strip(),
            )
        )
    return tasks


def book_section(
    book: nbformat.NotebookNode, solution: nbformat.NotebookNode, name: str
) -> nbformat.NotebookNode:
    """The chapter ``book`` with its Exercises section rebuilt from ``solution``."""
    chapter = name[:2]
    start = next(
        (
            i
            for i, cell in enumerate(book.cells)
            if cell.cell_type == "markdown" and cell.source.startswith("## Exercises")
        ),
        None,
    )
    if start is None:
        raise MarkerError(
            f"book/{name} has no '## Exercises' cell to put the tasks after."
        )
    old: dict[tuple[str, str], list] = {}  # unchanged cells, reused once each, in order
    for cell in book.cells[start + 1 :]:
        old.setdefault((cell.cell_type, cell.source), []).append(cell)
    cells = []
    for number, statement, solved, check in solution_tasks(
        solution, f"solutions/{name}"
    ):
        function = CHECK_CALL.match(check).group(2)
        label = f"ex{chapter}-{function.replace('_', '-')}"
        for role, kind, source in [
            (
                "task",
                "markdown",
                (
                    f"```{{exercise-start}} Task {number}\n:label: {label}\n"
                    f":nonumber:\n```\n{statement}\n```{{exercise-end}}\n```"
                ),
            ),
            (
                "open",
                "markdown",
                f"```{{solution-start}} {label}\n:class: dropdown\n```",
            ),
            ("solution", "code", solved),
            ("check", "code", check),
            ("close", "markdown", "```{solution-end}\n```"),
        ]:
            cell = (old.get((kind, source)) or [None]).pop(0)
            if cell is None:
                cell = (
                    nbformat.v4.new_markdown_cell(source)
                    if kind == "markdown"
                    else nbformat.v4.new_code_cell(source)
                )
                cell.id = f"{label}-{role}"
            cells.append(cell)
    chapter_notebook = nbformat.from_dict(book)
    chapter_notebook.cells = book.cells[: start + 1] + cells
    return chapter_notebook


def render_book(book_path: Path, solution_path: Path) -> str:
    """Return the text of the chapter ``book_path`` with its Exercises section
    regenerated."""
    book = nbformat.read(book_path, as_version=4)
    solution = nbformat.read(solution_path, as_version=4)
    return nbformat.writes(book_section(book, solution, book_path.name)) + "\n"


def render(solution_path: Path) -> str:
    """Return the text of the exercise notebook for ``solution_path``."""
    solution = nbformat.read(solution_path, as_version=4)
    return nbformat.writes(exercise_from_solution(solution, solution_path.name)) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="only report exercises that are out of date",
    )
    parser.add_argument(
        "--root", type=Path, default=ROOT, help="course checkout (default: this one)"
    )
    args = parser.parse_args(argv)
    solutions, exercises = args.root / "solutions", args.root / "exercises"
    stale = []
    for solution_path in sorted(solutions.glob("*.ipynb")):
        book_path = args.root / "book" / solution_path.name
        for target, make, make_args in [
            (exercises / solution_path.name, render, (solution_path,)),
            (book_path, render_book, (book_path, solution_path)),
        ]:
            try:
                text = make(*make_args)
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
        print(
            f"out of date: {names}. Run 'make exercises' (python "
            "scripts/make_exercises.py), "
            "then re-execute any chapter it rewrote.",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
