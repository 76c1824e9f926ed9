"""A planted corpus for the similarity report: independent correct solutions of each
task (the course's reference solution and the correct alternatives of tests/mutants),
and disguised copies of them (local names renamed, functions in another order, comments
added, layout changed). Used by tests/test_course_tools.py, which chose the report's
threshold on chapters 1-4 and checks it on chapters 5-8."""

from __future__ import annotations

import ast
import importlib
import inspect
import textwrap

import nbformat

from embcourse.checks import TASKS
from embcourse.data import repo_root
from embcourse.grading.similarity import functions, kgrams, tokens

#: Two correct alternatives this alike count as one solution (see learners()).
SAME = 0.8


def _reference(chapter: str) -> dict[str, ast.FunctionDef]:
    """The functions the solution notebook's code cells define, as syntax trees."""
    path = next((repo_root() / "solutions").glob(f"{chapter}_*.ipynb"))
    cells = nbformat.read(path, as_version=4).cells
    return functions([cell.source for cell in cells if cell.cell_type == "code"])


def _source(function, name: str) -> str:
    """A function's source, renamed to the task's function name."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    tree.body[0].name = name
    return ast.unparse(tree)


def learners(chapter: str) -> dict[str, list[str]]:
    """Independent learners: learner j writes each task with its j-th correct
    implementation (the reference solution first), one code cell per function, and
    leaves out a task with fewer than j + 1 implementations (so no two learners share
    one)."""
    mutants = importlib.import_module(f"mutants.ch{chapter}").MUTANTS
    solutions = _reference(chapter)
    tasks = [t for t in TASKS if t.startswith(chapter + ".")]
    versions = {}
    for task_id in tasks:
        name = TASKS[task_id].function_name
        found, prints = [], []
        for source in [ast.unparse(solutions[name])] + [
            _source(function, name) for function in mutants[task_id].right.values()
        ]:
            grams = kgrams(tokens(name, functions([source])))
            # An alternative that differs from an earlier one in little more than its
            # names and constants (Jaccard SAME or more) is the same solution written
            # twice, not an independent one.
            if all(len(grams & g) < SAME * len(grams | g) for g in prints if g | grams):
                prints.append(grams)
                found.append(source)
        versions[task_id] = found
    count = max(len(v) for v in versions.values())
    return {
        f"independent-{j}": [versions[t][j] for t in tasks if j < len(versions[t])]
        for j in range(count)
    }


class _Rename(ast.NodeTransformer):
    def __init__(self, names: set[str]):
        self.names = names

    def visit_Name(self, node):
        if node.id in self.names:
            node.id = f"my_{node.id}_x"
        return node

    def visit_arg(self, node):
        if node.arg in self.names:
            node.arg = f"my_{node.arg}_x"
        return node


def disguise(cells: list[str]) -> list[str]:
    """The same functions, disguised: locals renamed, order reversed, a comment on
    every line, blank lines and spacing changed."""
    out = []
    for source in reversed(cells):
        tree = ast.parse(source)
        function = tree.body[0]
        local = {a.arg for a in ast.walk(function.args) if isinstance(a, ast.arg)}
        local |= {
            n.id
            for n in ast.walk(function)
            if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)
        }
        tree = _Rename(local).visit(tree)
        lines = ast.unparse(tree).splitlines()
        out.append(
            "\n\n".join(
                f"{line}    # my own step {i}" for i, line in enumerate(lines)
            ).replace(", ", " , ")
        )
    return out
