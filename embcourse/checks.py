"""Exercise checks: run a learner's function on cases and say what happened.

Every exercise task asks the learner to write one function. A check cell in the notebook
calls :func:`check` with the task's id and that function::

    check("01.build_vocabulary", build_vocabulary)

The check calls the function on each *case* of the task (inputs and the expected result)
and prints one block of feedback: a pass line, "not attempted yet" for an untouched stub,
or what was expected, what came back and a hint. It never raises, whatever the learner's
function does.

Cases live in JSON files, one per chapter, named by the chapter's number (``01.json``)::

    {"01.build_vocabulary": [
        {"name": "a repeated word", "args": [["b", "a", "b"]], "kwargs": {},
         "expected": {"<unk>": 0, "b": 1, "a": 2}}
    ]}

The public cases ship in ``embcourse/cases/``. Hidden cases, for grading, use the same
format in another folder that learners never see: name it with the environment variable
``EMBCOURSE_HIDDEN_CASES`` or the ``hidden_dir`` argument of :func:`run_check`. Feedback
on a hidden case never shows its inputs or its expected value.
"""

from __future__ import annotations

import copy
import json
import math
import os
import reprlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import numpy as np

#: Environment variable naming a folder of hidden cases (same JSON format).
HIDDEN_CASES_ENV = "EMBCOURSE_HIDDEN_CASES"

PUBLIC_CASES_DIR = Path(__file__).resolve().parent / "cases"

PASSED, FAILED, NOT_ATTEMPTED = "passed", "failed", "not attempted"


# --- comparing what came back with what was expected ----------------------------------


def compare_exact(expected: Any, got: Any) -> str | None:
    """Compare JSON-like values (dicts, lists, strings, numbers) for equality.

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
            return (f"{len(wrong)} value(s) differ, e.g. for key {key!r}: "
                    f"expected {_short(expected[key])}, got {_short(got[key])}")
        return None
    if isinstance(expected, list):
        if isinstance(got, (tuple, np.ndarray)):
            got = list(got)
        if not isinstance(got, list):
            return f"expected a list, got {type(got).__name__}"
        if len(got) != len(expected):
            return f"expected {len(expected)} items, got {len(got)}"
        for index, (want, have) in enumerate(zip(expected, got)):
            if not _values_equal(want, have):
                return f"item {index} differs: expected {_short(want)}, got {_short(have)}"
        return None
    if isinstance(expected, (int, float)) and not isinstance(expected, bool):
        if isinstance(got, (bool, str)) or not isinstance(got, (int, float, np.number)):
            return f"expected a number, got {type(got).__name__}"
    return None if _values_equal(expected, got) else f"expected {_short(expected)}, got {_short(got)}"


def compare_array(expected: Any, got: Any) -> str | None:
    """Compare an array-like result (numpy array, torch tensor, nested lists) with lists.

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
        return f"expected an array of numbers, got {type(got).__name__} that numpy cannot read as numbers"
    if have.shape != want.shape:
        return f"expected shape {want.shape}, got shape {have.shape}"
    if not np.allclose(have, want, atol=1e-6, rtol=0):
        bad = int(np.sum(~np.isclose(have, want, atol=1e-6, rtol=0)))
        return f"{bad} of {want.size} entries differ"
    return None


def compare_negatives(expected: dict, got: Any) -> str | None:
    """Judge random negative samples by their properties, not their exact values.

    ``expected`` gives ``count`` (how many), ``exclude`` (the positive, never allowed),
    ``vocab_size``, and optionally ``shares`` (id -> expected share of the draws once the
    positive is excluded) with an absolute ``tolerance``.
    """
    if hasattr(got, "tolist"):
        got = got.tolist()
    if not isinstance(got, (list, tuple)):
        return f"expected a list of word ids, got {type(got).__name__}"
    if len(got) != expected["count"]:
        return f"expected {expected['count']} negatives, got {len(got)}"
    if not all(isinstance(x, (int, np.integer)) and not isinstance(x, bool) for x in got):
        return "expected whole-number word ids"
    if any(not 0 <= int(x) < expected["vocab_size"] for x in got):
        return f"some ids are outside 0..{expected['vocab_size'] - 1}"
    hits = sum(int(x) == expected["exclude"] for x in got)
    if hits:
        return f"the positive word {expected['exclude']} was drawn as a negative {hits} time(s)"
    for word, share in expected.get("shares", {}).items():
        seen = sum(int(x) == int(word) for x in got) / len(got)
        if abs(seen - share) > expected["tolerance"]:
            return (f"word {word} makes up {seen:.3f} of the draws, expected about {share:.3f}: "
                    "draw from the distribution as given")
    return None


