"""Every measured figure in a chapter's prose is printed by a cell of the book.

A figure is a number with a decimal point, a thousands separator or a percent sign in a
Markdown cell (code spans, citations, section numbers left out). It must appear in some
stored output of the book, or be listed in its cell's metadata under ``figures`` with
where it comes from (a setting, a derivation, or a reference figure quoted from a
source), so that a reader and a reviewer can tell measured from quoted.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import chapter_notebooks

FIGURE = re.compile(
    r"(?<![\w.,])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.\d+|\d+(?:\.\d+)?\s?%)(?![\w])"
)
NOT_FIGURES = [
    re.compile(pattern, flags=re.MULTILINE)
    for pattern in (
        r"`[^`]*`",  # code spans
        r"\{cite:\w+\}`[^`]*`",  # citations
        r"^#+ \d+(\.\d+)*",  # section headings
        r"\bsections? \d+\.\d+(?:(?:,| and| or) \d+\.\d+)*",  # references to sections
        r"\]\([^)]*\)",  # link targets
    )
]
BOOK = chapter_notebooks("book")


def figures_in(markdown: str) -> list[str]:
    """The figures a Markdown text states, normalised (no space before %)."""
    for pattern in NOT_FIGURES:
        markdown = pattern.sub(" ", markdown)
    return [match.group(1).replace(" %", "%") for match in FIGURE.finditer(markdown)]


def printed(notebooks) -> str:
    """Everything the stored outputs show, in two spellings (with and without
    separators)."""
    parts = []
    for path in notebooks:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for output in cell.get("outputs", []):
                for text in (
                    output.get("text", ""),
                    output.get("data", {}).get("text/plain", ""),
                ):
                    parts.append("".join(text) if isinstance(text, list) else text)
    text = "\n".join(parts).replace(" %", "%")
    return text + "\n" + text.replace(",", "")


def unprinted(path, shown: str) -> list[str]:
    missing = []
    for number, cell in enumerate(
        json.loads(path.read_text(encoding="utf-8"))["cells"]
    ):
        if cell["cell_type"] != "markdown":
            continue
        declared = cell.get("metadata", {}).get("figures", {})
        for figure in figures_in("".join(cell["source"])):
            if (
                figure not in shown
                and figure.replace(",", "") not in shown
                and figure not in declared
            ):
                missing.append(f"cell {number}: {figure}")
    return missing


@pytest.fixture(scope="module")
def shown() -> str:
    return printed(BOOK)


@pytest.mark.parametrize("path", BOOK, ids=lambda p: p.name)
def test_every_figure_in_the_prose_is_printed_or_declared(path, shown):
    missing = unprinted(path, shown)
    assert not missing, (
        f"{path.name}: figures no cell printed; print them, or declare where "
        f"they come from in the cell's metadata 'figures': {missing}"
    )


def test_declared_figures_say_where_they_come_from():
    for path in BOOK:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            for figure, source in cell.get("metadata", {}).get("figures", {}).items():
                assert figure in "".join(cell["source"]).replace(" %", "%"), (
                    path.name,
                    figure,
                )
                assert isinstance(source, str) and len(source) > 10, (path.name, figure)


def test_a_planted_wrong_figure_is_caught(shown, tmp_path):
    notebook = json.loads(BOOK[0].read_text(encoding="utf-8"))
    notebook["cells"].append(
        {
            "cell_type": "markdown",
            "id": "planted",
            "metadata": {},
            "source": ["The sentence took 33,600,001 bytes."],
        }
    )
    planted = tmp_path / BOOK[0].name
    planted.write_text(json.dumps(notebook), encoding="utf-8")
    assert unprinted(planted, shown)[-1].endswith(": 33,600,001")


def test_figures_are_counted():
    count = sum(
        len(figures_in("".join(cell["source"])))
        for path in BOOK
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
        if cell["cell_type"] == "markdown"
    )
    print(f"{count} figures checked in the prose of {len(BOOK)} chapters")
    assert count >= 40, "the figure pattern finds too few figures: is it broken?"
