"""The course gradebook in the forms LMSs import, and as a plain long table.

- **Canvas** (Grades, Import): the columns Canvas's own gradebook export has and
  its import reads, ``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``,
  ``Section``, then one column per assignment, and a second row, ``Points
  Possible``, with each assignment's points. Canvas matches a row on ``ID`` or the SIS
  ids, so only learners of the roster with one of them are written; the others are
  listed.
- **Moodle** (Grades, Import, CSV file): one row per learner, one column to match users
  on (``Email address``, ``Username`` or ``ID number``: the one chosen with ``match``,
  and the same one chosen on Moodle's import page), then one column per grade item,
  mapped on that page to an existing item (create it first with the chapter's
  maximum: an item Moodle creates from the file is out of 100). Moodle carries a row
  with a blank match cell over to the previous row's user, and stops the whole import
  at an id it does not know, so every row has its id, exactly as the roster gives it.
- **Long**: one row per learner, chapter, task and case, with the case's status, for
  any other system or a spreadsheet.

Every cell a spreadsheet would read as a formula is neutralised, except the ids an LMS
matches on, which must stay exactly as the LMS knows them: a learner whose id starts
like a formula is left out of that file and listed instead.
"""

from __future__ import annotations

import csv
import io

from embcourse.grading.gradebook import MISSING, CourseGradebook
from embcourse.grading.report import spreadsheet_safe


def _csv(rows: list[list[str]], exact: int = 0) -> str:
    """CSV text; the first ``exact`` cells of each data row are ids, written as they
    are (the callers leave out an id a spreadsheet would read as a formula)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for number, row in enumerate(rows):
        keep = exact if number else 0
        writer.writerow(
            [str(cell) for cell in row[:keep]]
            + [spreadsheet_safe(str(cell)) for cell in row[keep:]]
        )
    return buffer.getvalue()


def _formula_like(*cells: str) -> bool:
    return any(cell != spreadsheet_safe(cell) for cell in cells)


def assignment_name(chapter: str, template: str) -> str:
    """The LMS's name of a chapter's assignment."""
    return template.format(chapter=chapter)


def check_template(template: str) -> None:
    """A column-name template must hold ``{chapter}`` and nothing else in braces."""
    try:
        names = {template.format(chapter=c) for c in ("01", "02")}
    except (KeyError, IndexError, ValueError):
        names = set()
    if len(names) != 2:
        raise SystemExit(
            f"error: --assignment {template!r} must contain {{chapter}} (and no other "
            "braces), so that every chapter gets its own column, e.g. "
            "'Token Embeddings chapter {chapter}'."
        )


def canvas(book: CourseGradebook, template: str) -> tuple[str, dict[str, str]]:
    """Canvas's import CSV, and the learners it cannot hold, with why."""
    header = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
    names = [assignment_name(chapter, template) for chapter in book.chapters]
    rows = [
        header + names,
        ["Points Possible", "", "", "", ""]
        + [f"{book.maxima[chapter]:g}" for chapter in book.chapters],
    ]
    left_out = {}
    for row in book.rows:
        profile = row.profile
        ids = [profile.get(key, "") for key in ("canvas_id", "sis_user_id")]
        ids.append(profile.get("sis_login_id", ""))
        if not any(ids):
            left_out[row.learner] = "no canvas_id, sis_user_id or sis_login_id"
            continue
        if _formula_like(*ids):
            left_out[row.learner] = "an id starts like a spreadsheet formula"
            continue
        rows.append(
            [profile.get("name") or row.learner, *ids, profile.get("section", "")]
            + [f"{row.chapters[chapter].penalised:g}" for chapter in book.chapters]
        )
    return _csv(rows, exact=4), left_out


MOODLE_MATCH = {
    "email": "Email address",
    "username": "Username",
    "id_number": "ID number",
}


def moodle(
    book: CourseGradebook, template: str, match: str = "email"
) -> tuple[str, dict[str, str]]:
    """Moodle's grade-import CSV, matching users on one roster field, and the
    learners it cannot hold, with why."""
    names = [assignment_name(chapter, template) for chapter in book.chapters]
    rows = [[MOODLE_MATCH[match], *names]]
    left_out = {}
    for row in book.rows:
        user = row.profile.get(match, "")
        if not user:
            left_out[row.learner] = f"no {match} in the roster"
            continue
        if _formula_like(user):
            left_out[row.learner] = f"its {match} starts like a spreadsheet formula"
            continue
        rows.append([user] + [f"{row.chapters[c].penalised:g}" for c in book.chapters])
    return _csv(rows, exact=1), left_out


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
        for row in book.rows:
            entry = record["learners"].get(row.learner)
            if entry is None:  # in the roster, no submission for this chapter
                rows.append([row.learner, chapter, "", "0", "", "", MISSING, ""])
                continue
            for task_id in record["tasks"]:
                for case in entry["cases"].get(task_id, []) or [{}]:
                    rows.append(
                        [
                            row.learner,
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
