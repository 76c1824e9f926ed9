"""A similarity report: pairs of learners whose task functions are alike.

Everything is computed on this machine; nothing leaves it. For each submission (read
as a notebook, never run) and each task of the chapter, the task's function is taken
with the notebook's other top-level functions it calls, and reduced to a sequence of
tokens that survives disguise: the syntax tree without docstrings or comments (so
comments and layout do not count), local names replaced by their order of first use
(so renaming does not count), and each function compared separately (so reordering
does not count). Overlapping runs of tokens (k-grams) are compared between learners
with the Jaccard index, after removing every k-gram of the code the course publishes
(the exercise notebook's stubs, and the chapter's and its solutions' code: copying the
book is not copying a classmate). Functions too short to be written more than one way
are not compared. A pair is flagged when one task's index reaches the threshold, which
was chosen on a planted corpus (see ``THRESHOLD``).

What it does not see: statements reordered inside a function, statements added that do
nothing, a loop rewritten in another form, code moved into helpers more than one call
deep, an import renamed. A low score is not evidence of independent work.

It reports, never accuses: similar code can come from studying together, from the
same textbook idiom or from an answer short enough to have one form. Read the flagged
pairs side by side before deciding anything.
"""

from __future__ import annotations

import ast
import builtins
import hashlib
import html
from dataclasses import dataclass
from pathlib import Path

from embcourse.checks import TASKS

#: Tokens per k-gram.
K = 6
#: Functions shorter than this many tokens are too short to tell copying from the one
#: natural way of writing them, and are not compared.
MIN_TOKENS = 30
#: A pair is flagged when one task's Jaccard index reaches this. Chosen on the planted
#: corpus of tests/similarity_corpus.py, chapters 1-4 (development): halfway between
#: the highest index of two independent correct solutions there (0.476) and the lowest
#: of a disguised copy (1.0); chapters 5-8 are the held-out check
#: (tests/test_course_tools.py).
THRESHOLD = 0.74

_KEEP = set(dir(builtins))


class _Tokens(ast.NodeVisitor):
    """The token sequence of one function: node types, operators, constants by kind,
    attribute names and global names kept, local names numbered by first use."""

    def __init__(self, local: set[str]):
        self.local, self.numbers, self.out = local, {}, []

    def name(self, name: str) -> str:
        if name in self.local:
            return self.numbers.setdefault(name, f"v{len(self.numbers)}")
        return name

    def generic_visit(self, node: ast.AST) -> None:
        self.out.append(type(node).__name__)
        super().generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        self.out.append(self.name(node.id))

    def visit_arg(self, node: ast.arg) -> None:
        self.out.append(self.name(node.arg))

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self.generic_visit(node)
        self.out.append("." + node.attr)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = node.value
        self.out.append(
            repr(value)
            if isinstance(value, (int, float, bool)) or value is None
            else "STR"
        )


def _without_docstring(body: list[ast.stmt]) -> list[ast.stmt]:
    if (
        body
        and isinstance(body[0], ast.Expr)
        and isinstance(body[0].value, ast.Constant)
    ) and isinstance(body[0].value.value, str):
        return body[1:]
    return body


def _local_names(function: ast.FunctionDef) -> set[str]:
    names = {arg.arg for arg in ast.walk(function.args) if isinstance(arg, ast.arg)}
    for node in ast.walk(function):
        if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.Lambda)) and node is not function:
            names |= {a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)}
    return names - _KEEP


def functions(sources: list[str]) -> dict[str, ast.FunctionDef]:
    """The top-level functions the code cells define (the last definition wins); a
    cell that does not parse is skipped."""
    found = {}
    for source in sources:
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found[node.name] = node
    return found


def tokens(name: str, defined: dict[str, ast.FunctionDef]) -> list[str]:
    """The tokens of function ``name`` followed by those of the notebook's other
    functions it calls (one level), each in its own numbering of local names."""
    function = defined.get(name)
    if function is None:
        return []
    out: list[str] = []
    called = [name] + sorted(
        {
            node.func.id
            for node in ast.walk(function)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in defined
            and node.func.id != name
        }
    )
    for each in called:
        node = defined[each]
        visitor = _Tokens(_local_names(node))
        for argument in node.args.args:
            visitor.visit(argument)
        for statement in _without_docstring(node.body):
            visitor.visit(statement)
        out += visitor.out
    return out


def kgrams(sequence: list[str], k: int = K) -> set[int]:
    """The hashed k-grams of a token sequence."""
    return {
        int.from_bytes(
            hashlib.blake2b(
                "\x1f".join(sequence[i : i + k]).encode(), digest_size=8
            ).digest(),
            "big",
        )
        for i in range(len(sequence) - k + 1)
    }


@dataclass
class Pair:
    """Two learners and the Jaccard index of each task they both wrote."""

    first: str
    second: str
    scores: dict[str, float]

    @property
    def top(self) -> float:
        return max(self.scores.values(), default=0.0)


