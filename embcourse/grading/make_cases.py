"""Write a folder of fresh hidden cases from a new private seed, for grading.

    python -m embcourse.grading.make_cases --out ~/private-cases [--per-task 6]

Draws a 128-bit seed from the operating system's random source, writes it to
``FOLDER/seed.txt`` and, for every task of every chapter, draws ``--per-task`` inputs
with the task's generator (:mod:`embcourse.grading.case_generators`) and computes the
expected value with the course's reference solution (the function in
``solutions/NN_*.ipynb``). An input equal to one of the task's public cases is drawn
again. The folder gets one ``NN.json`` per chapter, in the format of
``grading/hidden/``; grade with ``python -m embcourse.grade NN SUBMISSIONS --hidden
~/private-cases``.

``--seed-file FOLDER/seed.txt`` rebuilds the same cases (into a new folder). Keep the
folder private: its seed rebuilds every case, and nothing else can (the grader's
sandbox cannot read this code or the folder, and 128 bits cannot be searched).
"""

from __future__ import annotations

import argparse
import copy
import functools
import json
import os
import secrets
import sys
from pathlib import Path

import nbformat
import numpy as np

from embcourse.checks import TASKS, compare_negatives, load_cases
from embcourse.data import repo_root
from embcourse.grading.case_generators import draw

#: Relative tolerance on the share of each id in generated draw_negatives cases.
SHARE_TOLERANCE = 0.04


def notebook_functions(path: Path) -> dict:
    """The functions the code cells of a course notebook define (check cells
    skipped)."""
    namespace: dict = {}
    for cell in nbformat.read(path, as_version=4).cells:
        if (
            cell.cell_type == "code"
            and "def " in cell.source
            and "check(" not in cell.source
        ):
            exec(compile(cell.source, str(path), "exec"), namespace)
    return namespace


@functools.cache
def reference_solutions(chapter: str) -> dict:
    """The task functions defined by ``solutions/NN_*.ipynb``, by name."""
    paths = sorted((repo_root() / "solutions").glob(f"{chapter}_*.ipynb"))
    if not paths:
        raise SystemExit(
            f"error: no solution notebook for chapter {chapter} in "
            f"{repo_root() / 'solutions'}"
        )
    return notebook_functions(paths[0])


def plain(value):
    """A JSON-ready copy: arrays and tensors become lists, tuples lists."""
    if hasattr(value, "detach"):
        value = value.detach().cpu().numpy()
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def expected_value(task_id: str, function, args: list, kwargs: dict):
    """What a correct function returns on these inputs (properties, for random
    draws)."""
    if TASKS[task_id].compare is compare_negatives:
        positive, noise, k, _ = args
        expected = {"count": k, "exclude": positive, "vocab_size": len(noise)}
        if k >= 1000:
            rest = 1 - noise[positive]
            expected["shares"] = {
                str(i): p / rest for i, p in enumerate(noise) if i != positive
            }
            expected["tolerance"] = SHARE_TOLERANCE
        return expected
    return plain(function(*copy.deepcopy(args), **copy.deepcopy(kwargs)))


def _inputs(args: list, kwargs: dict) -> str:
    """A case's inputs as one comparable text."""
    return json.dumps([plain(args), plain(kwargs)], sort_keys=True)


#: Bits of a new seed: far too many to search by trying seeds against a case.
SEED_BITS = 128


def new_seed() -> int:
    """A fresh private seed from the operating system's random source."""
    return secrets.randbits(SEED_BITS)


def read_seed(path: Path) -> int:
    """The seed in a ``seed.txt`` that make_cases wrote."""
    try:
        text = path.read_text(encoding="utf-8").strip()
        seed = int(text, 16)
    except (OSError, ValueError) as error:
        raise SystemExit(
            f"error: cannot read a seed from {path} ({error}). Pass the seed.txt "
            "that make_cases wrote into a cases folder."
        ) from None
    if seed.bit_length() <= 64:
        raise SystemExit(
            f"error: the seed in {path} has fewer than 64 bits, so it could be found "
            "by trying seeds. Make new cases without --seed-file."
        )
    return seed


def make_cases(
    seed: int, per_task: int = 6, chapters: set[str] | None = None
) -> dict[str, dict]:
    """Hidden cases for every chapter (or those in ``chapters``):
    ``{chapter: {task_id: [case, ...]}}``."""
    rng = np.random.default_rng(seed)
    tables: dict[str, dict] = {}
    for task_id in TASKS:
        chapter = task_id.split(".")[0]
        if chapters is not None and chapter not in chapters:
            continue
        solutions = reference_solutions(chapter)
        function = solutions[TASKS[task_id].function_name]
        public = {_inputs(case.args, case.kwargs) for case in load_cases(task_id)}
        cases = []
        for number in range(1, per_task + 1):
            args, kwargs, arrays = draw(task_id, rng)
            while _inputs(args, kwargs) in public:  # a public case's answer is known
                args, kwargs, arrays = draw(task_id, rng)
            case = {"name": f"generated {number}", "args": args}
            if kwargs:
                case["kwargs"] = kwargs
            if arrays:
                case["arrays"] = arrays
            case["expected"] = expected_value(task_id, function, args, kwargs)
            cases.append(case)
        tables.setdefault(chapter, {})[task_id] = cases
    return tables


def write(tables: dict[str, dict], folder: Path) -> list[Path]:
    """Write one NN.json per chapter into ``folder`` (never over existing files)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{chapter}.json" for chapter in tables]
    existing = [path.name for path in paths if path.exists()]
    if existing:
        raise SystemExit(
            f"error: {folder} already holds {', '.join(existing)}. Choose a new folder "
            "(or move those files away): nothing was written."
        )
    for path, table in zip(paths, tables.values()):
        path.write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
    return paths


def write_seed(seed: int, folder: Path) -> Path:
    """Write ``seed.txt`` (hexadecimal), readable by its owner only."""
    path = folder / "seed.txt"
    handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(f"{seed:032x}\n")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m embcourse.grading.make_cases",
        description="Write fresh hidden cases from a private seed.",
    )
    parser.add_argument(
        "--seed-file",
        type=Path,
        help="rebuild the cases of an earlier folder from its seed.txt",
    )
    parser.add_argument(
        "--out", type=Path, required=True, help="a new folder for the NN.json files"
    )
    parser.add_argument(
        "--per-task", type=int, default=6, help="cases per task (default 6)"
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.per_task < 1:
        raise SystemExit("error: --per-task must be at least 1.")
    seed = read_seed(args.seed_file) if args.seed_file else new_seed()
    names = sorted({f"{task_id.split('.')[0]}.json" for task_id in TASKS})
    existing = [name for name in [*names, "seed.txt"] if (args.out / name).exists()]
    if existing:
        raise SystemExit(
            f"error: {args.out} already holds {', '.join(existing)}. Choose a new "
            "folder (or move those files away): nothing was written."
        )
    paths = write(make_cases(seed, args.per_task), args.out)
    write_seed(seed, args.out)
    print(
        f"wrote {len(paths)} files, {args.per_task} cases per task, and the seed "
        f"(seed.txt: keep it private) to {args.out}/"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
