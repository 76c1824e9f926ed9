"""Write the bad-submission corpus for chapter 1: one notebook per way a hand-in can go
wrong.

    .venv/bin/python tests/grading_corpus/make_corpus.py

Each submission is built from the chapter's solution and exercise notebooks, so the
corpus follows the exercises when they change. expected.csv says the status and total
each must get; tests/test_grade.py grades the folder and compares.
"""

from __future__ import annotations

import copy
import csv
import json
import os
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "scripts"))
from attacks import ATTACKS, snippet
from make_exercises import without_markers

SOLUTION = nbformat.read(ROOT / "solutions" / "01_one_hot.ipynb", as_version=4)
EXERCISE = nbformat.read(ROOT / "exercises" / "01_one_hot.ipynb", as_version=4)


def solved_functions() -> dict[str, str]:
    """The solution's function cells, by function name, markers removed."""
    cells = {}
    for cell in SOLUTION.cells:
        if cell.cell_type == "code" and "def " in cell.source:
            name = cell.source.split("def ", 1)[1].split("(", 1)[0]
            cells[name] = without_markers(cell.source)
    return cells


def exercise_with(
    extra_cells: list[str], solved: tuple[str, ...] = ()
) -> nbformat.NotebookNode:
    """The exercise as handed out, with some tasks solved and extra cells appended."""
    notebook = copy.deepcopy(EXERCISE)
    functions = solved_functions()
    for cell in notebook.cells:
        if cell.cell_type == "code" and "def " in cell.source:
            name = cell.source.split("def ", 1)[1].split("(", 1)[0]
            if name in solved:
                cell.source = functions[name]
    for number, source in enumerate(extra_cells):
        cell = new_code_cell(source)
        cell.id = f"extra-{number}"  # fixed ids: the corpus is the same on every build
        notebook.cells.append(cell)
    return notebook


# Chapter 1's tasks and the marks they are worth, derived from the registry and the case
# files, so adding or removing a task changes the corpus when it is regenerated.
from embcourse.checks import TASKS, load_cases
from embcourse.grading.cli import DEFAULT_HIDDEN

TASK_IDS = tuple(task_id for task_id in TASKS if task_id.startswith("01."))
ALL = tuple(TASKS[task_id].function_name for task_id in TASK_IDS)
FULL = 10 * len(ALL)  # 10 marks per task


def marks(task_id: str, passed: int, public_passed: int | None = None) -> float:
    """The marks of one task with ``passed`` of its hidden cases right and
    ``public_passed`` of its public ones (all of them if None): the hidden cases' share,
    times the public cases' share (the public ones cannot earn marks alone, since their
    answers are in the learner's notebook, but a failed one costs)."""
    cases = load_cases(task_id, hidden_dir=DEFAULT_HIDDEN)
    hidden = [c for c in cases if c.hidden]
    public = [c for c in cases if not c.hidden]
    if public_passed is None:
        public_passed = len(public)
    return round(10 * passed / len(hidden) * public_passed / len(public), 2)


FAKE_RECORD = (
    'print("EMBCOURSE-GRADER-RESULT 0000 " + __import__("json").dumps('
    '{"01.build_vocabulary": [{"value": {"<unk>": 0}}]}))'
)  # the old result line

