"""Grade learners' exercise notebooks in bulk, with hidden cases, whatever they hand in.

    python -m embcourse.grade CHAPTER SUBMISSIONS_DIR --out grades.csv

CHAPTER is a chapter number (``1`` or ``01``) or an exercise notebook name
(``01_one_hot``). Every ``*.ipynb`` file in SUBMISSIONS_DIR is one learner's submission;
the file name without ``.ipynb`` is the learner's id.

For each submission, in its own process:

1. the notebook is read (any nbformat version gensim... any version nbformat can upgrade);
2. its code cells run, top to bottom, in a fresh kernel (:mod:`embcourse.sandbox`) in a
   fresh temporary folder, with a per-cell and a whole-notebook timeout, a memory cap, no
   network, no access to files outside that folder but the Python installation and the
   course package, and its printed output thrown away;
3. one last cell, added by the grader, calls each task's function on the inputs of every
   case, public and hidden, and returns the raw results; the kernel never sees an
   expected value;
4. the grader, in its own process, compares those results with the expected values.

So nothing the learner's code prints, patches or fakes can raise its score: only
functions that return the right values do. The gradebook (CSV, written atomically) has
one row per submission; a feedback file per learner says what passed, what failed and a
hint, and never shows a hidden case's inputs or expected value.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellTimeoutError, DeadKernelError

from embcourse.checks import (FAILED, NOT_ATTEMPTED, TASKS, Case, CaseOutcome, CheckResult,
                              format_result, judge, load_cases, summarise)
from embcourse.data import repo_root

GRADED, TIMEOUT, KERNEL_DIED, OUT_OF_MEMORY, INVALID = (
    "graded", "timeout", "kernel died", "out of memory", "invalid notebook")
POINTS_PER_TASK = 10
DEFAULT_HIDDEN = repo_root() / "grading" / "hidden"
RESULT_MARK = "EMBCOURSE-GRADER-RESULT"


@dataclass
class Limits:
    """How long and how much a submission may take."""

    cell_seconds: int = 60
    notebook_seconds: int = 300
    case_seconds: int = 10
    memory_mb: int = 2048
    output_bytes: int = 1_000_000  # printed output kept per cell; the rest is dropped


@dataclass
class Submission:
    """One row of the gradebook."""

    learner: str
    status: str
    reason: str = ""
    results: dict[str, CheckResult] = field(default_factory=dict)

    def points(self, task_id: str) -> float:
        result = self.results.get(task_id)
        if result is None or not result.total:
            return 0.0
        return round(POINTS_PER_TASK * result.passed / result.total, 2)


# --- which chapter -------------------------------------------------------------------------


def resolve_chapter(chapter: str) -> tuple[str, list[str]]:
    """Return the chapter's two-digit number and its task ids, or explain what exists."""
    number = chapter.split("_", 1)[0].zfill(2)
    tasks = [task_id for task_id in TASKS if task_id.startswith(number + ".")]
    if not number.isdigit() or not tasks:
        chapters = sorted({task_id.split(".")[0] for task_id in TASKS})
        raise SystemExit(f"error: no exercises for chapter {chapter!r}. Chapters with "
                         f"exercises: {', '.join(chapters)} (e.g. 'python -m embcourse.grade 01 DIR').")
    return number, tasks


# --- running one submission ----------------------------------------------------------------


