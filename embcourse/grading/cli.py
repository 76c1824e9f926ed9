"""The grader's command line: grade a folder of learners' notebooks for one chapter.

    python -m embcourse.grade CHAPTER SUBMISSIONS_DIR --out grades.csv

CHAPTER is a chapter number (``1`` or ``01``) or an exercise notebook name
(``01_one_hot``). Every ``*.ipynb`` entry in SUBMISSIONS_DIR is one learner's
submission; the name without ``.ipynb`` is the learner's id. Each submission is graded
in a child process (:mod:`embcourse.grading.runner`) whose kernel runs in the sandbox
(:mod:`embcourse.grading.sandbox`); the gradebook and feedback are written by
:mod:`embcourse.grading.report`. See the book's *For instructors* page.
"""

from __future__ import annotations

import argparse
import fcntl
import hashlib
import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from embcourse.checks import TASKS, load_cases
from embcourse.data import repo_root
from embcourse.grading import (
    learner_cases,
    report,
    runner,
    sandbox,
    shards,
    submissions,
)
from embcourse.grading.outcome import GRADER_FAILED, INVALID, TIMEOUT, Submission
from embcourse.grading.runner import Limits

DEFAULT_HIDDEN = repo_root() / "grading" / "hidden"
JOB_PREFIX = "embcourse-grade-"
UNSANDBOXED_NOTE = "graded WITHOUT the sandbox (--unsandboxed)"


def resolve_chapter(chapter: str) -> tuple[str, list[str]]:
    """Return the chapter's two-digit number and its task ids, or explain what
    exists."""
    number = chapter.split("_", 1)[0].zfill(2)
    tasks = [task_id for task_id in TASKS if task_id.startswith(number + ".")]
    if not number.isdigit() or not tasks:
        chapters = sorted({task_id.split(".")[0] for task_id in TASKS})
        raise SystemExit(
            f"error: no exercises for chapter {chapter!r}. Chapters with "
            f"exercises: {', '.join(chapters)} (e.g. 'python -m embcourse.grade 01 "
            "DIR')."
        )
    return number, tasks