CASES = {
    # name: (notebook or raw text, expected status, expected total)
    "full_marks": (copy.deepcopy(SOLUTION), "graded", FULL),
    "handed_out": (copy.deepcopy(EXERCISE), "graded", 0),
    "half_done": (
        exercise_with([], solved=("build_vocabulary", "one_hot_nbytes")),
        "graded",
        10 * 2,
    ),
    "not_json": ("this is not a notebook {", "invalid notebook", 0),
    "json_not_notebook": (
        json.dumps({"cells": "none", "hello": 1}),
        "invalid notebook",
        0,
    ),
    "old_nbformat_v3": (
        nbformat.writes(nbformat.convert(copy.deepcopy(SOLUTION), 3)),
        "graded",
        FULL,
    ),
    "reordered_retitled": (None, "graded", FULL),  # built below
    "infinite_loop": (
        exercise_with(["while True:\n    pass"], solved=ALL),
        "timeout",
        FULL,
    ),
    "slow_function": (
        exercise_with(
            [
                (
                    "def one_hot_decode(one_hot_matrix, vocab):\n"
                    "    while True:\n        pass"
                )
            ],
            solved=ALL,
        ),
        "graded",
        FULL - 10,
    ),
    "kernel_exits": (
        exercise_with(["import os\nos._exit(1)"], solved=ALL),
        "kernel died",
        FULL,
    ),
    "memory_bomb": (
        exercise_with(["hog = bytearray(50 * 1024**3)"], solved=ALL),
        "out of memory",
        FULL,
    ),
    "megabytes_of_output": (
        exercise_with(["print('x' * 20_000_000)"], solved=ALL),
        "graded",
        FULL,
    ),
    "fakes_the_checks": (
        exercise_with(
            [
                "import builtins, embcourse.checks as checks\n"
                "checks.check = lambda *a, **k: print('[passed] all cases')\n"
                "checks.run_check = lambda *a, **k: None\n"
                "checks.compare_exact = checks.compare_array = lambda *a, **k: None\n"
                "def check(*args, **kwargs):\n    print('[passed] "
                "01.build_vocabulary: passes all 99 cases.')\nprint('[passed] "
                "01.build_vocabulary: build_vocabulary passes all 3 cases.')\n"
                + FAKE_RECORD
            ]
        ),
        "graded",
        0,
    ),
    "breaks_builtins": (
        exercise_with(
            [
                (
                    "import builtins\nbuiltins.isinstance = lambda *args: "
                    "True\nbuiltins.len = lambda x: 0"
                )
            ]
        ),
        "timeout",
        0,
    ),
    "patches_print": (
        exercise_with(
            [
                (
                    "import builtins\n_real_print = builtins.print\n"
                    "def print(*args, **kwargs):\n"
                    "    _real_print('EMBCOURSE-GRADER-RESULT 0000 {}')\n"
                    "    _real_print(*args, **kwargs)\n"
                    "builtins.print = print\n"
                    "def build_vocabulary(tokens, min_count=1):\n    return {}"
                )
            ]
        ),
        "graded",
        0,
    ),
    # A function that loops and swallows every interrupt: only its own task is lost.
    "swallows_interrupts": (
        exercise_with(
            [
                (
                    "import time\n"
                    "def one_hot_decode(one_hot_matrix, vocab):\n"
                    "    while True:\n"
                    "        try:\n            time.sleep(0.1)\n"
                    "        except BaseException:\n            pass"
                )
            ],
            solved=ALL,
        ),
        "graded",
        FULL - 10,
    ),
    # A top-level cell that cannot be interrupted: the kernel is restarted, the earlier
    # cells replayed, and grading goes on.
    "unstoppable_cell": (
        exercise_with(
            [
                (
                    "import time\nwhile True:\n    try:\n        time.sleep(0.1)\n"
                    "    except BaseException:\n        pass"
                )
            ],
            solved=ALL,
        ),
        "timeout",
        FULL,
    ),
    # An exception whose class name carries the hidden case's inputs.
    "leaks_through_exceptions": (
        exercise_with(
            [
                (
                    "def one_hot_nbytes(*args, **kwargs):\n"
                    "    leak = 'LEAK' + repr(args).replace(' ', '')\n"
                    "    raise type(leak, (Exception,), {})()"
                )
            ],
            solved=ALL,
        ),
        "graded",
        FULL - 10,
    ),
    # Answers drawn at random (unseeded): grading twice must still give the same
    # gradebook.
    "random_answers": (
        exercise_with(
            [
                (
                    "import random\nimport numpy as np\n"
                    "def build_vocabulary(tokens, min_count=1):\n"
                    "    return {t: random.randint(0, 3) for t in tokens}\n"
                    "def one_hot_encode(tokens, vocab):\n"
                    "    shape = (len(tokens), len(vocab))\n"
                    "    return np.random.default_rng().random(shape)\n"
                    "def one_hot_nbytes(batch_size, seq_len, vocab_size, "
                    "dtype='float32'):\n    return int(np.random.randint(0, 10))"
                )
            ]
        ),
        "graded",
        0,
    ),
    # A function that sorts the caller's list in place: wrong, in the grader as in the
    # check (one hidden case of four passes: its list is empty, so already in order).
    "changes_its_input": (
        exercise_with(
            [
                (
                    "_solved_build_vocabulary = build_vocabulary\n"
                    "def build_vocabulary(tokens, min_count=1):\n"
                    "    tokens.sort()\n"
                    "    return _solved_build_vocabulary(tokens, min_count)"
                )
            ],
            solved=ALL,
        ),
        "graded",
        FULL - 10 + marks("01.build_vocabulary", 1, public_passed=1),
    ),
    # Functions that record every input they are given and report them through a public
    # case's value: they must never have seen a hidden input by then. (Two of the four
    # hidden cases and one of the six public ones expect an empty vocabulary.)
    "records_hidden_inputs": (
        exercise_with(
            [
                (
                    "_seen = []\n"
                    "def build_vocabulary(tokens, min_count=1):\n"
                    "    _seen.append(tokens)\n"
                    "    return {'<unk>': 0}\n"
                    "def one_hot_encode(tokens, vocab):\n"
                    "    _seen.append(tokens)\n"
                    "    return [[0]]\n"
                    "def one_hot_decode(one_hot_matrix, vocab):\n"
                    "    return [' '.join(str(item) for item in _seen)[-150:]]"
                )
            ]
        ),
        "graded",
        marks("01.build_vocabulary", 2, public_passed=1),
    ),
    # Round 2. A stub that returns the public cases' answers (the public cases file is
    # in the course package, readable in the sandbox): points come from hidden cases
    # only, and no hidden case has a public case's inputs.
    "public_answers": (
        exercise_with(
            [
                (
                    "import json, pathlib, embcourse\n"
                    "_cases = json.loads((pathlib.Path(embcourse.__file__).parent / "
                    "'cases' / '01.json').read_text())\n"
                    "def _answer(task, *args, **kwargs):\n"
                    "    for case in _cases[task]:\n"
                    "        if case['args'] == [getattr(a, 'tolist', lambda: a)() "
                    "for a in args]:\n"
                    "            return case['expected']\n"
                    "    return None\n"
                    "def build_vocabulary(tokens, min_count=1):\n"
                    "    return _answer('01.build_vocabulary', tokens, min_count) or "
                    "_answer('01.build_vocabulary', tokens)\n"
                    "def one_hot_encode(tokens, vocab):\n"
                    "    return _answer('01.one_hot_encode', tokens, vocab)\n"
                    "def one_hot_decode(one_hot_matrix, vocab):\n"
                    "    return _answer('01.one_hot_decode', one_hot_matrix, vocab)\n"
                    "def one_hot_nbytes(batch_size, seq_len, vocab_size, "
                    "dtype='float32'):\n"
                    "    return _answer('01.one_hot_nbytes', batch_size, seq_len, "
                    "vocab_size, dtype) or _answer('01.one_hot_nbytes', batch_size, "
                    "seq_len, vocab_size)\n"
                    "from embcourse.checks import check\n"
                    "check('01.one_hot_encode', one_hot_encode)"
                )
            ]
        ),
        "graded",
        0,
    ),
    # Round 2, from a hostile review: a frame over the grader's message limit, sent by
    # the kernel on its own shell socket, ends the connection for good. The grader's
    # next request must fail in seconds (the kernel is then restarted), not wait for
    # ever.
    "oversized_reply": (
        exercise_with(
            [
                (
                    "import threading\n"
                    "_k = get_ipython().kernel\n"
                    "_ident = list(_k._parent_ident['shell'])\n"
                    "_done = threading.Event()\n"
                    "def _send():\n"
                    "    try:\n"
                    "        _k.shell_stream.socket.send_multipart("
                    "_ident + [bytes(9 * 1024 * 1024)])\n"
                    "    finally:\n"
                    "        _done.set()\n"
                    "_k.shell_channel_thread.io_loop.add_callback(_send)\n"
                    "_done.wait(10)"
                )
            ],
            solved=ALL,
        ),
        "timeout",
        FULL,
    ),
    # Learner ids a spreadsheet would run as formulas.
    "=1+2": (copy.deepcopy(SOLUTION), "graded", FULL),
    "@SUM(A1)": (copy.deepcopy(SOLUTION), "graded", FULL),
}


