"""Chapter 6: does weighting a pair by 1/distance, as GloVe's C code does, help here?

Builds the chapter's co-occurrence matrix (window 5) a second way, each pair at
distance l counting 1/l instead of 1 (`cooccur`'s default), and chooses x_max and the
learning rate for it on the development half of WordSim353 exactly as
`glove_settings.py` does for the unweighted matrix (same grid, same checkpoints,
d = 100, seed 0). Only development pairs are scored: the question is whether the
weighting is worth adopting, and the test half stays untouched.

    .venv/bin/python benchmarks/glove_weighting.py   # about 4 minutes on 2 cores

Writes benchmarks/results/glove_weighting.json, which chapter 6 prints beside the
unweighted search of glove_settings.json.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import scipy.sparse

from embcourse.progress import NO_PROGRESS_ENV

os.environ.setdefault(NO_PROGRESS_ENV, "1")

from glove_settings import NOTEBOOK, save, search
from train_throughput import notebook_code

OUTPUT = Path(__file__).resolve().parent / "results" / "glove_weighting.json"


def distance_weighted_matrix(token_ids, sentence_of, V, window=5):
    """The chapter's cooccurrence_matrix, with a pair at distance l adding 1/l."""
    rows, cols, weights = [], [], []
    for distance in range(1, window + 1):
        first, second = token_ids[:-distance], token_ids[distance:]
        keep = (
            (sentence_of[:-distance] == sentence_of[distance:])
            & (first >= 0)
            & (second >= 0)
        )
        rows.append(first[keep])
        cols.append(second[keep])
        weights.append(np.full(keep.sum(), 1.0 / distance))
    counts = scipy.sparse.csr_matrix(
        (np.concatenate(weights), (np.concatenate(rows), np.concatenate(cols))),
        shape=(V, V),
    )
    return counts + counts.T


def main() -> None:
    code = notebook_code(NOTEBOOK)
    cooc = distance_weighted_matrix(
        code["token_ids"], code["sentence_of"], len(code["vocab"])
    )
    print(f"1/l-weighted matrix: {cooc.nnz:,} non-zeros, sum {cooc.sum():,.0f}")
    dev, _test, _ = code["development_pairs"]()
    runs, chosen = search(code, cooc, dev)
    print("chosen:", chosen)
    what = (
        "chapter 6's GloVe trained on a co-occurrence matrix whose pairs count "
        "1/distance, d = 100, seed 0"
    )
    save(OUTPUT, what, dev, runs, chosen, nonzeros=int(cooc.nnz))


if __name__ == "__main__":
    main()
