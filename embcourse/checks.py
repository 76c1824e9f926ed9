"""Exercise checks: run a learner's function on cases and say what happened.

Every exercise task asks the learner to write one function. A check cell in the notebook
calls :func:`check` with the task's id and that function::

    check("01.build_vocabulary", build_vocabulary)

The check calls the function on each *case* of the task (inputs and the expected result)
and prints one block of feedback: a pass line, "not attempted yet" for an untouched
stub, or what was expected, what came back and a hint. It never raises, whatever the
learner's function does.

Cases live in JSON files, one per chapter, named by the chapter's number (``01.json``)::

    {"01.build_vocabulary": [
        {"name": "a repeated word", "args": [["b", "a", "b"]], "kwargs": {},
         "expected": {"<unk>": 0, "b": 1, "a": 2}}
    ]}

An optional ``"arrays": [0, 2]`` passes those positional arguments as NumPy float arrays
instead of nested lists, so that a function which changes an array in place is caught.

Each chapter declares its tasks in ``embcourse/cases/chNN.py`` and ships its public
cases beside them, in ``embcourse/cases/NN.json``. Hidden cases, for grading, use the
same format in another folder that learners never see: name it with the environment
variable ``EMBCOURSE_HIDDEN_CASES`` or the ``hidden_dir`` argument of
:func:`run_check`. Feedback on a hidden case never shows its inputs or its expected
value.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import math
import os
import reprlib
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

#: Environment variable naming a folder of hidden cases (same JSON format).
HIDDEN_CASES_ENV = "EMBCOURSE_HIDDEN_CASES"

PUBLIC_CASES_DIR = Path(__file__).resolve().parent / "cases"

PASSED, FAILED, NOT_ATTEMPTED = "passed", "failed", "not attempted"


# --- comparing what came back with what was expected ----------------------------------


def compare_exact(expected: Any, got: Any) -> str | None:
    """Compare JSON-like values (dicts, lists, strings, numbers) for equality.

    One rule for every task: a list may come back as a list, a tuple, a NumPy array or
    a torch tensor; a number as a Python, NumPy or 0-d torch number.

    Returns ``None`` when they match, else a sentence that says how they differ.
    """
    if isinstance(expected, dict):
        if not isinstance(got, dict):
            return f"expected a dict, got {type(got).__name__}"
        missing = [key for key in expected if key not in got]
        extra = [key for key in got if key not in expected]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"missing keys {_short(missing)}")
            if extra:
                parts.append(f"unexpected keys {_short(extra)}")
            return "; ".join(parts)
        wrong = [key for key in expected if not _values_equal(expected[key], got[key])]
        if wrong:
            key = wrong[0]
            return (
                f"{len(wrong)} value(s) differ, e.g. for key {key!r}: "
                f"expected {_short(expected[key])}, got {_short(got[key])}"
            )
        return None
    if hasattr(got, "detach"):  # a torch tensor counts as the list or number it holds
        got = got.detach().cpu().numpy()
    if isinstance(got, np.ndarray) and got.ndim == 0:
        got = got.item()
    if isinstance(expected, list):
        if isinstance(got, (tuple, np.ndarray)):
            got = list(got)
        if not isinstance(got, list):
            return f"expected a list, got {type(got).__name__}"
        if len(got) != len(expected):
            return f"expected {len(expected)} items, got {len(got)}"
        for index, (want, have) in enumerate(zip(expected, got)):
            if not _values_equal(want, have):
                return _first_difference(f"item {index}", want, have)
        return None
    number = isinstance(expected, (int, float)) and not isinstance(expected, bool)
    if number and (
        isinstance(got, (bool, str)) or not isinstance(got, (int, float, np.number))
    ):
        return f"expected a number, got {type(got).__name__}"
    return (
        None
        if _values_equal(expected, got)
        else f"expected {_short(expected)}, got {_short(got)}"
    )


def compare_int(expected: int, got: Any) -> str | None:
    """An exact whole number, as a Python or NumPy integer (not a float, not a bool)."""
    if isinstance(got, bool) or not isinstance(got, (int, np.integer)):
        return f"expected an int, got {type(got).__name__}"
    if int(got) != expected:
        sign = " (negative: an integer overflow?)" if int(got) < 0 <= expected else ""
        return f"expected {expected:,}, got {int(got):,}{sign}"
    return None


def compare_array(expected: Any, got: Any) -> str | None:
    """Compare an array-like result (numpy array, torch tensor, nested lists) with
    lists.

    Shapes must match exactly; values must match to within 1e-6.
    """
    want = np.asarray(expected, dtype=float)
    if got is None or isinstance(got, (str, bytes, dict)):
        return f"expected an array, got {type(got).__name__}"
    if hasattr(got, "detach"):  # a torch tensor
        got = got.detach().cpu().numpy()
    try:
        have = np.asarray(got, dtype=float)
    except (TypeError, ValueError):
        return (
            f"expected an array of numbers, got {type(got).__name__} that numpy "
            "cannot read as numbers"
        )
    if have.shape != want.shape:
        turned = " (transposed?)" if have.shape == want.shape[::-1] else ""
        return f"expected shape {want.shape}, got shape {have.shape}{turned}"
    for name, test in (("NaN", np.isnan), ("infinite", np.isinf)):
        found = test(have) & ~test(want)
        if found.any():
            where = tuple(int(i) for i in np.argwhere(found)[0])
            return (
                f"{int(found.sum())} entries are {name}, the first at index {where}: "
                "a division by zero, or the log of 0?"
            )
    wrong = ~np.isclose(have, want, atol=1e-6, rtol=0)
    if wrong.any():
        where = tuple(int(i) for i in np.argwhere(wrong)[0])
        return (
            f"{int(wrong.sum())} of {want.size} entries differ; the first at index "
            f"{where}: expected {want[where]:.6g}, got {have[where]:.6g}"
        )
    return None


def compare_index_lists(expected: list, got: Any) -> str | None:
    """Lists whose first items are positions (rows, columns) and the rest values: as
    :func:`compare_exact`, and the positions must be whole numbers, since a float cannot
    index an array."""
    difference = compare_exact(expected, got)
    if difference is not None:
        return difference
    for index, (want, have) in enumerate(zip(expected, _plain(got))):
        positions = _plain(have)
        wants_positions = want and all(isinstance(item, int) for item in want)
        if wants_positions and not all(
            isinstance(item, int) and not isinstance(item, bool) for item in positions
        ):
            return (
                f"item {index} holds positions, which must be whole numbers (int), "
                f"got {_short(positions)}: floats cannot index an array"
            )
    return None


def compare_negatives(expected: dict, got: Any) -> str | None:
    """Judge random negative samples by their properties, not their exact values.

    ``expected`` gives ``count`` (how many), ``exclude`` (the positive, never allowed),
    ``vocab_size``, and optionally ``shares`` (id -> expected share of the draws once
    the positive is excluded) with an absolute ``tolerance``.
    """
    if hasattr(got, "tolist"):
        got = got.tolist()
    if not isinstance(got, (list, tuple)):
        return f"expected a list of word ids, got {type(got).__name__}"
    if len(got) != expected["count"]:
        return f"expected {expected['count']} negatives, got {len(got)}"
    if not all(
        isinstance(x, (int, np.integer)) and not isinstance(x, bool) for x in got
    ):
        return "expected whole-number word ids"
    if any(not 0 <= int(x) < expected["vocab_size"] for x in got):
        return f"some ids are outside 0..{expected['vocab_size'] - 1}"
    hits = sum(int(x) == expected["exclude"] for x in got)
    if hits:
        return (
            f"the positive word {expected['exclude']} was drawn as a negative "
            f"{hits} time(s)"
        )
    for word, share in expected.get("shares", {}).items():
        seen = sum(int(x) == int(word) for x in got) / len(got)
        if abs(seen - share) > expected["tolerance"]:
            return (
                f"word {word} makes up {seen:.3f} of the draws, expected about "
                f"{share:.3f}: "
                "draw from the distribution as given"
            )
    return None


def _plain(value: Any) -> Any:
    """A tensor or array as the nested lists it holds; anything else as it is."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    return value.tolist() if isinstance(value, (np.ndarray, np.generic)) else value


