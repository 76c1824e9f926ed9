"""Drive a real Chromium through a built site, the way a reader uses it.

check_site(html_dir, pages, screenshots) serves ``html_dir`` on 127.0.0.1, opens every
page with Debian's Chromium through Playwright, and returns a list of problems (empty
when all is well): console errors, images that did not load, math left untypeset,
dropdowns that do not open, headings out of order, images without alt text, figures
that do not open full size, code or output wider than the column at 1280 px, internal
links or anchors that do not resolve, a search for "skip-gram" that finds nothing or
shows TeX in its snippets, more than one search box on the search page, the theme's
empty top bar, a missing meta description, at a phone's width (390 px), a page that
scrolls sideways or a search button that does not open search, and, tapped on a touch
screen, a menu or contents button that opens no drawer, a drawer whose links go
nowhere, or a tooltip left on screen; and at 390 px, a display equation cut at the
edge, outputs that wrap (aligned tables lose their columns), a block that scrolls
sideways with no visible cue, or a figure without its "tap" line. It saves a
screenshot of the first screen of each page, at 1280 px and at a phone's width (a
full-page one of every long chapter cost the suite about 12 s).
"""

from __future__ import annotations

import functools
import http.server
import itertools
import os
import shutil
import threading
from pathlib import Path
from urllib.parse import urljoin, urlsplit

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}

# The elements wider than the window that are not inside something that scrolls on its
# own (a code block or output scrolls; the page must not).
WIDER_THAN_PHONE = """() => {
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth <= width + 1) return [];
  const inScroller = el => {
    for (let a = el.parentElement; a; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o === 'auto' || o === 'scroll' || o === 'hidden') return true;
    }
    return false;
  };
  return [...document.querySelectorAll('main *')]
    .filter(el => el.getBoundingClientRect().right > width + 1 && !inScroller(el)
                  && el.children.length === 0)
    .slice(0, 3)
    .map(el => el.tagName.toLowerCase() + ': ' + el.textContent.trim().slice(0, 60));
}"""

# What a phone reader must be able to read: every display equation whole, outputs that
# keep their columns, a visible cue on whatever scrolls sideways, and a line under each
# figure saying it opens full size.
READ_ON_A_PHONE = """() => {
  const problems = [];
  const text = el => el.textContent.trim().replace(/\\s+/g, ' ').slice(0, 50);
  for (const eq of document.querySelectorAll('main mjx-container[display="true"]')) {
    if (eq.scrollWidth > eq.clientWidth + 1)
      problems.push('a display equation is cut at 390 px: ' + text(eq));
  }
  for (const out of document.querySelectorAll('main div.cell_output pre')) {
    if (getComputedStyle(out).whiteSpace !== 'pre') {
      problems.push('an output wraps at 390 px (a table loses its columns): '
                    + text(out));
      break;
    }
  }
  const scrollers = document.querySelectorAll(
    'main div.highlight pre, main div.cell_output pre');
  for (const box of scrollers) {
    if (box.scrollWidth > box.clientWidth + 1 &&
        !getComputedStyle(box).backgroundImage.includes('gradient')) {
      problems.push('a block that scrolls sideways shows no cue at 390 px: '
                    + text(box));
      break;
    }
  }
  for (const img of document.querySelectorAll('main .cell_output img')) {
    const hint = img.closest('a.figure-zoom')?.nextElementSibling;
    if (!hint || !hint.classList.contains('figure-zoom-hint')
        || hint.offsetParent === null) {
      problems.push('a figure does not say it opens full size at 390 px');
      break;
    }
  }
  return problems;
}"""

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def _serve(folder: Path):
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


#: The drawers a reader opens where the theme hides its sidebars: (width, which), the
#: chapter list ("primary") below 960 px, the page's contents ("secondary") below 1200.
DRAWERS = [(390, "primary"), (390, "secondary"), (1100, "secondary")]
DRAWER_NAMES = {"primary": "menu (chapter list)", "secondary": "contents"}


