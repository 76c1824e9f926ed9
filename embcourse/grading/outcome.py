"""What grading one submission produced: a status, a reason and each task's check
result.

Shared by the runner that produces it (in a child process, sent back as JSON) and the
report that writes it into the gradebook and the feedback files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from embcourse.checks import PASSED, Case, CaseOutcome, CheckResult, load_cases

GRADED, TIMEOUT, KERNEL_DIED, OUT_OF_MEMORY, INVALID, GRADER_FAILED = (
    "graded",
    "timeout",
    "kernel died",
    "out of memory",
    "invalid notebook",
    "grader failed",
)
POINTS_PER_TASK = 10


@dataclass
class Submission:
    """One row of the gradebook."""

    learner: str
    status: str
    reason: str = ""
    results: dict[str, CheckResult] = field(default_factory=dict)

    def points(self, task_id: str) -> float:
        """The points earned on one task: its share of passed *hidden* cases, times its
        share of passed public cases.

        The public cases are in the learner's notebook with their answers, so they
        cannot earn points alone: a function that returns the public answers earns
        nothing. They can cost points: a function that fails a case its learner could
        run is not right, even where no hidden case happens to catch its mistake.
        """
        result = self.results.get(task_id)
        outcomes = result.outcomes if result else []
        hidden = [o for o in outcomes if o.case.hidden]
        public = [o for o in outcomes if not o.case.hidden]
        if not hidden:
            return 0.0
        share = sum(o.status == PASSED for o in hidden) / len(hidden)
        if public:
            share *= sum(o.status == PASSED for o in public) / len(public)
        return round(POINTS_PER_TASK * share, 2)

    def to_json(self) -> dict:
        """A plain form to send from the grading child process (no hidden case data)."""
        return {
            "status": self.status,
            "reason": self.reason,
            "results": {
                task_id: {
                    "status": r.status,
                    "message": r.message,
                    "outcomes": [
                        {
                            "name": o.case.name,
                            "hidden": o.case.hidden,
                            "status": o.status,
                            "detail": o.detail,
                        }
                        for o in r.outcomes
                    ],
                }
                for task_id, r in self.results.items()
            },
        }

    @classmethod
    def from_json(cls, learner: str, payload: dict) -> Submission:
        """Rebuild a row; the learner id always comes from the caller (the file
        name)."""
        row = cls(learner, str(payload["status"]), str(payload["reason"]))
        for task_id, data in payload["results"].items():
            public = {case.name: case for case in load_cases(task_id, hidden_dir=None)}
            outcomes = []
            for item in data["outcomes"]:
                case = public.get(item["name"]) if not item["hidden"] else None
                case = case or Case(
                    item["name"], [], {}, None, hidden=bool(item["hidden"])
                )
                outcomes.append(CaseOutcome(case, item["status"], item["detail"]))
            row.results[task_id] = CheckResult(
                task_id, data["status"], outcomes, data["message"]
            )
        return row
