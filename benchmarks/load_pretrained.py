"""How long the default pretrained vectors take to load, first time and cached.

Runs each measurement in a fresh Python process (so nothing is warm in memory), against
a throw-away cache folder, and prints:

- imports: gensim and embcourse, the same for every run (not part of the load);
- first load: convert the GloVe wheel into the gensim cache, then load it;
- cached load: load the memory-mapped gensim file, as every later session does;
- api.load: the same through gensim.downloader.load("glove-wiki-gigaword-50");
- one most_similar query on the loaded vectors (norms computed on first use).

    .venv/bin/python benchmarks/load_pretrained.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

MEASURE = r"""
import json, sys, time
started = time.perf_counter()
import gensim.models, embcourse.pretrained  # imports, timed apart from the load
imported = time.perf_counter()
if sys.argv[1] == "api":
    from embcourse.pretrained import use_course_gensim_data
    use_course_gensim_data()
    import gensim.downloader as api
    vectors = api.load("glove-wiki-gigaword-50")
else:
    from embcourse.pretrained import load_pretrained
    vectors = load_pretrained()
loaded = time.perf_counter()
vectors.most_similar(positive=["king", "woman"], negative=["man"], topn=10)
first_query = time.perf_counter()
vectors.most_similar("boy", topn=10)
second_query = time.perf_counter()
print(json.dumps({
    "imports": imported - started,
    "load": loaded - imported,
    "first query": first_query - loaded,
    "later query": second_query - first_query,
}))
"""


def measure(kind: str, cache: str) -> dict:
    env = {**os.environ, "EMBCOURSE_CACHE_DIR": cache}
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, kind],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def main() -> None:
    with tempfile.TemporaryDirectory() as cache:
        runs = {
            "first load (builds the cache)": measure("load", cache),
            "cached load": measure("load", cache),
            "cached, via gensim.downloader.load": measure("api", cache),
        }
    print(f"{'':<36}{'imports':>9}{'load':>9}{'1st query':>11}{'later query':>13}")
    for name, times in runs.items():
        print(
            f"{name:<36}{times['imports']:>8.2f}s{times['load']:>8.2f}s"
            f"{times['first query']:>10.3f}s"
            f"{times['later query']:>12.4f}s"
        )


if __name__ == "__main__":
    main()
