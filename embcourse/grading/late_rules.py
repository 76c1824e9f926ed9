"""Late rules: a deadline per chapter, a penalty per day late with a cap, extensions.

Submission times come from a file the instructor gives (an LMS export: ``learner``,
``chapter`` and ``submitted_at`` columns, ISO 8601 times with a time zone), and, for a
learner missing from it, from the submission file's modification time that the grader
recorded, which the report says (file times change when files are copied). Extensions
come from a file with ``learner``, ``chapter`` (or ``*`` for every chapter) and
``days`` columns. A day late is any part of 24 hours past the deadline. The raw score is
always kept beside the penalised one.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

FROM_FILE, FROM_TIMES, NO_TIME = "submission times file", "file time", "no time known"


def parse_time(text: str, where: str) -> datetime:
    """An ISO 8601 time with a time zone, or a clear error."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise SystemExit(
            f"error: {where}: {text!r} is not an ISO 8601 time (e.g. "
            "2026-12-01T23:59:00+00:00)."
        ) from None
    if moment.tzinfo is None:
        raise SystemExit(
            f"error: {where}: {text!r} has no time zone; add one (e.g. +00:00 or Z), "
            "since a deadline without one means different moments on different "
            "machines."
        )
    return moment


@dataclass
class LateRules:
    """Deadlines per chapter and how lateness is penalised."""

    deadlines: dict[str, datetime] = field(default_factory=dict)
    percent_per_day: float = 0.0
    cap_percent: float = 100.0
    extensions: dict[tuple[str, str], float] = field(default_factory=dict)
    submitted: dict[tuple[str, str], datetime] = field(default_factory=dict)

    def days_late(
        self, learner: str, chapter: str, file_time: float | None
    ) -> tuple[int, str]:
        """Whole days late (0 if on time or no deadline) and where the time came
        from."""
        deadline = self.deadlines.get(chapter)
        if deadline is None:
            return 0, ""
        extra = self.extensions.get(
            (learner, chapter), self.extensions.get((learner, "*"), 0.0)
        )
        when = self.submitted.get((learner, chapter))
        source = FROM_FILE
        if when is None and file_time is not None:
            when, source = datetime.fromtimestamp(file_time, UTC), FROM_TIMES
        if when is None:
            return 0, NO_TIME
        late = (when - deadline).total_seconds() - extra * 86400
        return (math.ceil(late / 86400) if late > 0 else 0), source

    def penalised(self, raw: float, days: int) -> float:
        """The score after the penalty for ``days`` days late."""
        percent = min(self.cap_percent, days * self.percent_per_day)
        return round(raw * (1 - percent / 100), 2)


def read_rows(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """The rows of a CSV file that must have ``columns``, or a clear error."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            rows = list(csv.DictReader(file))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise SystemExit(f"error: cannot read {path} ({error}).") from None
    missing = [c for c in columns if rows and c not in rows[0]]
    if missing:
        raise SystemExit(
            f"error: {path} lacks the column(s) {', '.join(missing)}; it needs "
            f"{', '.join(columns)}."
        )
    return rows


def read_submitted(path: Path) -> dict[tuple[str, str], datetime]:
    """Submission times from an LMS export: learner, chapter, submitted_at."""
    times = {}
    for number, row in enumerate(
        read_rows(path, ("learner", "chapter", "submitted_at")), 2
    ):
        key = (row["learner"].strip(), row["chapter"].strip().zfill(2))
        times[key] = parse_time(row["submitted_at"], f"{path}, line {number}")
    return times


def read_extensions(path: Path) -> dict[tuple[str, str], float]:
    """Extensions: learner, chapter (or *), days."""
    extensions = {}
    for number, row in enumerate(read_rows(path, ("learner", "chapter", "days")), 2):
        chapter = row["chapter"].strip()
        try:
            days = float(row["days"])
        except ValueError:
            raise SystemExit(
                f"error: {path}, line {number}: days {row['days']!r} is not a number."
            ) from None
        key = (row["learner"].strip(), chapter if chapter == "*" else chapter.zfill(2))
        extensions[key] = days
    return extensions
