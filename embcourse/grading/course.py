"""The instructor's tools after grading: merge slices, a course gradebook with LMS
exports and late rules, class analytics, a similarity report, feedback release.

    python -m embcourse.grading.course merge shard*/grades.details.json --out grades.csv
    python -m embcourse.grading.course gradebook ch*/grades.details.json \\
        --roster roster.csv --out course/ [--deadline 01=2026-12-01T23:59:00+00:00 ...]
        [--percent-per-day 10 --cap 50 --extensions ext.csv --submitted-at times.csv]
    python -m embcourse.grading.course analytics grades.details.json --out analytics/
    python -m embcourse.grading.course similarity 01 submissions/ --out similarity/
    python -m embcourse.grading.course release feedback/ --zip release/

Every part is its own module beside this one: shards, gradebook (with roster and
late_rules), lms_export, analytics, similarity. See the book's *For instructors* page.
"""

from __future__ import annotations

import argparse
import json
import sys
import zipfile
from pathlib import Path

from embcourse.grading import (
    analytics,
    gradebook,
    late_rules,
    lms_export,
    report,
    roster,
    shards,
    similarity,
)
from embcourse.grading.cli import resolve_chapter


def _merge(args) -> None:
    record = shards.merge([gradebook.read_details(path) for path in args.details])
    report.write_atomically(
        report.details_path(args.out), json.dumps(record, indent=1) + "\n"
    )
    report.write_atomically(args.out, report.gradebook_csv(record))
    print(
        f"merged {len(args.details)} slice(s), {len(record['learners'])} learners: "
        f"{args.out} and {report.details_path(args.out)}"
    )


def _rules(args) -> late_rules.LateRules:
    rules = late_rules.LateRules(
        percent_per_day=args.percent_per_day,
        cap_percent=args.cap,
        trust_file_times=args.trust_file_times,
    )
    for item in args.deadline or []:
        chapter, _, moment = item.partition("=")
        if not moment:
            raise SystemExit(
                f"error: --deadline {item!r} is not CHAPTER=TIME, e.g. "
                "01=2026-12-01T23:59:00+00:00."
            )
        rules.deadlines[chapter.zfill(2)] = late_rules.parse_time(moment, "--deadline")
    if args.extensions:
        rules.extensions = late_rules.read_extensions(args.extensions)
    if args.submitted_at:
        rules.submitted = late_rules.read_submitted(args.submitted_at)
    return rules


def _listed(learner: str) -> str:
    """A learner id as a Markdown list item that shows it as it is (ids are chosen by
    learners: quoted, so nothing in one is read as Markdown or HTML)."""
    return "- " + json.dumps(learner, ensure_ascii=False).replace("<", "\\u003c")