def _first_difference(where: str, want: Any, have: Any) -> str:
    """Say where, inside nested lists, the first entry that differs is, and how."""
    have = _plain(have)
    if isinstance(want, list) and isinstance(have, (list, tuple)):
        if len(want) != len(have):
            return f"{where} has {len(have)} entries, expected {len(want)}"
        for index, (inner_want, inner_have) in enumerate(zip(want, have)):
            if not _values_equal(inner_want, inner_have):
                return _first_difference(f"{where}[{index}]", inner_want, inner_have)
    if (
        isinstance(want, (int, float))
        and not isinstance(want, bool)
        and isinstance(have, list)
    ):
        return (
            f"{where} should be a single number, got a list or array of "
            f"{len(have)} (a number wrapped in an array?)"
        )
    if isinstance(want, list) and not isinstance(have, (list, tuple)):
        return (
            f"{where} should be a list of {len(want)}, "
            f"got {type(have).__name__} {_short(have)}"
        )
    return f"{where} differs: expected {_short(want)}, got {_short(have)}"


def _values_equal(want: Any, have: Any) -> bool:
    """Equality for JSON-like values: numpy scalars count as Python ones, numbers match
    to within 1e-6 (so float32 arithmetic passes), tuples, NumPy arrays and torch
    tensors compare as lists, at any depth."""
    have = _plain(have)
    if isinstance(want, bool) or isinstance(have, bool):
        return type(want) is type(have) and want == have
    if isinstance(want, (int, float)) and isinstance(have, (int, float)):
        return math.isclose(want, have, rel_tol=1e-6, abs_tol=1e-6)
    if isinstance(want, list) and isinstance(have, (list, tuple)):
        return len(want) == len(have) and all(map(_values_equal, want, have))
    if isinstance(want, dict) and isinstance(have, dict):
        return compare_exact(want, have) is None
    return type(want) is type(have) and want == have


