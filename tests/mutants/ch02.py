"""Chapter 2 (dense embeddings, counts, PPMI, SVD): wrong and right ways to write each
task."""

from __future__ import annotations

from collections import Counter

import numpy as np
import scipy.sparse
import torch
import torch.nn.functional as F
from scipy.spatial.distance import cdist

from mutants import Mutants


def cos_reference(vectors):
    vectors = np.asarray(vectors, dtype=float)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return unit @ unit.T


def cos_raw_dot(vectors):
    vectors = np.asarray(vectors, dtype=float)
    return vectors @ vectors.T


def cos_columns_normalised(vectors):
    vectors = np.asarray(vectors, dtype=float)
    unit = vectors / np.linalg.norm(vectors, axis=0, keepdims=True)
    return unit @ unit.T


def cos_gram_of_columns(vectors):
    vectors = np.asarray(vectors, dtype=float)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return unit.T @ unit


def cos_one_norm(vectors):
    vectors = np.asarray(vectors, dtype=float)
    unit = vectors / np.linalg.norm(vectors)
    return unit @ unit.T


def cos_zero_diagonal(vectors):
    result = cos_reference(vectors)
    np.fill_diagonal(result, 0)
    return result


def cos_in_place_on_ints(vectors):
    vectors = np.asarray(vectors)
    vectors //= np.linalg.norm(vectors, axis=1, keepdims=True).astype(vectors.dtype)
    return vectors @ vectors.T


def cos_units_like_the_input(vectors):  # zeros_like keeps an int dtype: truncated
    vectors = np.asarray(vectors)
    unit = np.zeros_like(vectors)
    for i, row in enumerate(vectors):
        unit[i] = row / np.linalg.norm(row)
    return unit @ unit.T


def cos_last_pair_missed(vectors):
    vectors = np.asarray(vectors, dtype=float)
    n = len(vectors)
    result = np.eye(n)
    for i in range(n):
        for j in range(i + 1, n - 1):
            similarity = vectors[i] @ vectors[j]
            similarity /= np.linalg.norm(vectors[i]) * np.linalg.norm(vectors[j])
            result[i, j] = result[j, i] = similarity
    return result


def cos_distance_not_similarity(vectors):
    return cdist(vectors, vectors, "cosine")


def cos_scipy(vectors):
    return 1 - cdist(
        np.asarray(vectors, dtype=float), np.asarray(vectors, dtype=float), "cosine"
    )


def cos_torch(vectors):
    tensor = torch.as_tensor(vectors, dtype=torch.float64)
    return F.cosine_similarity(tensor[:, None, :], tensor[None, :, :], dim=2)


def cos_float32(vectors):  # torch's default dtype: rounding far below 1e-6
    unit = F.normalize(torch.tensor(vectors, dtype=torch.float32), dim=1)
    return unit @ unit.T


def cos_loops(vectors):
    rows = [np.asarray(row, dtype=float) for row in vectors]
    return [
        [float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b))) for b in rows]
        for a in rows
    ]


def cooc_reference(sentences, vocab, window):
    counts = np.zeros((len(vocab), len(vocab)))
    for sentence in sentences:
        for i, word in enumerate(sentence):
            if word not in vocab:
                continue
            for j in range(max(0, i - window), min(len(sentence), i + window + 1)):
                if j != i and sentence[j] in vocab:
                    counts[vocab[word], vocab[sentence[j]]] += 1
    return counts


def cooc_drops_unknown_first(sentences, vocab, window):
    return cooc_reference(
        [[w for w in s if w in vocab] for s in sentences], vocab, window
    )


def cooc_crosses_sentences(sentences, vocab, window):
    return cooc_reference([[w for s in sentences for w in s]], vocab, window)


def cooc_window_exclusive(sentences, vocab, window):
    return cooc_reference(sentences, vocab, window - 1)


def cooc_right_only(sentences, vocab, window):
    counts = np.zeros((len(vocab), len(vocab)))
    for sentence in sentences:
        for i, word in enumerate(sentence):
            for j in range(i + 1, min(len(sentence), i + window + 1)):
                if word in vocab and sentence[j] in vocab:
                    counts[vocab[word], vocab[sentence[j]]] += 1
    return counts


def cooc_counts_itself(sentences, vocab, window):
    counts = cooc_reference(sentences, vocab, window)
    for sentence in sentences:
        for word in sentence:
            if word in vocab:
                counts[vocab[word], vocab[word]] += 1
    return counts


