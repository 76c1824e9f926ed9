"""Exercises are generated from solutions, run as handed out, and match the book."""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from conftest import ROOT, chapter_notebooks, code_cells

sys.path.insert(0, str(ROOT / "scripts"))
import make_exercises

CHECK_CALL = re.compile(r'^check\("(?P<task>[0-9]+\.\w+)", (?P<function>\w+)\)$')


def test_exercises_and_solutions_hold_the_same_notebooks():
    exercises = [path.name for path in chapter_notebooks("exercises")]
    solutions = [path.name for path in chapter_notebooks("solutions")]
    assert exercises == solutions
    assert solutions, "no solution notebooks found"


def test_every_chapter_has_its_exercises():
    chapters = [path.name for path in chapter_notebooks("book")]
    assert [path.name for path in chapter_notebooks("solutions")] == chapters


@pytest.mark.parametrize(
    "solution", chapter_notebooks("solutions"), ids=lambda path: path.name
)
def test_committed_exercises_are_generated_from_the_solution(solution):
    committed = (ROOT / "exercises" / solution.name).read_text(encoding="utf-8")
    assert committed == make_exercises.render(solution), (
        f"exercises/{solution.name} differs from what solutions/{solution.name} "
        "generates. "
        "Run 'make exercises' and commit the result."
    )


def test_generator_check_mode_reports_a_stale_exercise(tmp_path, capsys):
    for folder in ("solutions", "exercises", "book"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    assert make_exercises.main(["--check", "--root", str(tmp_path)]) == 0
    solution = next((tmp_path / "solutions").glob("*.ipynb"))
    notebook = nbformat.read(solution, as_version=4)
    notebook.cells[0].source += "\n\nAn edit made without regenerating the exercises."
    nbformat.write(notebook, solution)
    assert make_exercises.main(["--check", "--root", str(tmp_path)]) == 1
    assert "make exercises" in capsys.readouterr().err


def test_stub_keeps_indentation_and_prose():
    source = (
        "def f(x):\n    y = 1\n    ### BEGIN SOLUTION\n    return x + y\n"
        "    ### END SOLUTION\n"
    )
    assert (
        make_exercises.strip_solution(source)
        == "def f(x):\n    y = 1\n    # Write your code here\n    pass"
    )


@pytest.mark.parametrize(
    "source",
    [
        "### BEGIN SOLUTION\nx = 1\n",
        "x = 1\n### END SOLUTION\n",
        "### BEGIN SOLUTION\n### BEGIN SOLUTION\n### END SOLUTION\n",
    ],
)
def test_unbalanced_markers_are_refused(source):
    with pytest.raises(make_exercises.MarkerError):
        make_exercises.strip_solution(source, "test cell")


@pytest.mark.parametrize(
    "exercise", chapter_notebooks("exercises"), ids=lambda path: path.name
)
def test_exercise_runs_as_handed_out_and_reports_not_attempted(exercise):
    notebook = nbformat.read(exercise, as_version=4)
    # nbclient raises CellExecutionError on the first cell that fails.
    NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        resources={"metadata": {"path": str(exercise.parent)}},
    ).execute()
    checks = [
        cell
        for cell in notebook.cells
        if cell.cell_type == "code" and CHECK_CALL.match(cell.source.strip())
    ]
    assert len(checks) >= 4, "every chapter has at least four checked tasks"
    for cell in checks:
        printed = "".join(output.get("text", "") for output in cell.outputs)
        assert printed.startswith("[not attempted yet]"), (cell.source, printed)


@pytest.mark.parametrize(
    "solution", chapter_notebooks("solutions"), ids=lambda path: path.name
)
def test_every_stored_solution_check_passes(solution):
    checks = [
        cell
        for cell in code_cells(solution)
        if CHECK_CALL.match("".join(cell["source"]).strip())
    ]
    assert len(checks) >= 4
    for cell in checks:
        printed = "".join("".join(output.get("text", "")) for output in cell["outputs"])
        assert printed.startswith("[passed]"), ("".join(cell["source"]), printed)


def _book_exercises(book: Path) -> tuple[list[str], list[str]]:
    """Statements and solution code cells of a chapter's gated exercises."""
    cells = json.loads(book.read_text(encoding="utf-8"))["cells"]
    statements, solutions, inside = [], [], False
    for cell in cells:
        source = "".join(cell["source"])
        if cell["cell_type"] == "markdown" and source.startswith("```{exercise-start}"):
            body = source.split("\n```\n", 1)[1]  # after the directive's options
            statements.append(body.rsplit("```{exercise-end}", 1)[0].strip())
        elif cell["cell_type"] == "markdown" and source.startswith(
            "```{solution-start}"
        ):
            inside = True
        elif cell["cell_type"] == "markdown" and source.startswith("```{solution-end}"):
            inside = False
        elif (
            inside
            and cell["cell_type"] == "code"
            and not CHECK_CALL.match(source.strip())
        ):
            solutions.append(source.strip())
    return statements, solutions


@pytest.mark.parametrize("book", chapter_notebooks("book"), ids=lambda path: path.name)
def test_book_exercises_section_is_generated_from_the_solution(book):
    """The chapter's Exercises section is exactly what make_exercises builds from the
    solution notebook: no task missing, none extra, no statement or solution
    different."""
    committed = book.read_text(encoding="utf-8")
    assert committed == make_exercises.render_book(
        book, ROOT / "solutions" / book.name
    ), (
        f"the Exercises section of book/{book.name} differs from what "
        f"solutions/{book.name} "
        "generates. Run 'make exercises', re-execute the chapter, and commit both."
    )
    statements, book_solutions = _book_exercises(book)
    assert len(statements) >= 4 and len(book_solutions) == len(statements)


def test_a_task_added_to_a_solution_reaches_the_book_and_the_exercise(tmp_path):
    for folder in ("solutions", "exercises", "book"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    solution = tmp_path / "solutions" / "01_one_hot.ipynb"
    notebook = nbformat.read(solution, as_version=4)
    tasks = len(make_exercises.solution_tasks(notebook, "solution"))
    at = max(
        i for i, cell in enumerate(notebook.cells) if cell.source.startswith("check(")
    )
    notebook.cells[at + 1 : at + 1] = [
        nbformat.v4.new_markdown_cell(
            f"## Task {tasks + 1}\n\n**Count.** Write `count(xs)`."
        ),
        nbformat.v4.new_code_cell(
            "def count(xs):\n    ### BEGIN SOLUTION\n    return len(xs)\n"
            "    ### END SOLUTION"
        ),
        nbformat.v4.new_code_cell('check("01.count", count)'),
    ]
    nbformat.write(notebook, solution)
    assert make_exercises.main(["--check", "--root", str(tmp_path)]) == 1
    assert make_exercises.main(["--root", str(tmp_path)]) == 0
    book = nbformat.read(tmp_path / "book" / "01_one_hot.ipynb", as_version=4)
    assert f"Task {tasks + 1}\n:label: ex01-count\n" in "".join(
        c.source for c in book.cells
    )
    assert "return len(xs)" in "".join(c.source for c in book.cells)
    exercise = (tmp_path / "exercises" / "01_one_hot.ipynb").read_text(encoding="utf-8")
    assert "def count(xs):" in exercise and "return len(xs)" not in exercise
    assert make_exercises.main(["--check", "--root", str(tmp_path)]) == 0
