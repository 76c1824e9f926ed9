"""The instructor's tools after grading, on records built from the course's own checks
(no grader run): slices merged, per-learner cases, the course gradebook with its roster
and late rules, the LMS exports, the analytics and the similarity report."""

from __future__ import annotations

import csv
import io
import json
import statistics
import sys
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from conftest import ROOT
from embcourse.checks import TASKS, compare_array, load_cases, run_check
from embcourse.grading import (
    analytics,
    course,
    gradebook,
    late_rules,
    learner_cases,
    lms_export,
    report,
    shards,
    similarity,
)
from embcourse.grading.make_cases import reference_solutions
from embcourse.grading.outcome import GRADED, Submission

sys.path.insert(0, str(ROOT / "tests"))
import similarity_corpus
from test_mutants import MUTANTS

HIDDEN = ROOT / "grading" / "hidden"
TASKS_01 = [task_id for task_id in TASKS if task_id.startswith("01.")]
IDS = ["ada", "ADA", "=1+2", "bob", "carol", "dan", "erin", "frank", "grace", "héloïse"]


def _rows(chapter: str = "01") -> list[Submission]:
    """One row per learner id: each learner writes each task with the reference
    solution or one of its wrong implementations, in turn."""
    solutions = reference_solutions(chapter)
    tasks = [task_id for task_id in TASKS if task_id.startswith(chapter + ".")]
    rows = []
    for number, learner in enumerate(IDS):
        results = {}
        for task_id in tasks:
            wrong = list(MUTANTS[task_id].wrong.values())
            function = (
                solutions[TASKS[task_id].function_name]
                if number % 3 == 0
                else wrong[number % len(wrong)]
            )
            results[task_id] = run_check(task_id, function, hidden_dir=HIDDEN)
        rows.append(Submission(learner, GRADED, results=results))
    return rows


@pytest.fixture(scope="module")
def rows() -> list[Submission]:
    return _rows()


def _grading(k: int, n: int, hidden: str = "abc") -> dict:
    return {"shard": [k, n], "folder": sorted(IDS), "hidden": hidden, "per_learner": ""}


def test_slices_merged_are_one_run(rows, tmp_path):
    whole = report.write_gradebook(
        rows, TASKS_01, tmp_path / "whole.csv", chapter="01", grading=_grading(1, 1)
    )
    records = []
    for k in (1, 2, 3):
        mine = [row for row in rows if shards.shard_of(row.learner, 3) == k]
        out = tmp_path / f"slice{k}.csv"
        records.append(
            report.write_gradebook(
                mine, TASKS_01, out, chapter="01", grading=_grading(k, 3)
            )
        )
    merged = shards.merge(records)
    assert merged == whole
    assert report.gradebook_csv(merged) == (tmp_path / "whole.csv").read_text()
    assert shards.shard_of("ada", 3) == shards.shard_of("ADA", 3), (
        "ids whose feedback files could collide share a slice"
    )
    assert {shards.shard_of(learner, 3) for learner in IDS} == {1, 2, 3}
    names = report.feedback_names(IDS + ["ada-" + "0" * 8], always_hash=True)
    assert len({name.lower() for name in names.values()}) == len(IDS) + 1


def test_merge_refuses_what_does_not_make_one_grading(rows, tmp_path):
    def record(k, n, hidden="abc", learners=None):
        mine = [r for r in rows if shards.shard_of(r.learner, n) == k]
        if learners is not None:
            mine = [r for r in mine if r.learner in learners]
        out = tmp_path / f"{k}-{n}-{hidden}.csv"
        return report.write_gradebook(
            mine, TASKS_01, out, chapter="01", grading=_grading(k, n, hidden)
        )

    one, two, three = (record(k, 3) for k in (1, 2, 3))
    with pytest.raises(SystemExit, match="in two slices"):
        shards.merge([one, one, two])
    with pytest.raises(SystemExit, match="missing: \\[3\\]"):
        shards.merge([one, two])
    with pytest.raises(SystemExit, match="other hidden cases"):
        shards.merge([one, two, record(3, 3, hidden="xyz")])
    with pytest.raises(SystemExit, match="share one N"):
        shards.merge([one, two, record(3, 4)])
    with pytest.raises(SystemExit, match="differs from slice 1"):
        shards.merge([one, two, dict(three, chapter="02")])
    with pytest.raises(SystemExit, match="the folder had"):
        shards.merge([one, two, record(3, 3, learners=set())])
    for bad in ("3", "0/2", "3/2", "a/b"):
        with pytest.raises(SystemExit, match="--shard"):
            shards.parse(bad)
    (tmp_path / "slice.details.json").write_text(json.dumps(one))
    with pytest.raises(SystemExit, match="merge the slices first"):
        course.main(
            ["gradebook", str(tmp_path / "slice.details.json"), "--out",
             str(tmp_path / "c")]
        )  # fmt: skip


