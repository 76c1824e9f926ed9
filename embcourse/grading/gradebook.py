"""The course gradebook: every chapter's grading joined into one row per learner.

Reads the details file the grader writes beside each chapter's gradebook
(``grades.details.json``). A learner in the roster with no submission for a chapter
gets 0 and the reason; a submission whose learner is not in the roster keeps its row
and is listed. Nobody is dropped silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from embcourse.grading.late_rules import LateRules

MISSING = "no submission"


def read_details(path: Path) -> dict:
    """A details record written by the grader, or a clear error."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise SystemExit(
            f"error: cannot read {path} ({error}). Pass the NAME.details.json file "
            "the grader wrote beside each gradebook."
        ) from None
    if not isinstance(record, dict) or "learners" not in record:
        raise SystemExit(f"error: {path} is not a grader's details file.")
    return record


@dataclass
class ChapterScore:
    """One learner's result for one chapter."""

    raw: float
    penalised: float
    maximum: float
    status: str
    reason: str = ""
    days_late: int = 0
    time_source: str = ""


@dataclass
class CourseRow:
    """One learner's row of the course gradebook."""

    learner: str
    profile: dict[str, str]
    in_roster: bool
    chapters: dict[str, ChapterScore] = field(default_factory=dict)

    @property
    def total(self) -> float:
        return round(sum(score.penalised for score in self.chapters.values()), 2)

    @property
    def raw_total(self) -> float:
        return round(sum(score.raw for score in self.chapters.values()), 2)


@dataclass
class CourseGradebook:
    """All learners, all chapters, and what did not match."""

    chapters: list[str]
    maxima: dict[str, float]
    rows: list[CourseRow]
    records: dict[str, dict]
    not_in_roster: list[str] = field(default_factory=list)
    never_submitted: list[str] = field(default_factory=list)


def combine(
    records: list[dict],
    roster: dict[str, dict[str, str]] | None = None,
    rules: LateRules | None = None,
) -> CourseGradebook:
    """Join chapters' details records (one per chapter) into a course gradebook."""
    rules = rules or LateRules()
    by_chapter: dict[str, dict] = {}
    for record in records:
        chapter = record["chapter"]
        if chapter in by_chapter:
            raise SystemExit(
                f"error: two details files for chapter {chapter}; merge the slices of "
                "one chapter first ('course merge'), then pass one file per chapter."
            )
        by_chapter[chapter] = record
    chapters = sorted(by_chapter)
    maxima = {
        chapter: float(
            by_chapter[chapter]["points_per_task"] * len(by_chapter[chapter]["tasks"])
        )
        for chapter in chapters
    }
    submitted = {learner for record in records for learner in record["learners"]}
    roster = roster if roster is not None else {}
    learners = sorted(set(roster) | submitted)
    rows = []
    for learner in learners:
        row = CourseRow(learner, roster.get(learner, {}), learner in roster)
        for chapter in chapters:
            entry = by_chapter[chapter]["learners"].get(learner)
            if entry is None:
                row.chapters[chapter] = ChapterScore(
                    0.0, 0.0, maxima[chapter], MISSING, f"no submission for {chapter}"
                )
                continue
            raw = round(sum(entry["points"].values()), 2)
            days, source = rules.days_late(learner, chapter, entry.get("file_time"))
            row.chapters[chapter] = ChapterScore(
                raw,
                rules.penalised(raw, days),
                maxima[chapter],
                entry["status"],
                entry["reason"],
                days,
                source,
            )
        rows.append(row)
    return CourseGradebook(
        chapters,
        maxima,
        rows,
        by_chapter,
        not_in_roster=sorted(submitted - set(roster)) if roster else [],
        never_submitted=sorted(set(roster) - submitted),
    )
