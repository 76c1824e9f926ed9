"""Build the whole book as one PDF from the built site, with Debian's Chromium.

    python scripts/build_pdf.py        # make pdf (make book runs it after the site)

Every page of _toc.yml is opened in Chromium (driven by Playwright, as the browser test
does), its math typeset and its folded solutions opened, then printed with the site's
print styles (_static/course.css: code and outputs wrap instead of running off the
page).
The pages are joined into one file with a bookmark for each, written beside the site as
_build/html/token-embeddings.pdf, which the landing page links. Nothing is fetched from
the network. The build stops, naming the block, if a code block or output would still be
wider than the printed page.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import io
import shutil
import sys
import threading
from pathlib import Path

import yaml
from pypdf import PdfReader, PdfWriter

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "_build" / "html"
OUTPUT_NAME = "token-embeddings.pdf"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run"]
MARGINS = {"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"}
FOOTER = (
    '<div style="font-size: 8px; width: 100%; text-align: center; color: #555;">'
    "<span class='title'></span> · page "
    "<span class='pageNumber'></span> of <span class='totalPages'></span></div>"
)
# Blocks of code or output, tables and displayed equations that do not fit the printed
# page, and would be cut.
TOO_WIDE = """() => [...document.querySelectorAll(
    'main pre, main table, main mjx-container[display="true"]')]
  .filter(el => el.scrollWidth > el.clientWidth + 1 && el.offsetParent !== null)
  .map(el => el.textContent.trim().split('\\n')[0].slice(0, 80))"""
# Every link to the local server the pages are printed from points at the published
# site instead (a reader of the PDF has no such server).
PUBLISHED_LINKS = """([local, site]) => {
  for (const a of document.querySelectorAll('a[href]')) {
    if (a.href.startsWith(local)) a.href = site + a.href.slice(local.length);
  }
}"""


def published_site() -> str:
    """The site's address on GitHub Pages, from the repository in _config.yml."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    owner, name = config["repository"]["url"].rstrip("/").split("/")[-2:]
    return f"https://{owner}.github.io/{name}/"


def title_page(entries: list[tuple[str, int]]) -> str:
    """The first page: the book's title, where it lives, and its contents."""
    rows = "".join(
        f"<tr><td>{title}</td><td style='text-align:right'>{number}</td></tr>"
        for title, number in entries
    )
    return (
        "<html><head><meta charset='utf-8'><title>Token Embeddings</title></head>"
        "<body style='font-family: sans-serif; margin: 0'>"
        "<h1 style='font-size: 32px; margin: 40px 0 8px'>Token Embeddings</h1>"
        "<p style='font-size: 14px; color: #444'>How words and tokens become vectors: "
        "an open course, every number printed by code that runs.<br>"
        f"Online, with the notebooks to run: <a href='{published_site()}'>"
        f"{published_site()}</a></p>"
        "<h2 style='font-size: 18px; margin-top: 32px'>Contents</h2>"
        "<table style='width: 100%; font-size: 13px; border-collapse: collapse'>"
        f"<tr><th style='text-align:left'>Page</th><th style='text-align:right'>"
        f"PDF page</th></tr>{rows}</table></body></html>"
    )


def pages() -> list[str]:
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    return [f"{toc['root']}.html"] + [f"{e['file']}.html" for e in toc["chapters"]]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(folder: Path) -> http.server.ThreadingHTTPServer:
    """Serve ``folder`` on 127.0.0.1 (a free port) from a background thread."""
    handler = functools.partial(_Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def build(html: Path = HTML, only: list[str] | None = None) -> Path:
    from playwright.sync_api import sync_playwright

    if not (html / "book" / "intro.html").exists():
        raise SystemExit(
            f"No built site in {html}: run make site first (make book does)."
        )
    if not Path(CHROMIUM).exists():
        raise SystemExit(
            "Chromium not found: install Debian's 'chromium' package to build the PDF."
        )
    server = serve(html)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    writer, problems, entries = PdfWriter(), [], []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
            # The printable width of A4 with the margins below, at 96 CSS px per inch.
            page = browser.new_page(viewport={"width": 673, "height": 950})
            page.emulate_media(media="print")
            for path in only or pages():
                page.goto(base + path, wait_until="load")
                page.evaluate("() => window.MathJax && MathJax.startup.promise")
                page.evaluate(
                    "() => document.querySelectorAll('details')"
                    ".forEach(d => { d.open = true; })"
                )
                problems += [f"{path}: {text}" for text in page.evaluate(TOO_WIDE)]
                page.evaluate(PUBLISHED_LINKS, [base, published_site()])
                title = page.title().split(" — ")[0]
                pdf = page.pdf(
                    format="A4",
                    print_background=True,
                    margin=MARGINS,
                    display_header_footer=True,
                    header_template="<span></span>",
                    footer_template=FOOTER,
                )
                start = len(writer.pages)
                writer.append(PdfReader(io.BytesIO(pdf)))
                writer.add_outline_item(title=title, page_number=start)
                entries.append((title, start))
            # The title page with the contents goes first: one page, so every
            # chapter's PDF page is one more than where it was appended.
            page.set_content(title_page([(t, n + 2) for t, n in entries]))
            front = PdfReader(io.BytesIO(page.pdf(format="A4", margin=MARGINS)))
            if len(front.pages) != 1:
                raise SystemExit("the title page and contents must fit one page")
            writer.insert_page(front.pages[0], 0)
            browser.close()
    finally:
        server.shutdown()
    if problems:
        raise SystemExit(
            "These blocks would be cut at the edge of the printed page; make them wrap "
            "(_static/course.css, @media print) or narrower:\n  "
            + "\n  ".join(problems)
        )
    writer.add_metadata(
        {"/Title": "Token Embeddings", "/Author": "The Token Embeddings authors"}
    )
    target = html / OUTPUT_NAME
    with open(target, "wb") as file:
        writer.write(file)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=HTML, help="the built site")
    args = parser.parse_args(argv)
    target = build(args.html)
    reader = PdfReader(target)
    size = target.stat().st_size / 2**20
    print(
        f"{target.relative_to(ROOT) if target.is_relative_to(ROOT) else target}: "
        f"{len(reader.pages)} pages, {size:.1f} MiB"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