_repr = reprlib.Repr()
_repr.maxlist = _repr.maxdict = _repr.maxtuple = 8
_repr.maxstring = _repr.maxother = 80


def _short(value: Any, limit: int = 160) -> str:
    """A one-line repr, cut to ``limit`` characters; small dicts keep their order."""
    if isinstance(value, (list, tuple, dict, set)) and len(value) > 20:
        text = _repr.repr(value)  # reprlib abbreviates big containers
    else:
        text = repr(value)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# --- tasks ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Task:
    """One exercise task: the function a learner writes and how its result is judged.

    ``hint`` names the concept; ``more`` is the second, more explicit level a learner
    sees when the same case fails again. Neither contains the solution's code.
    """

    task_id: str
    compare: Callable[[Any, Any], str | None]
    hint: str
    more: str

    @property
    def function_name(self) -> str:
        """The learner's function: the part of the id after the chapter number."""
        return self.task_id.split(".", 1)[1]


TASKS: dict[str, Task] = {}


def register(
    task_id: str, compare: Callable[[Any, Any], str | None], hint: str, more: str
) -> Task:
    """Add a task to the registry and return it."""
    task = Task(task_id, compare, hint, more)
    TASKS[task_id] = task
    return task


# Each chapter declares its tasks beside its public cases, in embcourse/cases/chNN.py;
# importing a chapter's module registers them.
import embcourse.cases.ch01
import embcourse.cases.ch02
import embcourse.cases.ch03
import embcourse.cases.ch04
import embcourse.cases.ch05
import embcourse.cases.ch06
import embcourse.cases.ch07
import embcourse.cases.ch08  # noqa: F401

