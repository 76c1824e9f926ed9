"""Chapter 6's GloVe trainer: non-zeros per second and quality, on 1 and 2 threads.

Trains the chapter's GloVe (its cells tagged "training-code") with the settings the
chapter uses (benchmarks/results/glove_settings.json, chosen on the development half of
WordSim353), d = 100, seed 0, on the course corpus's co-occurrence matrix, once on one
torch thread and once on two, and prints side by side: wall and CPU seconds, non-zero
entries per second (entries times epochs over wall seconds) and per CPU-second (so that
a second thread is not free), and WordSim353 Spearman on every pair the vocabulary
knows.

    .venv/bin/python benchmarks/glove_throughput.py [--epochs N]   # about 2 minutes
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from embcourse.progress import NO_PROGRESS_ENV

os.environ.setdefault(NO_PROGRESS_ENV, "1")

import torch
from train_throughput import notebook_code

from embcourse.data import benchmark_path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "book" / "06_glove.ipynb"
SETTINGS = Path(__file__).resolve().parent / "results" / "glove_settings.json"


def main() -> None:
    chosen = json.loads(SETTINGS.read_text(encoding="utf-8"))["chosen"]
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=chosen["epochs"])
    epochs = parser.parse_args().epochs
    code = notebook_code(NOTEBOOK)
    vocab = code["vocab"]
    cooc = code["cooccurrence_matrix"](
        code["token_ids"], code["sentence_of"], len(vocab)
    )
    triples = code["training_triples"](cooc, x_max=chosen["x_max"])
    print(
        f"GloVe, d = 100, x_max {chosen['x_max']}, lr {chosen['lr']}, {epochs} epochs, "
        f"{cooc.nnz:,} non-zeros, {os.cpu_count()} cores"
    )
    print(
        f"{'threads':>7}{'wall s':>8}{'CPU s':>8}{'non-zeros/s':>13}{'per CPU-s':>11}"
        f"{'WordSim353':>11}"
    )
    for threads in [1, 2]:
        torch.set_num_threads(threads)
        started, cpu_started = time.perf_counter(), time.process_time()
        model, _ = code["train_glove"](
            triples, len(vocab), dim=100, epochs=epochs, lr=chosen["lr"]
        )
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        vectors = code["as_keyed_vectors"](model.vectors())
        wordsim = vectors.evaluate_word_pairs(benchmark_path("wordsim353"))[1].statistic
        entries = cooc.nnz * epochs
        print(
            f"{threads:>7}{wall:>8.1f}{cpu:>8.1f}{entries / wall:>13,.0f}"
            f"{entries / cpu:>11,.0f}{wordsim:>11.3f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