def read_notebook(path: Path):
    """The submission as an nbformat v4 notebook, or a reason it cannot be one."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None, "the file is not text (not a notebook)"
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as error:
        return None, f"the file is not JSON ({error.msg} at line {error.lineno})"
    if not isinstance(raw, dict) or "nbformat" not in raw:
        return None, "the file is JSON but not a Jupyter notebook (no 'nbformat' field)"
    try:
        notebook = nbformat.reads(text, as_version=4)
        nbformat.validate(notebook)
    except Exception as error:
        return None, f"the notebook cannot be read ({type(error).__name__}: {str(error)[:120]})"
    return notebook, ""


def grading_cell(tasks: list[str], cases: dict, limits: Limits, nonce: str) -> str:
    """The last cell: call each task function on each case's inputs, print raw results."""
    calls = {task_id: {"function": TASKS[task_id].function_name,
                       "cases": [{"args": case.args, "kwargs": case.kwargs} for case in cases[task_id]]}
             for task_id in tasks}
    return f'''
def _embcourse_grade(calls, seconds):
    import copy, json, signal

    def plain(value):
        if hasattr(value, "detach"):
            value = value.detach().cpu().numpy()
        if hasattr(value, "tolist"):
            return value.tolist()
        if isinstance(value, (list, tuple)):
            return [plain(item) for item in value]
        if isinstance(value, dict):
            return {{str(key): plain(item) for key, item in value.items()}}
        if value is None or isinstance(value, (str, int, float, bool)):
            return value
        return {{"unserialisable": type(value).__name__}}

    def alarm(signum, frame):
        raise TimeoutError("case time limit")

    signal.signal(signal.SIGALRM, alarm)
    results = {{}}
    for task_id, call in calls.items():
        function = globals().get(call["function"])
        if not callable(function):
            results[task_id] = "missing"
            continue
        results[task_id] = []
        timed_out = False
        for case in call["cases"]:
            if timed_out:  # one slow case is enough: skip the rest of this task
                results[task_id].append({{"error": "TimeoutError"}})
                continue
            signal.setitimer(signal.ITIMER_REAL, seconds)
            try:
                value = function(*copy.deepcopy(case["args"]), **copy.deepcopy(case["kwargs"]))
                results[task_id].append({{"value": plain(value)}})
            except NotImplementedError:
                results[task_id].append({{"value": None}})
            except BaseException as error:
                timed_out = isinstance(error, TimeoutError)
                results[task_id].append({{"error": type(error).__name__}})
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
    return results

print("{RESULT_MARK} {nonce} " + __import__("json").dumps(
    _embcourse_grade(__import__("json").loads({json.dumps(calls)!r}), {limits.case_seconds})))
'''


def _kernel_spec_dir(work: Path, limits: Limits) -> Path:
    """A kernelspec whose kernel is embcourse.sandbox, isolated from the network if possible."""
    readable = sorted({sys.prefix, sys.base_prefix, sys.exec_prefix,
                       str(Path(__file__).resolve().parent), str(repo_root() / "data"),
                       "/usr", "/lib", "/lib64", "/etc", "/proc", "/sys", "/dev"})
    argv = [sys.executable, "-m", "embcourse.sandbox", "--workdir", str(work),
            "--memory-mb", str(limits.memory_mb), "--cpu-seconds", str(limits.notebook_seconds + 30)]
    for folder in readable:
        argv += ["--read", folder]
    argv = network_isolation_prefix() + argv + ["--", "-f", "{connection_file}"]
    spec = work.parent / "kernelspec" / "embcourse-sandbox"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps(
        {"argv": argv, "display_name": "embcourse grading sandbox", "language": "python"}))
    return spec.parent


_ISOLATION: list[str] | None = None


def network_isolation_prefix() -> list[str]:
    """``unshare`` arguments that give the kernel a network namespace of its own, if allowed."""
    global _ISOLATION
    if _ISOLATION is None:
        _ISOLATION = []
        for prefix in (["unshare", "--net"], ["unshare", "--net", "--map-root-user"]):
            try:
                if subprocess.run(prefix + ["true"], capture_output=True, timeout=10).returncode == 0:
                    _ISOLATION = prefix
                    break
            except (OSError, subprocess.TimeoutExpired):
                continue
    return _ISOLATION


def run_submission(path: Path, chapter: str, tasks: list[str], hidden_dir: Path | None,
                   limits: Limits) -> Submission:
    """Grade one notebook file. Never raises for anything in the file."""
    learner = path.stem
    notebook, problem = read_notebook(path)
    if notebook is None:
        return Submission(learner, INVALID, problem)
    cases = {task_id: load_cases(task_id, hidden_dir=hidden_dir) for task_id in tasks}
    nonce = secrets.token_hex(16)
    with tempfile.TemporaryDirectory(prefix="embcourse-grade-") as temp:
        work = Path(temp) / "work"
        work.mkdir()
        status, reason, printed = _execute(notebook, grading_cell(tasks, cases, limits, nonce),
                                           work, limits)
    results_line = next((line for line in printed.splitlines()
                         if line.startswith(f"{RESULT_MARK} {nonce} ")), None)
    if results_line is None:
        if status == GRADED:
            status, reason = KERNEL_DIED, "the grading step printed no results"
        return Submission(learner, status, reason)
    try:
        raw = json.loads(results_line.split(" ", 2)[2])
    except (json.JSONDecodeError, IndexError):
        return Submission(learner, status, "the results could not be read (too large?)")
    submission = Submission(learner, status, reason)
    for task_id in tasks:
        returned = raw.get(task_id) if isinstance(raw, dict) else None
        if not isinstance(returned, list) or len(returned) != len(cases[task_id]):
            submission.results[task_id] = CheckResult(
                task_id, NOT_ATTEMPTED, message=f"no function {TASKS[task_id].function_name} was defined")
            continue
        outcomes = []
        for case, result in zip(cases[task_id], returned):
            if isinstance(result, dict) and "error" in result:
                outcomes.append(CaseOutcome(case, FAILED, f"raised {result['error']}"))
            else:
                value = result.get("value") if isinstance(result, dict) else None
                outcomes.append(judge(TASKS[task_id], case, value))
        submission.results[task_id] = summarise(task_id, outcomes)
    return submission


