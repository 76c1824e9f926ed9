"""Chapter 4 (similarity queries on pretrained vectors): wrong and right ways to write
each task."""

from __future__ import annotations

import heapq
import math

import numpy as np
import scipy.spatial.distance
import scipy.stats
import torch
import torch.nn.functional as F

from mutants import Mutants


def cosine_reference(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    return float(u @ v / (np.linalg.norm(u) * np.linalg.norm(v)))


def cosine_dot_only(u, v):
    return float(np.dot(u, v))


def cosine_distance(u, v):
    return float(scipy.spatial.distance.cosine(u, v))


def cosine_squared_norms(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    return float(u @ v / (u @ u * (v @ v)))


def cosine_absolute(u, v):
    return abs(cosine_reference(u, v))


def cosine_one_norm(u, v):
    u, v = np.asarray(u, dtype=float), np.asarray(v, dtype=float)
    return float(u @ v / np.linalg.norm(u) ** 2)


def cosine_rounded(u, v):
    return round(cosine_reference(u, v), 3)


def cosine_normalised_in_place(u, v):  # /= on an int array fails
    u, v = np.asarray(u), np.asarray(v)
    u /= np.linalg.norm(u)
    v /= np.linalg.norm(v)
    return float(u @ v)


def cosine_last_entry_missed(u, v):
    dot = sum(u[i] * v[i] for i in range(len(u) - 1))
    return float(dot / (np.linalg.norm(u) * np.linalg.norm(v)))


def cosine_float32(u, v):  # torch's default dtype: rounding far below 1e-6
    return F.cosine_similarity(
        torch.tensor(u, dtype=torch.float32),
        torch.tensor(v, dtype=torch.float32),
        dim=0,
    ).item()


def cosine_scipy(u, v):
    return 1 - scipy.spatial.distance.cosine(u, v)


def cosine_math(u, v):
    dot = sum(a * b for a, b in zip(u, v))
    return dot / (math.sqrt(sum(a * a for a in u)) * math.sqrt(sum(b * b for b in v)))


def cosine_torch(u, v):
    return F.cosine_similarity(
        torch.tensor(u, dtype=torch.float64),
        torch.tensor(v, dtype=torch.float64),
        dim=0,
    ).item()


def _unit(vectors):
    vectors = np.asarray(vectors, dtype=float)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def top_reference(word, words, vectors, k):
    scores = _unit(vectors) @ _unit(vectors)[words.index(word)]
    order = [i for i in np.argsort(-scores, kind="stable") if words[i] != word]
    return [words[i] for i in order[:k]]


def top_euclidean(word, words, vectors, k):
    vectors = np.asarray(vectors, dtype=float)
    distances = np.linalg.norm(vectors - vectors[words.index(word)], axis=1)
    return [words[i] for i in np.argsort(distances, kind="stable") if words[i] != word][
        :k
    ]


def top_raw_dot(word, words, vectors, k):
    vectors = np.asarray(vectors, dtype=float)
    scores = vectors @ vectors[words.index(word)]
    return [words[i] for i in np.argsort(-scores, kind="stable") if words[i] != word][
        :k
    ]


def top_includes_itself(word, words, vectors, k):
    scores = _unit(vectors) @ _unit(vectors)[words.index(word)]
    return [words[i] for i in np.argsort(-scores, kind="stable")[:k]]


def top_k_minus_one(word, words, vectors, k):
    scores = _unit(vectors) @ _unit(vectors)[words.index(word)]
    return [words[i] for i in np.argsort(-scores, kind="stable")[1:k]]


def top_ascending(word, words, vectors, k):
    scores = _unit(vectors) @ _unit(vectors)[words.index(word)]
    return [words[i] for i in np.argsort(scores, kind="stable") if words[i] != word][:k]


def top_ties_reversed(word, words, vectors, k):
    scores = _unit(vectors) @ _unit(vectors)[words.index(word)]
    return [
        words[i] for i in np.argsort(scores, kind="stable")[::-1] if words[i] != word
    ][:k]


def top_normalised_in_place(word, words, vectors, k):  # /= on an int array fails
    vectors = np.asarray(vectors)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    scores = vectors @ vectors[words.index(word)]
    order = [i for i in np.argsort(-scores, kind="stable") if words[i] != word]
    return [words[i] for i in order[:k]]


def top_units_like_the_input(word, words, vectors, k):  # zeros_like: int truncation
    vectors = np.asarray(vectors)
    unit = np.zeros_like(vectors)
    for i, row in enumerate(vectors):
        unit[i] = row / np.linalg.norm(row)
    scores = unit @ unit[words.index(word)]
    order = [i for i in np.argsort(-scores, kind="stable") if words[i] != word]
    return [words[i] for i in order[:k]]


def top_last_k_of_ascending(word, words, vectors, k):  # [-0:] is the whole list
    scores = _unit(vectors) @ _unit(vectors)[words.index(word)]
    others = [i for i in range(len(words)) if words[i] != word]
    ranked = sorted(others, key=lambda i: (scores[i], -i))
    return [words[i] for i in reversed(ranked[-k:])]


def top_never_the_last_word(word, words, vectors, k):
    scores = _unit(vectors) @ _unit(vectors)[words.index(word)]
    others = [i for i in range(len(words) - 1) if words[i] != word]
    return [words[i] for i in sorted(others, key=lambda i: (-scores[i], i))[:k]]


def top_sorted_key(word, words, vectors, k):
    unit = _unit(vectors)
    scores = unit @ unit[words.index(word)]
    ranked = sorted(
        (i for i in range(len(words)) if words[i] != word),
        key=lambda i: (-scores[i], i),
    )
    return [words[i] for i in ranked[:k]]


def top_heapq(word, words, vectors, k):
    unit = _unit(vectors)
    scores = unit @ unit[words.index(word)]
    best = heapq.nsmallest(
        k, ((-scores[i], i) for i in range(len(words)) if words[i] != word)
    )
    return tuple(words[i] for _, i in best)


def top_torch(word, words, vectors, k):
    unit = F.normalize(torch.tensor(vectors, dtype=torch.float64), dim=1)
    scores = (unit @ unit[words.index(word)]).numpy()
    order = sorted(range(len(words)), key=lambda i: (-scores[i], i))
    return [words[i] for i in order if words[i] != word][:k]


def _analogy(a, b, c, words, vectors, normalise=True, exclude=None, combine=None):
    vectors = np.asarray(vectors, dtype=float)
    unit = _unit(vectors) if normalise else vectors
    ia, ib, ic = (words.index(w) for w in (a, b, c))
    target = combine(unit, ia, ib, ic) if combine else unit[ib] - unit[ia] + unit[ic]
    scores = _unit(vectors) @ (target / np.linalg.norm(target))
    skip = set(exclude if exclude is not None else (a, b, c))
    for i in np.argsort(-scores, kind="stable"):
        if words[i] not in skip:
            return words[i]


def analogy_reference(a, b, c, words, vectors):
    return _analogy(a, b, c, words, vectors)


def analogy_unnormalised(a, b, c, words, vectors):
    return _analogy(a, b, c, words, vectors, normalise=False)


def analogy_no_exclusion(a, b, c, words, vectors):
    return _analogy(a, b, c, words, vectors, exclude=())


def analogy_excludes_c_only(a, b, c, words, vectors):
    return _analogy(a, b, c, words, vectors, exclude=(c,))


def analogy_wrong_sign(a, b, c, words, vectors):
    return _analogy(
        a, b, c, words, vectors, combine=lambda u, ia, ib, ic: u[ia] - u[ib] + u[ic]
    )


def analogy_ties_reversed(a, b, c, words, vectors):
    unit = _unit(vectors)
    target = unit[words.index(b)] - unit[words.index(a)] + unit[words.index(c)]
    scores = unit @ target
    for i in np.argsort(scores, kind="stable")[::-1]:
        if words[i] not in (a, b, c):
            return words[i]


def analogy_raw_scores(a, b, c, words, vectors):
    vectors = np.asarray(vectors, dtype=float)
    unit = _unit(vectors)
    target = unit[words.index(b)] - unit[words.index(a)] + unit[words.index(c)]
    scores = vectors @ target
    for i in np.argsort(-scores, kind="stable"):
        if words[i] not in (a, b, c):
            return words[i]


def analogy_normalised_in_place(a, b, c, words, vectors):  # /= on ints fails
    vectors = np.asarray(vectors)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    target = vectors[words.index(b)] - vectors[words.index(a)] + vectors[words.index(c)]
    scores = vectors @ target
    for i in np.argsort(-scores, kind="stable"):
        if words[i] not in (a, b, c):
            return words[i]


def analogy_never_the_last_word(a, b, c, words, vectors):
    unit = _unit(vectors)
    target = unit[words.index(b)] - unit[words.index(a)] + unit[words.index(c)]
    best, best_score = None, -np.inf
    for i in range(len(words) - 1):
        if words[i] not in (a, b, c) and unit[i] @ target > best_score:
            best, best_score = words[i], unit[i] @ target
    return best


def analogy_max_key(a, b, c, words, vectors):
    unit = _unit(vectors)
    target = unit[words.index(b)] - unit[words.index(a)] + unit[words.index(c)]
    scores = unit @ target
    candidates = [i for i in range(len(words)) if words[i] not in (a, b, c)]
    return words[max(candidates, key=lambda i: (scores[i], -i))]


def analogy_torch(a, b, c, words, vectors):
    unit = F.normalize(torch.tensor(vectors, dtype=torch.float64), dim=1)
    target = unit[words.index(b)] - unit[words.index(a)] + unit[words.index(c)]
    scores = (unit @ F.normalize(target, dim=0)).tolist()
    order = sorted(range(len(words)), key=lambda i: (-scores[i], i))
    return next(words[i] for i in order if words[i] not in {a, b, c})


def analogy_masked(a, b, c, words, vectors):
    unit = _unit(vectors)
    scores = unit @ (unit[words.index(b)] - unit[words.index(a)] + unit[words.index(c)])
    for word in (a, b, c):
        scores[words.index(word)] = -np.inf
    return words[int(np.argmax(scores))]


def _ranks(values):
    values = np.asarray(values, dtype=float)
    order = np.argsort(values, kind="stable")
    result = np.empty(len(values))
    result[order] = np.arange(1, len(values) + 1)
    for value in np.unique(values):
        tied = values == value
        result[tied] = result[tied].mean()
    return result


def spearman_reference(xs, ys):
    return float(np.corrcoef(_ranks(xs), _ranks(ys))[0, 1])


def spearman_pearson_of_values(xs, ys):
    return float(np.corrcoef(xs, ys)[0, 1])


def _ordinal(values):
    values = np.asarray(values, dtype=float)
    result = np.empty(len(values))
    result[np.argsort(values, kind="stable")] = np.arange(1, len(values) + 1)
    return result


def spearman_ordinal_ties(xs, ys):
    return float(np.corrcoef(_ordinal(xs), _ordinal(ys))[0, 1])


def spearman_argsort_as_ranks(xs, ys):
    return float(np.corrcoef(np.argsort(xs), np.argsort(ys))[0, 1])


def spearman_textbook_formula(xs, ys):
    d = _ordinal(xs) - _ordinal(ys)
    n = len(xs)
    return float(1 - 6 * (d**2).sum() / (n * (n**2 - 1)))


def spearman_min_ties(xs, ys):
    return float(
        np.corrcoef(
            scipy.stats.rankdata(xs, method="min"),
            scipy.stats.rankdata(ys, method="min"),
        )[0, 1]
    )


def spearman_one_descending(xs, ys):
    return float(np.corrcoef(_ranks(xs), _ranks([-y for y in ys]))[0, 1])


def spearman_ranks_like_the_input(xs, ys):  # empty_like ints: 2.5 becomes 2
    def ranks(values):
        values = np.asarray(values)
        result = np.empty_like(values)
        result[np.argsort(values, kind="stable")] = np.arange(1, len(values) + 1)
        for value in np.unique(values):
            tied = values == value
            result[tied] = result[tied].mean()
        return result

    return float(np.corrcoef(ranks(xs), ranks(ys))[0, 1])


def spearman_pearson_misses_last(xs, ys):  # the covariance loop stops one early
    rx, ry = _ranks(xs), _ranks(ys)
    mx, my = rx.mean(), ry.mean()
    cov = sum((rx[i] - mx) * (ry[i] - my) for i in range(len(rx) - 1))
    return float(cov / math.sqrt(((rx - mx) ** 2).sum() * ((ry - my) ** 2).sum()))


def spearman_rankdata(xs, ys):
    return float(np.corrcoef(scipy.stats.rankdata(xs), scipy.stats.rankdata(ys))[0, 1])


def spearman_scipy(xs, ys):
    return float(scipy.stats.spearmanr(xs, ys).statistic)


def spearman_python(xs, ys):
    def ranks(values):
        ordered = sorted(values)
        return [(2 * ordered.index(v) + ordered.count(v) + 1) / 2 for v in values]

    rx, ry = ranks(xs), ranks(ys)
    mx, my = sum(rx) / len(rx), sum(ry) / len(ry)
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry))
    return cov / math.sqrt(
        sum((a - mx) ** 2 for a in rx) * sum((b - my) ** 2 for b in ry)
    )