def _values_equal(want: Any, have: Any) -> bool:
    """Equality for JSON-like values: numpy scalars count as Python ones, numbers match
    to within 1e-6 (so float32 arithmetic passes), tuples compare as lists."""
    if isinstance(have, np.generic):
        have = have.item()
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
    """One exercise task: the function a learner writes and how its result is judged."""

    task_id: str
    function_name: str
    compare: Callable[[Any, Any], str | None]
    hint: str


TASKS: dict[str, Task] = {}


def register(task_id: str, function_name: str, compare: Callable[[Any, Any], str | None], hint: str) -> Task:
    """Add a task to the registry and return it."""
    task = Task(task_id, function_name, compare, hint)
    TASKS[task_id] = task
    return task


register(
    "01.build_vocabulary", "build_vocabulary", compare_exact,
    "Put '<unk>' at id 0, drop tokens seen fewer than min_count times, then give ids "
    "1, 2, ... by count, most frequent first, ties in alphabetical order "
    "(sorted(..., key=lambda t: (-count[t], t))).",
)
register(
    "01.one_hot_encode", "one_hot_encode", compare_array,
    "Return an array of shape (len(tokens), len(vocab)) with a single 1 per row, at "
    "the token's id; a token missing from vocab gets the id of '<unk>'.",
)
register(
    "01.one_hot_decode", "one_hot_decode", compare_exact,
    "The id of each row is the column that holds its 1 (np.argmax along axis 1); "
    "turn ids back into tokens with a map from id to token.",
)
register(
    "01.one_hot_nbytes", "one_hot_nbytes", compare_exact,
    "A one-hot batch has batch_size * seq_len * vocab_size entries, each "
    "np.dtype(dtype).itemsize bytes.",
)