def check_drawers(browser, url: str, screenshots: Path | None = None) -> list[str]:
    """Tap each drawer's visible button on a touch screen, as a reader would: the
    drawer must open, a link in it must work, and no tooltip may stay on screen."""
    problems = []
    for width, kind in DRAWERS:
        context = browser.new_context(
            viewport={"width": width, "height": 844}, is_mobile=True, has_touch=True
        )
        page = context.new_page()
        page.goto(url, wait_until="load")
        name = f"the {DRAWER_NAMES[kind]} button at {width} px"
        # the button in the article's header: the one a reader sees (the theme's top
        # bar, with its own, is hidden: course.css)
        button = page.locator(f".bd-header-article .{kind}-toggle:visible")
        if button.count() == 0:
            problems.append(f"{name}: no visible button")
            context.close()
            continue
        button.first.tap()
        page.wait_for_timeout(300)
        dialog = page.locator(f"#pst-{kind}-sidebar-modal")
        opened = dialog.evaluate("d => d.open")
        page.keyboard.press("Escape")  # closed again: focus returns to the button
        page.wait_for_timeout(300)
        if page.locator(".tooltip:visible").count():
            problems.append(f"{name}: its tooltip stays on screen after the tap")
        if not opened:
            problems.append(f"{name} opens no drawer")
            context.close()
            continue
        button.first.tap()
        page.wait_for_timeout(300)
        if screenshots is not None:
            page.screenshot(path=str(screenshots / f"drawer_{kind}_{width}.png"))
        before = page.url
        if kind == "primary":
            link = dialog.locator("a.reference.internal[href$='.html']:visible")
        else:
            link = dialog.locator("a[href^='#']:visible")
        if link.count() < 2:
            problems.append(f"{name}: the drawer shows no links")
        else:
            link.nth(1).tap()
            page.wait_for_timeout(500)
            if page.url == before:
                problems.append(f"{name}: a link in the drawer goes nowhere")
        context.close()
    return problems


