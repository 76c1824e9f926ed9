"""Grading a cohort in slices: which submissions belong to shard K of N, and joining
the slices' records into the one a single run would have written.

    python -m embcourse.grade 01 submissions/ --shard 2/3 --out shard2/grades.csv
    python -m embcourse.grading.course merge shard*/grades.details.json --out grades.csv

A submission's shard depends only on its learner id (a hash of the id's feedback file
name, lower-cased), never on which machine runs the slice or what else the folder
holds; ids whose feedback files could collide (``ada`` and ``ADA``) land in the same
shard, and a slice names every feedback file with its id's hash, so that the slices'
feedback folders can be copied into one without a name taken twice.
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
    """One details record from the slices' records: slices 1 to N of one grading, each
    once (the same chapter, tasks, folder and hidden cases), whose learners together are
    the folder's."""
    if not records:
        raise SystemExit("error: nothing to merge: pass the slices' details files.")
    first = records[0]
    grading = first.get("grading", {})
    n = grading.get("shard", [1, 1])[1]
    merged = {key: value for key, value in first.items() if key != "learners"}
    learners: dict = {}
    slices = []
    for number, record in enumerate(records, 1):
        for key in ("version", "chapter", "tasks", "points_per_task"):
            if record.get(key) != first.get(key):
                raise SystemExit(
                    f"error: slice {number} differs from slice 1 in {key!r} "
                    f"({record.get(key)!r} against {first.get(key)!r}): merge only "
                    "slices of one grading of one chapter."
                )
        theirs = record.get("grading", {})
        for key in ("folder", "hidden", "per_learner"):
            if theirs.get(key) != grading.get(key):
                raise SystemExit(
                    f"error: slice {number} was graded {_what[key]} than slice 1: "
                    "merge only slices of one grading (the same folder, the same "
                    "hidden cases); grade the odd one again."
                )
        k, theirs_n = theirs.get("shard", [1, 1])
        if theirs_n != n:
            raise SystemExit(
                f"error: slice {number} is {k}/{theirs_n}, slice 1 is of {n}: the "
                "slices of one grading share one N."
            )
        slices.append(k)
        for learner, row in record["learners"].items():
            if learner in learners:
                raise SystemExit(
                    f"error: learner {learner!r} is in two slices: was a slice passed "
                    "twice? Merge each slice once."
                )
            learners[learner] = row
    missing = sorted(set(range(1, n + 1)) - set(slices))
    if missing or len(slices) != n:
        raise SystemExit(
            f"error: the slices given are {sorted(slices)} of {n}; merge needs each of "
            f"1 to {n} once (missing: {missing or 'none'}; repeated: "
            f"{sorted({k for k in slices if slices.count(k) > 1}) or 'none'})."
        )
    folder = grading.get("folder")
    if folder is not None and sorted(learners) != sorted(folder):
        lost = sorted(set(folder) - set(learners))[:5]
        raise SystemExit(
            f"error: the slices hold {len(learners)} learners, the folder had "
            f"{len(folder)} (missing, for example: {lost}). Was a slice graded on "
            "another copy of the folder?"
        )
    merged["grading"] = dict(grading, shard=[1, 1])
    merged["learners"] = {learner: learners[learner] for learner in sorted(learners)}
    return merged


_what = {
    "folder": "on another folder of submissions",
    "hidden": "with other hidden cases",
    "per_learner": "with another course secret",
}


def is_slice(record: dict) -> bool:
    """Whether a details record is one slice of several, not yet merged."""
    return record.get("grading", {}).get("shard", [1, 1])[1] > 1