def _gradebook(args) -> None:
    lms_export.check_template(args.assignment)
    records = [gradebook.read_details(path) for path in args.details]
    for path, record in zip(args.details, records):
        if shards.is_slice(record):
            raise SystemExit(
                f"error: {path} is one slice of a sharded grading; merge the slices "
                "first ('course merge'), then pass the merged details file."
            )
    rules = _rules(args)
    book = gradebook.combine(
        records, roster.read(args.roster) if args.roster else None, rules
    )
    out = args.out
    if any(out.glob("*.md")) and not (out / "README.md").exists():
        raise SystemExit(
            f"error: {out} holds Markdown files (feedback?); write the course "
            "gradebook to a folder of its own, never into one you publish."
        )
    out.mkdir(parents=True, exist_ok=True)
    canvas, canvas_left_out = lms_export.canvas(book, args.assignment)
    moodle, moodle_left_out = lms_export.moodle(
        book, args.assignment, args.moodle_match
    )
    files = {
        "course.csv": lms_export.course_table(book),
        "canvas.csv": canvas,
        "moodle.csv": moodle,
        "long.csv": lms_export.long_table(book),
    }
    for name, text in files.items():
        report.write_atomically(out / name, text)
    lines = [
        f"# Course gradebook: {len(book.rows)} learners, chapters "
        + ", ".join(book.chapters),
        "",
        (
            "The LMS files hold the points after the late rules; course.csv has the "
            "raw points beside them. If your LMS applies its own late policy too, "
            "export raw points instead (no --deadline): nobody is penalised twice."
        ),
        "",
    ]
    not_graded = [
        f"{row.learner} (chapter {chapter}: {score.status}"
        + (f", {score.reason}" if score.reason else "")
        + ")"
        for row in book.rows
        for chapter, score in row.chapters.items()
        if score.status not in ("graded", gradebook.MISSING)
    ]
    no_time = [
        f"{row.learner} (chapter {chapter})"
        for row in book.rows
        for chapter, score in row.chapters.items()
        if score.time_source == late_rules.NO_TIME
    ]
    known = {(row.learner, chapter) for row in book.rows for chapter in book.chapters}
    stray = sorted(
        f"{learner} (chapter {chapter})"
        for learner, chapter in [*rules.submitted, *rules.extensions]
        if (learner, chapter) not in known
        and not (chapter == "*" and any(key[0] == learner for key in known))
    )
    problems = [
        (
            (
                "Submissions whose learner is not in the roster (kept in course.csv "
                "and long.csv, left out of the LMS files)"
            ),
            book.not_in_roster,
        ),
        (
            "Learners of the roster with no submission at all (0 points, kept)",
            book.never_submitted,
        ),
        (
            (
                "Submissions that were not graded in full (their points are what was "
                "graded; check them before you export)"
            ),
            not_graded,
        ),
        (
            (
                "No submission time known, so no late penalty (give --submitted-at, or "
                "--trust-file-times)"
            ),
            no_time if rules.deadlines else [],
        ),
        (
            (
                "Lines of --submitted-at or --extensions that match no learner and "
                "chapter (a typo?)"
            ),
            stray,
        ),
        (
            "Left out of canvas.csv",
            [f"{k}: {why}" for k, why in canvas_left_out.items()],
        ),
        (
            "Left out of moodle.csv",
            [f"{k}: {why}" for k, why in moodle_left_out.items()],
        ),
    ]
    for title, learners in problems:
        lines += [f"## {title}: {len(learners)}", ""]
        lines += [_listed(learner) for learner in learners] + [""]
    sources = sorted(
        {
            score.time_source
            for row in book.rows
            for score in row.chapters.values()
            if score.time_source and score.time_source != late_rules.NO_TIME
        }
    )
    if sources:
        lines += [
            "## Late rules",
            "",
            "Submission times came from: " + ", ".join(sources) + ".",
            "",
        ]
    report.write_atomically(out / "README.md", "\n".join(lines))
    print(f"wrote {', '.join(files)} and README.md (what did not match) to {out}/")
    for title, learners in problems:
        if learners:
            print(f"note: {title.split(' (')[0].lower()}: {len(learners)}")


def _analytics(args) -> None:
    record = gradebook.read_details(args.details)
    summary = analytics.summarise(record)
    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"{record['chapter']}-analytics"
    report.write_atomically(args.out / f"{stem}.md", analytics.markdown(summary))
    report.write_atomically(args.out / f"{stem}.html", analytics.html_page(summary))
    print(f"wrote {stem}.md and {stem}.html to {args.out}/")


def _similarity(args) -> None:
    number, _ = resolve_chapter(args.chapter)
    from embcourse.data import repo_root
    from embcourse.grading import submissions

    published = []  # what every learner can read: stubs, the chapter, its solutions
    for folder in ("exercises", "book", "solutions"):
        for path in sorted((repo_root() / folder).glob(f"{number}_*.ipynb")):
            notebook, _ = submissions.read(path)
            published += submissions.code_cells(notebook) if notebook else []
    cohort, unreadable = similarity.read_cohort(args.submissions)
    pairs, shown, skipped = similarity.compare(cohort, published, number)
    skipped.update(unreadable)
    args.out.mkdir(parents=True, exist_ok=True)
    page = similarity.report_html(pairs, shown, number, args.threshold, skipped)
    report.write_atomically(args.out / f"{number}-similarity.html", page)
    flagged = sum(pair.top >= args.threshold for pair in pairs)
    print(
        f"compared {len(pairs)} pairs of {len(cohort)} submissions; {flagged} at "
        f"{args.threshold:.2f} or more; {len(skipped)} not compared: "
        f"{args.out / f'{number}-similarity.html'}"
    )