def check_site(
    html_dir: Path, pages: list[str], screenshots: Path | None = None
) -> list[str]:
    """Return every problem a reader would meet on ``pages`` (paths like
    'book/intro.html')."""
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    server = _serve(html_dir)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    links: set[str] = set()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on(
                "console",
                lambda m: errors.append(m.text) if m.type == "error" else None,
            )
            page.on("pageerror", lambda e: errors.append(str(e)))
            for path in pages:
                errors.clear()
                response = page.goto(base + path, wait_until="load")
                if response is None or response.status != 200:
                    problems.append(
                        f"{path}: HTTP {response.status if response else 'no response'}"
                    )
                    continue
                page.wait_for_function(
                    "() => !window.MathJax || (window.MathJax.startup && "
                    "window.MathJax.startup.promise)",
                    timeout=15_000,
                )
                page.evaluate("() => window.MathJax && MathJax.startup.promise")
                page.wait_for_timeout(200)
                for error in errors:
                    problems.append(f"{path}: console error: {error}")
                page.evaluate(  # figures below the first screen load lazily: load all
                    "async () => { for (const i of document.images) i.loading = "
                    "'eager'; await Promise.all([...document.images].map("
                    "i => i.decode().catch(() => null))); }"
                )
                broken = page.evaluate(
                    "() => [...document.images].filter(i => !i.complete || "
                    "i.naturalWidth === 0).map(i => i.getAttribute('src'))"
                )
                problems += [f"{path}: image did not load: {src}" for src in broken]
                unnamed = page.evaluate(
                    "() => [...document.querySelectorAll('main img')].filter(i => {"
                    " const alt = (i.getAttribute('alt') || '').trim();"
                    " return !alt || alt.includes('_images/') || "
                    "alt.endsWith('.png'); }).map(i => i.getAttribute('src'))"
                )
                problems += [
                    f"{path}: image without a real alt text: {src}" for src in unnamed
                ]
                cut = page.evaluate(
                    "() => [...document.querySelectorAll('main pre')]"
                    ".filter(e => e.offsetParent !== null &&"
                    " e.scrollWidth > e.clientWidth + 1)"
                    ".map(e => e.textContent.trim().split('\\n')[0].slice(0, 60))"
                )
                problems += [
                    f"{path}: a code block or output is wider than the column: {text}"
                    for text in cut
                ]
                unzoomable = page.evaluate(
                    "() => [...document.querySelectorAll('main .cell_output img')]"
                    ".filter(i => !i.closest('a') ||"
                    " i.closest('a').getAttribute('href') !== i.getAttribute('src'))"
                    ".map(i => i.getAttribute('src'))"
                )
                problems += [
                    f"{path}: figure does not open full size on click: {src}"
                    for src in unzoomable
                ]
                raw = page.evaluate(
                    "() => { const t = document.querySelector('main').innerText;"
                    " return ['$$', '\\\\(', '\\\\['].filter(s => t.includes(s)); }"
                )
                if raw:
                    problems.append(f"{path}: math left untypeset ({', '.join(raw)})")
                headings = page.evaluate(
                    "() => [...document.querySelectorAll('main h1')]"
                    ".filter(h => h.offsetParent !== null).length"
                )
                if headings != 1:
                    problems.append(f"{path}: {headings} <h1> headings (want one)")
                levels = page.evaluate(
                    "() => [...document.querySelectorAll('main h1, main h2, main h3,"
                    " main h4, main h5, main h6')].filter(h => h.offsetParent !== null)"
                    ".map(h => Number(h.tagName[1]))"
                )
                for before, after in itertools.pairwise(levels):
                    if after > before + 1:
                        problems.append(
                            f"{path}: heading level jumps from h{before} to h{after}"
                        )
                        break
                if not page.evaluate(
                    "() => (document.querySelector('meta[name=description]')"
                    "?.content || '').length > 50"
                ):
                    problems.append(
                        f"{path}: no meta description (search engines and link "
                        "previews show one)"
                    )
                if page.locator("#pst-header").is_visible():
                    problems.append(
                        f"{path}: the theme's top bar is shown (it holds only a "
                        "second search box; _static/course.css hides it)"
                    )
                for index in range(page.locator("main details").count()):
                    details = page.locator("main details").nth(index)
                    details.locator("summary").first.click()
                    if not details.evaluate("d => d.open"):
                        problems.append(f"{path}: dropdown {index + 1} does not open")
                if screenshots is not None:
                    screenshots.mkdir(parents=True, exist_ok=True)
                    page.screenshot(
                        path=str(screenshots / (path.replace("/", "_") + ".png"))
                    )
                for href in page.evaluate(
                    "() => [...document.querySelectorAll('a[href]')].map(a => a.href)"
                ):
                    if href.startswith(base):
                        links.add(href)
            fragments: dict[str, list[str]] = {}
            for link in sorted(
                links
            ):  # every internal link once; anchors grouped by page
                target, _, fragment = link.partition("#")
                fragments.setdefault(target, [])
                if fragment and target.endswith(".html"):
                    fragments[target].append(fragment)
            for target, wanted in fragments.items():
                response = page.request.get(target)
                if response.status != 200:
                    problems.append(
                        f"broken link: {urlsplit(target).path} (HTTP {response.status})"
                    )
                    continue
                if wanted:  # open the page once and look for all its anchors
                    page.goto(target, wait_until="domcontentloaded")
                    missing = page.evaluate(
                        "fs => fs.filter(f => !document.getElementById("
                        "decodeURIComponent(f)))",
                        wanted,
                    )
                    problems += [
                        f"broken anchor: {urlsplit(target).path}#{f}" for f in missing
                    ]
            phone = browser.new_page(viewport=PHONE)
            for path in pages:  # a phone's width: nothing may widen the page
                phone.goto(base + path, wait_until="load")
                phone.evaluate("() => window.MathJax && MathJax.startup.promise")
                wide = phone.evaluate(WIDER_THAN_PHONE)
                if wide or phone.evaluate(
                    "() => document.documentElement.scrollWidth > window.innerWidth + 1"
                ):
                    problems.append(
                        f"{path}: scrolls sideways at {PHONE['width']} px"
                        f" ({'; '.join(wide) or 'an element outside main'})"
                    )
                problems += [
                    f"{path}: {problem}" for problem in phone.evaluate(READ_ON_A_PHONE)
                ]
                if screenshots is not None:
                    phone.screenshot(
                        path=str(
                            screenshots / ("phone_" + path.replace("/", "_") + ".png")
                        ),
                        full_page=False,
                    )
            search = phone.locator(
                "button.search-button__button:visible"
            )  # on the last page
            if search.count() == 0:
                problems.append(f"no search button at {PHONE['width']} px")
            else:
                search.first.click()
                phone.wait_for_timeout(300)
                if not phone.evaluate(
                    "() => document.getElementById('pst-search-dialog')?.open"
                ):
                    problems.append(
                        f"the search button does not open search at {PHONE['width']} px"
                    )
            phone.close()
            chapters = [path for path in pages if path.startswith("book/0")]
            problems += check_drawers(
                browser, base + (chapters or pages)[0], screenshots
            )
            page.goto(urljoin(base, "search.html?q=skip-gram"), wait_until="load")
            try:
                page.wait_for_selector("#search-results li", timeout=15_000)
            except Exception:
                problems.append("search for 'skip-gram' found nothing")
            else:  # snippets quote the text, not the TeX of its equations
                page.wait_for_selector("#search-results p.context", timeout=15_000)
                page.wait_for_timeout(1000)  # the last snippets arrive one by one
                snippets = page.evaluate(
                    "() => [...document.querySelectorAll('#search-results p.context')]"
                    ".map(p => p.textContent)"
                )
                tex = [s for s in snippets if "\\(" in s or "\\[" in s or "$$" in s]
                problems += [f"search snippet shows raw TeX: {s[:80]}" for s in tex]
            boxes = page.locator("input[type=search]:visible").count()
            if boxes != 1:
                problems.append(f"the search page shows {boxes} search boxes (want 1)")
            browser.close()
    finally:
        server.shutdown()
    return problems