def grade_one(
    entry: submissions.Entry,
    tasks: list[str],
    hidden_dir: Path | None,
    limits: Limits,
    slot: int,
    sandboxed: bool,
    secret: bytes | None = None,
) -> Submission:
    """Grade one submission in a child process; its temporary folder is always
    removed (by the next grader, if this one is killed: :func:`remove_stale_jobs`).

    The file is only checked here (a regular file, not too large); it is read and
    parsed in the child, under the child's memory limit.
    """
    problem = submissions.refuse(entry.path)
    if problem:
        return Submission(entry.learner, INVALID, problem)
    folder = Path(tempfile.mkdtemp(prefix=JOB_PREFIX))
    # Held while the folder is in use; a folder whose lock can be taken is stale.
    owner = open(folder / "owner.lock", "w")  # noqa: SIM115 (closed in finally)
    fcntl.flock(owner, fcntl.LOCK_EX)
    try:
        if secret is not None:  # shared and own hidden cases, in the job folder
            chapter = tasks[0].split(".")[0]
            learner_cases.write_learner_cases(
                secret, chapter, entry.learner, folder / "hidden", shared=hidden_dir
            )
            hidden_dir = folder / "hidden"
        job = runner.job(entry.path, tasks, hidden_dir, limits, slot, sandboxed)
        (folder / "job.json").write_text(json.dumps(job), encoding="utf-8")
        sandbox.prepare_exchange(folder / "exchange")
        case_count = sum(len(load_cases(task_id, hidden_dir)) for task_id in tasks)
        budget = (
            limits.notebook_seconds
            + case_count * limits.case_seconds
            + 10 * len(tasks)
            + (runner.MAX_RESTARTS + 1) * 60
            + limits.cell_seconds
        )
        try:
            result = subprocess.run(
                [sys.executable, "-m", "embcourse.grading.runner", str(folder)],
                capture_output=True,
                text=True,
                timeout=budget,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return Submission(
                entry.learner, TIMEOUT, "grading took too long and was stopped"
            )
        try:
            payload = json.loads((folder / "result.json").read_text(encoding="utf-8"))
            return Submission.from_json(entry.learner, payload)
        except (OSError, ValueError, KeyError, TypeError):
            last = (result.stderr.strip().splitlines() or ["no message"])[-1][:200]
            return Submission(
                entry.learner, GRADER_FAILED, f"the grader failed on this file: {last}"
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        owner.close()
        sandbox.remove_stale_groups()  # a runner stopped at its budget leaves its own


def remove_stale_jobs() -> int:
    """Remove job folders left by a grader that was killed; return how many.

    Each job folder holds ``owner.lock``, locked by the grader that uses it; one whose
    lock can be taken belongs to no running grader.
    """
    removed = 0
    for folder in Path(tempfile.gettempdir()).glob(JOB_PREFIX + "*"):
        try:
            with open(folder / "owner.lock") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        except FileNotFoundError:  # being created now, or left before its lock was
            try:
                old = time.time() - folder.lstat().st_mtime > 3600
            except OSError:
                continue
            if old:
                shutil.rmtree(folder, ignore_errors=True)
                removed += 1
        except OSError:
            continue  # in use, or not ours to remove
    return removed


def grade_all(
    chapter: str,
    folder: Path,
    out: Path,
    hidden_dir: Path | None,
    feedback_dir: Path | None,
    jobs: int,
    limits: Limits,
    quiet: bool = False,
    sandboxed: bool = True,
    shard: tuple[int, int] = (1, 1),
    secret: bytes | None = None,
) -> list[Submission]:
    """Grade every ``*.ipynb`` in ``folder`` (those of ``shard`` K of N), ``jobs`` at a
    time, and write the gradebook and its details. With ``secret``, each learner is
    graded on hidden cases drawn for them (:mod:`embcourse.grading.learner_cases`)."""
    number, tasks = resolve_chapter(chapter)
    if not folder.is_dir():
        raise SystemExit(
            f"error: {folder} is not a folder. Put one .ipynb file per learner "
            "in a folder and pass that folder."
        )
    if sandboxed:
        try:
            sandbox.check_available()
        except sandbox.SandboxUnavailable as error:
            raise SystemExit(f"error: {error}") from None
    missing = [
        task_id
        for task_id in tasks
        if not any(case.hidden for case in load_cases(task_id, hidden_dir))
    ]
    if missing and secret is None:
        raise SystemExit(
            f"error: no hidden cases for {', '.join(missing)} in {hidden_dir}. Points "
            "come from hidden cases only: make a folder of them with 'python -m "
            "embcourse.grading.make_cases --out FOLDER' and pass --hidden FOLDER."
        )
    sandbox.protect_grader()
    stale = remove_stale_jobs() + sandbox.remove_stale_groups()
    if stale and not quiet:
        print(f"note: removed {stale} job folder(s) or group(s) a killed grader left")
    version, _ = sandbox.cgroup_parents()
    if version == "none" and not quiet:
        print(
            "warning: no cgroup can be created here, so a kernel's memory, processes "
            "and CPU are limited per process only (rlimits): memory spread over "
            "processes can exceed --memory-mb, and a busy notebook slows its "
            "neighbours. Grade as root, or in a cgroup delegated to you, for group "
            "limits (see the instructors page).",
            file=sys.stderr,
        )
    if jobs > (os.cpu_count() or 1) and not quiet:
        print(
            f"warning: --jobs {jobs} is more than this machine's {os.cpu_count()} "
            "cores: kernels then share cores, and a busy notebook can slow its "
            "neighbours towards their time limits. Use --jobs at most the cores.",
            file=sys.stderr,
        )
    sandbox.warm_page_cache()
    entries, skipped = submissions.find(folder)
    if skipped and not quiet:
        print(
            f"note: skipping {len(skipped)} file(s) that are not .ipynb: "
            f"{', '.join(skipped[:5])}"
        )
    if not entries:
        raise SystemExit(f"error: no .ipynb files in {folder}.")
    k, n = shard
    core = hidden_dir / f"{number}.json" if hidden_dir is not None else None
    grading = {
        "shard": [k, n],
        "folder": [entry.learner for entry in entries],
        "hidden": hashlib.sha256(core.read_bytes()).hexdigest()[:16]
        if core is not None and core.exists()
        else "",
        "per_learner": learner_cases.fingerprint(secret) if secret else "",
    }
    if n > 1:
        mine = [entry for entry in entries if shards.shard_of(entry.learner, n) == k]
        if not quiet:
            print(f"shard {k} of {n}: {len(mine)} of {len(entries)} submissions")
        entries = mine
    file_times = {}
    for entry in entries:
        try:
            file_times[entry.learner] = entry.path.lstat().st_mtime
        except OSError:
            file_times[entry.learner] = None
    claims = [sandbox.claim_slot() for _ in range(jobs)]  # uids no other grader uses
    slots: queue.Queue[int] = queue.Queue()
    for slot, _ in claims:
        slots.put(slot)

    def graded(entry: submissions.Entry) -> Submission:
        slot = slots.get()
        try:
            return grade_one(entry, tasks, hidden_dir, limits, slot, sandboxed, secret)
        except Exception as error:  # one file must never cost the others their rows
            return Submission(
                entry.learner,
                GRADER_FAILED,
                f"the grader failed on this file ({type(error).__name__}); please "
                "report it",
            )
        finally:
            slots.put(slot)

    from embcourse.progress import progress_bar

    rows: list[Submission] = []
    try:
        with ThreadPoolExecutor(max_workers=jobs) as pool:
            futures = [pool.submit(graded, entry) for entry in entries]
            for future in progress_bar(
                as_completed(futures), total=len(futures), desc="grading", quiet=quiet
            ):
                rows.append(future.result())
    finally:
        for _, lock in claims:
            lock.close()
    note = "" if sandboxed else UNSANDBOXED_NOTE
    report.write_gradebook(rows, tasks, out, note, number, file_times, grading)
    if feedback_dir is not None:  # a slice hashes every name: unique across slices
        report.write_feedback(rows, tasks, feedback_dir, note, always_hash=n > 1)
    return rows


def main(argv: list[str] | None = None) -> int:
    """``python -m embcourse.grade``: parse the command line and grade."""
    parser = argparse.ArgumentParser(
        prog="python -m embcourse.grade",
        description="Grade a folder of learners' notebooks for one chapter.",
    )
    parser.add_argument(
        "chapter", help="chapter number (01) or exercise name (01_one_hot)"
    )
    parser.add_argument("submissions", type=Path, help="folder of LEARNER.ipynb files")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("grades.csv"),
        help="gradebook CSV (default: grades.csv)",
    )
    parser.add_argument(
        "--feedback",
        type=Path,
        help="folder for one LEARNER.md per learner (default: feedback/ beside --out)",
    )
    parser.add_argument(
        "--hidden",
        type=Path,
        default=DEFAULT_HIDDEN,
        help="folder of hidden cases (default: grading/hidden)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="submissions graded at once (default: cores)",
    )
    parser.add_argument(
        "--cell-timeout",
        type=int,
        default=Limits.cell_seconds,
        help="seconds for one code cell",
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=Limits.notebook_seconds,
        help="seconds for all the code cells of a notebook",
    )
    parser.add_argument(
        "--case-timeout",
        type=int,
        default=Limits.case_seconds,
        help="seconds for one call of a task function",
    )
    parser.add_argument(
        "--memory-mb", type=int, default=Limits.memory_mb, help="memory of one kernel"
    )
    parser.add_argument(
        "--unsandboxed",
        action="store_true",
        help=(
            "grade without the sandbox where bubblewrap cannot run (trusted notebooks "
            "only; recorded in the gradebook)"
        ),
    )
    parser.add_argument(
        "--shard",
        default="1/1",
        help="grade only slice K of N (K/N), to grade a cohort on several machines",
    )
    parser.add_argument(
        "--learner-secret",
        type=Path,
        help=(
            "grade each learner on hidden cases drawn for them from this course "
            "secret (python -m embcourse.grading.learner_cases --new-secret FILE)"
        ),
    )
    parser.add_argument(
        "--quiet", action="store_true", help="no progress bar or summary"
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    if args.hidden is not None and not args.hidden.is_dir():
        raise SystemExit(
            f"error: the hidden-cases folder {args.hidden} does not exist. Pass "
            "--hidden with a folder of NN.json files (see grading/README.md)."
        )
    if args.hidden is not None and args.hidden.resolve() == DEFAULT_HIDDEN.resolve():
        shared = (
            " (with --learner-secret, as the cases every learner shares: a notebook "
            "can hold their answers and earn their share of the points)"
            if args.learner_secret
            else ": a notebook can hold their answers"
        )
        print(
            "warning: grading with the hidden cases shipped in grading/hidden, which "
            f"anyone can read in the public repository{shared}. For grades that "
            "count, make private cases ('python -m embcourse.grading.make_cases --out "
            "FOLDER') and pass --hidden FOLDER.",
            file=sys.stderr,
        )
    limits = Limits(
        cell_seconds=args.cell_timeout,
        notebook_seconds=args.timeout,
        case_seconds=args.case_timeout,
        memory_mb=args.memory_mb,
    )
    feedback_dir = args.feedback or args.out.parent / "feedback"
    gradebook_dir = args.out.parent.resolve()
    if feedback_dir.resolve() in (gradebook_dir, *gradebook_dir.parents):
        raise SystemExit(
            f"error: --feedback {feedback_dir} would hold the gradebook and its "
            "details (which name the hidden cases), and the feedback folder is what "
            "you publish to learners. Give the feedback a folder of its own (the "
            "default is feedback/ beside --out)."
        )
    if args.unsandboxed:
        print(
            f"warning: {UNSANDBOXED_NOTE}: the notebooks' code can read, change and "
            "send "
            "anything this user can. The gradebook's reason column says so.",
            file=sys.stderr,
        )
    started = time.perf_counter()
    rows = grade_all(
        args.chapter,
        args.submissions,
        args.out,
        args.hidden,
        feedback_dir,
        max(1, args.jobs),
        limits,
        quiet=args.quiet,
        sandboxed=not args.unsandboxed,
        shard=shards.parse(args.shard),
        secret=(
            learner_cases.read_secret(args.learner_secret)
            if args.learner_secret
            else None
        ),
    )
    if not args.quiet:
        counts: dict[str, int] = {}
        for row in rows:
            counts[row.status] = counts.get(row.status, 0) + 1
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        print(
            f"graded {len(rows)} submissions in {time.perf_counter() - started:.1f} s "
            f"({summary}); gradebook: {args.out}; feedback: {feedback_dir}/"
        )
    return 0