def compare(
    cohort: dict[str, list[str]], published: list[str], chapter: str
) -> tuple[list[Pair], dict[str, dict[str, str]], dict[str, str]]:
    """Every pair of learners (``cohort``: learner -> code cell sources), scored per
    task, highest first; each learner's task functions as text, to show; and the
    learners that could not be compared, with why."""
    task_names = [
        TASKS[task_id].function_name
        for task_id in TASKS
        if task_id.startswith(chapter + ".")
    ]
    given = functions(published)
    handed: set[int] = set()
    for name in given:
        try:
            handed |= kgrams(tokens(name, given))
        except (RecursionError, MemoryError):
            continue
    prints: dict[str, dict[str, set[int]]] = {}
    shown: dict[str, dict[str, str]] = {}
    skipped: dict[str, str] = {}
    for learner, sources in cohort.items():
        defined = functions(sources)
        prints[learner], shown[learner] = {}, {}
        for name in task_names:
            try:
                sequence = tokens(name, defined)
                text = ast.unparse(defined[name]) if name in defined else ""
            except (RecursionError, MemoryError, ValueError):
                skipped[learner] = f"{name} is nested too deeply to read"
                continue
            if len(sequence) >= MIN_TOKENS:
                prints[learner][name] = kgrams(sequence) - handed
                shown[learner][name] = text
        if not prints[learner] and learner not in skipped:
            skipped[learner] = (
                f"no task function of {MIN_TOKENS} tokens or more (or none at all)"
            )
    learners = sorted(cohort)
    pairs = []
    for i, first in enumerate(learners):
        for second in learners[i + 1 :]:
            scores = {}
            for name in task_names:
                a = prints[first].get(name)
                b = prints[second].get(name)
                if (a or b) and a is not None and b is not None:
                    scores[name] = round(len(a & b) / len(a | b), 3)
            pairs.append(Pair(first, second, scores))
    pairs.sort(key=lambda pair: (-pair.top, pair.first, pair.second))
    return pairs, shown, skipped


def report_html(
    pairs: list[Pair],
    shown: dict[str, dict[str, str]],
    chapter: str,
    threshold: float,
    skipped: dict[str, str] | None = None,
) -> str:
    """The report page: how to read it, then each flagged pair side by side."""
    flagged = [pair for pair in pairs if pair.top >= threshold]
    sections = []
    for pair in flagged:
        for name, score in sorted(pair.scores.items(), key=lambda item: -item[1]):
            if score < threshold:
                continue
            left = html.escape(shown[pair.first].get(name, ""))
            right = html.escape(shown[pair.second].get(name, ""))
            sections.append(
                f"<h3>{html.escape(pair.first)} and {html.escape(pair.second)}: "
                f"{html.escape(name)}, {score:.2f}</h3><div class=pair>"
                f"<pre>{left}</pre><pre>{right}</pre></div>"
            )
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        '<meta name=viewport content="width=device-width, initial-scale=1">'
        f"<title>Chapter {chapter}: similarity report</title><style>"
        "body{font-family:system-ui,sans-serif;margin:1rem auto;max-width:60rem;"
        "padding:0 1rem;line-height:1.5}.pair{display:grid;gap:.5rem;"
        "grid-template-columns:repeat(auto-fit,minmax(18rem,1fr))}"
        "pre{overflow-x:auto;background:#f4f4f4;padding:.5rem}</style></head><body>"
        f"<h1>Chapter {chapter}: similarity report</h1>"
        "<p><strong>How to read this page.</strong> It lists pairs of learners "
        "whose task functions are alike after renaming, reordering of functions, "
        "comments and layout are set aside, and after the code the course publishes "
        "(the handed-out stubs, the chapter and its solutions) is removed. A score is "
        "the share of the two functions' token runs "
        f"they have in common; pairs at {threshold:.2f} or more are shown, side by "
        "side (as a tidied listing of each function). It reports, never accuses: "
        "learners who studied together, or a task with one natural answer, can look "
        "alike. Read the code, and talk to the learners, before deciding anything. "
        "Nothing was sent anywhere to make this page.</p>"
        "<p>It does not see statements reordered inside a function, statements that "
        "do nothing, a loop rewritten in another form, code moved into helpers more "
        "than one call deep, or a renamed import: a low score is not evidence of "
        "independent work. Each listing is the task function alone, tidied (comments "
        "dropped); open the notebooks for the whole picture.</p>"
        f"<p>{len(pairs)} pairs compared, {len(flagged)} flagged.</p>"
        + (
            "<h2>Not compared</h2><ul>"
            + "".join(
                f"<li>{html.escape(learner)}: {html.escape(why)}</li>"
                for learner, why in sorted((skipped or {}).items())
            )
            + "</ul>"
            if skipped
            else ""
        )
        + "".join(sections)
        + "</body></html>\n"
    )


def read_cohort(folder: Path) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Each submission's code cells (read, never run), and the submissions that
    cannot be read, with why."""
    from embcourse.grading import submissions

    entries, _ = submissions.find(folder)
    cohort, unreadable = {}, {}
    for entry in entries:
        notebook, problem = submissions.read(entry.path)
        if notebook is None:
            unreadable[entry.learner] = problem
        else:
            cohort[entry.learner] = submissions.code_cells(notebook)
    return cohort, unreadable
