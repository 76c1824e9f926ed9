"""The embedding explorer (book/explorer.md) on the built site, in Debian's Chromium.

The comparison with gensim runs the explorer's own JavaScript
(_ext/explorer/explorer.js) on the vectors the build wrote
(_static/explorer/glove-50k.js), in the browser, and compares its top-10 neighbours
with gensim's ``most_similar`` on float32 vectors of the same 50,000 words: what is
measured is the int8 rounding and the page's own ranking.
"""

from __future__ import annotations

import statistics
import subprocess
import sys

import numpy as np
import pytest
from site_checker import CHROMIUM, CHROMIUM_ARGS, chromium_available

from conftest import ROOT, needs_chromium

sys.path.insert(0, str(ROOT / "scripts"))
import explorer_data
from build_pdf import serve

HTML = ROOT / "_build" / "html"
PAGE = "book/explorer.html"
READY = "#explorer-status[data-ready=true]"


# ---- the data script (no browser) -----------------------------------------------


def test_quantised_vectors_keep_their_direction():
    rng = np.random.default_rng(0)
    matrix = rng.normal(size=(500, 50)).astype(np.float32) * rng.uniform(
        0.1, 10, size=(500, 1)
    )
    codes = explorer_data.quantise(matrix)
    assert codes.dtype == np.int8 and np.abs(codes).max(axis=1).min() == 127
    unit = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    cosines = (explorer_data.dequantise(codes) * unit).sum(axis=1)
    assert cosines.min() > 0.999, cosines.min()


def test_only_words_a_reader_can_type_are_kept():
    assert [w for w in ["the", "u.s.", "e-mail", "café", "1990", "paris"]
            if explorer_data.typeable(w)] == ["the", "paris"]  # fmt: skip


def test_the_vectors_are_generated_not_committed():
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert not [path for path in tracked if path.endswith(explorer_data.FILE_NAME)]


# ---- the page, in a real browser ------------------------------------------------

BROWSER_MARKS = [
    pytest.mark.slow,  # builds the site; left out by make test-fast
    needs_chromium(),
]


def browser_test(function):
    for mark in BROWSER_MARKS:
        function = mark(function)
    return function


@pytest.fixture(scope="module")
def browser(built_site):
    assert built_site.returncode == 0, (
        built_site.stdout[-2000:] + built_site.stderr[-2000:]
    )
    assert chromium_available(), "CI must run the browser test: Chromium is missing"
    from playwright.sync_api import sync_playwright

    server = serve(HTML)
    try:
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
            chromium.base = f"http://127.0.0.1:{server.server_address[1]}/"
            yield chromium
            chromium.close()
    finally:
        server.shutdown()


def open_explorer(browser, url=None, width=1280):
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.errors = []
    page.on(
        "console", lambda m: page.errors.append(m.text) if m.type == "error" else None
    )
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.goto(url or browser.base + PAGE, wait_until="load")
    page.wait_for_selector(READY, timeout=20_000)
    return page


def result_words(page, holder: str) -> list[str]:
    return page.locator(f"#{holder} .explorer-word").all_inner_texts()


@pytest.mark.slow
def test_the_page_links_the_files_the_build_wrote(built_site):
    """The explorer's files are written before its page, so the page's cache-busting
    checksums (?v=) are those of the files served, and no other page loads them."""
    from sphinx.builders.html._assets import _file_checksum

    assert built_site.returncode == 0, built_site.stderr[-2000:]
    html = (HTML / PAGE).read_text(encoding="utf-8")
    for name in ("glove-50k.js", "explorer.js", "explorer.css"):
        checksum = _file_checksum(HTML / "_static", f"explorer/{name}")
        assert f"_static/explorer/{name}?v={checksum}" in html, name
    other = (HTML / "book" / "04_pretrained_similarity.html").read_text("utf-8")
    assert "_static/explorer/" not in other


