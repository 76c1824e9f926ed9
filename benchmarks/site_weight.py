"""What each page of the built site costs a reader: requests and bytes, and Lighthouse.

    .venv/bin/python benchmarks/site_weight.py [--html _build/html] [--lighthouse PATH]

Each page of _toc.yml is opened in Debian's Chromium (through Playwright) from a local
server; every response the page loads is counted: requests, bytes as served (this server
does not compress) and bytes gzip-compressed (level 6, what a compressing web server
would send). Where the ``lighthouse`` command is found (npm's lighthouse package; or
pass --lighthouse), each page is also audited with it on the same Chromium: the mobile
performance, accessibility, best-practices and SEO scores. Not part of make test.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
# the same local server, Chromium and list of pages as the PDF build
from build_pdf import CHROMIUM, pages, serve


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
    categories = json.loads(result.stdout)["categories"]
    return {name: round(100 * c["score"]) for name, c in categories.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "_build" / "html")
    parser.add_argument("--lighthouse", default=shutil.which("lighthouse"))
    args = parser.parse_args(argv)
    if not (args.html / "book" / "intro.html").exists():
        raise SystemExit(f"No built site in {args.html}: run make book first.")
    server = serve(args.html)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        weights = weigh(base, pages())
        header = f"{'page':<38}{'requests':>9}{'KiB':>9}{'KiB gzip':>10}"
        if args.lighthouse:
            header += "   Lighthouse (mobile): perf / a11y / best / SEO"
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
