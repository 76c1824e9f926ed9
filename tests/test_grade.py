"""embcourse.grade: one honest row per submission, whatever the submission is."""

from __future__ import annotations

import csv
import shutil
import sys
from pathlib import Path

import pytest

from conftest import ROOT, chapter_notebooks
from embcourse.grade import DEFAULT_HIDDEN, Limits, grade_all, main

CORPUS = ROOT / "tests" / "grading_corpus"
FAST = Limits(cell_seconds=5, notebook_seconds=60, case_seconds=2, memory_mb=2048)
ESCAPE = Path("/tmp/embcourse-grading-escape.txt")


def _rows(path: Path) -> dict[str, dict]:
    with open(path, newline="", encoding="utf-8") as file:
        return {row["learner"]: row for row in csv.DictReader(file)}


@pytest.fixture(scope="module")
def corpus_gradebook(tmp_path_factory):
    ESCAPE.unlink(missing_ok=True)
    out = tmp_path_factory.mktemp("grades")
    grade_all("01", CORPUS, out / "grades.csv", DEFAULT_HIDDEN, out / "feedback", jobs=2,
              limits=FAST, quiet=True)
    return out


def test_every_bad_submission_gets_its_expected_status_and_score(corpus_gradebook):
    got = _rows(corpus_gradebook / "grades.csv")
    expected = _rows(CORPUS / "expected.csv")
    assert sorted(got) == sorted(expected), "exactly one row per submission"
    for learner, row in expected.items():
        assert (got[learner]["status"], float(got[learner]["total"])) == (
            row["status"], float(row["total"])), (learner, got[learner]["reason"])
        assert got[learner]["maximum"] == "40"


def test_nothing_escaped_the_sandbox(corpus_gradebook):
    assert not ESCAPE.exists(), "a submission wrote outside its temporary folder"


def test_feedback_never_reveals_hidden_cases(corpus_gradebook):
    hidden_only = ["zzz", "THE", "30522", "vocabulary listed out of id order"]
    texts = [path.read_text(encoding="utf-8") for path in (corpus_gradebook / "feedback").glob("*.md")]
    assert len(texts) == len(list(CORPUS.glob("*.ipynb")))
    failing = (corpus_gradebook / "feedback" / "patches_print.md").read_text(encoding="utf-8")
    assert "hidden case 'case matters'" in failing and "hint:" in failing and "called:" in failing
    for text in texts:
        for secret in hidden_only[:3]:
            assert secret not in text


def test_grading_again_gives_the_same_gradebook(corpus_gradebook, tmp_path):
    for name in ["full_marks", "half_done", "not_json", "fakes_the_checks"]:
        shutil.copy(CORPUS / f"{name}.ipynb", tmp_path / f"{name}.ipynb")
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    for out in (first, second):
        grade_all("01", tmp_path, out, DEFAULT_HIDDEN, None, jobs=2, limits=FAST, quiet=True)
    assert first.read_bytes() == second.read_bytes()
    assert [r for r in tmp_path.iterdir() if r.name.startswith(".")] == [], "no temporary files left"


@pytest.mark.parametrize("solution", chapter_notebooks("solutions"), ids=lambda p: p.name)
def test_solution_scores_full_marks_and_handed_out_exercise_scores_zero(solution, tmp_path):
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    shutil.copy(solution, submissions / "solution.ipynb")
    shutil.copy(ROOT / "exercises" / solution.name, submissions / "exercise.ipynb")
    grade_all(solution.name[:2], submissions, tmp_path / "grades.csv", DEFAULT_HIDDEN, None,
              jobs=2, limits=Limits(cell_seconds=120, notebook_seconds=300), quiet=True)
    rows = _rows(tmp_path / "grades.csv")
    assert rows["solution"]["status"] == "graded", rows["solution"]["reason"]
    assert rows["solution"]["total"] == rows["solution"]["maximum"]
    assert (rows["exercise"]["status"], rows["exercise"]["total"]) == ("graded", "0")


def test_clear_errors_for_bad_arguments(tmp_path, capsys):
    with pytest.raises(SystemExit, match="no exercises for chapter '09'"):
        main(["09", str(tmp_path)])
    with pytest.raises(SystemExit, match="is not a folder"):
        main(["01", str(tmp_path / "missing"), "--out", str(tmp_path / "g.csv")])
    with pytest.raises(SystemExit, match="no .ipynb files"):
        main(["01", str(tmp_path), "--out", str(tmp_path / "g.csv")])
    with pytest.raises(SystemExit, match="hidden-cases folder"):
        main(["01", str(tmp_path), "--hidden", str(tmp_path / "nope")])


def test_committed_corpus_is_what_make_corpus_writes(tmp_path):
    sys.path.insert(0, str(CORPUS))
    import make_corpus

    make_corpus.write(tmp_path)
    for path in sorted(tmp_path.iterdir()):
        assert (CORPUS / path.name).read_bytes() == path.read_bytes(), (
            f"tests/grading_corpus/{path.name} is stale: run tests/grading_corpus/make_corpus.py")