def _execute(notebook, grading_source: str, work: Path, limits: Limits) -> tuple[str, str, str]:
    """Run the learner's code cells and the grading cell; return status, reason, grading output."""
    cells = [nbformat.v4.new_code_cell(cell.source) for cell in notebook.cells
             if cell.cell_type == "code" and cell.source.strip()]
    cells.append(nbformat.v4.new_code_cell(grading_source))
    runnable = nbformat.v4.new_notebook(cells=cells)
    spec_dir = _kernel_spec_dir(work, limits)
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("EMBCOURSE_HIDDEN", "JUPYTER_", "IPYTHON"))}
    env.update(HOME=str(work), IPYTHONDIR=str(work / ".ipython"), MPLCONFIGDIR=str(work / ".mpl"),
               JUPYTER_RUNTIME_DIR=str(work), TMPDIR=str(work), EMBCOURSE_NO_PROGRESS="1",
               MPLBACKEND="agg", PYTHONDONTWRITEBYTECODE="1")
    manager = AsyncKernelManager(kernel_name="embcourse-sandbox",
                            kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(spec_dir)]),
                            transport="ipc", ip=str(work / "kernel"),
                            connection_file=str(work / "connection.json"))
    client = CappedClient(runnable, km=manager, timeout=limits.cell_seconds, allow_errors=True,
                          record_timing=False, startup_timeout=60, output_cap=limits.output_bytes,
                          kernel_name="embcourse-sandbox", resources={"metadata": {"path": str(work)}})
    client.grading_timeout = limits.cell_seconds + len(TASKS) * limits.case_seconds
    status, reason = GRADED, ""

    async def run():
        async with client.async_setup_kernel(env=env, cwd=str(work)):
            await client._async_run_cells()

    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(asyncio.wait_for(run(), limits.notebook_seconds))
    except CellTimeoutError:  # (a subclass of TimeoutError: keep it first)
        cell = client.current_cell_index
        status, reason = TIMEOUT, f"code cell {cell + 1} ran longer than {limits.cell_seconds} s"
        if cell == len(cells) - 1:
            reason = "the task functions ran too long while being graded"
    except (asyncio.TimeoutError, TimeoutError):
        status, reason = TIMEOUT, f"the notebook ran longer than {limits.notebook_seconds} s"
    except DeadKernelError:
        status, reason = KERNEL_DIED, "the kernel stopped while running the notebook"
        if client.died_of_memory():
            status, reason = OUT_OF_MEMORY, "the kernel was killed for using too much memory"
    except Exception as error:  # the kernel could not start, or jupyter failed
        status, reason = KERNEL_DIED, f"the kernel failed: {type(error).__name__}: {str(error)[:150]}"
    finally:
        try:
            if manager.has_kernel:
                loop.run_until_complete(manager.shutdown_kernel(now=True))
        except Exception:
            pass
        loop.close()
    for index, cell in enumerate(runnable.cells[:-1]):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and output.get("ename") in ("MemoryError", "_ArrayMemoryError"):
                if status == GRADED:
                    status, reason = OUT_OF_MEMORY, f"code cell {index + 1} ran out of memory (MemoryError)"
    printed = "".join(output.get("text", "") for output in runnable.cells[-1].get("outputs", [])
                      if output.get("output_type") == "stream")
    return status, reason, printed


