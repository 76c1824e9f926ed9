"""How the suite shares two cores (pytest-xdist, with the scheduler below).

Every test item belongs to a group, and a group runs whole, in order, on one worker:

- a notebook's cells are one group (they share one kernel, in order);
- a test module is one group (its module fixtures are built once);
- modules that share something only one of them may touch at a time are one group:
  the grader's tests (its job folders in /tmp, the decoy folder and the process table
  that test_grade.py inspects before and after grading) and the tests of the built
  site (one build, ``_build/html``, per worker that builds it);
- chapters 3, 6 and 8 (book notebooks) are one group, in that order, so that 6 and 8
  load the gensim models chapter 3 keeps (embcourse.saved_models) instead of training
  them again beside it.

Groups are handed out longest first (a chapter's stored ``run_seconds``; for test
modules the rough seconds below, measured on a 2-core machine), so that the long ones
do not queue behind the short ones at the end. Each worker's kernels and torch get one
thread (``limit_threads``): two workers are the parallelism, and two multi-threaded
kernels on two cores slow each other down many times over.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: Modules that must share a worker, by group name.
SHARED = {
    "grader": ("tests/test_grade.py", "tests/test_sandbox.py"),
    "site": (
        "tests/test_site.py",
        "tests/test_pdf.py",
        "tests/test_explorer.py",
        "tests/test_book.py",
    ),
    "word2vec": (
        "book/03_cbow_skipgram.ipynb",
        "book/06_glove.ipynb",
        "book/08_lm_embeddings.ipynb",
    ),
}
#: Rough seconds of the slow test modules (--durations on 2 cores), for the order only.
MODULE_SECONDS = {
    "tests/test_grade.py": 150,
    "tests/test_sandbox.py": 20,
    "tests/test_site.py": 55,
    "tests/test_pdf.py": 20,
    "tests/test_explorer.py": 10,
    "tests/test_chapter3_fast.py": 30,
    "tests/test_run_anywhere.py": 20,
}
#: Thread settings read by OpenBLAS, OpenMP (torch), MKL and numexpr at start-up.
THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
)


def workers() -> int:
    """How many xdist workers this run has (1 without xdist)."""
    return int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1") or 1)


def limit_threads() -> None:
    """One thread for everything this worker and its kernels start, when workers share
    the cores. (Only the thread count: the caller's choice of kernels, such as
    OPENBLAS_CORETYPE or ATEN_CPU_CAPABILITY, is left alone.)"""
    if workers() > 1:
        for name in THREAD_VARIABLES:
            os.environ[name] = "1"
        # A chapter that fixes its own thread count (torch.set_num_threads(2) in
        # chapters 6 and 8, for outputs that do not depend on the machine's cores)
        # then shares the cores with the other worker: threads that wait asleep rather
        # than spinning cost it about 2x there instead of 3-6x.
        os.environ["OMP_WAIT_POLICY"] = "PASSIVE"


def _where(item) -> str:
    try:
        return item.path.resolve().relative_to(ROOT).as_posix()
    except ValueError:  # outside the repository (a test's own temporary files)
        return str(item.path)


def group_of(where: str) -> str:
    for name, members in SHARED.items():
        if where in members:
            return name
    return where


def seconds_of(where: str) -> float:
    """A rough length of one file's items, for ordering only."""
    if where.endswith(".ipynb"):
        path = ROOT / where
        try:
            notebook = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return 0.0
        return float(notebook.get("metadata", {}).get("embcourse", {}).get(
            "run_seconds", 5
        ))  # fmt: skip
    return float(MODULE_SECONDS.get(where, 0))


def schedule(items) -> None:
    """Order the items longest group first, keeping the order within a group (each
    worker does this, so that all collect the same order, which the scheduler keeps)."""
    groups: dict[str, list] = {}
    for item in items:
        where = _where(item)
        groups.setdefault(group_of(where), []).append((where, item))
    length = {
        name: sum(seconds_of(where) for where in {where for where, _ in members})
        for name, members in groups.items()
    }
    ordered = sorted(groups, key=lambda name: -length[name])  # stable: ties keep order

    def rank(name: str, where: str) -> int:  # a shared group's files in SHARED's order
        members = SHARED.get(name, ())
        return members.index(where) if where in members else 0

    items[:] = [
        item
        for name in ordered
        for _, item in sorted(groups[name], key=lambda pair: rank(name, pair[0]))
    ]


def scheduler(config, log):
    """xdist's scope scheduling, a scope being one of the groups above. (xdist's own
    ``--dist loadgroup`` renames items to carry their group, which pytest 9 no longer
    allows, so the group is worked out from the item's file here instead.)"""
    from xdist.scheduler import LoadScopeScheduling

    class GroupScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return group_of(nodeid.split("::", 1)[0])

    return GroupScheduling(config, log)
