"""Class analytics for one chapter's grading: what a cohort got right and wrong.

From the details file the grader writes, a report in Markdown and as one
self-contained HTML page (its plots are inline SVG: no script, no network, readable on
a phone and printable): the pass rate of every task and of every hidden case, the most
common kinds of failure (from the checks' own messages: timeout, changed its input,
NaN, transposed, wrong shape, wrong type, an exception, returned None, a wrong value),
the distribution of totals, and the tasks the cohort struggled with most. It names the
hidden cases, so it is for the instructor only.
"""

from __future__ import annotations

import html
import re
from collections import Counter

from embcourse.checks import NOT_ATTEMPTED, PASSED
from embcourse.grading.learner_cases import DRAWN

#: Phrases of the checks' messages, and the kind of failure each one reports, in the
#: order they are tried (the first match wins).
KINDS = (
    ("timeout", ("ran for more than", "time limit", "timed out", "took too long")),
    ("changed its input", ("changed its input",)),
    ("NaN or infinite", ("are NaN", "are infinite")),
    ("transposed", ("transposed?",)),
    ("wrong shape or length", ("expected shape", "items, got", "entries, expected")),
    ("returned None", ("returned None", "forget `return`")),
    ("raised an exception", ("raised ",)),
    ("wrong type", ("expected a ", "expected an ", "cannot read", "not be compared")),
)


def failure_kind(status: str, detail: str) -> str:
    """The kind of one failed case, from its status and the check's message."""
    if status == NOT_ATTEMPTED:
        return "not attempted" if "None" not in detail else "returned None"
    for kind, phrases in KINDS:
        if any(phrase in detail for phrase in phrases):
            if kind == "raised an exception":
                named = re.match(r"raised ([A-Z]\w*)", detail)
                return f"raised {named[1]}" if named else kind  # "raised IndexError"
            return kind
    return "wrong value"


def summarise(record: dict) -> dict:
    """The figures of the report, from one details record."""
    tasks, learners = record["tasks"], record["learners"]
    graded = {k: v for k, v in learners.items() if any(v["cases"].values())}
    task_rate, case_rate, kinds = {}, {}, Counter()
    for task_id in tasks:
        passed = 0
        for entry in graded.values():
            cases = entry["cases"].get(task_id, [])
            if cases and all(case["status"] == PASSED for case in cases):
                passed += 1
            for case in cases:
                if case["hidden"] and not case["name"].startswith(DRAWN):
                    key = (task_id, case["name"])
                    right, seen = case_rate.get(key, (0, 0))
                    case_rate[key] = (right + (case["status"] == PASSED), seen + 1)
                if case["status"] != PASSED:
                    kinds[(task_id, failure_kind(case["status"], case["detail"]))] += 1
        task_rate[task_id] = passed / len(graded) if graded else 0.0
    totals = [round(sum(entry["points"].values()), 2) for entry in learners.values()]
    return {
        "chapter": record["chapter"],
        "learners": len(learners),
        "graded": len(graded),
        "statuses": Counter(entry["status"] for entry in learners.values()),
        "maximum": record["points_per_task"] * len(tasks),
        "task_rate": task_rate,
        "case_rate": {key: right / seen for key, (right, seen) in case_rate.items()},
        "kinds": kinds,
        "totals": totals,
    }


def _percent(value: float) -> str:
    return f"{value:.0%}"


def markdown(summary: dict) -> str:
    """The report as Markdown."""
    lines = [
        f"# Chapter {summary['chapter']}: class analytics",
        "",
        f"{summary['learners']} submissions, {summary['graded']} reached the checks. "
        "Statuses: "
        + ", ".join(f"{n} {s}" for s, n in sorted(summary["statuses"].items()))
        + ".",
        "",
        (
            "This page is for the instructor: it names the hidden cases. A low pass "
            "rate says where the cohort needs help, not who copied or who failed."
        ),
        "",
        "## Tasks, hardest first",
        "",
        (
            f"| task | passed every case (of the {summary['graded']} that reached the "
            "checks) |"
        ),
        "|---|---|",
    ]
    hardest = sorted(summary["task_rate"].items(), key=lambda item: item[1])
    lines += [f"| {task} | {_percent(rate)} |" for task, rate in hardest]
    lines += [
        "",
        "## Hidden cases",
        "",
        (
            "Shared hidden cases only: cases drawn for each learner differ between "
            "learners, so they have no common pass rate."
        ),
        "",
        "| task | case | passed |",
        "|---|---|---|",
    ]
    lines += [
        f"| {task} | {name} | {_percent(rate)} |"
        for (task, name), rate in sorted(summary["case_rate"].items())
    ]
    lines += [
        "",
        "## Most common failures",
        "",
        "| task | kind | cases |",
        "|---|---|---|",
    ]
    lines += [
        f"| {task} | {kind} | {count} |"
        for (task, kind), count in summary["kinds"].most_common(15)
    ]
    totals = summary["totals"]
    lines += [
        "",
        "## Totals",
        "",
        (
            f"Out of {summary['maximum']}: lowest {min(totals, default=0):g}, median "
            f"{_median(totals):g}, highest {max(totals, default=0):g}."
        ),
        "",
    ]
    return "\n".join(lines)


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return round((ordered[middle - 1] + ordered[middle]) / 2, 2)


