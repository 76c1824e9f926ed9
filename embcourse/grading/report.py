"""The gradebook (one CSV row per learner) and one Markdown feedback file per learner.

Learner ids come from file names the learners chose, so both outputs treat them as
hostile: every CSV cell that a spreadsheet would read as a formula is neutralised, and
feedback file names are derived from the id so that they always land inside the
feedback folder.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import tempfile
from pathlib import Path

from embcourse.checks import format_result
from embcourse.grading.outcome import POINTS_PER_TASK, Submission

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(cell: str) -> str:
    """The cell as text a spreadsheet shows rather than evaluates (OWASP's CSV
    injection rule)."""
    return "'" + cell if cell.startswith(_FORMULA_START) else cell


#: Characters of a case's problem kept in the instructor's details file.
DETAIL_CHARACTERS = 200
DETAILS_VERSION = 1


def details(
    rows: list[Submission],
    tasks: list[str],
    chapter: str,
    note: str = "",
    file_times: dict[str, float] | None = None,
    grading: dict | None = None,
) -> dict:
    """Everything the gradebook says, and per case what happened: the instructor's
    record of one grading run, from which the gradebook, the course gradebook, the LMS
    exports, the late rules and the class analytics are all computed.

    It names the hidden cases and their problems, so it is for the instructor only
    (never handed to learners, unlike the feedback). ``file_times`` are the submission
    files' modification times (seconds since the epoch), kept for the late rules.
    ``grading`` says how the run was made: its slice (``shard``: [K, N]), every learner
    id in the folder (``folder``), which hidden cases (``hidden``: a hash of the shared
    file, and a fingerprint of the course secret for per-learner cases), so that slices
    are merged only with their own kind.
    """
    file_times = file_times or {}
    learners = {}
    for row in sorted(rows, key=lambda r: r.learner):
        cases = {}
        for task_id in tasks:
            result = row.results.get(task_id)
            cases[task_id] = [
                {
                    "name": outcome.case.name,
                    "hidden": outcome.case.hidden,
                    "status": outcome.status,
                    "detail": outcome.detail[:DETAIL_CHARACTERS],
                }
                for outcome in (result.outcomes if result else [])
            ]
        learners[row.learner] = {
            "status": row.status,
            "reason": "; ".join(part for part in (row.reason, note) if part),
            "points": {task_id: row.points(task_id) for task_id in tasks},
            "file_time": file_times.get(row.learner),
            "cases": cases,
        }
    return {
        "version": DETAILS_VERSION,
        "chapter": chapter,
        "tasks": tasks,
        "points_per_task": POINTS_PER_TASK,
        "grading": grading
        or {"shard": [1, 1], "folder": sorted(learners), "hidden": ""},
        "learners": learners,
    }


def gradebook_csv(record: dict) -> str:
    """The gradebook of a details record: one row per learner, sorted by id."""
    tasks = record["tasks"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["learner", *tasks, "total", "maximum", "status", "reason"])
    for learner in sorted(record["learners"]):
        row = record["learners"][learner]
        points = [row["points"][task_id] for task_id in tasks]
        cells = [
            learner,
            *[f"{p:g}" for p in points],
            f"{sum(points):g}",
            str(record["points_per_task"] * len(tasks)),
            row["status"],
            row["reason"],
        ]
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    return buffer.getvalue()


def write_atomically(out: Path, text: str) -> None:
    """Write ``text`` to ``out`` through a temporary file in the same folder and a
    rename, so a reader never sees half a file."""
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        os.replace(temporary, out)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def details_path(gradebook: Path) -> Path:
    """Where the details of a gradebook go: beside it, ``NAME.details.json``."""
    return gradebook.with_name(gradebook.stem + ".details.json")


def write_gradebook(
    rows: list[Submission],
    tasks: list[str],
    out: Path,
    note: str = "",
    chapter: str = "",
    file_times: dict[str, float] | None = None,
    grading: dict | None = None,
) -> dict:
    """Write the CSV and, beside it, its details (both atomically); return the
    details.

    ``note`` (for example that grading ran without the sandbox) is added to every
    row's reason.
    """
    number = chapter or tasks[0].split(".")[0]
    record = details(rows, tasks, number, note, file_times, grading)
    write_atomically(details_path(out), json.dumps(record, indent=1) + "\n")
    write_atomically(out, gradebook_csv(record))
    return record


def feedback_text(row: Submission, tasks: list[str], note: str = "") -> str:
    """The Markdown a learner reads: status, points, and each task's check output."""
    total = sum(row.points(task_id) for task_id in tasks)
    reason = "; ".join(part for part in (row.reason, note) if part)
    lines = [
        f"# Feedback for {' '.join(row.learner.split())}",
        "",
        f"Status: **{row.status}**" + (f" ({reason})" if reason else ""),
        f"Points: **{total:g} of {POINTS_PER_TASK * len(tasks)}**",
        "",
    ]
    for task_id in tasks:
        lines.append(
            f"## {task_id}: {row.points(task_id):g} of {POINTS_PER_TASK} points"
        )
        result = row.results.get(task_id)
        if result is None:
            lines.append("Not graded: the notebook did not reach the grading step.")
        elif result.message and not result.outcomes:
            lines.append(result.message)
        else:
            lines += ["```", format_result(result), "```"]
        lines.append("")
    return "\n".join(lines)


