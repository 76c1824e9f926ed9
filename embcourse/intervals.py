"""How far apart two sets of word vectors are on the same human-rated word pairs.

A chapter that ranks two models by their Spearman correlation on a few hundred pairs
prints this interval beside the two scores: a gap whose interval holds zero does not
rank them.
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata


def gap_interval(first, second, pairs, resamples: int = 1_000, seed: int = 0):
    """95% bootstrap interval of Spearman(first) - Spearman(second), resampling pairs.

    ``first`` and ``second`` are gensim KeyedVectors (anything with ``similarity``);
    ``pairs`` are ``(word, word, rating)``. Both models are scored on the same
    resampled pairs, so the interval is of the paired difference.
    """
    human = np.array([rating for *_, rating in pairs])
    picks = np.random.default_rng(seed).integers(0, len(pairs), (resamples, len(pairs)))
    ranked_human = rankdata(human[picks], axis=1)
    rhos = []
    for vectors in (first, second):
        scores = np.array([vectors.similarity(a, b) for a, b, _ in pairs])
        ranked = rankdata(scores[picks], axis=1)
        rhos.append([np.corrcoef(x, y)[0, 1] for x, y in zip(ranked, ranked_human)])
    return np.percentile(np.subtract(*rhos), [2.5, 97.5])
