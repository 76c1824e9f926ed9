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
        for old, new in CITATION_ROLES:
            fixed = fixed.replace(old, new)
        if fixed != html:
            page.write_text(fixed, encoding="utf-8")


def setup(app):
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    app.connect("build-finished", finish_pages)
    app.add_js_file(None, body=FIRST_VISIT_MODE, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