@browser_test
def test_king_minus_man_plus_woman_is_queen_and_inputs_never_answer(browser):
    page = open_explorer(browser)
    page.fill("#analogy-a", "Man ")  # what a reader types: capitals and spaces
    page.fill("#analogy-b", "king")
    page.fill("#analogy-c", "woman")
    page.get_by_role("button", name="Complete the analogy").click()
    assert result_words(page, "analogy-result")[0] == "queen"
    page.select_option("#analogy-method", "3CosMul")
    page.get_by_role("button", name="Complete the analogy").click()
    assert result_words(page, "analogy-result")[0] == "queen"
    questions = [  # chapter 4's, and ones whose answer would be an input if allowed
        ("man", "king", "woman"),
        ("france", "paris", "germany"),
        ("good", "better", "bad"),
        ("walk", "walked", "swim"),
        ("king", "king", "king"),
        ("big", "bigger", "big"),
        ("she", "he", "her"),
    ]
    for method in ("3CosAdd", "3CosMul"):
        answers = page.evaluate(
            "([qs, m]) => qs.map(([a, b, c]) =>"
            " embeddingExplorer.analogy(a, b, c, 20, m).map(r => r[0]))",
            [questions, method],
        )
        for (a, b, c), words in zip(questions, answers, strict=True):
            assert len(words) == 20 and not {a, b, c} & set(words), (method, a, b, c)
    assert page.errors == []


@browser_test
def test_a_neighbour_query_takes_under_20_ms_in_the_page(browser):
    page = open_explorer(browser)
    times = page.evaluate(
        "(ws) => ws.map(w => { const t = performance.now();"
        " embeddingExplorer.neighbours(w, 10); return performance.now() - t; })",
        ["frog", "king", "the", "computer", "paris", "water", "music", "blue"] * 3,
    )
    median = statistics.median(times)
    print(f"neighbour query in Chromium: median {median:.1f} ms over {len(times)}")
    assert median < 20, times
    page.fill("#neighbours-word", "computer")
    page.get_by_role("button", name="Find neighbours").click()
    shown = float(page.locator("#neighbours-result .explorer-time").get_attribute(
        "data-ms"))  # fmt: skip
    assert 0 <= shown < 200


@browser_test
def test_the_page_works_from_a_downloaded_site(browser):
    page = open_explorer(browser, url=(HTML / PAGE).resolve().as_uri())
    page.fill("#neighbours-word", "paris")
    page.get_by_role("button", name="Find neighbours").click()
    assert "france" in result_words(page, "neighbours-result")
    assert page.errors == []


@browser_test
def test_unknown_words_get_a_way_forward_and_keep_what_was_typed(browser):
    page = open_explorer(browser)
    page.fill("#neighbours-word", "fro g")
    page.get_by_role("button", name="Find neighbours").click()
    assert "one word at a time" in page.inner_text("#neighbours-result")
    page.fill("#neighbours-word", "frogz")
    page.get_by_role("button", name="Find neighbours").click()
    message = page.inner_text("#neighbours-result")
    assert "not among the explorer's 50,000 words" in message
    assert "frog" in message.split("beginning alike:")[1]  # a suggestion
    assert page.input_value("#neighbours-word") == "frogz"
    page.fill("#analogy-c", "")
    page.get_by_role("button", name="Complete the analogy").click()
    assert "Type a word first" in page.inner_text("#analogy-result")
    page.fill("#map-words", "xqzt, frogz")
    page.get_by_role("button", name="Draw the map").click()
    assert "not known: xqzt, frogz" in page.inner_text("#map-note")
    assert page.locator("#map-picture .explorer-point").count() == 0  # no stale map
    for typed in ("Ｆｒｏｇ", "café", "frog\u200b"):  # full width, accent, zero width
        page.fill("#neighbours-word", typed)
        page.get_by_role("button", name="Find neighbours").click()
        assert page.locator("#neighbours-result .explorer-word").count() == 10, typed
    assert page.errors == []


