"""Grading a cohort in slices: which submissions belong to shard K of N, and joining
the slices' records into the one a single run would have written.

    python -m embcourse.grade 01 submissions/ --shard 2/3 --out shard2/grades.csv
    python -m embcourse.grading.course merge shard*/grades.details.json --out grades.csv

A submission's shard depends only on its learner id (a hash of the id's feedback file
name, lower-cased), never on which machine runs the slice or what else the folder
holds; ids whose feedback files could collide (``ada`` and ``ADA``) land in the same
shard, so each slice names its feedback files as a whole run would.
"""

from __future__ import annotations

import hashlib

from embcourse.grading.report import feedback_base


def parse(text: str) -> tuple[int, int]:
    """``"K/N"`` as (K, N), with 1 <= K <= N; a clear error otherwise."""
    try:
        k, n = (int(part) for part in text.split("/"))
    except ValueError:
        raise SystemExit(
            f"error: --shard {text!r} is not K/N: give the slice and the number of "
            "slices, e.g. --shard 2/3 for the second of three."
        ) from None
    if not 1 <= k <= n:
        raise SystemExit(
            f"error: --shard {text}: K must be from 1 to N (here 1 to {n})."
        )
    return k, n


def shard_of(learner: str, n: int) -> int:
    """The shard (1 to n) a learner's submission belongs to."""
    key = feedback_base(learner).lower().encode("utf-8", "surrogatepass")
    return int.from_bytes(hashlib.sha256(key).digest()[:8], "big") % n + 1


def merge(records: list[dict]) -> dict:
    """One details record from the slices' records: the same chapter and tasks, no
    learner in two slices."""
    if not records:
        raise SystemExit("error: nothing to merge: pass the slices' details files.")
    first = records[0]
    merged = {key: value for key, value in first.items() if key != "learners"}
    learners: dict = {}
    for number, record in enumerate(records, 1):
        for key in ("version", "chapter", "tasks", "points_per_task"):
            if record.get(key) != first.get(key):
                raise SystemExit(
                    f"error: slice {number} differs from slice 1 in {key!r} "
                    f"({record.get(key)!r} against {first.get(key)!r}): merge only "
                    "slices of one grading of one chapter."
                )
        for learner, row in record["learners"].items():
            if learner in learners:
                raise SystemExit(
                    f"error: learner {learner!r} is in two slices: was a slice run "
                    "twice, or with different --shard N? Merge each slice once."
                )
            learners[learner] = row
    merged["learners"] = {learner: learners[learner] for learner in sorted(learners)}
    return merged