# --- cases ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """Inputs for one call of the learner's function and the result expected."""

    name: str
    args: list
    kwargs: dict
    expected: Any
    hidden: bool = False
    #: positions of the arguments passed as NumPy float arrays rather than nested lists,
    #: so that a function which changes an array in place is caught
    arrays: tuple[int, ...] = ()

    def call_args(self) -> list:
        """A fresh copy of the arguments, as the function receives them."""
        args = copy.deepcopy(self.args)
        for position in self.arrays:
            args[position] = np.array(args[position], dtype=float)
        return args


def load_cases(task_id: str, hidden_dir: str | os.PathLike | None = None) -> list[Case]:
    """Return the public cases of ``task_id``, then any hidden ones from ``hidden_dir``.

    ``hidden_dir`` defaults to the folder named by ``$EMBCOURSE_HIDDEN_CASES``, if set.
    """
    chapter = task_id.split(".", 1)[0]
    cases = _read_cases(PUBLIC_CASES_DIR / f"{chapter}.json", task_id, hidden=False)
    hidden_dir = (
        hidden_dir if hidden_dir is not None else os.environ.get(HIDDEN_CASES_ENV)
    )
    if hidden_dir:
        hidden_file = Path(hidden_dir) / f"{chapter}.json"
        if hidden_file.exists():
            cases += _read_cases(hidden_file, task_id, hidden=True)
    return cases


def _read_cases(path: Path, task_id: str, hidden: bool) -> list[Case]:
    try:
        table = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except json.JSONDecodeError as error:
        raise ValueError(
            f"The cases file {path} is not valid JSON ({error}). Fix or remove it."
        ) from None
    cases = []
    for number, raw in enumerate(table.get(task_id, []), start=1):
        if not isinstance(raw, dict) or "expected" not in raw:
            raise ValueError(
                f"Case {number} of {task_id} in {path} needs at least an 'expected' "
                "field."
            )
        cases.append(
            Case(
                name=str(raw.get("name", f"case {number}")),
                args=list(raw.get("args", [])),
                kwargs=dict(raw.get("kwargs", {})),
                expected=raw["expected"],
                hidden=hidden,
                arrays=tuple(int(position) for position in raw.get("arrays", [])),
            )
        )
    return cases


# --- running a check ------------------------------------------------------------------


@dataclass
class CaseOutcome:
    """What happened on one case."""

    case: Case
    status: str  # PASSED, FAILED or NOT_ATTEMPTED
    detail: str = ""
    got: str = ""  # what the learner's function returned (public cases only)


@dataclass
class CheckResult:
    """The outcome of checking one task: its status and one outcome per case."""

    task_id: str
    status: str  # PASSED, FAILED or NOT_ATTEMPTED
    outcomes: list[CaseOutcome] = field(default_factory=list)
    message: str = ""

    @property
    def passed(self) -> int:
        """How many cases passed."""
        return sum(outcome.status == PASSED for outcome in self.outcomes)

    @property
    def total(self) -> int:
        """How many cases there were."""
        return len(self.outcomes)


def run_check(
    task_id: str, function: Any, hidden_dir: str | os.PathLike | None = None
) -> CheckResult:
    """Run ``function`` on every case of ``task_id`` and return what happened.

    Never raises for anything the learner's function does; an unknown ``task_id`` is the
    course's mistake and raises ``KeyError``.
    """
    if task_id not in TASKS:
        raise KeyError(
            f"No exercise task {task_id!r}. Known tasks: {', '.join(sorted(TASKS))}."
        )
    task = TASKS[task_id]
    if function is None:
        return CheckResult(
            task_id, NOT_ATTEMPTED, message=f"{task.function_name} is None."
        )
    if not callable(function):
        return CheckResult(
            task_id,
            FAILED,
            message=(
                f"expected the function {task.function_name}, got a "
                f"{type(function).__name__}. Pass the function itself: "
                f"check({task_id!r}, {task.function_name})."
            ),
        )
    cases = load_cases(task_id, hidden_dir)
    return summarise(task_id, [_run_case(task, function, case) for case in cases])


