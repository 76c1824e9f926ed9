"""Grading one submission: run its code cells in a sandboxed kernel, then call each
task.

    python -m embcourse.grading.runner JOB_FOLDER

runs in a child process of the grader, one per submission, so that nothing a submission
does can disturb the grading of the others. ``JOB_FOLDER`` (private to the grader, never
visible to the kernel) holds ``job.json`` (the code cells, the chapter's tasks, the
limits) and receives ``result.json``.

The rules:

- Code cells run in order, each with its own time limit and all within the notebook's.
  A cell that runs too long is interrupted (the kernel restarted if it does not stop),
  and grading goes on with the next cells and the functions defined so far; so does a
  cell that stops the kernel. The row's status records the first such problem.
- Each task is then graded by its own request, with its own time limit (its number of
  cases times the per-case limit), so a function that never returns loses only its own
  task.
- Results come only from the replies to the grader's own requests; the expected values
  (public and hidden) never enter the kernel and are compared here.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from embcourse.checks import (
    FAILED,
    NOT_ATTEMPTED,
    TASKS,
    Case,
    CaseOutcome,
    CheckResult,
    judge,
    load_cases,
    summarise,
)
from embcourse.grading import kernel, sandbox, submissions
from embcourse.grading.outcome import (
    GRADED,
    INVALID,
    KERNEL_DIED,
    OUT_OF_MEMORY,
    TIMEOUT,
    Submission,
)

#: How many times a kernel is restarted for one submission before grading gives up.
MAX_RESTARTS = 3
#: Every case starts from the same random state, so re-grading gives the same gradebook.
SEED = 0
IN_KERNEL_SOURCE = (Path(__file__).parent / "in_kernel.py").read_text(encoding="utf-8")
MEMORY_ERRORS = ("MemoryError", "_ArrayMemoryError")


@dataclass(frozen=True)
class Limits:
    """How long and how much a submission may take."""

    cell_seconds: int = 60
    notebook_seconds: int = 300
    case_seconds: int = 10
    memory_mb: int = 2048
    disk_mb: int = 256
    processes: int = 64

    def task_seconds(self, case_count: int) -> int:
        """The time limit of grading one task with ``case_count`` cases."""
        return case_count * self.case_seconds + 10

    def sandbox_limits(self, grading_seconds: int) -> sandbox.SandboxLimits:
        """The rlimits of the kernel (CPU time covers the notebook and the grading)."""
        return sandbox.SandboxLimits(
            memory_mb=self.memory_mb,
            disk_mb=self.disk_mb,
            processes=self.processes,
            cpu_seconds=self.notebook_seconds + grading_seconds + 30,
        )


class Grading:
    """The state of grading one submission: its kernel, the cells run, the first
    problem."""

    def __init__(self, cells: list[str], limits: Limits, session: kernel.KernelSession):
        self.cells = cells
        self.limits = limits
        self.session = session
        self.completed: list[
            int
        ] = []  # cells that ran to the end, to replay after a restart
        self.restarts = 0
        self.status, self.reason = GRADED, ""

    def problem(self, status: str, reason: str) -> None:
        """Record a problem; the first one is the row's status."""
        if self.status == GRADED:
            self.status, self.reason = status, reason

    def recover(self, deadline: float) -> bool:
        """After a timeout or a dead kernel: get a kernel holding the cells run so
        far."""
        if self.session.alive() and self.session.interrupt():
            return True
        if self.restarts >= MAX_RESTARTS:
            return False
        self.restarts += 1
        try:
            self.session.start()
        except RuntimeError:
            return False
        for index in self.completed:
            seconds = min(self.limits.cell_seconds, deadline - time.monotonic())
            if seconds <= 0 or self.session.execute(
                self.cells[index], seconds
            ).kind in (kernel.TIMEOUT, kernel.DEAD):
                return False
        return True

    def run_cells(self) -> None:
        """Run the learner's code cells, going on past cells that hang or kill the
        kernel."""
        limits = self.limits
        deadline = time.monotonic() + limits.notebook_seconds
        for index, source in enumerate(self.cells):
            number = index + 1
            seconds = min(limits.cell_seconds, deadline - time.monotonic())
            if seconds <= 0:
                self.problem(
                    TIMEOUT,
                    f"the notebook ran longer than {limits.notebook_seconds} s: "
                    f"code cells {number} and later were not run",
                )
                return
            reply = self.session.execute(source, seconds)
            if reply.kind in (kernel.OK, kernel.ERROR):
                self.completed.append(index)
                if reply.error_name in MEMORY_ERRORS:
                    self.problem(
                        OUT_OF_MEMORY,
                        f"code cell {number} ran out of memory (MemoryError)",
                    )
                continue
            if reply.kind == kernel.TIMEOUT:
                self.problem(
                    TIMEOUT,
                    f"code cell {number} ran longer than {limits.cell_seconds} s "
                    "and was stopped; grading went on without it",
                )
            elif self.session.out_of_memory():
                self.problem(
                    OUT_OF_MEMORY,
                    f"code cell {number} used more than the kernel's "
                    f"{limits.memory_mb} MB of memory and was stopped; grading went "
                    "on without it",
                )
            else:
                self.problem(
                    KERNEL_DIED,
                    f"code cell {number} stopped the kernel; grading went on "
                    "without it",
                )
            if not self.recover(deadline + limits.cell_seconds):
                self.problem(
                    KERNEL_DIED,
                    f"the kernel could not be recovered after code cell {number}",
                )
                return

    def grade_task(self, task_id: str, cases: list[Case]) -> list[CaseOutcome] | str:
        """Call the task's function on every case in the kernel; judge the results
        here."""
        task, limits = TASKS[task_id], self.limits
        seconds = limits.task_seconds(len(cases))
        if not self.session.alive() and not self.recover(
            time.monotonic() + limits.notebook_seconds
        ):
            return [
                CaseOutcome(case, FAILED, "not graded: the kernel had stopped")
                for case in cases
            ]
        payload = json.dumps(
            [
                {"args": case.args, "kwargs": case.kwargs, "arrays": list(case.arrays)}
                for case in cases
            ]
        )
        code = (
            IN_KERNEL_SOURCE + "\n_embcourse_result = _embcourse_grade_task("
            f"{task.function_name!r}, {payload!r}, {limits.case_seconds}, {SEED})\n"
        )
        reply = self.session.execute(code, seconds, {"result": "_embcourse_result"})
        if reply.kind in (kernel.TIMEOUT, kernel.DEAD):
            what = (
                f"did not finish within {seconds} s for its {len(cases)} cases: check "
                "for a loop that never ends"
                if reply.kind == kernel.TIMEOUT
                else "used more memory than the kernel may"
                if self.session.out_of_memory()
                else "stopped the kernel"
            )
            self.recover(time.monotonic() + limits.notebook_seconds)
            return [CaseOutcome(case, FAILED, what) for case in cases]
        text = kernel.expression_text(reply, "result")
        try:
            returned = json.loads(text) if text is not None else None
        except (ValueError, RecursionError):
            returned = None
        if returned == "missing":
            return f"no function {task.function_name} was defined"
        if not isinstance(returned, list) or len(returned) != len(cases):
            return [
                CaseOutcome(
                    case,
                    FAILED,
                    "could not be graded: the notebook changed "
                    "something grading needs (a built-in, or the json module)",
                )
                for case in cases
            ]
        return [
            self.judge_one(task_id, case, result)
            for case, result in zip(cases, returned)
        ]

    def judge_one(self, task_id: str, case: Case, result) -> CaseOutcome:
        """One case's outcome from what the kernel sent back for it."""
        if not isinstance(result, dict):
            return CaseOutcome(case, FAILED, "returned a wrong value")
        error = result.get("error")
        if error == "not attempted":
            return CaseOutcome(case, NOT_ATTEMPTED)
        if error == "timeout":
            return CaseOutcome(
                case,
                FAILED,
                f"did not finish within {self.limits.case_seconds} s: "
                "check for a loop that never ends",
            )
        if error == "changed input":
            return CaseOutcome(case, FAILED, "it changed its input: work on a copy")
        if error is not None:
            where = "" if case.hidden else " (the check in your notebook shows which)"
            return CaseOutcome(case, FAILED, "raised an exception" + where)
        return judge(TASKS[task_id], case, result.get("value"))