def test_each_learner_gets_their_own_reproducible_hidden_cases(tmp_path):
    secret = tmp_path / "secret.txt"
    learner_cases.new_secret(secret)
    assert secret.stat().st_mode & 0o777 == 0o600
    with pytest.raises(SystemExit, match="exists"):
        learner_cases.new_secret(secret)
    key = learner_cases.read_secret(secret)
    ada = learner_cases.write_learner_cases(key, "01", "ada", tmp_path / "ada")
    again = learner_cases.write_learner_cases(key, "01", "ada", tmp_path / "again")
    bob = learner_cases.write_learner_cases(key, "01", "bob", tmp_path / "bob")
    assert ada.read_bytes() == again.read_bytes(), "a re-grade draws the same cases"
    ada_cases, bob_cases = json.loads(ada.read_text()), json.loads(bob.read_text())
    for task_id in TASKS_01:
        ada_inputs = [case["args"] for case in ada_cases[task_id]]
        bob_inputs = [case["args"] for case in bob_cases[task_id]]
        assert ada_inputs != bob_inputs, task_id
        public = [case.args for case in load_cases(task_id)]
        assert not any(inputs in public for inputs in ada_inputs), task_id
    solutions = reference_solutions("01")
    for task_id in TASKS_01:  # the reference passes its own cases
        result = run_check(
            task_id,
            solutions[TASKS[task_id].function_name],
            hidden_dir=tmp_path / "bob",
        )
        assert result.passed == result.total, task_id
    assert learner_cases.learner_seed(key, "01", "ada") != learner_cases.learner_seed(
        key, "02", "ada"
    )
    both = learner_cases.write_learner_cases(
        key, "01", "ada", tmp_path / "core", shared=HIDDEN
    )
    shared = json.loads((HIDDEN / "01.json").read_text())
    mixed = json.loads(both.read_text())
    for task_id in TASKS_01:  # every learner meets the shared cases, then their own
        assert mixed[task_id][: len(shared[task_id])] == shared[task_id]
        assert mixed[task_id][len(shared[task_id]) :] == ada_cases[task_id]


def _two_chapters(tmp_path) -> list[dict]:
    one = report.write_gradebook(
        _rows("01")[:6],
        TASKS_01,
        tmp_path / "01.csv",
        chapter="01",
        file_times={"ada": datetime(2026, 12, 3, 12, tzinfo=UTC).timestamp()},
    )
    tasks_02 = [task_id for task_id in TASKS if task_id.startswith("02.")]
    two = report.write_gradebook(
        _rows("02")[1:5], tasks_02, tmp_path / "02.csv", chapter="02"
    )
    return [one, two]


def _roster(tmp_path) -> Path:
    path = tmp_path / "roster.csv"
    path.write_text(
        "learner,name,canvas_id,sis_user_id,sis_login_id,section,email\n"
        'ada,"Lovelace, Ada",101,S1,ada1,A,ada@example.org\n'
        'bob,"Builder, Bob",102,S2,bob1,A,bob@example.org\n'
        'zoe,"Zed, Zoe",103,S3,zoe1,B,\n'
        '=1+2,"Formula, Eve",,,,B,eve@example.org\n',
        encoding="utf-8",
    )
    return path