#: Seconds one call of a learner's function may take in a check.
CASE_SECONDS = 5


class _CaseTimeout(BaseException):
    """Raised in the learner's function when it runs past :data:`CASE_SECONDS`."""


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Interrupt the code inside after ``seconds`` (main thread on Unix; else no
    limit)."""
    usable = (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
    )
    if not usable:
        yield
        return

    def expire(signum, frame):
        raise _CaseTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _same(a: Any, b: Any) -> bool:
    """Whether two case inputs are still equal (lists, dicts, numbers, arrays)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray) or hasattr(a, "detach"):
        try:
            return bool(np.array_equal(np.asarray(a), np.asarray(b)))
        except Exception:
            return False
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[key], b[key]) for key in a)
    return type(a) is type(b) and a == b


def _run_case(task: Task, function: Callable, case: Case) -> CaseOutcome:
    args, kwargs = case.call_args(), copy.deepcopy(case.kwargs)
    printed = io.StringIO()
    try:
        with _time_limit(CASE_SECONDS), contextlib.redirect_stdout(printed):
            got = function(*args, **kwargs)
    except _CaseTimeout:
        return CaseOutcome(
            case, FAILED, f"ran for more than {CASE_SECONDS} s: a loop that never ends?"
        )
    except NotImplementedError:
        return CaseOutcome(case, NOT_ATTEMPTED)
    except Exception as error:  # the learner's code failed: report, never raise
        detail = f"raised {type(error).__name__}"
        if not case.hidden:
            detail += f": {error}"
        return CaseOutcome(case, FAILED, detail)
    finally:
        if printed.getvalue():  # the learner's own prints, shown as they would be
            sys.stdout.write(printed.getvalue())
    changed = [
        str(number)
        for number, (after, before) in enumerate(zip(args, case.call_args()), 1)
        if not _same(after, before)
    ]
    changed += [key for key in case.kwargs if not _same(kwargs[key], case.kwargs[key])]
    if changed:
        return CaseOutcome(
            case,
            FAILED,
            f"it changed its input (argument {', '.join(changed)}): "
            "the caller's data must stay as it was; work on a copy",
        )
    if got is None and printed.getvalue().strip():
        return CaseOutcome(
            case,
            FAILED,
            "it printed something but returned None: did you forget `return`?",
        )
    return judge(task, case, got)


def judge(task: Task, case: Case, got: Any) -> CaseOutcome:
    """Compare what the learner's function returned on ``case`` with what was
    expected."""
    if got is None:
        return CaseOutcome(case, NOT_ATTEMPTED, "returned None")
    try:
        difference = task.compare(case.expected, got)
    except Exception as error:
        difference = f"the result could not be compared ({type(error).__name__})"
    if difference is None:
        return CaseOutcome(case, PASSED)
    if case.hidden:  # how it differs would give the expected value away
        return CaseOutcome(case, FAILED, "returned a wrong value")
    return CaseOutcome(case, FAILED, difference, got=_show(got))


def _show(value: Any, limit: int = 600) -> str:
    """The learner's value as they would read it: small arrays in full, large ones
    summed up."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    if isinstance(value, np.ndarray):
        if value.size > 64:
            return f"an array of shape {value.shape}, dtype {value.dtype}"
        text = " ".join(
            np.array2string(value, precision=6, separator=", ", threshold=64).split()
        )
        return f"{text} (shape {value.shape}, dtype {value.dtype})"
    text = _short(value, limit)
    return f"{text} ({type(value).__name__})"


def summarise(
    task_id: str, outcomes: list[CaseOutcome], message: str = ""
) -> CheckResult:
    """The task's status from its case outcomes: passed, not attempted, or failed."""
    if outcomes and all(outcome.status == NOT_ATTEMPTED for outcome in outcomes):
        status = NOT_ATTEMPTED
    elif outcomes and all(outcome.status == PASSED for outcome in outcomes):
        status = PASSED
    else:
        status = FAILED
    return CheckResult(task_id, status, outcomes, message)


