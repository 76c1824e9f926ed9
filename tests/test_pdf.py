"""The whole-book PDF (make pdf): every chapter's title, every figure, the math typeset,
and no line of code cut off at the edge of the page."""

from __future__ import annotations

import re
import shutil
import sys

import nbformat
import pytest
import yaml
from pypdf import PdfReader

from conftest import ROOT, needs_chromium

sys.path.insert(0, str(ROOT / "scripts"))
import build_pdf

pytestmark = [
    pytest.mark.slow,  # builds the site and prints it; left out by make test-fast
    needs_chromium("the PDF test"),
]

PDF = ROOT / "_build" / "html" / "token-embeddings.pdf"


def chapters() -> list[nbformat.NotebookNode]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    paths = [ROOT / f"{entry['file']}.ipynb" for entry in toc["chapters"]]
    return [nbformat.read(p, as_version=4) for p in paths if p.exists()]


@pytest.fixture(scope="module")
def pdf(built_pdf):
    assert built_pdf.returncode == 0, (
        built_pdf.stdout[-2000:] + built_pdf.stderr[-3000:]
    )
    reader = PdfReader(PDF)
    text = "\n".join(page.extract_text() for page in reader.pages)
    return reader, text


def _squash(text: str) -> str:
    """Text without whitespace, the site's typographic quotes made plain again."""
    plain = text.translate(str.maketrans("\u2018\u2019\u201c\u201d", "''\"\""))
    return re.sub(r"\s+", "", plain)


def test_every_page_is_there_with_a_bookmark(pdf):
    reader, text = pdf
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    assert len(reader.outline) == 1 + len(toc["chapters"])
    flat = _squash(text)
    for nb in chapters():
        title = nb.cells[0].source.splitlines()[0].lstrip("# ").replace("`", "")
        assert _squash(title) in flat, f"chapter title missing from the PDF: {title}"


def test_every_figure_is_there(pdf):
    reader, _ = pdf
    figures = sum(
        1
        for nb in chapters()
        for cell in nb.cells
        if cell.cell_type == "code"
        for output in cell.get("outputs", [])
        if "image/png" in output.get("data", {})
    )
    images = sum(  # image objects drawn on each page (not decoded: that is slow)
        1
        for page in reader.pages
        for xobject in page.get("/Resources", {}).get("/XObject", {}).values()
        if xobject.get_object().get("/Subtype") == "/Image"
    )
    assert images >= figures + 1, f"{images} images in the PDF, {figures} figures + 1"


def test_math_is_typeset_not_left_as_tex(pdf):
    _, text = pdf
    for raw in ("\\frac", "\\mathbf", "\\sum", "$$", "\\("):
        assert raw not in text, f"raw TeX in the PDF: {raw}"


def test_no_line_of_code_is_cut_off(pdf):
    """The end of every long code line is in the PDF: a line cut at the page's edge
    would lose it (the build also refuses any block wider than the page)."""
    _, text = pdf
    flat = _squash(text)
    missing = []
    for nb in chapters():
        for cell in nb.cells:
            if cell.cell_type != "code" or "remove-input" in cell.metadata.get(
                "tags", []
            ):
                continue
            for line in cell.source.splitlines():
                if len(line) >= 70:
                    tail = _squash(line[-25:])
                    if tail not in flat:
                        missing.append(line)
    assert not missing, missing[:5]


@pytest.mark.parametrize(
    "block",
    [
        '<pre style="white-space: pre !important">' + "x" * 300 + "</pre>",
        '<div class="math notranslate nohighlight">\\[a + b'
        + " + c" * 120
        + "\\]</div>",
    ],
    ids=["code", "displayed equation"],
)
def test_a_block_wider_than_the_page_stops_the_build(built_site, tmp_path, block):
    html = tmp_path / "html"
    shutil.copytree(ROOT / "_build" / "html", html)
    page = html / "book" / "01_one_hot.html"
    article = '<article class="bd-article">'
    page.write_text(
        page.read_text(encoding="utf-8").replace(article, article + block, 1),
        encoding="utf-8",
    )
    with pytest.raises(SystemExit, match="would be cut at the edge"):
        build_pdf.build(html, only=["book/01_one_hot.html"])


def _link_targets(reader) -> list[str]:
    targets = []
    for page in reader.pages:
        for annotation in page.get("/Annots", []) or []:
            action = annotation.get_object().get("/A", {})
            if "/URI" in action:
                targets.append(str(action["/URI"]))
    return targets


def test_links_lead_to_the_published_site_never_a_local_server(pdf):
    reader, _ = pdf
    targets = _link_targets(reader)
    local = [t for t in targets if re.match(r"https?://(127\.|localhost)", t)]
    assert local == [], local[:5]
    site = build_pdf.published_site()
    assert sum(t.startswith(site) for t in targets) >= 50, "citations, sections, pages"


def test_the_first_page_has_the_title_and_the_contents(pdf):
    reader, _ = pdf
    first = reader.pages[0].extract_text()
    assert "Token Embeddings" in first and "Contents" in first
    for title in ("One-hot", "GloVe", "language model"):
        assert title in first, title
