"""What each page of the built site costs a reader: requests and bytes, and Lighthouse.

    .venv/bin/python benchmarks/site_weight.py [--html _build/html] [--lighthouse PATH]
        [--pages book/intro.html ...]

Each page of _toc.yml is opened in Debian's Chromium (through Playwright) from a local
server that compresses text with gzip, as GitHub Pages does; every response the page
loads is counted: requests, bytes uncompressed and bytes gzip-compressed (level 6).
Where the ``lighthouse`` command is found (npm's lighthouse package; or pass
--lighthouse), each page is also audited with it on the same Chromium and server
(mobile, simulated throttling: Lighthouse's defaults): the performance, accessibility,
best-practices and SEO scores, with largest contentful paint, total blocking time and
cumulative layout shift. Run it alone on the machine: the scores move with its load.
Not part of make test.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
# the same Chromium and list of pages as the PDF build
from build_pdf import CHROMIUM, pages

COMPRESSED = (".html", ".js", ".css", ".json", ".svg", ".txt", ".map")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serves text gzip-compressed when the browser accepts it, as GitHub Pages does."""

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        gzip_ok = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (gzip_ok and path.is_file() and path.suffix in COMPRESSED):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def serve(folder: Path) -> http.server.ThreadingHTTPServer:
    handler = functools.partial(GzipHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def weigh(base: str, paths: list[str]) -> dict[str, dict]:
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        for path in paths:
            context = browser.new_context()  # an empty cache for every page
            page = context.new_page()
            bodies: list[bytes] = []
            page.on(
                "requestfinished",
                lambda request, bodies=bodies: bodies.append(request.response().body()),
            )
            page.goto(base + path, wait_until="networkidle")
            page.evaluate("() => window.MathJax && MathJax.startup.promise")
            page.wait_for_timeout(500)
            results[path] = {
                "requests": len(bodies),
                "bytes": sum(len(b) for b in bodies),
                "gzip_bytes": sum(len(gzip.compress(b, 6)) for b in bodies),
            }
            context.close()
        browser.close()
    return results


def lighthouse(command: str, url: str) -> dict[str, int]:
    result = subprocess.run(
        [
            command,
            url,
            "--quiet",
            "--output=json",
            "--only-categories=performance,accessibility,best-practices,seo",
            "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        check=False,
    )
    if result.returncode != 0:
        return {"error": result.stderr.strip().splitlines()[-1][:80]}
    report = json.loads(result.stdout)
    scores = {name: round(100 * c["score"]) for name, c in report["categories"].items()}
    audits = report["audits"]
    scores["LCP s"] = round(
        audits["largest-contentful-paint"]["numericValue"] / 1000, 1
    )
    scores["TBT ms"] = round(audits["total-blocking-time"]["numericValue"])
    scores["CLS"] = round(audits["cumulative-layout-shift"]["numericValue"], 3)
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--lighthouse", default=shutil.which("lighthouse"))
    parser.add_argument("--pages", nargs="*", help="only these pages (default: all)")
    args = parser.parse_args(argv)
    if not (args.html / "book" / "intro.html").exists():
        raise SystemExit(f"No built site in {args.html}: run make book first.")
    server = serve(args.html)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        weights = weigh(base, args.pages or pages())
        header = f"{'page':<38}{'requests':>9}{'KiB':>9}{'KiB gzip':>10}"
        if args.lighthouse:
            header += "   Lighthouse (mobile): perf / a11y / best / SEO"
            header += " / LCP s / TBT ms / CLS"
        print(header)
        for path, w in weights.items():
            line = (
                f"{path:<38}{w['requests']:>9}{w['bytes'] / 1024:>9,.0f}"
                f"{w['gzip_bytes'] / 1024:>10,.0f}"
            )
            if args.lighthouse:
                scores = lighthouse(args.lighthouse, base + path)
                line += "   " + " / ".join(str(v) for v in scores.values())
            print(line, flush=True)
    finally:
        server.shutdown()
    if not args.lighthouse:
        print(
            "(lighthouse not found: npm install lighthouse, or pass --lighthouse PATH)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
