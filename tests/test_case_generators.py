"""Fresh hidden cases from a private seed: found by search, checked against the
solutions."""

from __future__ import annotations

import importlib

import numpy as np
import pytest

from conftest import ROOT
from embcourse.checks import (
    NOT_ATTEMPTED,
    PASSED,
    TASKS,
    Case,
    _run_case,
    load_cases,
    run_check,
)
from embcourse.grade import DEFAULT_HIDDEN
from embcourse.grading import make_cases
from embcourse.grading.case_generators import GENERATORS, draw

CHAPTERS = sorted({task_id.split(".")[0] for task_id in TASKS})
MUTANTS = {
    task_id: mutants
    for chapter in CHAPTERS
    for task_id, mutants in importlib.import_module(
        f"mutants.ch{chapter}"
    ).MUTANTS.items()
}
SEARCH_DRAWS = 300


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    folder = tmp_path_factory.mktemp("private") / "cases"
    make_cases.write(make_cases.make_cases(seed=20261128, per_task=6), folder)
    return folder


def _stubs(chapter):
    return make_cases.notebook_functions(
        next((ROOT / "exercises").glob(f"{chapter}_*.ipynb"))
    )


def test_every_task_has_a_generator():
    assert sorted(GENERATORS) == sorted(TASKS)


def test_two_seeds_give_different_cases():
    first, second = make_cases.make_cases(1, 3), make_cases.make_cases(2, 3)
    assert first != second
    assert make_cases.make_cases(1, 3) == first, "the same seed gives the same cases"


@pytest.mark.parametrize("task_id", sorted(TASKS))
def test_reference_and_alternatives_pass_and_stubs_fail_generated_cases(
    task_id, generated
):
    chapter = task_id.split(".")[0]
    name = TASKS[task_id].function_name
    reference = make_cases.reference_solutions(chapter)[name]
    for function in [reference, *MUTANTS[task_id].right.values()]:
        result = run_check(task_id, function, hidden_dir=generated)
        assert result.status == PASSED, [
            (o.case.name, o.detail) for o in result.outcomes if o.status != PASSED
        ]
    hidden = [
        o
        for o in run_check(
            task_id, _stubs(chapter)[name], hidden_dir=generated
        ).outcomes
        if o.case.hidden
    ]
    assert len(hidden) == 6 and all(o.status == NOT_ATTEMPTED for o in hidden)


@pytest.mark.parametrize("task_id", sorted(TASKS))
def test_the_generator_finds_an_input_that_exposes_every_wrong_implementation(task_id):
    reference = make_cases.reference_solutions(task_id.split(".")[0])[
        TASKS[task_id].function_name
    ]
    rng = np.random.default_rng(7)
    cases = []
    for number in range(SEARCH_DRAWS):
        args, kwargs, arrays = draw(task_id, rng)
        expected = make_cases.expected_value(task_id, reference, args, kwargs)
        cases.append(
            Case(f"draw {number}", args, kwargs, expected, arrays=tuple(arrays))
        )
    for name, wrong in MUTANTS[task_id].wrong.items():
        exposed = any(
            _run_case(TASKS[task_id], wrong, case).status != PASSED for case in cases
        )
        assert exposed, f"{SEARCH_DRAWS} draws never expose '{name}'"


def test_make_cases_never_overwrites(tmp_path, capsys):
    assert make_cases.main(["--out", str(tmp_path / "cases"), "--per-task", "2"]) == 0
    before = (tmp_path / "cases" / "01.json").read_bytes()
    with pytest.raises(SystemExit, match="already holds 01.json.*nothing was written"):
        make_cases.main(["--out", str(tmp_path / "cases")])
    assert (tmp_path / "cases" / "01.json").read_bytes() == before
    chapters = len({task_id.split(".")[0] for task_id in TASKS})
    assert f"wrote {chapters} files, 2 cases per task" in capsys.readouterr().out


def test_make_cases_draws_a_private_128_bit_seed_and_rebuilds_from_it(tmp_path):
    first = tmp_path / "first"
    make_cases.main(["--out", str(first), "--per-task", "2"])
    seed_file = first / "seed.txt"
    assert oct(seed_file.stat().st_mode & 0o777) == "0o600", "the owner's only"
    seeds = {make_cases.new_seed() for _ in range(50)}
    assert len(seeds) == 50 and max(seed.bit_length() for seed in seeds) > 120
    again = tmp_path / "again"
    make_cases.main(
        ["--out", str(again), "--per-task", "2", "--seed-file", str(seed_file)]
    )
    for path in first.glob("*.json"):
        assert (again / path.name).read_bytes() == path.read_bytes()
    weak = tmp_path / "weak.txt"
    weak.write_text(f"{8675309:x}\n")
    with pytest.raises(SystemExit, match="fewer than 64 bits"):
        make_cases.main(["--out", str(tmp_path / "x"), "--seed-file", str(weak)])
    assert not (tmp_path / "x").exists(), "nothing written"
    with pytest.raises(SystemExit):  # no typed seed: argparse refuses the option
        make_cases.main(["--seed", "8675309", "--out", str(tmp_path / "y")])


def _inputs(case) -> str:
    return make_cases._inputs(case.args, case.kwargs)


def test_no_hidden_case_has_a_public_case_inputs(tmp_path):
    """A function returning the public answers must earn nothing."""
    make_cases.write(make_cases.make_cases(make_cases.new_seed(), 6), tmp_path)
    for folder in (DEFAULT_HIDDEN, tmp_path):
        for task_id in TASKS:
            cases = load_cases(task_id, folder)
            public = {_inputs(case) for case in cases if not case.hidden}
            same = [c.name for c in cases if c.hidden and _inputs(c) in public]
            assert same == [], (folder.name, task_id, same)