def test_course_gradebook_keeps_everyone_and_says_why(tmp_path):
    from embcourse.grading import roster

    rules = late_rules.LateRules(
        deadlines={"01": datetime(2026, 12, 1, 23, 59, tzinfo=UTC)},
        percent_per_day=10,
        cap_percent=25,
        extensions={("bob", "*"): 2.0},
        submitted={("bob", "01"): datetime(2026, 12, 4, 0, 0, tzinfo=UTC)},
        trust_file_times=True,
    )
    book = gradebook.combine(
        _two_chapters(tmp_path), roster.read(_roster(tmp_path)), rules
    )
    by_id = {row.learner: row for row in book.rows}
    assert book.never_submitted == ["zoe"]
    assert "ADA" in book.not_in_roster and "ADA" in by_id, "kept, and listed"
    assert by_id["zoe"].chapters["01"].status == gradebook.MISSING
    ada = by_id["ada"].chapters["01"]  # 1 day 12 h late by its file time: 2 days
    assert (ada.days_late, ada.time_source) == (2, late_rules.FROM_FILE_TIME)
    assert ada.penalised == round(ada.raw * 0.8, 2)
    bob = by_id["bob"].chapters["01"]  # 2 days late by the LMS, 2 days' extension
    assert (bob.days_late, bob.time_source) == (1, late_rules.FROM_LMS_TIMES)
    assert by_id["ada"].chapters["02"].status == gradebook.MISSING  # not in slice 02
    days = {
        (r.learner, c): s.days_late for r in book.rows for c, s in r.chapters.items()
    }
    assert rules.penalised(10, 5) == 7.5, "the cap"
    assert days[("dan", "02")] == 0, "no deadline for chapter 02"
    cautious = gradebook.combine(
        _two_chapters(tmp_path),
        roster.read(_roster(tmp_path)),
        late_rules.LateRules(deadlines=rules.deadlines, percent_per_day=10),
    )
    ada = {row.learner: row for row in cautious.rows}["ada"].chapters["01"]
    assert (ada.days_late, ada.time_source) == (0, late_rules.NO_TIME), (
        "file times are not trusted unless asked"
    )


def test_late_rule_inputs_are_checked(tmp_path):
    for kwargs, message in [
        ({"percent_per_day": -10}, "0 or more"),
        ({"cap_percent": 150}, "from 0 to 100"),
        ({"percent_per_day": float("nan")}, "0 or more"),
    ]:
        with pytest.raises(SystemExit, match=message):
            late_rules.LateRules(**kwargs)
    extensions = tmp_path / "extensions.csv"
    for body, message in [
        ("learner,chapter,days\nada,01,nan\n", "must be a number"),
        ("learner,chapter,days\nada,01,-2\n", "must be a number"),
        ("learner,chapter,days\nada,01\n", "days is empty"),
        ("learner,chapter,days\nada,01,1\nada,1,2\n", "a second extension"),
        ("learner,days\n", "lacks the column"),
    ]:
        extensions.write_text(body)
        with pytest.raises(SystemExit, match=message):
            late_rules.read_extensions(extensions)
    times = tmp_path / "times.csv"
    times.write_text("learner,chapter,submitted_at\nada,01\n")
    with pytest.raises(SystemExit, match="submitted_at is empty"):
        late_rules.read_submitted(times)
    for template in ("Embeddings", "Lab {ch}"):
        with pytest.raises(SystemExit, match="must contain"):
            lms_export.check_template(template)