register(
    "02.cosine_similarity_matrix", "cosine_similarity_matrix", compare_array,
    "Divide each row by its length (np.linalg.norm(vectors, axis=1, keepdims=True)), "
    "then multiply the result by its own transpose.",
)
register(
    "02.cooccurrence_counts", "cooccurrence_counts", compare_array,
    "For each position i, look at positions j from i - window to i + window inside the "
    "same sentence, skip j == i and any token missing from vocab, and add 1 to "
    "X[vocab[sentence[i]], vocab[sentence[j]]].",
)
register(
    "02.ppmi", "ppmi", compare_array,
    "N = X.sum(); the expected count of (w, c) is row_sum[w] * col_sum[c] / N. Take the log "
    "only where X > 0 (np.log of 0 gives -inf), and clip negatives to 0.",
)
register(
    "02.svd_nearest", "svd_nearest", compare_exact,
    "U, S, _ = np.linalg.svd(M); vectors = U[:, :d] * S[:d]; normalise the rows, score "
    "every word against `word` and leave `word` itself out.",
)
register(
    "03.skipgram_pairs", "skipgram_pairs", compare_exact,
    "Two loops: i over positions, j over range(max(0, i - window), min(len(tokens), "
    "i + window + 1)), skipping j == i; append (tokens[i], tokens[j]).",
)
register(
    "03.keep_probabilities", "keep_probabilities", compare_exact,
    "threshold = sample * total count; for each word, (sqrt(count / threshold) + 1) * "
    "threshold / count, capped at 1 with min(1.0, ...).",
)
register(
    "03.draw_negatives", "draw_negatives", compare_negatives,
    "rng = np.random.default_rng(seed); draw one id at a time with rng.choice(len(noise), "
    "p=noise) and keep it only if it differs from the positive, until you have k.",
)
register(
    "03.negative_sampling_loss", "negative_sampling_loss", compare_exact,
    "log sigma(x) = -log(1 + exp(-x)) (np.logaddexp(0, -x) is the stable form); the "
    "true pair uses +u.v, each negative -u.v, and the loss is minus their sum.",
)
register(
    "03.cbow_scores", "cbow_scores", compare_exact,
    "h = the mean of input_table[context_ids] along axis 0; the score of candidate x "
    "is output_table[x] @ h. Return a list of floats.",
)
register(
    "04.cosine_similarity", "cosine_similarity", compare_exact,
    "Divide the dot product u @ v by np.linalg.norm(u) * np.linalg.norm(v), and return "
    "a float.",
)
register(
    "04.top_k_neighbours", "top_k_neighbours", compare_exact,
    "Scale every row to length 1, take its dot product with the row of `word`, sort "
    "from highest to lowest and skip `word` itself.",
)
register(
    "04.solve_analogy", "solve_analogy", compare_exact,
    "Use unit vectors for a, b and c, rank every word by cosine similarity with "
    "b - a + c, and return the best word that is not one of a, b or c.",
)
register(
    "04.spearman", "spearman", compare_exact,
    "Rank each list (1 = smallest; tied values share the mean of their ranks), then "
    "np.corrcoef of the two rank arrays.",
)
register(
    "05.embed_batch", "embed_batch", compare_array,
    "nn.Embedding.from_pretrained(torch.as_tensor(weight, dtype=torch.float32)), then call "
    "it with torch.as_tensor(ids): the result has one more axis than ids.",
)
register(
    "05.one_hot_matmul", "one_hot_matmul", compare_array,
    "F.one_hot(ids, num_classes=V).float() has shape (batch, length, V); multiplying by the "
    "(V, d) weight with @ gives (batch, length, d).",
)
register(
    "05.rows_with_gradient", "rows_with_gradient", compare_exact,
    "After backward(), table.weight.grad has one row per token id; a row is touched when "
    "any entry is non-zero (grad.abs().sum(dim=1) > 0). The padding row never is.",
)
register(
    "05.neighbours_through_table", "neighbours_through_table", compare_exact,
    "Normalise the table's rows with F.normalize(weight, dim=1), take their dot products "
    "with the normalised query row, exclude the word itself, then topk(k).",
)

# --- cases ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """Inputs for one call of the learner's function and the result expected."""

    name: str
    args: list
    kwargs: dict
    expected: Any
    hidden: bool = False


def load_cases(task_id: str, hidden_dir: str | os.PathLike | None = None) -> list[Case]:
    """Return the public cases of ``task_id``, then any hidden ones from ``hidden_dir``.

    ``hidden_dir`` defaults to the folder named by ``$EMBCOURSE_HIDDEN_CASES``, if set.
    """
    chapter = task_id.split(".", 1)[0]
    cases = _read_cases(PUBLIC_CASES_DIR / f"{chapter}.json", task_id, hidden=False)
    hidden_dir = hidden_dir if hidden_dir is not None else os.environ.get(HIDDEN_CASES_ENV)
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
        raise ValueError(f"The cases file {path} is not valid JSON ({error}). Fix or remove it.") from None
    cases = []
    for number, raw in enumerate(table.get(task_id, []), start=1):
        if not isinstance(raw, dict) or "expected" not in raw:
            raise ValueError(f"Case {number} of {task_id} in {path} needs at least an 'expected' field.")
        cases.append(Case(
            name=str(raw.get("name", f"case {number}")),
            args=list(raw.get("args", [])),
            kwargs=dict(raw.get("kwargs", {})),
            expected=raw["expected"],
            hidden=hidden,
        ))
    return cases


# --- running a check ------------------------------------------------------------------


@dataclass
class CaseOutcome:
    """What happened on one case."""

    case: Case
    status: str  # PASSED, FAILED or NOT_ATTEMPTED
    detail: str = ""


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


