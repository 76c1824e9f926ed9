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


def write_gradebook(
    rows: list[Submission], tasks: list[str], out: Path, note: str = ""
) -> None:
    """Write the CSV atomically: a temporary file in the same folder, then a rename.

    ``note`` (for example that grading ran without the sandbox) is added to every
    row's reason.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["learner", *tasks, "total", "maximum", "status", "reason"])
    for row in sorted(rows, key=lambda r: r.learner):
        points = [row.points(task_id) for task_id in tasks]
        reason = "; ".join(part for part in (row.reason, note) if part)
        cells = [
            row.learner,
            *[f"{p:g}" for p in points],
            f"{sum(points):g}",
            str(POINTS_PER_TASK * len(tasks)),
            row.status,
            reason,
        ]
        writer.writerow([spreadsheet_safe(cell) for cell in cells])
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(buffer.getvalue())
        os.replace(temporary, out)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


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


def feedback_names(learners: list[str]) -> dict[str, str]:
    """A distinct, safe file name (``NAME.md``) for each learner id.

    Anything but letters, digits, ``.``, ``_`` and ``-`` becomes ``_``, and leading dots
    and dashes are dropped. Where two ids would give the same name (ignoring case, as
    some file systems do), each of them gets a short hash of its id, so no learner's
    feedback can land in a file named after another.
    """
    bases = {
        learner: re.sub(r"[^A-Za-z0-9._-]", "_", learner).lstrip(".-")[:100]
        or "learner"
        for learner in learners
    }
    counts: dict[str, int] = {}
    for base in bases.values():
        counts[base.lower()] = counts.get(base.lower(), 0) + 1
    names = {}
    for learner, base in bases.items():
        if counts[base.lower()] > 1 or base.lower() == "learner":
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
    rows: list[Submission], tasks: list[str], folder: Path, note: str = ""
) -> None:
    """Write one feedback file per learner into ``folder``, and nowhere else."""
    folder.mkdir(parents=True, exist_ok=True)
    names = feedback_names([row.learner for row in rows])
    root = folder.resolve()
    for row in rows:
        path = root / names[row.learner]
        if (
            path.parent != root
        ):  # cannot happen with feedback_names; refuse rather than trust it
            raise ValueError(f"feedback file name {names[row.learner]!r} leaves {root}")
        path.write_text(feedback_text(row, tasks, note), encoding="utf-8")
