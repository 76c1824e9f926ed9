"""Late rules: a deadline per chapter, a penalty per day late with a cap, extensions.

Submission times come from a file the instructor gives (an LMS export: ``learner``,
``chapter`` and ``submitted_at`` columns, ISO 8601 times with a time zone). The
submission file's modification time that the grader recorded is used only when the
instructor asks for it (``trust_file_times``): a download or a copy changes it. A
learner with no time known is not penalised, and the report lists them. Extensions
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

#: Where a submission's time came from: the instructor's --submitted-at file (an LMS
#: export), the submission file's modification time, or nowhere.
FROM_LMS_TIMES = "submission times file"
FROM_FILE_TIME = "file time"
NO_TIME = "no time known"


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
    trust_file_times: bool = False

    def __post_init__(self) -> None:
        if not (math.isfinite(self.percent_per_day) and self.percent_per_day >= 0):
            raise SystemExit(
                f"error: the penalty per day ({self.percent_per_day}) must be a "
                "number of percent, 0 or more."
            )
        if not (math.isfinite(self.cap_percent) and 0 <= self.cap_percent <= 100):
            raise SystemExit(
                f"error: the cap ({self.cap_percent}) must be a percentage from 0 to "
                "100."
            )

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
        source = FROM_LMS_TIMES
        if when is None and file_time is not None and self.trust_file_times:
            when, source = datetime.fromtimestamp(file_time, UTC), FROM_FILE_TIME
        if when is None:
            return 0, NO_TIME
        late = (when - deadline).total_seconds() - extra * 86400
        return (math.ceil(late / 86400) if late > 0 else 0), source

    def penalised(self, raw: float, days: int) -> float:
        """The score after the penalty for ``days`` days late."""
        percent = min(self.cap_percent, days * self.percent_per_day)
        return round(raw * (1 - percent / 100), 2)


def read_rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict]]:
    """The numbered rows of a CSV file that must have ``columns`` filled in, or a
    clear error that names the line."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            reader = csv.DictReader(file)
            rows = [(number, row) for number, row in enumerate(reader, 2)]
            header = reader.fieldnames or []
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise SystemExit(f"error: cannot read {path} ({error}).") from None
    missing = [column for column in columns if column not in header]
    if missing:
        raise SystemExit(
            f"error: {path} lacks the column(s) {', '.join(missing)}; it needs "
            f"{', '.join(columns)} (its header is {header})."
        )
    for number, row in rows:
        empty = [column for column in columns if not (row.get(column) or "").strip()]
        if empty:
            raise SystemExit(
                f"error: {path}, line {number}: {', '.join(empty)} is empty; fill it "
                "in or delete the line."
            )
    return rows


def read_submitted(path: Path) -> dict[tuple[str, str], datetime]:
    """Submission times from an LMS export: learner, chapter, submitted_at."""
    times = {}
    for number, row in read_rows(path, ("learner", "chapter", "submitted_at")):
        key = (row["learner"].strip(), row["chapter"].strip().zfill(2))
        if key in times:
            raise SystemExit(
                f"error: {path}, line {number}: a second time for {key[0]!r}, chapter "
                f"{key[1]}; keep the one that counts (one line per learner and "
                "chapter)."
            )
        times[key] = parse_time(row["submitted_at"], f"{path}, line {number}")
    return times


def read_extensions(path: Path) -> dict[tuple[str, str], float]:
    """Extensions: learner, chapter (or *), days (a number, 0 or more)."""
    extensions = {}
    for number, row in read_rows(path, ("learner", "chapter", "days")):
        chapter = row["chapter"].strip()
        try:
            days = float(row["days"])
        except ValueError:
            days = math.nan
        if not (math.isfinite(days) and days >= 0):
            raise SystemExit(
                f"error: {path}, line {number}: days {row['days']!r} must be a number, "
                "0 or more."
            )
        key = (row["learner"].strip(), chapter if chapter == "*" else chapter.zfill(2))
        if key in extensions:
            raise SystemExit(
                f"error: {path}, line {number}: a second extension for {key[0]!r}, "
                f"chapter {key[1]}; keep one line per learner and chapter."
            )
        extensions[key] = days
    return extensions