class CappedClient(NotebookClient):
    """nbclient's client, keeping at most ``output_cap`` bytes of output per learner cell."""

    def __init__(self, *args, output_cap: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.output_cap = output_cap
        self.current_cell_index = 0

    grading_timeout: int | None = None

    def _get_timeout(self, cell):
        if self.grading_timeout and cell is self.nb.cells[-1]:
            return self.grading_timeout  # the grader's own cell: time for every case
        return super()._get_timeout(cell)

    def output(self, outs, msg, display_id, cell_index):
        limit = self.output_cap if cell_index < len(self.nb.cells) - 1 else 50 * self.output_cap
        if sum(len(json.dumps(output)) for output in outs) > limit:
            return None  # drop it: megabytes of printing must not fill the grader's memory
        return super().output(outs, msg, display_id, cell_index)

    async def _async_run_cells(self):
        for index, cell in enumerate(self.nb.cells):
            self.current_cell_index = index
            await self.async_execute_cell(cell, index, execution_count=index + 1)

    def died_of_memory(self) -> bool:
        """True when the kernel process was killed by a signal, as the OOM killer does."""
        process = getattr(getattr(self.km, "provisioner", None), "process", None)
        return process is not None and process.poll() in (-9, 137)


# --- the gradebook -------------------------------------------------------------------------


def write_gradebook(rows: list[Submission], tasks: list[str], out: Path) -> None:
    """Write the CSV atomically: a temporary file in the same folder, then a rename."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["learner", *tasks, "total", "maximum", "status", "reason"])
    for row in sorted(rows, key=lambda r: r.learner):
        points = [row.points(task_id) for task_id in tasks]
        writer.writerow([row.learner, *[f"{p:g}" for p in points], f"{sum(points):g}",
                         POINTS_PER_TASK * len(tasks), row.status, row.reason])
    out.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{out.name}.", dir=out.parent)
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
        file.write(buffer.getvalue())
    os.replace(temporary, out)


def feedback(row: Submission, tasks: list[str]) -> str:
    """The Markdown a learner reads: status, points, and each task's check output."""
    total = sum(row.points(task_id) for task_id in tasks)
    lines = [f"# Feedback for {row.learner}", "",
             f"Status: **{row.status}**" + (f" ({row.reason})" if row.reason else ""),
             f"Points: **{total:g} of {POINTS_PER_TASK * len(tasks)}**", ""]
    for task_id in tasks:
        lines.append(f"## {task_id}: {row.points(task_id):g} of {POINTS_PER_TASK} points")
        result = row.results.get(task_id)
        if result is None:
            lines.append("Not graded: the notebook did not reach the grading step.")
        elif result.message and not result.outcomes:
            lines.append(result.message)
        else:
            lines += ["```", format_result(result), "```"]
        lines.append("")
    return "\n".join(lines)


def grade_all(chapter: str, submissions: Path, out: Path, hidden_dir: Path | None,
              feedback_dir: Path | None, jobs: int, limits: Limits, quiet: bool = False) -> list[Submission]:
    """Grade every ``*.ipynb`` in ``submissions`` in parallel and write the gradebook."""
    number, tasks = resolve_chapter(chapter)
    if not submissions.is_dir():
        raise SystemExit(f"error: {submissions} is not a folder. Put one .ipynb file per learner "
                         "in a folder and pass that folder.")
    paths = sorted(p for p in submissions.iterdir() if p.suffix == ".ipynb" and p.is_file())
    skipped = sorted(p.name for p in submissions.iterdir()
                     if p.is_file() and p.suffix != ".ipynb" and not p.name.startswith("."))
    if skipped and not quiet:
        print(f"note: skipping {len(skipped)} file(s) that are not .ipynb: {', '.join(skipped[:5])}")
    if not paths:
        raise SystemExit(f"error: no .ipynb files in {submissions}.")
    rows: list[Submission] = []
    from embcourse.progress import progress_bar

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {pool.submit(_grade_in_subprocess, path, number, hidden_dir, limits): path
                   for path in paths}
        for future in progress_bar(as_completed(futures), total=len(paths), desc="grading",
                                   quiet=quiet):
            rows.append(future.result())
    write_gradebook(rows, tasks, out)
    if feedback_dir is not None:
        feedback_dir.mkdir(parents=True, exist_ok=True)
        for row in rows:
            (feedback_dir / f"{row.learner}.md").write_text(feedback(row, tasks), encoding="utf-8")
    return rows


def _grade_in_subprocess(path: Path, chapter: str, hidden_dir: Path | None, limits: Limits) -> Submission:
    """Grade one submission in a child process, so nothing in it can disturb the others."""
    command = [sys.executable, "-m", "embcourse.grade", "--one", str(path), chapter,
               "--cell-timeout", str(limits.cell_seconds), "--timeout", str(limits.notebook_seconds),
               "--case-timeout", str(limits.case_seconds), "--memory-mb", str(limits.memory_mb)]
    if hidden_dir is not None:
        command += ["--hidden", str(hidden_dir)]
    try:
        result = subprocess.run(command, capture_output=True, text=True,
                                timeout=limits.notebook_seconds + 120)
        payload = json.loads([line for line in result.stdout.splitlines() if line.startswith("{")][-1])
    except subprocess.TimeoutExpired:
        return Submission(path.stem, TIMEOUT, "grading took too long and was stopped")
    except (json.JSONDecodeError, IndexError):
        return Submission(path.stem, KERNEL_DIED, "the grader failed on this file: "
                          + (result.stderr.strip().splitlines() or ["no output"])[-1][:150])
    return _from_json(payload)


def _to_json(row: Submission) -> dict:
    return {"learner": row.learner, "status": row.status, "reason": row.reason,
            "results": {task_id: {"status": r.status, "message": r.message,
                                  "outcomes": [{"name": o.case.name, "hidden": o.case.hidden,
                                                "status": o.status, "detail": o.detail}
                                               for o in r.outcomes]}
                        for task_id, r in row.results.items()}}


def _from_json(payload: dict) -> Submission:
    row = Submission(payload["learner"], payload["status"], payload["reason"])
    for task_id, data in payload["results"].items():
        outcomes = []
        public = {case.name: case for case in load_cases(task_id, hidden_dir=None)}
        for item in data["outcomes"]:
            case = public.get(item["name"]) if not item["hidden"] else None
            case = case or Case(item["name"], [], {}, None, hidden=item["hidden"])
            outcomes.append(CaseOutcome(case, item["status"], item["detail"]))
        row.results[task_id] = CheckResult(task_id, data["status"], outcomes, data["message"])
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m embcourse.grade",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("chapter", help="chapter number (01) or exercise name (01_one_hot)")
    parser.add_argument("submissions", type=Path, help="folder of LEARNER.ipynb files")
    parser.add_argument("--out", type=Path, default=Path("grades.csv"), help="gradebook CSV (default: grades.csv)")
    parser.add_argument("--feedback", type=Path, help="folder for one LEARNER.md per learner (default: feedback/ beside --out)")
    parser.add_argument("--hidden", type=Path, default=DEFAULT_HIDDEN, help="folder of hidden cases (default: grading/hidden)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="submissions graded at once (default: cores)")
    parser.add_argument("--cell-timeout", type=int, default=Limits.cell_seconds)
    parser.add_argument("--timeout", type=int, default=Limits.notebook_seconds, help="seconds for a whole notebook")
    parser.add_argument("--case-timeout", type=int, default=Limits.case_seconds, help="seconds for one call of a task function")
    parser.add_argument("--memory-mb", type=int, default=Limits.memory_mb)
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--quiet", action="store_true", help="no progress bar or summary")
    if argv is None:
        argv = sys.argv[1:]
    if argv and argv[0] == "--one":  # internal: grade one file, print JSON
        path, chapter, rest = Path(argv[1]), argv[2], argv[3:]
        args = parser.parse_args([chapter, str(path.parent), *rest])
        number, tasks = resolve_chapter(chapter)
        limits = Limits(cell_seconds=args.cell_timeout, notebook_seconds=args.timeout,
                        case_seconds=args.case_timeout, memory_mb=args.memory_mb)
        hidden = args.hidden if args.hidden and args.hidden.exists() else None
        print(json.dumps(_to_json(run_submission(path, number, tasks, hidden, limits))))
        return 0
    args = parser.parse_args(argv)
    if args.hidden is not None and not args.hidden.is_dir():
        raise SystemExit(f"error: the hidden-cases folder {args.hidden} does not exist. Pass "
                         "--hidden with a folder of NN.json files (see grading/README.md).")
    limits = Limits(cell_seconds=args.cell_timeout, notebook_seconds=args.timeout,
                    case_seconds=args.case_timeout, memory_mb=args.memory_mb)
    feedback_dir = args.feedback or args.out.parent / "feedback"
    started = time.perf_counter()
    rows = grade_all(args.chapter, args.submissions, args.out, args.hidden, feedback_dir,
                     max(1, args.jobs), limits, quiet=args.quiet)
    if not args.quiet:
        counts: dict[str, int] = {}
        for row in rows:
            counts[row.status] = counts.get(row.status, 0) + 1
        summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        print(f"graded {len(rows)} submissions in {time.perf_counter() - started:.1f} s ({summary}); "
              f"gradebook: {args.out}; feedback: {feedback_dir}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