def cooc_negative_indices_wrap(sentences, vocab, window):
    counts = np.zeros((len(vocab), len(vocab)))
    for sentence in sentences:
        for i, word in enumerate(sentence):
            for j in range(i - window, min(len(sentence), i + window + 1)):
                if j != i and word in vocab and sentence[j] in vocab:
                    counts[vocab[word], vocab[sentence[j]]] += 1
    return counts


def cooc_last_word_never_centre(sentences, vocab, window):
    counts = np.zeros((len(vocab), len(vocab)))
    for sentence in sentences:
        for i in range(len(sentence) - 1):
            if sentence[i] not in vocab:
                continue
            for j in range(max(0, i - window), min(len(sentence), i + window + 1)):
                if j != i and sentence[j] in vocab:
                    counts[vocab[sentence[i]], vocab[sentence[j]]] += 1
    return counts


def cooc_window_cut_early(sentences, vocab, window):  # the last word never a context
    counts = np.zeros((len(vocab), len(vocab)))
    for sentence in sentences:
        for i, word in enumerate(sentence):
            for j in range(max(0, i - window), min(len(sentence) - 1, i + window + 1)):
                if j != i and word in vocab and sentence[j] in vocab:
                    counts[vocab[word], vocab[sentence[j]]] += 1
    return counts


def cooc_offsets_float_ids(sentences, vocab, window):  # np.array([]) is float
    counts = np.zeros((len(vocab), len(vocab)))
    for sentence in sentences:
        ids = np.array([vocab.get(w, -1) for w in sentence])
        for offset in range(1, window + 1):
            left, right = ids[:-offset], ids[offset:]
            keep = (left >= 0) & (right >= 0)
            np.add.at(counts, (left[keep], right[keep]), 1)
            np.add.at(counts, (right[keep], left[keep]), 1)
    return counts


def cooc_distinct_pairs(sentences, vocab, window):
    return (cooc_reference(sentences, vocab, window) > 0).astype(float)


def cooc_by_offsets(sentences, vocab, window):
    counts = np.zeros((len(vocab), len(vocab)))
    for sentence in sentences:
        ids = np.array([vocab.get(w, -1) for w in sentence], dtype=int)
        for offset in range(1, window + 1):
            left, right = ids[:-offset], ids[offset:]
            keep = (left >= 0) & (right >= 0)
            np.add.at(counts, (left[keep], right[keep]), 1)
            np.add.at(counts, (right[keep], left[keep]), 1)
    return counts


def cooc_counter(sentences, vocab, window):
    pairs = Counter()
    for sentence in sentences:
        for i, word in enumerate(sentence):
            for j, other in enumerate(sentence):
                if 0 < abs(i - j) <= window and word in vocab and other in vocab:
                    pairs[vocab[word], vocab[other]] += 1
    counts = np.zeros((len(vocab), len(vocab)), dtype=int)
    for (w, c), n in pairs.items():
        counts[w, c] = n
    return counts


def cooc_sparse(sentences, vocab, window):
    rows, cols = [], []
    for sentence in sentences:
        for i, word in enumerate(sentence):
            for j in range(max(0, i - window), min(len(sentence), i + window + 1)):
                if j != i and word in vocab and sentence[j] in vocab:
                    rows.append(vocab[word])
                    cols.append(vocab[sentence[j]])
    return scipy.sparse.coo_matrix(
        (np.ones(len(rows)), (rows, cols)), shape=(len(vocab), len(vocab))
    ).toarray()


def ppmi_reference(counts):
    counts = np.asarray(counts, dtype=float)
    total = counts.sum()
    expected = np.outer(counts.sum(axis=1), counts.sum(axis=0))
    result = np.zeros_like(counts)
    seen = counts > 0
    result[seen] = np.maximum(0.0, np.log(counts[seen] * total / expected[seen]))
    return result


def ppmi_row_sums_twice(counts):
    counts = np.asarray(counts, dtype=float)
    rows = counts.sum(axis=1)
    result = np.zeros_like(counts)
    seen = counts > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        result[seen] = np.maximum(
            0, np.log(counts * counts.sum() / np.outer(rows, rows))[seen]
        )
    return result