def bar_chart(
    title: str, bars: list[tuple[str, float]], scale: float, unit: str
) -> str:
    """A bar chart as inline SVG, 360 units wide so that its text keeps its size on a
    390-pixel phone: each bar under its label, its value at its end."""
    row_height, width = 40, 360
    height = row_height * len(bars) + 34
    parts = [
        (
            f'<svg viewBox="0 0 {width} {height}" role="img" '
            f'aria-label="{html.escape(title)}" style="width:100%;'
            f'max-width:{width * 1.6:.0f}px;height:auto;font-family:system-ui">'
        ),
        (
            f'<text x="0" y="16" font-size="15" font-weight="bold">{html.escape(title)}'
            "</text>"
        ),
    ]
    for row, (label, value) in enumerate(bars):
        y = 30 + row_height * row
        length = 0 if scale == 0 else 290 * value / scale
        shown = f"{value:.0%}" if unit == "%" else f"{value:g}"
        parts += [
            f'<text x="0" y="{y + 14}" font-size="14">{html.escape(label[:44])}</text>',
            (
                f'<rect x="0" y="{y + 19}" width="{length:.1f}" height="14" '
                'fill="#4a7ab5"/>'
            ),
            f'<text x="{length + 5:.1f}" y="{y + 31}" font-size="14">{shown}</text>',
        ]
    parts.append("</svg>")
    return "".join(parts)


def html_page(summary: dict) -> str:
    """The report as one self-contained HTML page with its plots."""
    hardest = sorted(summary["task_rate"].items(), key=lambda item: item[1])
    bins: Counter = Counter()
    step = max(summary["maximum"] / 10, 1)
    for total in summary["totals"]:
        low = min(int(total // step) * step, summary["maximum"] - step)
        bins[low] += 1
    lows = [i * step for i in range(int(summary["maximum"] // step))]
    histogram = [
        (
            f"{low:g} to {low + step:g}"
            if low == lows[-1]
            else f"{low:g} to under {low + step:g}",
            bins.get(low, 0),
        )
        for low in lows
    ]
    kinds = [
        (f"{task.split('.')[1]}: {kind}", count)
        for (task, kind), count in summary["kinds"].most_common(10)
    ]
    body = markdown(summary)
    charts = [
        bar_chart(
            f"Passed every case, of {summary['graded']} checked",
            hardest,
            1.0,
            "%",
        ),
        bar_chart(
            "Totals: learners per band of points",
            histogram,
            max((count for _, count in histogram), default=1) or 1,
            "",
        ),
        bar_chart(
            "Most common failures (cases)",
            kinds,
            max((count for _, count in kinds), default=1) or 1,
            "",
        ),
    ]
    rows = "".join(
        f"<tr><td>{html.escape(task)}</td><td>{html.escape(name)}</td>"
        f"<td>{_percent(rate)}</td></tr>"
        for (task, name), rate in sorted(summary["case_rate"].items())
    )
    title = f"Chapter {summary['chapter']}: class analytics"  # one-line h1 on a phone
    intro = html.escape(body.split("\n\n")[1])
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>"
        "body{font-family:system-ui,sans-serif;margin:1rem auto;max-width:44rem;"
        "padding:0 1rem;line-height:1.5}table{border-collapse:collapse;width:100%}"
        "td,th{border-bottom:1px solid #ccc;padding:.2rem .4rem;text-align:left}"
        ".scroll{overflow-x:auto}figure{margin:1rem 0}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{intro}</p>"
        "<p>For the instructor: this page names the hidden cases. A low pass rate "
        "says where the cohort needs help, not who copied or who failed.</p>"
        + "".join(f"<figure>{chart}</figure>" for chart in charts)
        + "<h2>Hidden cases</h2><div class=scroll><table><tr><th>task</th><th>case"
        f"</th><th>passed</th></tr>{rows}</table></div></body></html>\n"
    )