def grade(
    cells: list[str],
    tasks: list[str],
    hidden_dir: Path | None,
    limits: Limits,
    exchange_dir: Path,
    slot: int,
    sandboxed: bool,
) -> Submission:
    """Grade the code ``cells`` of one submission on the chapter's ``tasks``."""
    cases = {task_id: load_cases(task_id, hidden_dir=hidden_dir) for task_id in tasks}
    grading_seconds = sum(limits.task_seconds(len(cases[task_id])) for task_id in tasks)
    session = kernel.KernelSession(
        exchange_dir, slot, limits.sandbox_limits(grading_seconds), sandboxed=sandboxed
    )
    row = Submission("", GRADED)
    try:
        try:
            session.start()
        except RuntimeError as error:
            return Submission(
                "",
                KERNEL_DIED,
                f"{error} (is the sandbox working? see the instructors page)",
            )
        grading = Grading(cells, limits, session)
        grading.run_cells()
        # Every task's public cases first, then every task's hidden ones: a function can
        # see the inputs it is called with, so nothing a public case reports (its value
        # shows in the feedback) may be computed after a hidden input entered the
        # kernel.
        outcomes: dict[str, list[CaseOutcome]] = {}
        missing: dict[str, str] = {}
        for phase in (False, True):
            for task_id in tasks:
                chosen = [case for case in cases[task_id] if case.hidden == phase]
                if not chosen or task_id in missing:
                    continue
                result = grading.grade_task(task_id, chosen)
                if isinstance(result, str):  # no such function
                    missing[task_id] = result
                else:
                    outcomes.setdefault(task_id, []).extend(result)
        for task_id in tasks:
            if task_id in missing:
                row.results[task_id] = CheckResult(
                    task_id, NOT_ATTEMPTED, message=missing[task_id]
                )
            else:
                row.results[task_id] = summarise(task_id, outcomes.get(task_id, []))
        row.status, row.reason = grading.status, grading.reason
    finally:
        session.close()
    return row