def ppmi_nan_rows(counts):
    counts = np.asarray(counts, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(
            counts * counts.sum() / np.outer(counts.sum(axis=1), counts.sum(axis=0))
        )
    return np.where(np.isneginf(pmi), 0.0, np.maximum(pmi, 0.0))


def ppmi_no_clipping(counts):
    counts = np.asarray(counts, dtype=float)
    result = np.zeros_like(counts)
    seen = counts > 0
    expected = np.outer(counts.sum(axis=1), counts.sum(axis=0))
    result[seen] = np.log(counts[seen] * counts.sum() / expected[seen])
    return result


def ppmi_log2(counts):
    return ppmi_reference(counts) / np.log(2)


def ppmi_without_total(counts):
    counts = np.asarray(counts, dtype=float)
    result = np.zeros_like(counts)
    seen = counts > 0
    expected = np.outer(counts.sum(axis=1), counts.sum(axis=0))
    result[seen] = np.maximum(0, np.log(counts[seen] / expected[seen]))
    return result


def ppmi_add_one(counts):
    counts = np.asarray(counts, dtype=float)
    expected = np.outer(counts.sum(axis=1), counts.sum(axis=0))
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.maximum(0, np.log((counts + 1) * counts.sum() / expected))
    return np.nan_to_num(result, posinf=0.0)


def ppmi_result_like_the_input(counts):  # zeros_like an int matrix: truncated
    counts = np.asarray(counts)
    result = np.zeros_like(counts)
    seen = counts > 0
    expected = np.outer(counts.sum(axis=1), counts.sum(axis=0))
    result[seen] = np.maximum(0, np.log(counts[seen] * counts.sum() / expected[seen]))
    return result


def ppmi_last_row_missed(counts):
    counts = np.asarray(counts, dtype=float)
    total, rows, cols = counts.sum(), counts.sum(axis=1), counts.sum(axis=0)
    result = np.zeros_like(counts)
    for w in range(len(counts) - 1):
        for c in range(len(counts)):
            if counts[w, c] > 0:
                result[w, c] = max(
                    0.0, np.log(counts[w, c] * total / (rows[w] * cols[c]))
                )
    return result


def ppmi_nan_to_num(counts):
    counts = np.asarray(counts, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        pmi = np.log(
            counts * counts.sum() / np.outer(counts.sum(axis=1), counts.sum(axis=0))
        )
    return np.maximum(np.nan_to_num(pmi, nan=0.0, neginf=0.0, posinf=0.0), 0.0)


def ppmi_loops(counts):
    rows = [list(map(float, row)) for row in counts]
    total = sum(map(sum, rows))
    row_sums = [sum(row) for row in rows]
    col_sums = [sum(col) for col in zip(*rows)] if rows else []
    return [
        [
            max(0.0, float(np.log(x * total / (row_sums[w] * col_sums[c]))))
            if x > 0
            else 0.0
            for c, x in enumerate(row)
        ]
        for w, row in enumerate(rows)
    ]


def ppmi_torch(counts):
    counts = torch.as_tensor(counts, dtype=torch.float64)
    expected = (
        counts.sum(dim=1, keepdim=True) * counts.sum(dim=0, keepdim=True) / counts.sum()
    )
    pmi = torch.where(
        counts > 0, torch.log(counts / expected), torch.zeros_like(counts)
    )
    return pmi.clamp(min=0)


def _svd_vectors(matrix, d, use_sigma=True, power=1.0):
    left, sigma, _ = np.linalg.svd(np.asarray(matrix, dtype=float))
    return left[:, :d] * (sigma[:d] ** power if use_sigma else 1)


def _nearest(vectors, words, word, normalise=True):
    if normalise:
        vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    scores = vectors @ vectors[words.index(word)]
    scores[words.index(word)] = -np.inf
    return words[int(np.argmax(scores))]


def svd_reference(matrix, words, word, d):
    return _nearest(_svd_vectors(matrix, d), words, word)


def svd_raw_dot(matrix, words, word, d):
    return _nearest(_svd_vectors(matrix, d), words, word, normalise=False)


def svd_without_sigma(matrix, words, word, d):
    return _nearest(_svd_vectors(matrix, d, use_sigma=False), words, word)


def svd_right_vectors(matrix, words, word, d):
    _, sigma, right = np.linalg.svd(np.asarray(matrix, dtype=float))
    return _nearest(right.T[:, :d] * sigma[:d], words, word)


def svd_includes_itself(matrix, words, word, d):
    vectors = _svd_vectors(matrix, d)
    vectors = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    return words[int(np.argmax(vectors @ vectors[words.index(word)]))]


def svd_one_dimension_more(matrix, words, word, d):
    return _nearest(_svd_vectors(matrix, d + 1), words, word)


def svd_euclidean(matrix, words, word, d):
    vectors = _svd_vectors(matrix, d)
    distances = np.linalg.norm(vectors - vectors[words.index(word)], axis=1)
    distances[words.index(word)] = np.inf
    return words[int(np.argmin(distances))]


def svd_sigma_squared(matrix, words, word, d):
    return _nearest(_svd_vectors(matrix, d, power=2.0), words, word)


def svd_never_the_last_word(matrix, words, word, d):
    vectors = _svd_vectors(matrix, d)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    query = unit[words.index(word)]
    best, best_score = None, -np.inf
    for i in range(len(words) - 1):
        if words[i] != word and unit[i] @ query > best_score:
            best, best_score = words[i], unit[i] @ query
    return best


def svd_reduced(matrix, words, word, d):
    left, sigma, _ = np.linalg.svd(np.asarray(matrix, dtype=float), full_matrices=False)
    return _nearest(left[:, :d] @ np.diag(sigma[:d]), words, word)


def svd_torch(matrix, words, word, d):
    left, sigma, _ = torch.linalg.svd(torch.as_tensor(matrix, dtype=torch.float64))
    vectors = F.normalize(left[:, :d] * sigma[:d], dim=1)
    scores = vectors @ vectors[words.index(word)]
    scores[words.index(word)] = -float("inf")
    return words[int(scores.argmax())]


def svd_scipy(matrix, words, word, d):
    import scipy.linalg

    left, sigma, _ = scipy.linalg.svd(np.asarray(matrix, dtype=float))
    return _nearest(left[:, :d] * sigma[:d], words, word)


MUTANTS = {
    "02.cosine_similarity_matrix": Mutants(
        wrong={
            "raw dot products": cos_raw_dot,
            "columns normalised": cos_columns_normalised,
            "Gram matrix of the columns": cos_gram_of_columns,
            "one norm for all": cos_one_norm,
            "zero diagonal": cos_zero_diagonal,
            "in place on an int array": cos_in_place_on_ints,
            "cosine distance": cos_distance_not_similarity,
            "unit rows in zeros_like of int vectors": cos_units_like_the_input,
            "the last pair never filled": cos_last_pair_missed,
        },
        right={
            "reference": cos_reference,
            "float32": cos_float32,
            "scipy cdist": cos_scipy,
            "torch": cos_torch,
            "loops": cos_loops,
        },
    ),
    "02.cooccurrence_counts": Mutants(
        wrong={
            "unknown words removed first": cooc_drops_unknown_first,
            "crosses sentences": cooc_crosses_sentences,
            "window - 1": cooc_window_exclusive,
            "right context only": cooc_right_only,
            "counts itself": cooc_counts_itself,
            "negative indices wrap around": cooc_negative_indices_wrap,
            "each pair once": cooc_distinct_pairs,
            "the last word never a centre": cooc_last_word_never_centre,
            "window cut one early at the end": cooc_window_cut_early,
            "ids without an int dtype (an empty sentence fails)": (
                cooc_offsets_float_ids
            ),
        },
        right={
            "reference": cooc_reference,
            "by offsets": cooc_by_offsets,
            "Counter of pairs": cooc_counter,
            "scipy sparse": cooc_sparse,
        },
    ),
    "02.ppmi": Mutants(
        wrong={
            "row sums for both marginals": ppmi_row_sums_twice,
            "nan in all-zero rows": ppmi_nan_rows,
            "no clipping": ppmi_no_clipping,
            "log base 2": ppmi_log2,
            "without the total": ppmi_without_total,
            "add-one smoothing": ppmi_add_one,
            "result in zeros_like of int counts": ppmi_result_like_the_input,
            "the last row left out": ppmi_last_row_missed,
        },
        right={
            "reference": ppmi_reference,
            "nan_to_num": ppmi_nan_to_num,
            "loops": ppmi_loops,
            "torch": ppmi_torch,
        },
    ),
    "02.svd_nearest": Mutants(
        wrong={
            "raw dot product": svd_raw_dot,
            "U without Σ": svd_without_sigma,
            "right singular vectors": svd_right_vectors,
            "the word itself": svd_includes_itself,
            "d + 1 dimensions": svd_one_dimension_more,
            "Euclidean distance": svd_euclidean,
            "Σ squared": svd_sigma_squared,
            "the last word never a candidate": svd_never_the_last_word,
        },
        right={
            "reference": svd_reference,
            "reduced SVD": svd_reduced,
            "torch": svd_torch,
            "scipy": svd_scipy,
        },
    ),
}