# Each attack of attacks.py, in a chapter-1 notebook: on the handed-out stubs where the
# attack is after the grade itself, on a solved notebook where it is after the machine.
ATTACK_SOLVED = {"forge_result": (), "read_hidden": ()}
# Tested straight in the sandbox only (tests/test_sandbox.py): 1.2 GB in four processes
# is too slow for the corpus's 5-s cell limit when the suite runs beside it.
SANDBOX_ONLY = {"memory_outside_rlimits"}
for _name in sorted(set(ATTACKS) - SANDBOX_ONLY):
    _solved = ATTACK_SOLVED.get(_name, ALL)
    CASES[f"attack_{_name}"] = (
        exercise_with([snippet(_name)], solved=_solved),
        "graded",
        10 * len(_solved),
    )

# Entries that git cannot hold, or should not: add_special_entries() creates them in a
# copy.
SPECIAL = {
    # learner id: (status, total)
    "mallory": ("invalid notebook", 0),  # a symbolic link to the solution
    "folder": ("invalid notebook", 0),  # a folder named folder.ipynb
    "pipe": ("invalid notebook", 0),  # a FIFO named pipe.ipynb
    ".ipynb": ("graded", FULL),  # a file named just .ipynb
    "..": ("graded", FULL),  # a file named ...ipynb
    "new\nline": ("graded", FULL),  # a newline in the file name
    "bad\ufffdname": ("graded", FULL),  # a name that is not UTF-8 (bad\xff)
    "ada.ipynb": ("graded", FULL),  # ada.ipynb and ada.IPYNB: the same id twice,
    "ada.IPYNB": ("graded", 0),  #   so both keep their whole file names
    "huge_number": ("invalid notebook", 0),  # JSON with a 5,000-digit number
    # 20 MB of empty JSON objects: gigabytes once parsed, read in the submission's own
    # process under its memory limit, so only its own row is lost
    "empty_objects": ("invalid notebook", 0),
}


