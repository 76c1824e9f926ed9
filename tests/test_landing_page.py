"""The landing page's table of chapters and its figure come from the notebooks."""

from __future__ import annotations

import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import landing_page


def test_the_table_and_the_figure_are_current():
    assert landing_page.main(["--check"]) == 0


def test_every_chapter_has_a_row_with_a_link_and_a_run_time():
    text = landing_page.INTRO.read_text(encoding="utf-8")
    for path in landing_page.chapters():
        rows = [line for line in text.splitlines() if line.startswith("| [")]
        row = next(line for line in rows if f"]({path.stem}.ipynb)" in line)
        assert row.count("|") == 5 and " min " in row and "tasks](" in row, row


def test_the_figure_is_a_chapter_output_byte_for_byte():
    assert landing_page.FIGURE.read_bytes() == landing_page.figure()