def test_canvas_and_moodle_files_have_their_documented_columns(tmp_path):
    from embcourse.grading import roster

    book = gradebook.combine(_two_chapters(tmp_path), roster.read(_roster(tmp_path)))
    text, left_out = lms_export.canvas(book, "Embeddings {chapter}")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == [
        "Student",
        "ID",
        "SIS User ID",
        "SIS Login ID",
        "Section",
        "Embeddings 01",
        "Embeddings 02",
    ]
    assert rows[1] == ["Points Possible", "", "", "", "", "40", "40"]
    assert rows[2][:5] == ["Lovelace, Ada", "101", "S1", "ada1", "A"]
    assert "=1+2" in left_out and "ADA" in left_out
    text, left_out = lms_export.moodle(book, "Embeddings {chapter}")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Email address", "Embeddings 01", "Embeddings 02"]
    assert all(row[0] for row in rows[1:]), "Moodle carries a blank id over"
    assert "eve@example.org" in [row[0] for row in rows], "a valid email, kept"
    assert "zoe" in left_out and "ADA" in left_out
    text, _ = lms_export.moodle(book, "Embeddings {chapter}", "id_number")
    assert text.splitlines() == ["ID number,Embeddings 01,Embeddings 02"]
    long_rows = list(csv.DictReader(io.StringIO(lms_export.long_table(book))))
    assert {row["hidden"] for row in long_rows} == {"yes", "no", ""}
    assert ("zoe", "no submission") in {(r["learner"], r["status"]) for r in long_rows}
    for text in (lms_export.course_table(book), lms_export.long_table(book)):
        assert "\n=" not in text and ",=" not in text, "no formula cells"


def test_course_command_writes_the_files_and_lists_what_did_not_match(tmp_path):
    _two_chapters(tmp_path)
    course.main(
        [
            "gradebook",
            str(tmp_path / "01.details.json"),
            str(tmp_path / "02.details.json"),
            "--roster",
            str(_roster(tmp_path)),
            "--out",
            str(tmp_path / "course"),
            "--deadline",
            "01=2026-12-01T23:59:00+00:00",
            "--percent-per-day",
            "10",
            "--trust-file-times",
        ]
    )
    readme = (tmp_path / "course" / "README.md").read_text()
    assert "not in the roster" in readme and '- "zoe"' in readme
    assert "file time" in readme, "says where submission times came from"
    assert '- "=1+2' in readme, "ids are quoted, never read as Markdown"
    for name in ("course.csv", "canvas.csv", "moodle.csv", "long.csv"):
        assert (tmp_path / "course" / name).stat().st_size > 0
    with pytest.raises(SystemExit, match="time zone"):
        late_rules.parse_time("2026-12-01T23:59", "--deadline")
    bad = tmp_path / "bad.csv"
    bad.write_text("name\nada\n")
    with pytest.raises(SystemExit, match="'learner' column"):
        from embcourse.grading import roster

        roster.read(bad)


def test_failure_kinds_come_from_the_checks_own_messages():
    expected = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    transposed = compare_array(expected, [[1.0, 4.0], [2.0, 5.0], [3.0, 6.0]])
    nan = compare_array(expected, [[float("nan"), 2, 3], [4, 5, 6]])
    assert analytics.failure_kind("failed", transposed) == "transposed"
    assert analytics.failure_kind("failed", nan) == "NaN or infinite"
    assert (
        analytics.failure_kind("failed", "raised IndexError: x") == "raised IndexError"
    )
    assert (
        analytics.failure_kind("failed", "it changed its input (argument 1): ...")
        == "changed its input"
    )
    assert analytics.failure_kind("failed", "ran for more than 5 s") == "timeout"
    assert analytics.failure_kind("not attempted", "") == "not attempted"
    assert analytics.failure_kind("failed", "expected 3, got 4") == "wrong value"


def test_analytics_page_is_self_contained_and_names_the_hard_tasks(rows, tmp_path):
    record = report.write_gradebook(rows, TASKS_01, tmp_path / "g.csv", chapter="01")
    summary = analytics.summarise(record)
    assert summary["graded"] == len(IDS)
    assert set(summary["task_rate"]) == set(TASKS_01)
    page = analytics.html_page(summary)
    assert page.count("<svg") == 3 and "<script" not in page and "http" not in page
    text = analytics.markdown(summary)
    hardest = min(summary["task_rate"], key=summary["task_rate"].get)
    assert text.index(hardest) < text.index("## Hidden cases")