def run_check(task_id: str, function: Any, hidden_dir: str | os.PathLike | None = None) -> CheckResult:
    """Run ``function`` on every case of ``task_id`` and return what happened.

    Never raises for anything the learner's function does; an unknown ``task_id`` is the
    course's mistake and raises ``KeyError``.
    """
    if task_id not in TASKS:
        raise KeyError(f"No exercise task {task_id!r}. Known tasks: {', '.join(sorted(TASKS))}.")
    task = TASKS[task_id]
    if function is None:
        return CheckResult(task_id, NOT_ATTEMPTED, message=f"{task.function_name} is None.")
    if not callable(function):
        return CheckResult(task_id, FAILED, message=(
            f"expected the function {task.function_name}, got a {type(function).__name__}. "
            f"Pass the function itself: check({task_id!r}, {task.function_name})."))
    cases = load_cases(task_id, hidden_dir)
    return summarise(task_id, [_run_case(task, function, case) for case in cases])


def _run_case(task: Task, function: Callable, case: Case) -> CaseOutcome:
    try:
        got = function(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs))
    except NotImplementedError:
        return CaseOutcome(case, NOT_ATTEMPTED)
    except Exception as error:  # the learner's code failed: report, never raise
        detail = f"raised {type(error).__name__}"
        if not case.hidden:
            detail += f": {error}"
        return CaseOutcome(case, FAILED, detail)
    return judge(task, case, got)


def judge(task: Task, case: Case, got: Any) -> CaseOutcome:
    """Compare what the learner's function returned on ``case`` with what was expected."""
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
    return CaseOutcome(case, FAILED, difference)


def summarise(task_id: str, outcomes: list[CaseOutcome], message: str = "") -> CheckResult:
    """The task's status from its case outcomes: passed, not attempted, or failed."""
    if outcomes and all(outcome.status == NOT_ATTEMPTED for outcome in outcomes):
        status = NOT_ATTEMPTED
    elif outcomes and all(outcome.status == PASSED for outcome in outcomes):
        status = PASSED
    else:
        status = FAILED
    return CheckResult(task_id, status, outcomes, message)


def format_result(result: CheckResult) -> str:
    """Turn a :class:`CheckResult` into the feedback a learner reads."""
    task = TASKS[result.task_id]
    name = task.function_name
    if result.status == PASSED:
        return f"[passed] {result.task_id}: {name} passes all {result.total} cases."
    if result.status == NOT_ATTEMPTED:
        return (f"[not attempted yet] {result.task_id}: {name} still returns None. "
                "Write your code in the cell above, run that cell, then run this check again.")
    if not result.outcomes:
        return f"[failed] {result.task_id}: {result.message}"
    lines = [f"[failed] {result.task_id}: {name} passes {result.passed} of {result.total} cases."]
    shown_public = False
    for outcome in result.outcomes:
        case = outcome.case
        if outcome.status == PASSED or (shown_public and not case.hidden):
            continue  # one public case in full is enough to act on
        if case.hidden:  # its name only: never its inputs or expected value
            lines.append(f"  hidden case '{case.name}': {outcome.detail or 'returned None'}.")
            continue
        lines.append(f"  case '{case.name}':")
        lines.append(f"    called:   {name}({_format_call(case)})")
        lines.append(f"    expected: {_short(case.expected)}")
        lines.append(f"    problem:  {outcome.detail or 'returned None'}")
        shown_public = True
    lines.append(f"  hint: {task.hint}")
    return "\n".join(lines)


def _format_call(case: Case) -> str:
    parts = [_short(arg) for arg in case.args]
    parts += [f"{key}={_short(value)}" for key, value in case.kwargs.items()]
    return ", ".join(parts)


def check(task_id: str, function: Any) -> None:
    """Check the learner's ``function`` for exercise ``task_id`` and print feedback.

    Prints one pass line, "not attempted yet", or what was expected, what came back and
    a hint. Returns nothing, so a notebook cell shows only that feedback.
    """
    print(format_result(run_check(task_id, function)))
