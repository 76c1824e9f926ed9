"""Unit tests for embcourse.checks: every kind of feedback a learner can get."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from embcourse import checks
from embcourse.checks import (
    FAILED,
    NOT_ATTEMPTED,
    PASSED,
    check,
    compare_array,
    compare_exact,
    format_result,
    load_cases,
    run_check,
)


def reference_vocabulary(tokens, min_count=1):
    from collections import Counter

    counts = Counter(tokens)
    kept = sorted(
        (t for t, c in counts.items() if c >= min_count and t != "<unk>"),
        key=lambda t: (-counts[t], t),
    )
    return {"<unk>": 0, **{t: i for i, t in enumerate(kept, start=1)}}


def stub(*args, **kwargs):
    # Write your code here
    pass


def test_correct_function_passes(capsys):
    result = run_check("01.build_vocabulary", reference_vocabulary)
    assert result.status == PASSED
    assert result.passed == result.total == len(load_cases("01.build_vocabulary"))
    check("01.build_vocabulary", reference_vocabulary)
    assert capsys.readouterr().out.startswith("[passed] 01.build_vocabulary")


def test_stub_is_not_attempted_and_prints_no_traceback(capsys):
    check("01.build_vocabulary", stub)
    out = capsys.readouterr().out
    assert out.startswith("[not attempted yet]")
    assert "Traceback" not in out
    assert run_check("01.one_hot_encode", None).status == NOT_ATTEMPTED


def test_not_implemented_error_counts_as_not_attempted():
    def raises(*args, **kwargs):
        raise NotImplementedError

    assert run_check("01.one_hot_nbytes", raises).status == NOT_ATTEMPTED


def test_wrong_answer_shows_call_expected_problem_and_hint():
    def forgets_unk(tokens, min_count=1):
        vocab = reference_vocabulary(tokens, min_count)
        del vocab["<unk>"]
        return vocab

    result = run_check("01.build_vocabulary", forgets_unk)
    assert result.status == FAILED and result.passed == 0
    text = format_result(result)
    assert "called:   build_vocabulary(['b', 'a', 'b'])" in text
    assert "expected: {'<unk>': 0, 'b': 1, 'a': 2}" in text
    assert "missing keys ['<unk>']" in text
    assert "hint:" in text


def test_learner_exception_is_reported_not_raised():
    def crashes(tokens, vocab):
        raise ValueError("boom")

    result = run_check("01.one_hot_encode", crashes)
    assert result.status == FAILED
    assert "raised ValueError: boom" in format_result(result)


def test_wrong_type_and_shape_give_feedback():
    assert "expected a dict, got list" in format_result(
        run_check("01.build_vocabulary", lambda tokens, min_count=1: list(tokens))
    )
    transposed = run_check(
        "01.one_hot_encode", lambda tokens, vocab: np.zeros((len(vocab), len(tokens)))
    )
    assert "expected shape (2, 3), got shape (3, 2)" in format_result(transposed)
    as_text = run_check("01.one_hot_nbytes", lambda *args, **kwargs: "800000")
    assert "expected an int, got str" in format_result(as_text)
    assert "got shape (3, 2) (transposed?)" in format_result(transposed)


def test_not_a_function(capsys):
    check("01.one_hot_decode", [1, 2, 3])
    out = capsys.readouterr().out
    assert out.startswith("[failed]") and "Pass the function itself" in out


def test_arrays_accept_lists_and_tensors_but_not_near_misses():
    expected = [[0, 1], [1, 0]]
    assert compare_array(expected, np.array(expected, dtype=np.float32)) is None
    assert compare_array(expected, torch.tensor(expected)) is None
    assert compare_array(expected, expected) is None
    assert compare_array(expected, [[0, 1], [0, 1]]) == (
        "2 of 4 entries differ; the first at index (1, 0): expected 1, got 0"
    )
    assert compare_array(expected, [[0, float("nan")], [1, 0]]).startswith(
        "1 entries are NaN, the first at index (0, 1)"
    )
    assert "expected an array" in compare_array(expected, "not an array")


def test_exact_comparison_is_strict_about_types():
    assert compare_exact(["a", "b"], ("a", "b")) is None
    assert compare_exact(3, np.int64(3)) is None
    assert compare_exact(3, True) is not None
    assert compare_exact({"a": 1}, {"a": 1.5}) is not None
    assert (
        compare_exact(0.96, 0.96000004) is None
        and compare_exact(0.96, 0.9601) is not None
    )
    assert compare_exact(["a"], ["a", "b"]) == "expected 1 items, got 2"


def test_case_inputs_are_copied_for_each_call():
    seen = []

    def mutates(tokens, min_count=1):
        seen.append(list(tokens))
        tokens.clear()
        return reference_vocabulary(seen[-1], min_count)

    result = run_check("01.build_vocabulary", mutates)
    assert (
        result.status == FAILED and "it changed its input" in result.outcomes[0].detail
    )
    assert load_cases("01.build_vocabulary")[0].args[0] == ["b", "a", "b"], (
        "cases stay intact"
    )


@pytest.fixture
def hidden_dir(tmp_path):
    (tmp_path / "01.json").write_text(
        json.dumps(
            {
                "01.build_vocabulary": [
                    {
                        "name": "secret edge case",
                        "args": [["<unk>", "zebra", "zebra"]],
                        "expected": {"<unk>": 0, "zebra": 1},
                    }
                ]
            }
        )
    )
    return tmp_path


def test_hidden_cases_are_added_and_never_shown(hidden_dir):
    def ignores_unk_token(
        tokens, min_count=1
    ):  # wrong only where the secret case looks
        vocab = reference_vocabulary(tokens, min_count)
        if "zebra" in vocab:
            vocab["zebra"] = 99
        return vocab

    public = run_check("01.build_vocabulary", ignores_unk_token)
    assert public.status == PASSED
    hidden = run_check("01.build_vocabulary", ignores_unk_token, hidden_dir=hidden_dir)
    assert hidden.status == FAILED and hidden.total == public.total + 1
    text = format_result(hidden)
    assert "hidden cases: 0 of 1 passed" in text
    assert "zebra" not in text and "secret edge case" not in text, "a count, no name"


def test_hidden_cases_from_environment(hidden_dir, monkeypatch):
    monkeypatch.setenv(checks.HIDDEN_CASES_ENV, str(hidden_dir))
    cases = load_cases("01.build_vocabulary")
    assert [case.hidden for case in cases][-1] is True
    assert run_check("01.build_vocabulary", reference_vocabulary).status == PASSED


def test_hidden_exception_message_is_not_shown(hidden_dir):
    def leaks(tokens, min_count=1):
        if "zebra" in tokens:
            raise KeyError(f"secret input {tokens}")
        return reference_vocabulary(tokens, min_count)

    text = format_result(run_check("01.build_vocabulary", leaks, hidden_dir=hidden_dir))
    assert "hidden cases: 0 of 1 passed" in text
    assert "KeyError" not in text and "zebra" not in text, "not even how it failed"


def test_broken_cases_file_says_which_file(tmp_path):
    (tmp_path / "01.json").write_text("{not json")
    with pytest.raises(ValueError, match="01.json is not valid JSON"):
        load_cases("01.build_vocabulary", hidden_dir=tmp_path)


def test_unknown_task_lists_known_ones():
    with pytest.raises(KeyError, match="01.build_vocabulary"):
        run_check("99.nothing", reference_vocabulary)


def test_every_registered_task_has_public_cases():
    for task_id in checks.TASKS:
        assert load_cases(task_id), f"{task_id} has no public cases"


def test_an_endless_loop_is_stopped_and_named(monkeypatch):
    monkeypatch.setattr(checks, "CASE_SECONDS", 0.2)

    def loops(tokens, min_count=1):
        while True:
            pass

    result = run_check("01.build_vocabulary", loops)
    assert result.status == FAILED
    assert "ran for more than 0.2 s: a loop that never ends?" in format_result(result)


def test_changing_the_input_is_named():
    def sorts_in_place(tokens, min_count=1):
        tokens.sort()
        return reference_vocabulary(tokens, min_count)

    text = format_result(run_check("01.build_vocabulary", sorts_in_place))
    assert "it changed its input (argument 1)" in text


def test_printing_instead_of_returning_is_named(capsys):
    def prints(tokens, min_count=1):
        print(reference_vocabulary(tokens, min_count))

    result = run_check("01.build_vocabulary", prints)
    assert result.status == FAILED
    assert (
        "printed something but returned None: did you forget `return`?"
        in format_result(result)
    )
    assert "'<unk>': 0" in capsys.readouterr().out, (
        "the learner's own print still shows"
    )


def test_feedback_shows_the_learners_own_value():
    text = format_result(run_check("01.one_hot_nbytes", lambda *args, **kwargs: -5))
    assert "got:      -5 (int)" in text and "(negative: an integer overflow?)" in text


def test_the_second_hint_comes_when_the_same_failure_comes_back(capsys):
    def wrong(tokens, min_count=1):
        return {"<unk>": 0}

    check("01.build_vocabulary", wrong)
    first = capsys.readouterr().out
    check("01.build_vocabulary", wrong)
    second = capsys.readouterr().out
    task = checks.TASKS["01.build_vocabulary"]
    assert (
        task.hint in first and task.more not in first and "more detailed hint" in first
    )
    assert task.more in second


def test_hints_never_hold_code():
    for task in checks.TASKS.values():
        for text in (task.hint, task.more):
            for code in (
                "np.",
                "lambda",
                "sorted(",
                "torch.",
                "F.",
                "range(",
                " = ",
                "[:,",
            ):
                assert code not in text, (task.task_id, code)


def test_nested_arrays_and_tensors_compare_as_the_lists_they_hold():
    expected = [[1.0, 2.0], 3.0]
    assert compare_exact(expected, (np.array([1.0, 2.0]), np.float64(3.0))) is None
    assert (
        compare_exact(expected, (torch.tensor([1.0, 2.0]), torch.tensor(3.0))) is None
    )


def test_a_nested_difference_names_the_entry_and_a_wrapped_number():
    problem = compare_exact([[0.5, 1.0, 2.0], 3.0], ([0.5, 1.0, 2.5], 3.0))
    assert problem == "item 0[2] differs: expected 2.0, got 2.5"
    problem = compare_exact([[0.5], 3.0], ([0.5], np.array([3.0])))
    assert "should be a single number" in problem and "wrapped in an array" in problem


def test_positions_must_be_whole_numbers():
    expected = [[0, 1], [2, 0], [0.5, 1.5]]
    assert checks.compare_index_lists(expected, ([0, 1], [2, 0], [0.5, 1.5])) is None
    assert (
        checks.compare_index_lists(
            expected, (np.array([0, 1]), np.array([2, 0]), np.array([0.5, 1.5]))
        )
        is None
    )
    problem = checks.compare_index_lists(expected, ([0.0, 1.0], [2.0, 0.0], [0.5, 1.5]))
    assert "whole numbers" in problem
    assert checks.compare_index_lists([[], [], []], ([], [], [])) is None


def test_a_case_can_pass_arrays_and_an_array_changed_in_place_is_caught(tmp_path):
    cases = tmp_path / "cases"
    cases.mkdir()
    (cases / "06.json").write_text(
        json.dumps(
            {
                "06.adagrad_step": [
                    {
                        "name": "arrays",
                        "args": [[1.0], [0.5], [1.0], 0.1],
                        "arrays": [0, 1, 2],
                        "expected": [[1.0 - 0.1 * 0.5 / 1.25**0.5], [1.25]],
                    }
                ]
            }
        )
    )

    def in_place(parameters, gradients, sums, lr):
        sums += gradients**2
        parameters -= lr * gradients / np.sqrt(sums)
        return parameters, sums

    def pure(parameters, gradients, sums, lr):
        new_sums = sums + gradients**2
        return parameters - lr * gradients / np.sqrt(new_sums), new_sums

    hidden = checks.load_cases("06.adagrad_step", hidden_dir=cases)[-1]
    assert hidden.arrays == (0, 1, 2)
    assert isinstance(hidden.call_args()[0], np.ndarray)
    result = run_check("06.adagrad_step", in_place, hidden_dir=cases)
    assert result.outcomes[-1].status == FAILED
    assert "changed its input (argument 1, 3)" in result.outcomes[-1].detail
    assert (
        run_check("06.adagrad_step", pure, hidden_dir=cases).outcomes[-1].status
        == PASSED
    )


def test_the_called_line_shows_an_array_argument_as_an_array():
    """Pasting the call reproduces the case: arguments passed as NumPy arrays are
    shown as arrays (a list would hide an in-place change or a dtype problem)."""
    from embcourse.checks import Case, _format_call

    case = Case("x", [[1, 2], [[0.5, 1.0]], 3], {"k": 2}, None, arrays=(1,))
    assert _format_call(case) == "[1, 2], np.array([[0.5, 1.0]], dtype=float), 3, k=2"