def feedback_base(learner: str) -> str:
    """A learner id as a safe file name, before collisions are resolved: anything
    but letters, digits, ``.``, ``_`` and ``-`` becomes ``_``; leading dots and dashes
    go."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", learner).lstrip(".-")[:100] or "learner"


def feedback_names(learners: list[str], always_hash: bool = False) -> dict[str, str]:
    """A distinct, safe file name (``NAME.md``) for each learner id.

    Anything but letters, digits, ``.``, ``_`` and ``-`` becomes ``_``, and leading dots
    and dashes are dropped. Where two ids would give the same name (ignoring case, as
    some file systems do), each of them gets a short hash of its id, so no learner's
    feedback can land in a file named after another.
    """
    bases = {learner: feedback_base(learner) for learner in learners}
    counts: dict[str, int] = {}
    for base in bases.values():
        counts[base.lower()] = counts.get(base.lower(), 0) + 1
    names = {}
    for learner, base in bases.items():
        if always_hash or counts[base.lower()] > 1 or base.lower() == "learner":
            digest = hashlib.sha256(
                learner.encode("utf-8", "surrogatepass")
            ).hexdigest()[:8]
            base = f"{base}-{digest}"
        names[learner] = f"{base}.md"
    # A learner may have chosen a name that another's hashed name equals ("ada-1a2b3c4d"
    # beside "ada" and "ADA"): each name used twice gets a number, in a fixed order.
    used: set[str] = set()
    for learner in sorted(names, key=lambda id_: (names[id_].lower(), id_)):
        name, number = names[learner], 1
        while name.lower() in used:
            number += 1
            name = f"{names[learner][:-3]}-{number}.md"
        used.add(name.lower())
        names[learner] = name
    return names


def write_feedback(
    rows: list[Submission],
    tasks: list[str],
    folder: Path,
    note: str = "",
    always_hash: bool = False,
) -> None:
    """Write one feedback file per learner into ``folder``, and nowhere else (with
    ``always_hash``, every name carries its id's hash, as slices of one cohort need)."""
    folder.mkdir(parents=True, exist_ok=True)
    names = feedback_names([row.learner for row in rows], always_hash)
    root = folder.resolve()
    for row in rows:
        path = root / names[row.learner]
        if (
            path.parent != root
        ):  # cannot happen with feedback_names; refuse rather than trust it
            raise ValueError(f"feedback file name {names[row.learner]!r} leaves {root}")
        path.write_text(feedback_text(row, tasks, note), encoding="utf-8")
