"""What word2vec's settings do: gensim Word2Vec trained once per setting value.

Starting from chapter 3's settings (Skip-Gram, d = 100, window 5, 5 negatives, 5 epochs,
min_count 5, sample 1e-3), changes one setting at a time, trains gensim's Word2Vec on
the course corpus (workers=1, seed=0, so the scores are repeatable), and records the
WordSim353 Spearman correlation and the training time. Chapter 3 plots the result.

    .venv/bin/python benchmarks/hyperparameter_sweep.py   # about ten minutes on 2 cores

Writes benchmarks/results/hyperparameter_sweep.json.
"""

from __future__ import annotations

import json
import platform
import time
from datetime import date
from pathlib import Path

from gensim.models import Word2Vec

from embcourse.data import benchmark_path, load_corpus

BASE = {"model": "skip-gram", "dim": 100, "window": 5, "negatives": 5, "epochs": 5}
VALUES = {
    "model": ["cbow", "skip-gram"],
    "dim": [25, 50, 100, 200],
    "window": [2, 5, 10],
    "negatives": [2, 5, 15],
    "epochs": [1, 3, 5, 10],
}
OUTPUT = Path(__file__).resolve().parent / "results" / "hyperparameter_sweep.json"


def train_and_score(corpus, settings: dict) -> dict:
    started = time.perf_counter()
    model = Word2Vec(
        corpus,
        sg=int(settings["model"] == "skip-gram"),
        vector_size=settings["dim"],
        window=settings["window"],
        negative=settings["negatives"],
        epochs=settings["epochs"],
        alpha=0.025 if settings["model"] == "skip-gram" else 0.05,
        min_count=5,
        sample=1e-3,
        workers=1,
        seed=0,
    )
    seconds = time.perf_counter() - started
    wordsim = model.wv.evaluate_word_pairs(benchmark_path("wordsim353"))[1].statistic
    return {"wordsim353": round(float(wordsim), 4), "seconds": round(seconds, 1)}


def main() -> None:
    corpus = list(load_corpus())
    cache: dict = {}
    runs = {}
    for name, values in VALUES.items():
        runs[name] = []
        for value in values:
            settings = {**BASE, name: value}
            key = tuple(sorted(settings.items()))
            if key not in cache:
                cache[key] = train_and_score(corpus, settings)
            runs[name].append({"value": value, **cache[key]})
            print(name, value, cache[key], flush=True)
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(
        json.dumps(
            {
                "what": "gensim Word2Vec on the WordNet corpus, "
                "one setting changed at a time",
                "base": BASE,
                "runs": runs,
                "measured": {
                    "date": date.today().isoformat(),
                    "python": platform.python_version(),
                    "machine": platform.machine(),
                    "workers": 1,
                },
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