MUTANTS = {
    "04.cosine_similarity": Mutants(
        wrong={
            "dot product only": cosine_dot_only,
            "cosine distance": cosine_distance,
            "squared lengths": cosine_squared_norms,
            "absolute value": cosine_absolute,
            "length of u only": cosine_one_norm,
            "rounded to 3 places": cosine_rounded,
            "normalised in place (ints fail)": cosine_normalised_in_place,
            "the last entries left out of the dot product": cosine_last_entry_missed,
        },
        right={
            "reference": cosine_reference,
            "float32": cosine_float32,
            "scipy": cosine_scipy,
            "math": cosine_math,
            "torch": cosine_torch,
        },
    ),
    "04.top_k_neighbours": Mutants(
        wrong={
            "Euclidean on raw vectors": top_euclidean,
            "raw dot products": top_raw_dot,
            "the word itself included": top_includes_itself,
            "k - 1 words": top_k_minus_one,
            "least similar first": top_ascending,
            "ties, later first": top_ties_reversed,
            "normalised in place (ints fail)": top_normalised_in_place,
            "unit rows in zeros_like of int vectors": top_units_like_the_input,
            "the last k of an ascending sort (k = 0 gives all)": (
                top_last_k_of_ascending
            ),
            "the last word never a candidate": top_never_the_last_word,
        },
        right={
            "reference": top_reference,
            "sorted with a key": top_sorted_key,
            "heapq": top_heapq,
            "torch": top_torch,
        },
    ),
    "04.solve_analogy": Mutants(
        wrong={
            "unnormalised vectors": analogy_unnormalised,
            "inputs not excluded": analogy_no_exclusion,
            "only c excluded": analogy_excludes_c_only,
            "a - b + c": analogy_wrong_sign,
            "ties, later first": analogy_ties_reversed,
            "raw dot products": analogy_raw_scores,
            "normalised in place (ints fail)": analogy_normalised_in_place,
            "the last word never a candidate": analogy_never_the_last_word,
        },
        right={
            "reference": analogy_reference,
            "max with a key": analogy_max_key,
            "torch": analogy_torch,
            "masked argmax": analogy_masked,
        },
    ),
    "04.spearman": Mutants(
        wrong={
            "Pearson of the values": spearman_pearson_of_values,
            "ties ranked in order": spearman_ordinal_ties,
            "argsort used as ranks": spearman_argsort_as_ranks,
            "1 - 6Σd²/(n(n²-1)) with ties": spearman_textbook_formula,
            "ties share the lowest rank": spearman_min_ties,
            "one list ranked descending": spearman_one_descending,
            "ranks in empty_like of int values": spearman_ranks_like_the_input,
            "covariance without the last pair": spearman_pearson_misses_last,
        },
        right={
            "reference": spearman_reference,
            "scipy rankdata": spearman_rankdata,
            "scipy spearmanr": spearman_scipy,
            "pure Python": spearman_python,
        },
    ),
}