def format_result(result: CheckResult, more: bool = False) -> str:
    """Turn a :class:`CheckResult` into the feedback a learner reads.

    ``more`` adds the task's second, more explicit hint.
    """
    task = TASKS[result.task_id]
    name = task.function_name
    if result.status == PASSED:
        return f"[passed] {result.task_id}: {name} passes all {result.total} cases."
    if result.status == NOT_ATTEMPTED:
        return (
            f"[not attempted yet] {result.task_id}: {name} returns None, as the stub "
            "handed out does. Write your code in the cell above (ending with "
            "`return`), run that cell, then run this check again."
        )
    if not result.outcomes:
        return f"[failed] {result.task_id}: {result.message}"
    summary = f"{name} passes {result.passed} of {result.total} cases."
    lines = [f"[failed] {result.task_id}: {summary}"]
    shown_public = False
    for outcome in result.outcomes:
        case = outcome.case
        if outcome.status == PASSED or shown_public or case.hidden:
            continue  # one public case in full is enough to act on
        lines.append(f"  case '{case.name}':")
        lines.append(f"    called:   {name}({_format_call(case)})")
        lines.append(f"    expected: {_short(case.expected)}")
        if outcome.got:  # what the function returned, at most a line of it: room to
            # act on, not to carry text out of a graded kernel
            lines.append(f"    got:      {_cut(outcome.got)}")
        lines.append(f"    problem:  {_cut(outcome.detail or 'returned None')}")
        shown_public = True
    hidden = [outcome for outcome in result.outcomes if outcome.case.hidden]
    if hidden:  # a count only: which hidden case failed, and how, would tell its input
        passed = sum(outcome.status == PASSED for outcome in hidden)
        lines.append(
            f"  hidden cases: {passed} of {len(hidden)} passed (their inputs, and how "
            "each one failed, are not shown)"
        )
    lines.append(f"  hint: {task.hint}")
    if more:
        lines.append(f"  more: {task.more}")
    else:
        lines.append("  (run the check again without changes for a more detailed hint)")
    return "\n".join(lines)


#: The most of a returned value's text, or a problem's, that feedback shows.
SHOWN_CHARACTERS = 200


def _cut(text: str) -> str:
    return (
        text if len(text) <= SHOWN_CHARACTERS else text[: SHOWN_CHARACTERS - 3] + "..."
    )


def _format_call(case: Case) -> str:
    """The call as code that reproduces it: an argument the case passes as a NumPy
    array is shown as one (``np.array([...], dtype=float)``), not as a list."""
    parts = [
        f"np.array({_short(arg)}, dtype=float)"
        if position in case.arrays
        else _short(arg)
        for position, arg in enumerate(case.args)
    ]
    parts += [f"{key}={_short(value)}" for key, value in case.kwargs.items()]
    return ", ".join(parts)


#: The last failure each task showed, to give the second hint when it comes back.
_LAST_FAILURE: dict[str, tuple] = {}


def check(task_id: str, function: Any) -> None:
    """Check the learner's ``function`` for exercise ``task_id`` and print feedback.

    Prints one pass line, "not attempted yet", or what was expected, what came back and
    a hint. When the same failure comes back on the next check of the task, the hint
    gets a second, more explicit level. Returns nothing, so a notebook cell shows only
    that feedback.
    """
    result = run_check(task_id, function)
    failure = tuple(
        (o.case.name, o.detail) for o in result.outcomes if o.status != PASSED
    )
    again = result.status == FAILED and _LAST_FAILURE.get(task_id) == failure
    _LAST_FAILURE[task_id] = failure
    print(format_result(result, more=again))
