"""The cases tell right from wrong: every realistic wrong implementation of a task fails
a public case (or, listed with the reason, a hidden one), and every correct alternative
passes them all. The implementations are in tests/mutants/."""

from __future__ import annotations

import importlib

import pytest

from conftest import ROOT
from embcourse.checks import PASSED, TASKS, run_check
from embcourse.grading.outcome import GRADED, POINTS_PER_TASK, Submission

HIDDEN = ROOT / "grading" / "hidden"
CHAPTERS = sorted({task_id.split(".")[0] for task_id in TASKS})


def _mutants():
    table = {}
    for chapter in CHAPTERS:
        table.update(importlib.import_module(f"mutants.ch{chapter}").MUTANTS)
    return table


MUTANTS = _mutants()


def _failures(result):
    return [f"{o.case.name}: {o.detail}" for o in result.outcomes if o.status != PASSED]


def test_every_task_has_mutants_and_alternatives():
    assert sorted(MUTANTS) == sorted(TASKS)
    for task_id, mutants in MUTANTS.items():
        assert len(mutants.wrong) >= 6, (
            f"{task_id}: at least 6 realistic wrong implementations"
        )
        assert len(mutants.right) >= 3, f"{task_id}: at least 3 correct alternatives"
        assert set(mutants.hidden_only) <= set(mutants.wrong)


@pytest.mark.parametrize(
    "task_id, name", [(t, n) for t, m in MUTANTS.items() for n in m.wrong]
)
def test_wrong_implementation_is_caught(task_id, name):
    """Caught by a public case (or, listed with the reason, by a hidden one), and so
    never given full marks by the grader with the committed hidden cases."""
    mutants = MUTANTS[task_id]
    result = run_check(task_id, mutants.wrong[name], hidden_dir=HIDDEN)
    public = [o for o in result.outcomes if not o.case.hidden]
    hidden = [o for o in result.outcomes if o.case.hidden]
    if name in mutants.hidden_only:
        assert all(o.status == PASSED for o in public), (
            "listed as hidden-only, but a public case catches it"
        )
        assert any(o.status != PASSED for o in hidden)
    else:
        assert any(o.status != PASSED for o in public), (
            f"{task_id}: '{name}' passes every public case"
        )
    row = Submission("learner", GRADED, results={task_id: result})
    assert row.points(task_id) < POINTS_PER_TASK, (
        f"{task_id}: '{name}' earns full marks"
    )


@pytest.mark.parametrize(
    "task_id, name", [(t, n) for t, m in MUTANTS.items() for n in m.right]
)
def test_correct_alternative_passes(task_id, name):
    result = run_check(task_id, MUTANTS[task_id].right[name], hidden_dir=HIDDEN)
    assert result.status == PASSED, _failures(result)
    row = Submission("learner", GRADED, results={task_id: result})
    assert row.points(task_id) == POINTS_PER_TASK