def _release(args) -> None:
    files = sorted(
        path
        for path in args.feedback.glob("*.md")
        if path.is_file()
        and path.read_text(encoding="utf-8").startswith("# Feedback for ")
    )
    others = sorted(path.name for path in args.feedback.iterdir() if path.is_file())
    skipped = [name for name in others if name not in {f.name for f in files}]
    if not files:
        raise SystemExit(
            f"error: no feedback files in {args.feedback} (files the grader wrote, "
            "starting '# Feedback for')."
        )
    args.zip.mkdir(parents=True, exist_ok=True)
    for path in files:
        target = args.zip / (path.stem + ".zip")
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            info = zipfile.ZipInfo(path.name, date_time=(2000, 1, 1, 0, 0, 0))
            archive.writestr(info, path.read_bytes())
    print(f"wrote {len(files)} zip file(s), one per learner, to {args.zip}/")
    if skipped:
        print(
            f"note: left out {len(skipped)} file(s) that are not feedback: "
            f"{', '.join(skipped[:5])}"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m embcourse.grading.course",
        description="After grading: merge slices, course gradebook and LMS exports, "
        "analytics, similarity, feedback release.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    merge = commands.add_parser("merge", help="join the slices of one chapter")
    merge.add_argument("details", type=Path, nargs="+")
    merge.add_argument("--out", type=Path, required=True, help="the merged CSV")
    merge.set_defaults(run=_merge)
    book = commands.add_parser("gradebook", help="course gradebook and LMS exports")
    book.add_argument("details", type=Path, nargs="+", help="one per chapter")
    book.add_argument("--roster", type=Path, help="CSV with a 'learner' column")
    book.add_argument("--out", type=Path, required=True, help="a folder")
    book.add_argument(
        "--assignment",
        default="Token Embeddings chapter {chapter}",
        help="LMS column name of a chapter ({chapter} is its number)",
    )
    book.add_argument(
        "--moodle-match",
        choices=sorted(lms_export.MOODLE_MATCH),
        default="email",
        help="the roster field Moodle matches users on (default: email)",
    )
    book.add_argument("--deadline", action="append", help="CHAPTER=ISO time")
    book.add_argument(
        "--trust-file-times",
        action="store_true",
        help="without --submitted-at, take a submission's time from its file",
    )
    book.add_argument("--percent-per-day", type=float, default=0.0)
    book.add_argument("--cap", type=float, default=100.0, help="largest penalty, %%")
    book.add_argument("--extensions", type=Path, help="CSV: learner, chapter, days")
    book.add_argument(
        "--submitted-at", type=Path, help="CSV: learner, chapter, submitted_at"
    )
    book.set_defaults(run=_gradebook)
    stats = commands.add_parser("analytics", help="class analytics of one chapter")
    stats.add_argument("details", type=Path)
    stats.add_argument("--out", type=Path, required=True)
    stats.set_defaults(run=_analytics)
    alike = commands.add_parser("similarity", help="pairs of alike task functions")
    alike.add_argument("chapter")
    alike.add_argument("submissions", type=Path)
    alike.add_argument("--out", type=Path, required=True)
    alike.add_argument("--threshold", type=float, default=similarity.THRESHOLD)
    alike.set_defaults(run=_similarity)
    release = commands.add_parser("release", help="one zip of feedback per learner")
    release.add_argument("feedback", type=Path)
    release.add_argument("--zip", type=Path, required=True)
    release.set_defaults(run=_release)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    args.run(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
