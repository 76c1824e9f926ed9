"""What the embedding explorer (book/explorer.md) gives up for its size, and its speed.

Prints, for the explorer's 50,000 words (scripts/explorer_data.py):

- the data script's size, raw and gzip-compressed (level 6, as a web server would);
- Google analogy accuracy (gensim's ``evaluate_word_analogies``, 3CosAdd) with float32
  vectors and with the explorer's int8 vectors, on the same questions (those whose four
  words are all among the 50,000);
- the top-10 neighbour overlap between the two, on every 250th word (200 words);
- where a built site exists (make site) and Chromium is installed: the time of one
  neighbour query in Chromium (the page's own JavaScript), side by side with numpy's
  brute force on the same float32 matrix in this process, and their ratio.

    .venv/bin/python benchmarks/explorer_quality.py
"""

from __future__ import annotations

import gzip
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))
import explorer_data
from gensim.models import KeyedVectors

from embcourse.data import benchmark_path
from embcourse.pretrained import load_pretrained

QUERY_WORDS = ["frog", "king", "the", "computer", "paris", "water", "music", "blue"]


def keyed(words, matrix) -> KeyedVectors:
    vectors = KeyedVectors(vector_size=matrix.shape[1], count=0)
    vectors.add_vectors(words, matrix)
    return vectors


def chromium_query_ms() -> list[float] | None:
    from site_checker import CHROMIUM, CHROMIUM_ARGS, chromium_available

    page_file = ROOT / "_build" / "html" / "book" / "explorer.html"
    if not chromium_available() or not page_file.exists():
        return None
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        page = browser.new_page()
        page.goto(page_file.as_uri(), wait_until="load")
        page.wait_for_selector("#explorer-status[data-ready=true]", timeout=20_000)
        times = page.evaluate(
            "(ws) => ws.map(w => { const t = performance.now();"
            " embeddingExplorer.neighbours(w, 10); return performance.now() - t; })",
            QUERY_WORDS * 5,
        )
        browser.close()
    return times


def numpy_query_ms(unit: np.ndarray, index: dict[str, int]) -> list[float]:
    times = []
    for word in QUERY_WORDS * 5:
        start = time.perf_counter()
        scores = unit @ unit[index[word]]
        top = np.argpartition(-scores, 11)[:11]
        top[np.argsort(-scores[top])]
        times.append((time.perf_counter() - start) * 1000)
    return times


def main() -> int:
    words, matrix = explorer_data.select(load_pretrained())
    codes = explorer_data.quantise(matrix)
    text = explorer_data.build_text()
    raw, packed = len(text.encode()), len(gzip.compress(text.encode(), 6))
    print(f"data script: {len(words):,} words x {codes.shape[1]} dimensions")
    print(
        f"  raw {raw:,} bytes ({raw / 2**20:.2f} MiB), gzip {packed:,} bytes "
        f"({packed / 2**20:.2f} MiB); the int8 bytes alone: {codes.nbytes:,}"
    )

    unit = matrix / np.linalg.norm(matrix, axis=1, keepdims=True)
    full, rounded = keyed(words, unit), keyed(words, explorer_data.dequantise(codes))
    questions = benchmark_path("google_analogies")
    for name, vectors in (("float32", full), ("int8", rounded)):
        score, sections = vectors.evaluate_word_analogies(
            questions, restrict_vocab=len(words)
        )
        asked = sum(
            len(s["correct"]) + len(s["incorrect"])
            for s in sections
            if s["section"] == "Total accuracy"
        )
        print(f"analogies, {name:<7}: {score:.2%} of {asked:,} questions")

    fixed = words[::250]
    shared = sum(
        len(
            {w for w, _ in full.most_similar(word, topn=10)}
            & {w for w, _ in rounded.most_similar(word, topn=10)}
        )
        for word in fixed
    )
    print(
        f"top-10 overlap, int8 vs float32, {len(fixed)} words: "
        f"{shared / (10 * len(fixed)):.1%}"
    )

    index = {word: i for i, word in enumerate(words)}
    ours = chromium_query_ms()
    theirs = numpy_query_ms(unit.astype(np.float32), index)
    numpy_median = statistics.median(theirs)
    if ours is None:
        print(
            f"one neighbour query: numpy {numpy_median:.2f} ms (median of "
            f"{len(theirs)}); no built site or no Chromium for the page's own"
        )
    else:
        median = statistics.median(ours)
        print(
            f"one neighbour query, median of {len(ours)}: Chromium (the page) "
            f"{median:.2f} ms, numpy {numpy_median:.2f} ms, ratio "
            f"{median / numpy_median:.1f}x; Chromium's slowest {max(ours):.1f} ms"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
