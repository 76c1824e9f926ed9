"""What nbval cannot see: order of execution, stored figures, the chapter skeleton."""

from __future__ import annotations

import json
import re

import pytest
import yaml

from conftest import ROOT, chapter_notebooks, code_cells

STORED = chapter_notebooks("book") + chapter_notebooks("solutions")
DRAWS_A_FIGURE = re.compile(
    r"\bplt\.(show|plot|imshow|bar|scatter|hist|subplots|figure)\(|\bax\.\w+\("
)


def _source(cell: dict) -> str:
    return "".join(cell["source"])


@pytest.mark.parametrize(
    "path", STORED, ids=lambda path: f"{path.parent.name}/{path.name}"
)
def test_executed_top_to_bottom_in_one_fresh_kernel(path):
    counts = [
        cell["execution_count"] for cell in code_cells(path) if _source(cell).strip()
    ]
    assert None not in counts, (
        "some cells were never executed: re-run the whole notebook and save"
    )
    assert counts == list(range(1, len(counts) + 1)), (
        "cells were not executed in order in one fresh kernel: restart, run all, save "
        "(python scripts/execute_notebooks.py PATH)"
    )


@pytest.mark.parametrize(
    "path", STORED, ids=lambda path: f"{path.parent.name}/{path.name}"
)
def test_every_cell_that_draws_has_a_stored_png(path):
    for cell in code_cells(path):
        if DRAWS_A_FIGURE.search(_source(cell)):
            kinds = [
                kind for output in cell["outputs"] for kind in output.get("data", {})
            ]
            assert "image/png" in kinds, f"no stored PNG for:\n{_source(cell)}"
            assert _source(cell).rstrip().endswith("plt.show()"), (
                "end figure cells with plt.show()"
            )


@pytest.mark.parametrize(
    "path", STORED, ids=lambda path: f"{path.parent.name}/{path.name}"
)
def test_no_error_outputs_except_where_tagged(path):
    for cell in code_cells(path):
        errors = [
            output for output in cell["outputs"] if output["output_type"] == "error"
        ]
        if errors:
            assert "raises-exception" in cell.get("metadata", {}).get("tags", []), (
                _source(cell)
            )


@pytest.mark.parametrize("path", chapter_notebooks("book"), ids=lambda path: path.name)
def test_chapter_follows_the_skeleton(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    markdown = "\n".join(
        _source(cell) for cell in cells if cell["cell_type"] == "markdown"
    )
    headings = re.findall(r"^(#+) (.+)$", markdown, flags=re.MULTILINE)
    assert [level for level, _ in headings].count("#") == 1, "one # title per chapter"
    assert headings[0][0] == "#" and _source(cells[0]).startswith("# ")
    assert "In this chapter you will" in _source(cells[0])
    titles = [title for _, title in headings]
    assert titles[-2:] == ["Summary", "Exercises"]
    setup, versions = [cell for cell in cells if cell["cell_type"] == "code"][:2]
    assert setup.get("id") == "cell-setup", "the first code cell is the setup cell"
    assert "version(" in _source(versions), "the second code cell prints the versions"
    assert "nbval-ignore-output" in versions["metadata"].get("tags", [])
    tagged = [
        cell
        for cell in cells
        if "nbval-ignore-output" in cell.get("metadata", {}).get("tags", [])
    ]
    assert tagged == [versions], "only the version cell may skip output comparison"


def test_every_chapter_is_in_the_table_of_contents():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    listed = [entry["file"] for entry in toc["chapters"]]
    on_disk = [f"book/{path.stem}" for path in chapter_notebooks("book")]
    assert [entry for entry in listed if entry in on_disk] == on_disk
    for entry in listed:
        assert (ROOT / f"{entry}.ipynb").exists() or (ROOT / f"{entry}.md").exists(), (
            entry
        )


def test_requirements_are_pinned_and_commented():
    for line in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            requirement, _, comment = line.partition("#")
            assert "==" in requirement, f"not pinned exactly: {line}"
            assert comment.strip(), f"say which chapters use it: {line}"


def _pins(path) -> dict:
    pins = {}
    for line in (ROOT / path).read_text(encoding="utf-8").splitlines():
        requirement = line.partition("#")[0].strip()
        if "==" in requirement:
            name, _, version = requirement.partition("==")
            pins[re.sub(r"[-_.]+", "-", name).lower()] = version.strip()
    return pins


def test_constraints_pin_every_installed_dependency_as_requirements_do():
    """constraints.txt (make constraints) pins the whole environment: each direct pin of
    requirements.txt at the same version, and every distribution installed in this
    environment at the version installed."""
    from importlib.metadata import distributions

    from packaging.specifiers import SpecifierSet

    direct, everything = _pins("requirements.txt"), _pins("constraints.txt")
    for name, version in direct.items():  # ==2.13.0 admits 2.13.0+cpu, as pip reads it
        assert name in everything and everything[name] in SpecifierSet(
            f"=={version}"
        ), (
            f"{name}: requirements.txt pins {version}, constraints.txt "
            f"{everything.get(name)}: "
            "run make constraints"
        )
    for distribution in distributions():
        name = re.sub(r"[-_.]+", "-", distribution.metadata["Name"]).lower()
        if name in {"embcourse", "token-embeddings", "pip", "setuptools"}:
            continue
        assert everything.get(name) == distribution.version, (
            f"{name} {distribution.version} is installed but constraints.txt pins "
            f"{everything.get(name)}: run make constraints (or rebuild .venv)"
        )


@pytest.mark.parametrize(
    "path", STORED, ids=lambda path: f"{path.parent.name}/{path.name}"
)
def test_no_stored_warnings_on_stderr(path):
    for cell in code_cells(path):
        for output in cell["outputs"]:
            assert output.get("name") != "stderr", (
                "a cell printed to stderr (a warning?); fix its "
                f"cause:\n{_source(cell)}\n" + "".join(output.get("text", ""))
            )


MACHINE_PATH = re.compile(
    r"(?:/[\w.-]+)+/(?:\.venv|site-packages|dist-packages)/|/root/|/home/[a-z]+/"
)


@pytest.mark.parametrize(
    "path",
    STORED + chapter_notebooks("exercises"),
    ids=lambda p: f"{p.parent.name}/{p.name}",
)
def test_no_stored_output_shows_a_path_of_the_machine_that_ran_it(path):
    for number, cell in enumerate(
        json.loads(path.read_text(encoding="utf-8"))["cells"]
    ):
        for output in cell.get("outputs", []):
            text = json.dumps(output)
            found = MACHINE_PATH.search(text) or (str(ROOT) in text and str(ROOT))
            assert not found, (
                f"cell {number} shows a path of this machine "
                f"({found.group(0) if hasattr(found, 'group') else found}): "
                "show the one line a reader needs (%xmode Minimal), then re-run"
            )
