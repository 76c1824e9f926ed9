"""The embedding explorer's files, written into the built site (book/explorer.md).

Jupyter Book adds every script under the book's ``_static/`` to every page, so the
explorer's code and style live in ``_ext/explorer/`` instead and are added to the
explorer's page alone. Its vectors are generated at each build by
scripts/explorer_data.py (unchanged files are left alone) into
``_static/explorer/glove-50k.js``; they are never committed. All three are written
when the builder starts, before any page: Sphinx adds each file's checksum to the
page's link (``?v=...``), so a changed file is never served from a stale cache.
"""

import hashlib
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXPLORER_PAGE = "book/explorer"
DATA = "explorer/glove-50k.js"
#: The data file's checksum, for its address (a changed file is never read from cache).
VERSION: dict[str, str] = {}


def add_files(app, pagename, templatename, context, doctree):
    """The explorer's code (small, deferred) on its page; the code loads the vectors
    itself once the page is usable (data-vectors: their address from this page), so the
    2.5-MB data file delays neither the page nor the theme's own scripts."""
    if pagename == EXPLORER_PAGE:
        vectors = f"../_static/{DATA}?v={VERSION.get('data', '0')}"
        app.add_js_file(
            "explorer/explorer.js",
            priority=600,
            defer="defer",
            **{"data-vectors": vectors},
        )
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
    try:  # the checksum Sphinx puts on the other files' addresses
        from sphinx.builders.html._assets import _file_checksum

        VERSION["data"] = _file_checksum(Path(app.outdir) / "_static", DATA)
    except ImportError:
        data = (target / Path(DATA).name).read_bytes()
        VERSION["data"] = hashlib.sha256(data).hexdigest()[:8]


def setup(app):
    app.connect("html-page-context", add_files)
    app.connect("builder-inited", write_files)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
