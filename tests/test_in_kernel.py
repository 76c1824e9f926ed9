"""The code the grader sends into a learner's kernel, run here in-process: arguments a
case asks for as NumPy arrays arrive as arrays, and a function that changes them is
reported, as the notebook's own check reports it."""

from __future__ import annotations

import json

import numpy as np

from embcourse.grading.runner import IN_KERNEL_SOURCE


def grade(function, cases: list[dict]) -> list[dict]:
    namespace = {"learner_function": function}
    exec(compile(IN_KERNEL_SOURCE, "in_kernel.py", "exec"), namespace)
    payload = json.dumps([{"kwargs": {}, **case} for case in cases])
    return json.loads(
        namespace["_embcourse_grade_task"]("learner_function", payload, 5, 0)
    )


def test_arguments_named_in_arrays_arrive_as_numpy_arrays():
    seen = []
    grade(
        lambda a, b: seen.append((type(a), type(b))) or 0,
        [{"args": [[1, 2], [3, 4]], "arrays": [1]}],
    )
    assert seen == [(list, np.ndarray)]


def test_an_array_changed_in_place_is_reported():
    def in_place(values):
        values *= 2
        return values

    def pure(values):
        return values * 2

    case = {"args": [[1.0, 2.0]], "arrays": [0]}
    assert grade(in_place, [case]) == [{"error": "changed input"}]
    assert grade(pure, [case]) == [{"value": [2.0, 4.0]}]


def test_cases_without_arrays_pass_lists_as_before():
    assert grade(lambda values: type(values).__name__, [{"args": [[1, 2]]}]) == [
        {"value": "list"}
    ]
