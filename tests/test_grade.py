"""embcourse.grade: one honest row per submission, whatever the submission is or
attempts."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT, chapter_notebooks
from embcourse.checks import TASKS, load_cases
from embcourse.grade import DEFAULT_HIDDEN, Limits, grade_all, main
from embcourse.grading import learner_cases, report, sandbox, shards

CORPUS = ROOT / "tests" / "grading_corpus"
sys.path.insert(0, str(CORPUS))
import make_corpus

pytestmark = pytest.mark.slow  # runs the grader; left out by make test-fast

FAST = Limits(cell_seconds=5, notebook_seconds=60, case_seconds=2, memory_mb=2048)
ESCAPES = [
    Path("/tmp/embcourse-grading-escape.txt"),
    ROOT / "escape.txt",
    ROOT / "escape.db",
    ROOT / "escape-from-c.txt",
    ROOT / "escape-raw.txt",
]
DECOY = Path("/tmp/embcourse-decoy")
#: Folders of the checkout that tools (not grading) write to.
NOT_THE_COURSE = (
    ".venv",
    "_build",
    ".git",
    ".pytest_cache",
    ".ruff_cache",
    "__pycache__",
)
SURVIVOR_MARKS = (b"987654", b"987653")  # the sleep arguments of attacks.py's survivors


def _rows(path: Path) -> dict[str, dict]:
    with open(path, newline="", encoding="utf-8") as file:
        return {row["learner"].lstrip("'"): row for row in csv.DictReader(file)}


def _tree_digest(folder: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every file under ``folder`` (not following links) and a hash of its bytes."""
    digest = {}
    for base, folders, files in os.walk(folder):
        folders[:] = [name for name in folders if name not in skip]
        for name in files:
            path = Path(base) / name
            if path.is_symlink() or not path.is_file():
                digest[str(path)] = "special"
                continue
            digest[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


def _processes_with(marks) -> list[str]:
    found = []
    for pid in os.listdir("/proc"):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if pid.isdigit() and any(mark in command for mark in marks):
            found.append(f"{pid}: {command[:120]!r}")
    return found


def _kernel_processes() -> list[str]:
    """Processes still running as a kernel's uid (root only) or as a sandboxed
    kernel."""
    found = (
        [
            f"{pid} (uid {sandbox.UID_BASE + slot})"
            for slot in range(sandbox.SLOTS)
            for pid in sandbox.processes_of(sandbox.UID_BASE + slot)
        ]
        if sandbox.running_as_root()
        else []
    )
    return found + _processes_with([b"/exchange/connection.json"])


@pytest.fixture(scope="module")
def corpus_gradebook(tmp_path_factory, grading_sandbox):
    """The corpus, its special entries added, graded once; with what the host held
    before."""
    for path in ESCAPES:
        path.unlink(missing_ok=True)
    shutil.rmtree(DECOY, ignore_errors=True)
    DECOY.mkdir()
    (DECOY / "file.txt").write_text("a file a submission must not touch\n")
    submissions = tmp_path_factory.mktemp("submissions")
    for path in CORPUS.glob("*.ipynb"):
        shutil.copy(path, submissions / path.name)
    make_corpus.add_special_entries(submissions)
    before = {
        "repo": _tree_digest(
            ROOT,
            skip=NOT_THE_COURSE,
        ),
        "decoy": _tree_digest(DECOY),
        "submissions": _tree_digest(submissions),
    }
    temp_before = {p.name for p in Path("/tmp").glob("embcourse-grade-*")}
    out = tmp_path_factory.mktemp("grades")
    grade_all(
        "01",
        submissions,
        out / "grades.csv",
        DEFAULT_HIDDEN,
        out / "feedback",
        jobs=2,
        limits=FAST,
        quiet=True,
    )
    return {
        "out": out,
        "submissions": submissions,
        "before": before,
        "temp_before": temp_before,
    }


def test_every_submission_gets_its_expected_status_and_score(corpus_gradebook):
    got = _rows(corpus_gradebook["out"] / "grades.csv")
    expected = _rows(CORPUS / "expected.csv")
    assert sorted(got) == sorted(expected), "exactly one row per submission"
    for learner, row in expected.items():
        assert (got[learner]["status"], float(got[learner]["total"])) == (
            row["status"],
            float(row["total"]),
        ), (learner, got[learner]["reason"])
        assert float(got[learner]["maximum"]) == make_corpus.FULL


def test_nothing_outside_the_sandbox_was_created_changed_or_deleted(corpus_gradebook):
    before = corpus_gradebook["before"]
    assert _tree_digest(DECOY) == before["decoy"]
    assert _tree_digest(corpus_gradebook["submissions"]) == before["submissions"]
    assert (
        _tree_digest(
            ROOT,
            skip=NOT_THE_COURSE,
        )
        == before["repo"]
    )
    assert [path for path in ESCAPES if path.exists()] == []


def test_no_process_of_a_submission_outlives_grading(corpus_gradebook):
    assert _processes_with(SURVIVOR_MARKS) == []
    assert _kernel_processes() == []


def test_temporary_folders_are_removed(corpus_gradebook):
    left = {p.name for p in Path("/tmp").glob("embcourse-grade-*")} - corpus_gradebook[
        "temp_before"
    ]
    assert left == set()


def _leaves(value):
    if isinstance(value, (list, tuple)):
        return [leaf for item in value for leaf in _leaves(item)]
    if isinstance(value, dict):
        return _leaves(list(value)) + _leaves(list(value.values()))
    return [value]


def test_feedback_never_reveals_hidden_cases(corpus_gradebook):
    folder = corpus_gradebook["out"] / "feedback"
    texts = {
        path.name: path.read_text(encoding="utf-8") for path in folder.glob("*.md")
    }
    assert len(texts) == len(_rows(CORPUS / "expected.csv")), (
        "one feedback file per learner"
    )
    failing = texts["patches_print.md"]
    assert (
        "hidden cases: 0 of 4 passed" in failing
        and "hint:" in failing
        and "called:" in failing
    )
    leaks = texts["leaks_through_exceptions.md"]
    assert "hidden cases: 0 of 3 passed" in leaks, "a count per task, no kinds"
    cases = [
        c for t in TASKS if t.startswith("01.") for c in load_cases(t, DEFAULT_HIDDEN)
    ]
    public = " ".join(repr([c.name, c.args, c.kwargs]) for c in cases if not c.hidden)
    secrets = {  # the hidden inputs' words and numbers that no public case has
        repr(leaf)
        for case in cases
        if case.hidden
        for leaf in _leaves(case.args)
        if (isinstance(leaf, str) and len(leaf) >= 3)
        or (isinstance(leaf, int) and leaf >= 100)
    } - set(re.findall(r"'[^']*'|\d+", public))
    assert {"'THE'", "30522"} <= secrets
    for name, text in texts.items():
        for secret in ("LEAK", "Error:", *secrets):
            assert secret not in text, (name, secret)
        for line in text.splitlines():
            if line.lstrip().startswith("hidden"):
                assert re.fullmatch(
                    r"  hidden cases: \d+ of \d+ passed \(their inputs, and how each "
                    r"one failed, are not shown\)",
                    line,
                ), (name, line)
    assert (
        "got:" not in texts["records_hidden_inputs.md"]
        and "['b', 'a', 'b']" in texts["records_hidden_inputs.md"]
    ), "its public case shows the public inputs it recorded, no more"


def test_learner_ids_cannot_become_formulas_or_paths(corpus_gradebook):
    lines = (
        (corpus_gradebook["out"] / "grades.csv")
        .read_text(encoding="utf-8")
        .splitlines()
    )
    assert any(line.startswith("'=1+2,") for line in lines)
    assert any(line.startswith("'@SUM(A1),") for line in lines)
    assert not any(line.startswith(("=", "+", "-", "@")) for line in lines)
    names = sorted(
        path.name for path in (corpus_gradebook["out"] / "feedback").iterdir()
    )
    assert all(
        name.endswith(".md") and not name.startswith(".") and "\n" not in name
        for name in names
    )
    assert (
        report.spreadsheet_safe("-2+3") == "'-2+3"
        and report.spreadsheet_safe("ada") == "ada"
    )
    names = report.feedback_names(
        ["../../x", "..", ".ipynb", "a b", "a_b", "A_B", "learner"]
    )
    assert len(set(names.values())) == len(names), "one file per learner"
    assert (names["../../x"], names[".ipynb"]) == ("_.._x.md", "ipynb.md")
    for colliding in (
        "a b",
        "a_b",
        "A_B",
    ):  # same name, ignoring case: each gets its hash
        assert (
            names[colliding].startswith(("a_b-", "A_B-"))
            and len(names[colliding]) == 15
        )
    assert names[".."].startswith("learner-") and names["learner"].startswith(
        "learner-"
    )


def test_a_learner_cannot_take_another_learners_feedback_file():
    """'ada' and 'ADA' get hashed names; a learner who names the file after one of
    them still gets a file of their own."""
    digest = hashlib.sha256(b"ada").hexdigest()[:8]
    learners = ["ada", "ADA", f"ada-{digest}", f"ada-{digest}-2", "bob"]
    names = report.feedback_names(learners)
    assert len({name.lower() for name in names.values()}) == len(learners)
    assert names["bob"] == "bob.md"


def test_grading_again_in_slices_gives_the_same_gradebook(corpus_gradebook, tmp_path):
    """Six submissions of the corpus graded again, in three slices (--shard K/3)
    merged: the same rows as the whole corpus's run."""
    for name in [
        "random_answers",
        "full_marks",
        "half_done",
        "not_json",
        "leaks_through_exceptions",
        "attack_forge_result",
    ]:
        shutil.copy(CORPUS / f"{name}.ipynb", tmp_path / f"{name}.ipynb")
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    slices = []
    for k in (1, 2, 3):  # graded again in three slices, then merged
        out = tmp_path / f"slice{k}" / "grades.csv"
        grade_all(
            "01",
            tmp_path,
            out,
            DEFAULT_HIDDEN,
            None,
            jobs=2,
            limits=FAST,
            quiet=True,
            shard=(k, 3),
        )
        slices.append(json.loads(report.details_path(out).read_text()))
    assert sum(len(record["learners"]) for record in slices) == 6
    second.write_text(report.gradebook_csv(shards.merge(slices)))
    shutil.copy(corpus_gradebook["out"] / "grades.csv", first)
    wanted = set(_rows(second))
    first_rows = [
        line
        for line in first.read_text().splitlines()[1:]
        if line.split(",")[0] in wanted
    ]
    assert first_rows == second.read_text().splitlines()[1:]
    assert [r for r in tmp_path.rglob(".*")] == [], "no temporary files left"


@pytest.mark.parametrize(
    "solution", chapter_notebooks("solutions"), ids=lambda p: p.name
)
def test_solution_scores_full_marks_and_handed_out_exercise_scores_zero(
    solution, tmp_path, grading_sandbox
):
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    shutil.copy(solution, submissions / "solution.ipynb")
    shutil.copy(ROOT / "exercises" / solution.name, submissions / "exercise.ipynb")
    grade_all(
        solution.name[:2],
        submissions,
        tmp_path / "grades.csv",
        DEFAULT_HIDDEN,
        None,
        jobs=2,
        limits=Limits(cell_seconds=120, notebook_seconds=300),
        quiet=True,
    )
    rows = _rows(tmp_path / "grades.csv")
    assert rows["solution"]["status"] == "graded", rows["solution"]["reason"]
    assert rows["solution"]["total"] == rows["solution"]["maximum"]
    assert (rows["exercise"]["status"], rows["exercise"]["total"]) == ("graded", "0")


def test_unsandboxed_grading_says_so_in_the_gradebook(tmp_path, capsys):
    shutil.copy(CORPUS / "full_marks.ipynb", tmp_path / "ada.ipynb")
    main(
        [
            "01",
            str(tmp_path),
            "--out",
            str(tmp_path / "g.csv"),
            "--unsandboxed",
            "--quiet",
            "--jobs",
            "1",
        ]
    )
    row = _rows(tmp_path / "g.csv")["ada"]
    assert (float(row["total"]), row["reason"]) == (
        make_corpus.FULL,
        "graded WITHOUT the sandbox (--unsandboxed)",
    )
    assert "WITHOUT the sandbox" in capsys.readouterr().err
    assert "WITHOUT the sandbox" in (tmp_path / "feedback" / "ada.md").read_text()


def test_refuses_with_a_fix_when_the_sandbox_cannot_run(tmp_path, monkeypatch):
    shutil.copy(CORPUS / "full_marks.ipynb", tmp_path / "ada.ipynb")
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    with pytest.raises(SystemExit, match="apt-get install bubblewrap.*--unsandboxed"):
        main(["01", str(tmp_path), "--out", str(tmp_path / "g.csv")])
    assert not (tmp_path / "g.csv").exists()


def test_clear_errors_for_bad_arguments(tmp_path):
    with pytest.raises(SystemExit, match="no exercises for chapter '09'"):
        main(["09", str(tmp_path)])
    with pytest.raises(SystemExit, match="is not a folder"):
        main(["01", str(tmp_path / "missing"), "--out", str(tmp_path / "g.csv")])
    with pytest.raises(SystemExit, match="no .ipynb files"):
        main(["01", str(tmp_path), "--out", str(tmp_path / "g.csv")])
    with pytest.raises(SystemExit, match="hidden-cases folder"):
        main(["01", str(tmp_path), "--hidden", str(tmp_path / "nope")])
    (tmp_path / "ada.ipynb").write_text("{}")
    with pytest.raises(SystemExit, match="folder of its own"):
        main(["01", str(tmp_path), "--out", str(tmp_path / "g.csv"), "--feedback",
              str(tmp_path)])  # fmt: skip


def test_committed_corpus_is_what_make_corpus_writes(tmp_path):
    make_corpus.write(tmp_path)
    for path in sorted(tmp_path.iterdir()):
        assert (CORPUS / path.name).read_bytes() == path.read_bytes(), (
            f"tests/grading_corpus/{path.name} is stale: run "
            "tests/grading_corpus/make_corpus.py"
        )


def test_two_graders_at_once_never_share_a_kernel_uid():
    first, first_lock = sandbox.claim_slot()
    second, second_lock = sandbox.claim_slot()
    try:
        assert first != second
    finally:
        first_lock.close()
        second_lock.close()
    again, lock = sandbox.claim_slot()
    lock.close()
    assert again <= first, "a slot is free again once its lock is closed"


HOG = (
    "import os, time\n"
    "started = time.monotonic()\n"
    "for _ in range(52):\n"
    "    if os.fork() == 0:\n"
    "        os.setsid()\n"
    "        while time.monotonic() - started < 8:\n"
    "            pass\n"
    "        os._exit(0)\n"
)


def test_a_cpu_hog_costs_its_neighbours_nothing(tmp_path, grading_sandbox):
    """52 busy processes, each in its own session, beside two correct notebooks graded
    at the same time: the neighbours keep full marks."""
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    nbformat.write(
        make_corpus.exercise_with([HOG], solved=make_corpus.ALL),
        submissions / "hog.ipynb",
    )
    for name in ("ada", "grace"):
        shutil.copy(CORPUS / "full_marks.ipynb", submissions / f"{name}.ipynb")
    out = tmp_path / "grades.csv"
    grade_all("01", submissions, out, DEFAULT_HIDDEN, None, 2, FAST, quiet=True)
    rows = _rows(out)
    for name in ("ada", "grace"):
        assert (rows[name]["status"], float(rows[name]["total"])) == (
            "graded",
            make_corpus.FULL,
        ), rows[name]["reason"]
    assert "hog" in rows


def test_refuses_to_grade_without_hidden_cases(tmp_path, grading_sandbox):
    (tmp_path / "subs").mkdir()
    shutil.copy(CORPUS / "full_marks.ipynb", tmp_path / "subs" / "ada.ipynb")
    (tmp_path / "hidden").mkdir()
    (tmp_path / "hidden" / "01.json").write_text('{"01.build_vocabulary": []}')
    with pytest.raises(SystemExit, match="no hidden cases for 01.build_vocabulary"):
        grade_all(
            "01",
            tmp_path / "subs",
            tmp_path / "grades.csv",
            tmp_path / "hidden",
            None,
            1,
            FAST,
            quiet=True,
        )
    assert not (tmp_path / "grades.csv").exists()


def test_each_learner_is_graded_on_hidden_cases_drawn_for_them(
    tmp_path, grading_sandbox
):
    """--learner-secret: the solution scores full marks on every learner's own cases,
    and a notebook holding the public answers still scores nothing."""
    secret = tmp_path / "secret.txt"
    learner_cases.new_secret(secret)
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    for name in ("ada", "bob"):
        shutil.copy(CORPUS / "full_marks.ipynb", submissions / f"{name}.ipynb")
    shutil.copy(CORPUS / "public_answers.ipynb", submissions / "eve.ipynb")
    out = tmp_path / "grades.csv"
    grade_all(
        "01",
        submissions,
        out,
        DEFAULT_HIDDEN,
        tmp_path / "feedback",
        jobs=2,
        limits=FAST,
        quiet=True,
        secret=learner_cases.read_secret(secret),
    )
    rows = _rows(out)
    assert rows["ada"]["total"] == rows["ada"]["maximum"] == rows["bob"]["total"]
    assert rows["eve"]["total"] == "0"
    details = json.loads(report.details_path(out).read_text())
    hidden = [
        case["name"]
        for case in details["learners"]["ada"]["cases"]["01.build_vocabulary"]
        if case["hidden"]
    ]
    shared = [case.name for case in load_cases("01.build_vocabulary", DEFAULT_HIDDEN)
              if case.hidden]  # fmt: skip
    assert hidden[: len(shared)] == shared, "the shared cases first"
    drawn = hidden[len(shared) :]
    assert drawn and all(name.startswith(learner_cases.DRAWN) for name in drawn)


def test_shared_public_cases_with_a_secret_are_warned_about(tmp_path, capsys):
    secret = tmp_path / "secret.txt"
    learner_cases.new_secret(secret)
    (tmp_path / "empty").mkdir()
    with pytest.raises(SystemExit, match="no .ipynb files"):
        main(
            ["01", str(tmp_path / "empty"), "--out", str(tmp_path / "g.csv"),
             "--learner-secret", str(secret)]
        )  # fmt: skip
    assert "earn their share of the points" in capsys.readouterr().err