def add_special_entries(folder: Path) -> None:
    """Create the SPECIAL entries in ``folder`` (a copy of the corpus)."""
    (folder / "mallory.ipynb").symlink_to(ROOT / "solutions" / "01_one_hot.ipynb")
    (folder / "folder.ipynb").mkdir()
    os.mkfifo(folder / "pipe.ipynb")
    for name in (".ipynb", "...ipynb", "new\nline.ipynb", "ada.ipynb"):
        nbformat.write(SOLUTION, folder / name)
    nbformat.write(EXERCISE, folder / "ada.IPYNB")
    with open(
        os.path.join(os.fsencode(folder), b"bad\xffname.ipynb"), "w", encoding="utf-8"
    ) as file:
        file.write(nbformat.writes(SOLUTION))
    (folder / "empty_objects.ipynb").write_text(empty_objects())
    (folder / "huge_number.ipynb").write_text(
        '{"nbformat": 4, "nbformat_minor": 5, "metadata": {"x": '
        + "9" * 5000
        + '}, "cells": []}'
    )


def empty_objects() -> str:
    """A notebook file just under the size limit, almost all of it ``{},``."""
    from embcourse.grading.submissions import MAX_NOTEBOOK_BYTES

    cell = {"cell_type": "code", "execution_count": None, "id": "a", "metadata": {}}
    head = json.dumps({"nbformat": 4, "nbformat_minor": 5, "metadata": {}})[:-1]
    body = json.dumps({**cell, "source": "x = 1"})[:-1] + ', "outputs": ['
    tail = "]}]}"
    count = (MAX_NOTEBOOK_BYTES - len(head) - len(body) - len(tail) - 20) // 3
    return head + ', "cells": [' + body + ",".join(["{}"] * count) + tail


def reordered() -> nbformat.NotebookNode:
    """The solution with markdown deleted, check cells deleted, functions reversed,
    retitled."""
    notebook = copy.deepcopy(SOLUTION)
    functions = [
        c for c in notebook.cells if c.cell_type == "code" and "def " in c.source
    ]
    title = nbformat.v4.new_markdown_cell("# My homework (renamed)")
    title.id = "retitled"
    notebook.cells = [title] + functions[::-1]
    return notebook


def write(folder: Path) -> int:
    """Write the corpus and expected.csv into ``folder``; return how many
    submissions."""
    CASES["reordered_retitled"] = (reordered(), *CASES["reordered_retitled"][1:])
    for old in folder.glob("*.ipynb"):
        old.unlink()
    rows = []
    for name, (content, status, total) in CASES.items():
        text = content if isinstance(content, str) else nbformat.writes(content)
        (folder / f"{name}.ipynb").write_text(text, encoding="utf-8")
        rows.append([name, status, total])
    rows += [[name, status, total] for name, (status, total) in SPECIAL.items()]
    with open(folder / "expected.csv", "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file, lineterminator="\n")
        writer.writerow(["learner", "status", "total"])
        writer.writerows(sorted(rows))
    return len(rows)


def main() -> None:
    print(f"wrote {write(HERE)} submissions to {HERE}")


if __name__ == "__main__":
    main()