@browser_test
def test_the_map_answers_the_keyboard_and_fits_a_phone(browser):
    page = open_explorer(browser, width=390)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.fill("#neighbours-word", "pneumonoultramicroscopicsilicovolcanoconiosis" * 3)
    page.get_by_role("button", name="Find neighbours").click()
    page.fill("#map-words", "x" * 300)
    page.get_by_role("button", name="Draw the map").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.reload(wait_until="load")
    page.wait_for_selector(READY, timeout=20_000)
    points = page.locator("#map-picture .explorer-point")
    assert points.count() == 24
    point = points.filter(has_text="tokyo")
    point.focus()
    page.keyboard.press("Enter")
    assert "The 10 nearest neighbours of “tokyo”" in page.inner_text(
        "#neighbours-result"
    )
    assert page.evaluate("document.activeElement.id") == "neighbours-word"
    # a word of the results, chosen with the keyboard, keeps the focus on the page
    page.locator("#neighbours-result .explorer-word").nth(1).focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "neighbours-word"


@browser_test
def test_the_page_works_and_says_so_while_the_vectors_load(browser):
    """The 2.5-MB vectors are loaded after the page: it is parsed and its scripts run
    (search, the colour button) while the status line counts the seconds."""
    page = browser.new_page()
    arrived = []

    def slow(route):
        page.wait_for_timeout(2500)
        arrived.append(True)
        route.continue_()

    page.route("**/glove-50k.js*", slow)
    page.goto(browser.base + PAGE, wait_until="domcontentloaded")
    assert not arrived, "the page waited for the vectors"
    status = page.locator("#explorer-status")
    assert status.is_visible() and "Loading the vectors" in status.inner_text()
    page.wait_for_selector(READY, timeout=30_000)


@browser_test
def test_missing_vectors_say_how_to_get_them(browser):
    page = browser.new_page()
    page.route("**/glove-50k.js*", lambda route: route.abort())
    page.goto(browser.base + PAGE, wait_until="load")
    page.wait_for_function(
        "() => document.getElementById('explorer-status').textContent"
        ".includes('did not load')"
    )
    status = page.inner_text("#explorer-status")
    assert "Reload the page" in status and "make book" in status
    assert page.locator("#neighbours-form").is_hidden()


@browser_test
def test_without_javascript_the_page_says_so_and_shows_no_dead_forms(browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(browser.base + PAGE, wait_until="load")
    assert page.locator("#neighbours-form").is_hidden()
    assert page.locator("#explorer-status").is_hidden()
    assert "turned off in this browser" in page.content()
    context.close()


@browser_test
def test_neighbours_agree_with_gensim_on_200_words(browser):
    """Every 250th of the explorer's words, from the most frequent to the rarest."""
    from gensim.models import KeyedVectors

    from embcourse.pretrained import load_pretrained

    words, matrix = explorer_data.select(load_pretrained())
    same_words = KeyedVectors(vector_size=matrix.shape[1], count=0)
    same_words.add_vectors(words, matrix)
    fixed = words[::250]
    assert len(fixed) == 200
    page = open_explorer(browser)
    assert page.evaluate("embeddingExplorer.words.length") == len(words)
    theirs = page.evaluate(
        "(ws) => ws.map(w => embeddingExplorer.neighbours(w, 10))", fixed
    )
    shared, worst = 0, 0.0
    for word, ours in zip(fixed, theirs, strict=True):
        gensims = same_words.most_similar(word, topn=10)
        shared += len({w for w, _ in ours} & {w for w, _ in gensims})
        scores = dict(gensims)
        worst = max([worst] + [abs(s - scores[w]) for w, s in ours if w in scores])
    overlap = shared / (10 * len(fixed))
    print(f"top-10 overlap with gensim on 200 words: {overlap:.1%}; "
          f"largest cosine difference {worst:.4f}")  # fmt: skip
    assert overlap >= 0.97
    assert worst < 0.01
