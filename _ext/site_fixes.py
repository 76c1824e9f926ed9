"""Small fixes to the HTML that Jupyter Book 1.0.4 writes, found by tests/test_site.py.

sphinx-thebe 0.3.1 adds its inline configuration script twice to every page under
sphinx-book-theme, so the browser reports "Identifier 'THEBE_JS_URL' has already been
declared" on every page. This extension drops exact duplicate scripts from each page.

On a reader's first visit, pydata-sphinx-theme finds no saved colour mode and logs
"Got invalid theme mode: . Resetting to auto." as a console error; setting the mode it
would fall back to ("auto") before its script runs keeps the console clean.
"""

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


def setup(app):
    app.connect("html-page-context", drop_duplicate_scripts, priority=900)
    app.add_js_file(None, body=FIRST_VISIT_MODE, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
