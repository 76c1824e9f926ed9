"""The embedding explorer's files, written into the built site (book/explorer.md).

Jupyter Book adds every script under the book's ``_static/`` to every page, so the
explorer's code and style live in ``_ext/explorer/`` instead and are added to the
explorer's page alone. Its vectors are generated at each build by
scripts/explorer_data.py (unchanged files are left alone) into
``_static/explorer/glove-50k.js``; they are never committed. All three are written
when the builder starts, before any page: Sphinx adds each file's checksum to the
page's link (``?v=...``), so a changed file is never served from a stale cache.
"""

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXPLORER_PAGE = "book/explorer"
SCRIPTS = ("explorer/glove-50k.js", "explorer/explorer.js")


def add_files(app, pagename, templatename, context, doctree):
    if pagename == EXPLORER_PAGE:
        for priority, script in enumerate(SCRIPTS, start=600):
            app.add_js_file(script, priority=priority, defer="defer")
        app.add_css_file("explorer/explorer.css")


def write_files(app):
    if app.builder.format != "html":
        return
    target = Path(app.outdir) / "_static" / "explorer"
    target.mkdir(parents=True, exist_ok=True)
    for name in ("explorer.js", "explorer.css"):
        shutil.copyfile(HERE / "explorer" / name, target / name)
    sys.path.insert(0, str(ROOT / "scripts"))
    try:
        import explorer_data
    finally:
        sys.path.remove(str(ROOT / "scripts"))
    explorer_data.write(target)


def setup(app):
    app.connect("html-page-context", add_files)
    app.connect("builder-inited", write_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
