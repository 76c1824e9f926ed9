"""The published site in a real browser (Debian's Chromium, driven by Playwright)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from site_checker import check_site, chromium_available

from conftest import ROOT, needs_chromium

pytestmark = [
    pytest.mark.slow,  # builds the site; left out by make test-fast
    needs_chromium(),
]

HTML = ROOT / "_build" / "html"


def toc_pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [f"{toc['root']}.html"] + [
        f"{entry['file']}.html" for entry in toc["chapters"]
    ]


@pytest.fixture(scope="module")
def site(built_site, built_pdf) -> Path:
    assert built_site.returncode == 0, (
        built_site.stdout[-2000:] + built_site.stderr[-2000:]
    )
    # The landing page links the whole-book PDF, printed from the site.
    assert built_pdf.returncode == 0, (
        built_pdf.stdout[-2000:] + built_pdf.stderr[-3000:]
    )
    return HTML


def test_every_page_works_in_a_real_browser(site):
    assert chromium_available(), "CI must run the browser test: Chromium is missing"
    problems = check_site(
        site, toc_pages(), screenshots=ROOT / "_build" / "screenshots"
    )
    assert problems == []
    assert len(list((ROOT / "_build" / "screenshots").glob("*.png"))) >= len(
        toc_pages()
    )


def test_math_is_rendered_from_the_site_itself(site):
    html = (site / "book" / "03_cbow_skipgram.html").read_text(encoding="utf-8")
    sources = re.findall(
        r'<script[^>]+src="([^"]*mathjax[^"]*)"', html, flags=re.IGNORECASE
    )
    assert sources and all(
        not s.startswith(("http:", "https:", "//")) for s in sources
    ), sources
    assert (site / "_static" / "mathjax" / "tex-chtml.js").is_file()


def test_each_planted_fault_is_caught(site, tmp_path):
    """One copy of the site with a fault of every kind the checker looks for planted
    in it (one browser run for all: each costs seconds of the suite's budget)."""
    broken = tmp_path / "html"
    shutil.copytree(site, broken)
    # a figure of the page the checker visits (chapter 1), deleted
    chapter_1 = (broken / "book" / "01_one_hot.html").read_text(encoding="utf-8")
    image = (
        broken / "_images" / re.search(r'src="\.\./_images/([^"]+\.png)"', chapter_1)[1]
    )
    image.unlink()
    (broken / "_static" / "figure-zoom.js").write_text("", encoding="utf-8")
    (broken / "_static" / "phone-nav.js").write_text("", encoding="utf-8")
    css = broken / "_static" / "course.css"
    hidden_bar = "#pst-header {\n  display: none;\n}"
    assert hidden_bar in css.read_text(encoding="utf-8")
    no_tooltips = ".tooltip {\n    display: none !important;\n  }"
    text = css.read_text(encoding="utf-8")
    phone_rules = text[
        text.index("@media screen and (max-width: 959px) {\n  div.cell_output pre") :
    ]
    phone_rules = phone_rules[: phone_rules.index("\n}\n") + 3]
    assert no_tooltips in text and "scroll-cover" in phone_rules
    css.write_text(
        text.replace(hidden_bar, "").replace(no_tooltips, "").replace(phone_rules, ""),
        encoding="utf-8",
    )
    page = broken / "book" / "01_one_hot.html"
    article = '<article class="bd-article">'
    page.write_text(
        page.read_text(encoding="utf-8")
        .replace('href="02_dense_embeddings.html"', 'href="02_no_such_page.html"')
        .replace(
            'href="04_pretrained_similarity.html"',
            'href="04_pretrained_similarity.html#no-such-anchor"',
        )
        .replace(
            article,
            article
            + '<p style="width: 700px">far too wide for a phone</p>'
            + '<pre style="white-space: pre !important">'
            + "a line of code far wider than the column " * 5
            + "</pre>"
            + '<div class="math notranslate nohighlight">\\[a + b + c + d + e + f'
            + " + g + h" * 30
            + "\\]</div>",
            1,
        ),
        encoding="utf-8",
    )
    problems = check_site(broken, ["book/01_one_hot.html"])
    expected = [
        "broken anchor: /book/04_pretrained_similarity.html#no-such-anchor",
        f"image did not load: ../_images/{image.name}",
        "broken link: /book/02_no_such_page.html",
        "figure does not open full size on click",
        "scrolls sideways at 390 px",
        "the theme's top bar is shown",
        "wider than the column: a line of code far wider",
        "the menu (chapter list) button at 390 px opens no drawer",
        "the contents button at 390 px opens no drawer",
        "the contents button at 1100 px opens no drawer",
        "the menu (chapter list) button at 390 px: its tooltip stays on screen",
        "a display equation is cut at 390 px: a+b+c",
        "an output wraps at 390 px",
        "a block that scrolls sideways shows no cue at 390 px",
        "a figure does not say it opens full size at 390 px",
    ]
    for fault in expected:
        assert any(fault in p for p in problems), (fault, problems)


def test_scripts_do_not_block_the_first_paint(site):
    """_ext/site_fixes.py defers the search scripts the theme puts in every page's
    head, and every other script of the head but one; the search page keeps its own
    (and the browser test searches there)."""
    html = (site / "book" / "02_dense_embeddings.html").read_text(encoding="utf-8")
    for script in (
        "_static/searchtools.js",
        "_static/language_data.js",
        "searchindex.js",
    ):
        assert f'<script defer src="../{script}"></script>' in html, script
    head = html[: html.index("</head>")]
    blocking = re.findall(
        r'<script (?![^>]*\b(?:defer|async)\b)[^>]*src="([^"]+)"', head
    )
    assert [Path(src.split("?")[0]).name for src in blocking] == [
        "documentation_options.js"  # inline scripts in the head set its options
    ], blocking


def test_references_carry_no_deprecated_aria_roles(site):
    """_ext/site_fixes.py drops docutils' citation roles (Lighthouse: accessibility)."""
    html = (site / "book" / "references.html").read_text(encoding="utf-8")
    assert (
        "doc-biblioentry" not in html
        and 'role="list" class="citation-list"' not in html
    )


def test_pages_load_nothing_heavy_they_do_not_use_and_size_their_figures(site):
    """_ext/site_fixes.py: no Font Awesome script (its stylesheet draws the icons), and
    every figure with its width and height, all but a page's first loaded lazily."""
    pages = sorted(p for p in site.rglob("*.html") if "_static" not in p.parts)
    figures = 0
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "fontawesome.js" not in html, page.name
        images = re.findall(r"<img [^>]*_images/[^>]*>", html)
        for number, image in enumerate(images):
            assert re.search(r' width="\d+" height="\d+"', image), (page.name, image)
            assert ('loading="lazy"' in image) == (number > 0), (page.name, number)
        figures += len(images)
    assert figures >= 14


def test_dark_mode_applies_before_the_theme_script(site):
    """A reader in dark mode on a slow network never sees a white page: the theme is
    set by an inline script in the head, not by the theme's deferred script."""
    from playwright.sync_api import sync_playwright
    from site_checker import CHROMIUM, CHROMIUM_ARGS, _serve

    server = _serve(site)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
            for scheme in ("dark", "light"):
                page = browser.new_page(color_scheme=scheme)
                page.route("**/pydata-sphinx-theme.js*", lambda route: route.abort())
                page.goto(
                    f"http://127.0.0.1:{server.server_address[1]}/book/"
                    "03_cbow_skipgram.html",
                    wait_until="domcontentloaded",
                )
                assert page.evaluate("document.documentElement.dataset.theme") == scheme
            browser.close()
    finally:
        server.shutdown()
