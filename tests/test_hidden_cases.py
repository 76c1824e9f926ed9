"""The hidden grading cases: every solution passes them, no stub does."""

from __future__ import annotations

import json

import pytest

from conftest import ROOT, chapter_notebooks
from embcourse.checks import NOT_ATTEMPTED, PASSED, TASKS, load_cases, run_check
from embcourse.grading.make_cases import notebook_functions

HIDDEN = ROOT / "grading" / "hidden"


@pytest.mark.parametrize(
    "solution", chapter_notebooks("solutions"), ids=lambda path: path.name
)
def test_every_task_has_hidden_cases_and_the_solution_passes_them(solution):
    chapter = solution.name[:2]
    tasks = [task_id for task_id in TASKS if task_id.startswith(f"{chapter}.")]
    assert tasks, f"no tasks registered for chapter {chapter}"
    solved = notebook_functions(solution)
    stubs = notebook_functions(ROOT / "exercises" / solution.name)
    for task_id in tasks:
        hidden = [
            case for case in load_cases(task_id, hidden_dir=HIDDEN) if case.hidden
        ]
        assert len(hidden) >= 2, f"{task_id} needs at least two hidden cases"
        function = TASKS[task_id].function_name
        result = run_check(task_id, solved[function], hidden_dir=HIDDEN)
        assert result.status == PASSED, [
            o.detail for o in result.outcomes if o.status != PASSED
        ]
        assert (
            run_check(task_id, stubs[function], hidden_dir=HIDDEN).status
            == NOT_ATTEMPTED
        )


def test_hidden_files_name_only_registered_tasks():
    for path in sorted(HIDDEN.glob("*.json")):
        for task_id in json.loads(path.read_text(encoding="utf-8")):
            assert task_id in TASKS and task_id.startswith(path.stem + "."), (
                path.name,
                task_id,
            )
