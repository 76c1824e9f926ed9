"""The course gradebook in the forms LMSs import, and as a plain long table.

- **Canvas** (Grades, Import): the columns Canvas's own gradebook export has and
  its import reads, ``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``,
  ``Section``, then one column per assignment, and a second row, ``Points
  Possible``, with each assignment's points. Canvas matches a row on ``ID`` or the SIS
  ids, so only learners of the roster with one of them are written; the others are
  listed.
- **Moodle** (Grades, Import, CSV file): one row per learner, a column to match users on
  (``Email address``, ``Username`` or ``ID number``, chosen on Moodle's import page),
  then one column per grade item, mapped on that page to a new or existing item.
- **Long**: one row per learner, chapter, task and case, with the case's status, for
  any other system or a spreadsheet.

Every cell a spreadsheet would read as a formula is neutralised.
"""

from __future__ import annotations

import csv
import io

from embcourse.grading.gradebook import CourseGradebook
from embcourse.grading.report import spreadsheet_safe


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for row in rows:
        writer.writerow([spreadsheet_safe(str(cell)) for cell in row])
    return buffer.getvalue()


def assignment_name(chapter: str, template: str) -> str:
    """The LMS's name of a chapter's assignment."""
    return template.format(chapter=chapter)


def canvas(book: CourseGradebook, template: str) -> tuple[str, list[str]]:
    """Canvas's import CSV, and the learners it cannot hold (no Canvas or SIS id)."""
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    names = [assignment_name(chapter, template) for chapter in book.chapters]
    rows = [
        header + names,
        ["Points Possible", "", "", "", ""]
        + [f"{book.maxima[chapter]:g}" for chapter in book.chapters],
    ]
    left_out = []
    for row in book.rows:
        profile = row.profile
        if not (profile.get("canvas_id") or profile.get("sis_user_id")):
            left_out.append(row.learner)
            continue
        rows.append(
            [
                profile.get("name") or row.learner,
                profile.get("canvas_id", ""),
                profile.get("sis_user_id", ""),
                profile.get("sis_login_id", ""),
                profile.get("section", ""),
            ]
            + [f"{row.chapters[chapter].penalised:g}" for chapter in book.chapters]
        )
    return _csv(rows), left_out


def moodle(book: CourseGradebook, template: str) -> tuple[str, list[str]]:
    """Moodle's grade-import CSV, and the learners it cannot hold (no email,
    username or ID number)."""
    names = [assignment_name(chapter, template) for chapter in book.chapters]
    rows = [["Email address", "Username", "ID number", *names]]
    left_out = []
    for row in book.rows:
        profile = row.profile
        ids = [profile.get(key, "") for key in ("email", "username", "id_number")]
        if not any(ids):
            left_out.append(row.learner)
            continue
        rows.append(
            ids + [f"{row.chapters[chapter].penalised:g}" for chapter in book.chapters]
        )
    return _csv(rows), left_out


def course_table(book: CourseGradebook) -> str:
    """The course gradebook itself: per chapter raw and penalised points, days late
    and status, then the totals."""
    header = ["learner", "in roster"]
    for chapter in book.chapters:
        header += [
            f"{chapter} raw",
            f"{chapter} points",
            f"{chapter} days late",
            f"{chapter} status",
            f"{chapter} reason",
        ]
    header += ["raw total", "total", "maximum"]
    rows = [header]
    maximum = sum(book.maxima.values())
    for row in book.rows:
        cells = [row.learner, "yes" if row.in_roster else "no"]
        for chapter in book.chapters:
            score = row.chapters[chapter]
            late = (
                f"late by {score.days_late} day(s), time from the {score.time_source}"
            )
            reason = "; ".join(
                part for part in (score.reason, late if score.days_late else "") if part
            )
            cells += [
                f"{score.raw:g}",
                f"{score.penalised:g}",
                str(score.days_late),
                score.status,
                reason,
            ]
        cells += [f"{row.raw_total:g}", f"{row.total:g}", f"{maximum:g}"]
        rows.append(cells)
    return _csv(rows)


def long_table(book: CourseGradebook) -> str:
    """One row per learner, chapter, task and case."""
    rows = [
        [
            "learner",
            "chapter",
            "task",
            "task points",
            "case",
            "hidden",
            "status",
            "problem",
        ]
    ]
    for chapter in book.chapters:
        record = book.records[chapter]
        for learner, entry in record["learners"].items():
            for task_id in record["tasks"]:
                for case in entry["cases"].get(task_id, []) or [{}]:
                    rows.append(
                        [
                            learner,
                            chapter,
                            task_id,
                            f"{entry['points'][task_id]:g}",
                            case.get("name", ""),
                            "yes" if case.get("hidden") else "no" if case else "",
                            case.get("status", entry["status"]),
                            case.get("detail", ""),
                        ]
                    )
    return _csv(rows)