def _planted(chapter: str) -> tuple[list, list]:
    """Scores of the planted corpus, with the course's published code removed as the
    command removes it: (copies, independent pairs), pairs with no task left to
    compare set aside (a copy of the book's own solution is not a copy of a
    classmate)."""
    import nbformat

    independent = similarity_corpus.learners(chapter)
    cohort = dict(independent)
    for number, (name, cells) in enumerate(sorted(independent.items())):
        if number % 2 == 0:  # half of them are copied, disguised
            cohort["copy-of-" + name] = similarity_corpus.disguise(cells)
    published = [
        cell.source
        for folder in ("exercises", "book", "solutions")
        for path in (ROOT / folder).glob(f"{chapter}_*.ipynb")
        for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "code"
    ]
    pairs, _, _ = similarity.compare(cohort, published, chapter)
    same = [p for p in pairs if p.first.removeprefix("copy-of-") == p.second]
    other = [p for p in pairs if p not in same and p.scores]
    return [p.top for p in same if p.scores], [p.top for p in other]


def test_similarity_threshold_was_chosen_on_chapters_1_to_4_and_holds_on_5_to_8():
    copies, independent = zip(
        *(_planted(chapter) for chapter in ("01", "02", "03", "04"))
    )
    lowest_copy = min(min(scores) for scores in copies)
    highest_other = max(max(scores) for scores in independent)
    assert similarity.THRESHOLD == round((lowest_copy + highest_other) / 2, 2)
    for chapter in ("05", "06", "07", "08"):
        copies, independent = _planted(chapter)
        assert copies and min(copies) >= similarity.THRESHOLD, chapter
        assert independent and max(independent) < similarity.THRESHOLD, chapter


def test_similarity_report_says_how_to_read_it_and_shows_pairs_side_by_side():
    cells = similarity_corpus.learners("02")["independent-0"]
    cohort = {"ada": cells, "bob": similarity_corpus.disguise(cells)}
    cohort["carl"] = similarity_corpus.learners("02")["independent-1"]
    pairs, shown, skipped = similarity.compare(cohort, [], "02")
    page = similarity.report_html(pairs, shown, "02", similarity.THRESHOLD, skipped)
    assert "never accuses" in page and "Nothing was sent" in page
    assert page.count("<h3>ada and bob") >= 1 and "carl" not in page.split("<h3>", 1)[1]
    assert statistics.mean(p.top for p in pairs if "carl" in (p.first, p.second)) < 0.5


def test_release_writes_one_zip_per_learner(tmp_path):
    feedback = tmp_path / "feedback"
    feedback.mkdir()
    for name in ("ada", "bob"):
        (feedback / f"{name}.md").write_text(f"# Feedback for {name}\n")
    (feedback / "01-analytics.md").write_text("# Chapter 01: class analytics\n")
    course.main(["release", str(feedback), "--zip", str(tmp_path / "zips")])
    assert sorted(p.name for p in (tmp_path / "zips").iterdir()) == [
        "ada.zip",
        "bob.zip",
    ], "only the grader's feedback files are released"
    with zipfile.ZipFile(tmp_path / "zips" / "ada.zip") as archive:
        assert archive.namelist() == ["ada.md"]
        assert archive.read("ada.md").startswith(b"# Feedback for ada")


def test_a_notebook_nested_too_deeply_is_listed_not_fatal():
    deep = "def cosine_similarity_matrix(c):\n    return " + "+".join(["c"] * 3000)
    cells = similarity_corpus.learners("02")["independent-0"]
    pairs, _, skipped = similarity.compare(
        {"ada": cells, "bob": cells, "deep": [deep]}, [], "02"
    )
    assert "deep" in skipped and pairs[0].top == 1.0


def test_analytics_leave_out_the_per_learner_cases(rows, tmp_path):
    record = report.write_gradebook(rows, TASKS_01, tmp_path / "g.csv", chapter="01")
    for entry in record["learners"].values():
        for cases in entry["cases"].values():
            for number, case in enumerate(cases):
                if case["hidden"]:
                    case["name"] = f"{learner_cases.DRAWN} {number}"
    summary = analytics.summarise(record)
    assert summary["case_rate"] == {}