def read_cells(path: Path) -> tuple[list[str] | None, str]:
    """The submission's code cells, or None and why it cannot be read.

    Runs here, in the submission's own process under its memory limit, so that a
    pathological file (millions of nested or empty objects) costs only its own row.
    """
    try:
        notebook, problem = submissions.read(path)
    except MemoryError:
        return None, (
            "the file takes more memory to read than a notebook may: clear the outputs "
            "and hand it in again"
        )
    if notebook is None:
        return None, problem
    return submissions.code_cells(notebook), ""


def main(argv: list[str]) -> int:
    """Child-process entry: read JOB_FOLDER/job.json, write JOB_FOLDER/result.json."""
    folder = Path(argv[0])
    job = json.loads((folder / "job.json").read_text(encoding="utf-8"))
    memory = 1024**3  # the grader's own side of one submission: a flood of large
    # messages from the kernel, or a notebook that is costly to parse, ends this
    # process, and only this learner's row says so
    # (the soft limit only: the kernel, started from here, gets its own limits, which
    # may be higher)
    hard = resource.getrlimit(resource.RLIMIT_DATA)[1]
    resource.setrlimit(resource.RLIMIT_DATA, (memory, hard))
    try:  # and if memory runs short, this process goes before the grader (after the
        # kernel, whose score is 1000)
        Path("/proc/self/oom_score_adj").write_text("500")
    except OSError:
        pass
    cells, problem = read_cells(Path(job["notebook"]))
    if cells is None:
        row = Submission("", INVALID, problem)
    else:
        hidden = Path(job["hidden_dir"]) if job["hidden_dir"] else None
        row = grade(
            cells,
            job["tasks"],
            hidden,
            Limits(**job["limits"]),
            folder / "exchange",
            job["slot"],
            job["sandboxed"],
        )
    (folder / "result.json").write_text(json.dumps(row.to_json()), encoding="utf-8")
    return 0


def job(
    notebook: Path,
    tasks: list[str],
    hidden_dir: Path | None,
    limits: Limits,
    slot: int,
    sandboxed: bool,
) -> dict:
    """The job.json a grader writes for :func:`main`."""
    return {
        "notebook": str(notebook),
        "tasks": tasks,
        "hidden_dir": str(hidden_dir) if hidden_dir else None,
        "limits": asdict(limits),
        "slot": slot,
        "sandboxed": sandboxed,
    }


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
