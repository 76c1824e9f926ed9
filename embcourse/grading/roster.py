"""The instructor's roster: which learners the course has, and their ids in the LMS.

A CSV file with a header row. One column is required, ``learner``: the learner's id as
the grader knows it, the submission's file name without ``.ipynb``. The others are
optional and used by the exports that need them: ``name`` ("Last, First", as Canvas
shows it), ``canvas_id`` (Canvas's numeric user ID), ``sis_user_id``, ``sis_login_id``,
``section``, ``email``, ``username`` and ``id_number`` (Moodle matches on one of the
last three). Other columns are ignored.
"""

from __future__ import annotations

import csv
from pathlib import Path

FIELDS = (
    "learner",
    "name",
    "canvas_id",
    "sis_user_id",
    "sis_login_id",
    "section",
    "email",
    "username",
    "id_number",
)


def read(path: Path) -> dict[str, dict[str, str]]:
    """``{learner: {field: value}}``, or a clear error that says what to fix."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            rows = list(csv.DictReader(file))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise SystemExit(
            f"error: cannot read the roster {path} ({error}). Give a UTF-8 CSV file "
            "with a header row and a 'learner' column."
        ) from None
    if not rows or "learner" not in rows[0]:
        raise SystemExit(
            f"error: the roster {path} has no 'learner' column (its header is "
            f"{list(rows[0]) if rows else 'empty'}). Name the column that holds each "
            "submission's file name without .ipynb 'learner'."
        )
    roster: dict[str, dict[str, str]] = {}
    for number, row in enumerate(rows, 2):
        learner = (row.get("learner") or "").strip()
        if not learner:
            raise SystemExit(
                f"error: line {number} of the roster {path} has no learner id; fill it "
                "in or delete the line."
            )
        if learner in roster:
            raise SystemExit(
                f"error: learner {learner!r} is in the roster {path} twice (line "
                f"{number}); keep one line per learner."
            )
        roster[learner] = {field: (row.get(field) or "").strip() for field in FIELDS}
    return roster
