"""Small fixes to the HTML that Jupyter Book 1.0.4 writes, found by tests/test_site.py.

sphinx-thebe 0.3.1 adds its inline configuration script twice to every page under
sphinx-book-theme, so the browser reports "Identifier 'THEBE_JS_URL' has already been
declared" on every page. This extension drops exact duplicate scripts from each page.

On a reader's first visit, pydata-sphinx-theme finds no saved colour mode and logs
"Got invalid theme mode: . Resetting to auto." as a console error; setting the mode it
would fall back to ("auto") before its script runs keeps the console clean.

pydata-sphinx-theme loads Sphinx's search scripts (searchtools.js, language_data.js and
the search index) on every page, in the head, without ``defer``: they block the first
paint of every page though nothing needs them before the page is read. Once the site is
written, they are marked ``defer`` on every page but the search page (they keep their
order, and run before the page's DOMContentLoaded, which is all the search box needs).

Docutils marks up a list of references as ``role="list"`` holding entries with the
deprecated ARIA role ``doc-biblioentry`` (and anchors between them, which a list may not
hold): Lighthouse's accessibility audit counts three failures on the references page.
The roles are dropped, leaving plain blocks that screen readers read in order.

For speed on a phone (Lighthouse, issue 31): the head's other scripts that nothing
needs before the page is parsed are deferred too; the Font Awesome script is dropped
(the theme's stylesheet draws the same icons from web fonts); every figure gets its
width and height (no layout shift when it arrives) and all but a page's first load
lazily; and the colour theme is set before the first paint (no white flash in dark
mode).
"""

import re
from pathlib import Path

SEARCH_SCRIPT = re.compile(
    r'<script src="((?:\.\./)*(?:_static/searchtools\.js|_static/language_data\.js|'
    r'searchindex\.js))"></script>'
)

FIRST_VISIT_MODE = (
    "if (!document.documentElement.dataset.mode) "
    '{ document.documentElement.dataset.mode = "auto"; }'
)

# The colour theme before the first paint: pydata-sphinx-theme sets it from its deferred
# script, so on a slow network a reader in dark mode saw a white page for seconds.
THEME_BEFORE_PAINT = (
    "(() => { const root = document.documentElement; if (root.dataset.theme) return;"
    ' const mode = root.dataset.mode || "auto";'
    ' root.dataset.theme = mode !== "auto" ? mode :'
    ' (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light"); })();'
)

# pydata-sphinx-theme's Font Awesome as JavaScript (1.45 MB, 531 KB gzipped, on every
# page): its stylesheet already draws the same icons from the web fonts.
FONTAWESOME_SCRIPT = re.compile(
    r'<script defer src="(?:\.\./)*_static/scripts/fontawesome\.js[^"]*"></script>\n?'
)
# Scripts in the head that nothing needs before the page is parsed: deferred (in their
# order, before DOMContentLoaded), so they no longer block the first paint. Not
# documentation_options.js: inline scripts in the head set its options at once.
DEFERRABLE = re.compile(
    r'<script ((?:data-[\w-]+="[^"]*" )?)src="((?:\.\./)*_static/(?:doctools|'
    r"sphinx_highlight|clipboard\.min|copybutton|scripts/sphinx-book-theme|"
    r'togglebutton|design-tabs|search-snippets|figure-zoom|phone-nav)\.js[^"]*)">'
)
IMAGE = re.compile(r'<img ([^>]*?)src="((?:\.\./)*_images/[^"]+\.png)"([^>]*?)\s*/?>')


def png_size(path: Path) -> tuple[int, int] | None:
    """A PNG's width and height, from its header."""
    try:
        with open(path, "rb") as file:
            head = file.read(24)
    except OSError:
        return None
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def sized_images(html: str, page: Path) -> str:
    """Give every figure its width and height (no layout shift when it arrives), and
    load all but a page's first figure lazily."""
    count = 0

    def size(match: re.Match) -> str:
        nonlocal count
        before, src, after = match.groups()
        if "width=" in before + after:
            return match.group(0)
        dimensions = png_size((page.parent / src).resolve())
        if dimensions is None:
            return match.group(0)
        count += 1
        lazy = ' loading="lazy"' if count > 1 else ""
        return (
            f'<img {before}src="{src}"{after} width="{dimensions[0]}" '
            f'height="{dimensions[1]}"{lazy} decoding="async" />'
        )

    return IMAGE.sub(size, html)


def drop_duplicate_scripts(app, pagename, templatename, context, doctree):
    seen, unique = set(), []
    for script in context.get("script_files", []):
        attributes = getattr(script, "attributes", {}) or {}
        name = getattr(script, "filename", script) or ""  # None and "" both mean inline
        key = (str(name), tuple(sorted((k, str(v)) for k, v in attributes.items())))
        if key not in seen:
            seen.add(key)
            unique.append(script)
    if "script_files" in context:
        context["script_files"][:] = unique


CITATION_ROLES = (
    ('<div role="list" class="citation-list">', '<div class="citation-list">'),
    (' role="doc-biblioentry"', ""),
)


def finish_pages(app, exception):
    """Defer the search scripts and drop the citations' roles, in every written page."""
    if exception is not None or app.builder.format != "html":
        return
    for page in Path(app.outdir).rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        fixed = html
        if page.name != "search.html":
            fixed = SEARCH_SCRIPT.sub(r'<script defer src="\1"></script>', fixed)
            fixed = DEFERRABLE.sub(r'<script defer \1src="\2">', fixed)
        fixed = FONTAWESOME_SCRIPT.sub("", fixed)
        fixed = sized_images(fixed, page)
        for old, new in CITATION_ROLES:
            fixed = fixed.replace(old, new)
        if fixed != html:
            page.write_text(fixed, encoding="utf-8")


def setup(app):
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    app.connect("build-finished", finish_pages)
    app.add_js_file(
        None, body=FIRST_VISIT_MODE + "\n" + THEME_BEFORE_PAINT, priority=100
    )
    return {"parallel_read_safe": True, "parallel_write_safe": True}
