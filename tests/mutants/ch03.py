"""Chapter 3 (CBOW and Skip-Gram): wrong and right ways to write each task."""

from __future__ import annotations

import itertools
import math

import numpy as np
import scipy.special
import torch
import torch.nn.functional as F

from mutants import Mutants


def pairs_reference(tokens, window):
    pairs = []
    for i, center in enumerate(tokens):
        for j in range(max(0, i - window), min(len(tokens), i + window + 1)):
            if j != i:
                pairs.append((center, tokens[j]))
    return pairs


def pairs_negative_wrap(tokens, window):
    return [
        (tokens[i], tokens[j])
        for i in range(len(tokens))
        for j in range(i - window, min(len(tokens), i + window + 1))
        if j != i
    ]


def pairs_window_exclusive(tokens, window):
    return pairs_reference(tokens, window - 1)


def pairs_with_center(tokens, window):
    return [
        (tokens[i], tokens[j])
        for i in range(len(tokens))
        for j in range(max(0, i - window), min(len(tokens), i + window + 1))
    ]


def pairs_right_only(tokens, window):
    return [
        (tokens[i], tokens[j])
        for i in range(len(tokens))
        for j in range(i + 1, min(len(tokens), i + window + 1))
    ]


def pairs_by_distance(tokens, window):
    pairs = []
    for i in range(len(tokens)):
        for distance in range(1, window + 1):
            for j in (i - distance, i + distance):
                if 0 <= j < len(tokens):
                    pairs.append((tokens[i], tokens[j]))
    return pairs


def pairs_swapped(tokens, window):
    return [(context, center) for center, context in pairs_reference(tokens, window)]


def pairs_end_cut_early(tokens, window):
    return [
        (tokens[i], tokens[j])
        for i in range(len(tokens))
        for j in range(max(0, i - window), min(len(tokens) - 1, i + window + 1))
        if j != i
    ]


def pairs_last_never_centre(tokens, window):
    pairs = []
    for i in range(len(tokens) - 1):
        for j in range(max(0, i - window), min(len(tokens), i + window + 1)):
            if j != i:
                pairs.append((tokens[i], tokens[j]))
    return pairs


def pairs_comprehension(tokens, window):
    return [
        [tokens[i], tokens[j]]
        for i in range(len(tokens))
        for j in range(len(tokens))
        if 0 < abs(i - j) <= window
    ]


def pairs_sorted_offsets(tokens, window):
    found = [
        (i, j)
        for i, j in itertools.product(range(len(tokens)), repeat=2)
        if i != j and abs(i - j) <= window
    ]
    return [(tokens[i], tokens[j]) for i, j in sorted(found)]


def pairs_numpy(tokens, window):
    n = len(tokens)
    i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    keep = (np.abs(i - j) <= window) & (i != j)
    return [(tokens[a], tokens[b]) for a, b in zip(i[keep], j[keep])]


def keep_reference(counts, sample=1e-3):
    threshold = sample * sum(counts.values())
    return {
        w: min(1.0, (math.sqrt(c / threshold) + 1) * threshold / c)
        for w, c in counts.items()
    }


def keep_no_cap(counts, sample=1e-3):
    threshold = sample * sum(counts.values())
    return {
        w: (math.sqrt(c / threshold) + 1) * threshold / c for w, c in counts.items()
    }


def keep_threshold_without_total(counts, sample=1e-3):
    return {
        w: min(1.0, (math.sqrt(c / sample) + 1) * sample / c) for w, c in counts.items()
    }


def keep_paper_formula(counts, sample=1e-3):
    total = sum(counts.values())
    return {w: min(1.0, math.sqrt(sample * total / c)) for w, c in counts.items()}


def keep_distinct_words_as_total(counts, sample=1e-3):
    threshold = sample * len(counts)
    return {
        w: min(1.0, (math.sqrt(c / threshold) + 1) * threshold / c)
        for w, c in counts.items()
    }


def keep_without_sqrt(counts, sample=1e-3):
    threshold = sample * sum(counts.values())
    return {w: min(1.0, (c / threshold + 1) * threshold / c) for w, c in counts.items()}


def keep_discard_probability(counts, sample=1e-3):
    return {w: 1.0 - p for w, p in keep_reference(counts, sample).items()}


def keep_from_frequencies(counts, sample=1e-3):
    total = sum(counts.values())
    return {
        w: min(1.0, (math.sqrt((c / total) / sample) + 1) * sample / (c / total))
        for w, c in counts.items()
    }


def keep_in_array_like_counts(counts, sample=1e-3):  # int counts: truncated
    words = list(counts)
    f = np.array([counts[w] for w in words])
    threshold = sample * f.sum()
    keep = np.ones_like(f)
    keep[:] = np.minimum(1.0, (np.sqrt(f / threshold) + 1) * threshold / f)
    return dict(zip(words, keep.tolist()))


def keep_numpy(counts, sample=1e-3):
    words = list(counts)
    f = np.array([counts[w] for w in words], dtype=float)
    threshold = sample * f.sum()
    return dict(
        zip(
            words,
            np.minimum(1.0, (np.sqrt(f / threshold) + 1) * threshold / f).tolist(),
        )
    )


def keep_if_else(counts, sample=1e-3):
    threshold = sample * sum(counts.values())
    result = {}
    for word, count in counts.items():
        p = (count / threshold) ** 0.5 * threshold / count + threshold / count
        result[word] = 1.0 if p > 1 else p
    return result


def negatives_reference(positive, noise, k, seed):
    rng = np.random.default_rng(seed)
    drawn = []
    while len(drawn) < k:
        candidate = int(rng.choice(len(noise), p=noise))
        if candidate != positive:
            drawn.append(candidate)
    return drawn


def negatives_keep_positive(positive, noise, k, seed):
    return np.random.default_rng(seed).choice(len(noise), size=k, p=noise).tolist()


def negatives_one_short(positive, noise, k, seed):
    return [
        x for x in negatives_keep_positive(positive, noise, k, seed) if x != positive
    ][: k - 1]


def negatives_uniform(positive, noise, k, seed):
    rng = np.random.default_rng(seed)
    drawn = []
    while len(drawn) < k:
        candidate = int(rng.integers(len(noise)))
        if candidate != positive:
            drawn.append(candidate)
    return drawn


def negatives_as_floats(positive, noise, k, seed):
    return [float(x) for x in negatives_reference(positive, noise, k, seed)]


def negatives_draws_probabilities(positive, noise, k, seed):
    rng = np.random.default_rng(seed)
    return [x for x in rng.choice(noise, size=k)]


def negatives_power_again(positive, noise, k, seed):
    weights = np.asarray(noise) ** 0.75
    return negatives_reference(positive, (weights / weights.sum()).tolist(), k, seed)


def negatives_drop_without_redraw(positive, noise, k, seed):
    drawn = np.random.default_rng(seed).choice(len(noise), size=k, p=noise)
    return [int(x) for x in drawn if x != positive]


def negatives_inverse_cdf_stops_early(positive, noise, k, seed):
    # the loop stops one id early: the last id's mass goes to the one before it
    rng = np.random.default_rng(seed)
    drawn = []
    while len(drawn) < k:
        u, total = rng.random(), 0.0
        for candidate in range(len(noise) - 1):
            total += noise[candidate]
            if u < total:
                break
        if candidate != positive:
            drawn.append(candidate)
    return drawn


def negatives_renormalised(positive, noise, k, seed):
    weights = np.array(noise, dtype=float)
    weights[positive] = 0
    return (
        np.random.default_rng(seed)
        .choice(len(noise), size=k, p=weights / weights.sum())
        .tolist()
    )


def negatives_batched_rejection(positive, noise, k, seed):
    rng = np.random.default_rng(seed)
    drawn = np.empty(0, dtype=int)
    while len(drawn) < k:
        batch = rng.choice(len(noise), size=2 * k + 1, p=noise)
        drawn = np.concatenate([drawn, batch[batch != positive]])
    return drawn[:k]


def negatives_torch(positive, noise, k, seed):
    generator = torch.Generator().manual_seed(seed)
    weights = torch.tensor(noise, dtype=torch.float64)
    weights[positive] = 0
    if k == 0:
        return []
    return torch.multinomial(weights, k, replacement=True, generator=generator)


def _log_sigmoid(x):
    return -np.logaddexp(0.0, -x)


def loss_reference(center, context, negatives):
    v = np.asarray(center, dtype=float)
    loss = -_log_sigmoid(np.dot(context, v))
    for negative in negatives:
        loss -= _log_sigmoid(-np.dot(negative, v))
    return float(loss)


def loss_negative_sign(center, context, negatives):
    v = np.asarray(center, dtype=float)
    return float(
        -_log_sigmoid(np.dot(context, v))
        - sum(_log_sigmoid(np.dot(n, v)) for n in negatives)
    )


def loss_log_likelihood(center, context, negatives):
    return -loss_reference(center, context, negatives)


def loss_naive(center, context, negatives):
    v = np.asarray(center, dtype=float)
    with np.errstate(over="ignore", divide="ignore"):

        def log_sigmoid(x):
            return np.log(1 / (1 + np.exp(-x)))

        return float(
            -log_sigmoid(np.dot(context, v))
            - sum(log_sigmoid(-np.dot(n, v)) for n in negatives)
        )


def loss_mean_of_negatives(center, context, negatives):
    v = np.asarray(center, dtype=float)
    terms = [-_log_sigmoid(-np.dot(n, v)) for n in negatives]
    return float(-_log_sigmoid(np.dot(context, v)) + (np.mean(terms) if terms else 0.0))


def loss_sigmoid_without_log(center, context, negatives):
    v = np.asarray(center, dtype=float)
    return float(
        -scipy.special.expit(np.dot(context, v))
        - sum(scipy.special.expit(-np.dot(n, v)) for n in negatives)
    )


def loss_matrix_of_negatives(center, context, negatives):
    v = np.asarray(center, dtype=float)
    scores = np.asarray(negatives, dtype=float) @ v
    return float(-_log_sigmoid(np.dot(context, v)) - _log_sigmoid(-scores).sum())


def loss_terms_like_the_scores(center, context, negatives):  # int scores: truncated
    v = np.asarray(center)
    scores = np.array([np.dot(context, v)] + [-np.dot(n, v) for n in negatives])
    losses = np.empty_like(scores)
    for i, score in enumerate(scores):
        losses[i] = np.logaddexp(0.0, -score)
    return float(losses.sum())


def loss_product_of_sigmoids(center, context, negatives):  # the product underflows
    v = np.asarray(center, dtype=float)
    likelihood = scipy.special.expit(np.dot(context, v))
    for negative in negatives:
        likelihood *= scipy.special.expit(-np.dot(negative, v))
    with np.errstate(divide="ignore"):
        return float(-np.log(likelihood))


def loss_last_negative_missed(center, context, negatives):
    v = np.asarray(center, dtype=float)
    loss = -_log_sigmoid(np.dot(context, v))
    for i in range(len(negatives) - 1):
        loss -= _log_sigmoid(-np.dot(negatives[i], v))
    return float(loss)


def loss_center_twice(center, context, negatives):
    v = np.asarray(center, dtype=float)
    return float(
        -_log_sigmoid(v @ v) - sum(_log_sigmoid(-np.dot(n, v)) for n in negatives)
    )


def loss_torch(center, context, negatives):
    v = torch.tensor(center, dtype=torch.float64)
    u = torch.tensor(context, dtype=torch.float64)
    loss = -F.logsigmoid(u @ v)
    for negative in negatives:
        loss = loss - F.logsigmoid(-torch.tensor(negative, dtype=torch.float64) @ v)
    return loss.item()


def loss_scipy(center, context, negatives):
    v = np.asarray(center, dtype=float)
    scores = [-np.dot(n, v) for n in negatives]
    return float(
        -scipy.special.log_expit(np.dot(context, v))
        - np.sum(scipy.special.log_expit(scores))
    )


def loss_logaddexp_vector(center, context, negatives):
    v = np.asarray(center, dtype=float)
    scores = np.array([np.dot(context, v)] + [-np.dot(n, v) for n in negatives])
    return float(np.logaddexp(0.0, -scores).sum())


def cbow_reference(context_ids, input_table, output_table, candidate_ids):
    hidden = np.asarray(input_table, dtype=float)[context_ids].mean(axis=0)
    return (np.asarray(output_table, dtype=float)[candidate_ids] @ hidden).tolist()


def cbow_sum(context_ids, input_table, output_table, candidate_ids):
    hidden = np.asarray(input_table, dtype=float)[context_ids].sum(axis=0)
    return (np.asarray(output_table, dtype=float)[candidate_ids] @ hidden).tolist()


def cbow_swapped_tables(context_ids, input_table, output_table, candidate_ids):
    return cbow_reference(context_ids, output_table, input_table, candidate_ids)


def cbow_unique_context(context_ids, input_table, output_table, candidate_ids):
    return cbow_reference(
        sorted(set(context_ids)), input_table, output_table, candidate_ids
    )


def cbow_wrong_axis(context_ids, input_table, output_table, candidate_ids):
    hidden = np.asarray(input_table, dtype=float)[context_ids].mean(axis=1)
    return (
        np.asarray(output_table, dtype=float)[candidate_ids]
        @ np.resize(hidden, np.asarray(output_table).shape[1])
    ).tolist()


def cbow_softmax(context_ids, input_table, output_table, candidate_ids):
    scores = np.array(
        cbow_reference(context_ids, input_table, output_table, candidate_ids)
    )
    return (np.exp(scores) / np.exp(scores).sum()).tolist()


def cbow_all_words(context_ids, input_table, output_table, candidate_ids):
    hidden = np.asarray(input_table, dtype=float)[context_ids].mean(axis=0)
    return (np.asarray(output_table, dtype=float) @ hidden).tolist()


def cbow_window_divisor(context_ids, input_table, output_table, candidate_ids):
    hidden = np.asarray(input_table, dtype=float)[context_ids].sum(axis=0) / (
        2 * len(context_ids)
    )
    return (np.asarray(output_table, dtype=float)[candidate_ids] @ hidden).tolist()


def cbow_sum_in_place_like_a_row(context_ids, input_table, output_table, candidate_ids):
    # zeros_like a row of whole numbers is an int array: /= then fails
    hidden = np.zeros_like(np.asarray(input_table[0]))
    for c in context_ids:
        hidden += np.asarray(input_table[c])
    hidden /= len(context_ids)
    return [float(np.dot(output_table[x], hidden)) for x in candidate_ids]


def cbow_last_context_missed(context_ids, input_table, output_table, candidate_ids):
    inputs = np.asarray(input_table, dtype=float)
    hidden = sum(inputs[context_ids[i]] for i in range(len(context_ids) - 1))
    hidden = hidden / len(context_ids)
    return (np.asarray(output_table, dtype=float)[candidate_ids] @ hidden).tolist()


def cbow_embedding(context_ids, input_table, output_table, candidate_ids):
    inputs = torch.nn.Embedding.from_pretrained(
        torch.tensor(input_table, dtype=torch.float64)
    )
    outputs = torch.nn.Embedding.from_pretrained(
        torch.tensor(output_table, dtype=torch.float64)
    )
    hidden = inputs(torch.tensor(context_ids)).mean(dim=0)
    return (outputs(torch.tensor(candidate_ids)) @ hidden).tolist()


def cbow_loops(context_ids, input_table, output_table, candidate_ids):
    d = len(input_table[0])
    hidden = [
        sum(input_table[c][k] for c in context_ids) / len(context_ids) for k in range(d)
    ]
    return [
        sum(output_table[x][k] * hidden[k] for k in range(d)) for x in candidate_ids
    ]


def cbow_einsum(context_ids, input_table, output_table, candidate_ids):
    inputs, outputs = np.asarray(input_table, float), np.asarray(output_table, float)
    return tuple(
        np.einsum("cd,xd->x", inputs[context_ids], outputs[candidate_ids])
        / len(context_ids)
    )


MUTANTS = {
    "03.skipgram_pairs": Mutants(
        wrong={
            "negative indices wrap": pairs_negative_wrap,
            "window - 1": pairs_window_exclusive,
            "the centre as its own context": pairs_with_center,
            "right context only": pairs_right_only,
            "ordered by distance": pairs_by_distance,
            "(context, centre)": pairs_swapped,
            "window cut one early at the end": pairs_end_cut_early,
            "the last token never a centre": pairs_last_never_centre,
        },
        right={
            "reference": pairs_reference,
            "comprehension over all pairs": pairs_comprehension,
            "sorted index pairs": pairs_sorted_offsets,
            "numpy meshgrid": pairs_numpy,
        },
    ),
    "03.keep_probabilities": Mutants(
        wrong={
            "no cap at 1": keep_no_cap,
            "threshold without the total": keep_threshold_without_total,
            "the paper's sqrt(t/f)": keep_paper_formula,
            "number of distinct words as the total": keep_distinct_words_as_total,
            "without the square root": keep_without_sqrt,
            "probability of discarding": keep_discard_probability,
            "results in ones_like of int counts": keep_in_array_like_counts,
        },
        right={
            "reference": keep_reference,
            "from frequencies": keep_from_frequencies,
            "numpy": keep_numpy,
            "if/else cap": keep_if_else,
        },
    ),
    "03.draw_negatives": Mutants(
        wrong={
            "the positive may be drawn": negatives_keep_positive,
            "one short": negatives_one_short,
            "uniform draws": negatives_uniform,
            "ids as floats": negatives_as_floats,
            "draws probabilities, not ids": negatives_draws_probabilities,
            "the 3/4 power again": negatives_power_again,
            "drops the positive without redrawing": negatives_drop_without_redraw,
            "inverse-CDF loop stops one id early": negatives_inverse_cdf_stops_early,
        },
        right={
            "reference": negatives_reference,
            "renormalised without the positive": negatives_renormalised,
            "batched rejection": negatives_batched_rejection,
            "torch.multinomial": negatives_torch,
        },
    ),
    "03.negative_sampling_loss": Mutants(
        wrong={
            "negatives with +u·v": loss_negative_sign,
            "log-likelihood, not loss": loss_log_likelihood,
            "naive log(1/(1+e^-x))": loss_naive,
            "mean over negatives": loss_mean_of_negatives,
            "sigmoid without log": loss_sigmoid_without_log,
            "matrix of negatives (fails with none)": loss_matrix_of_negatives,
            "centre with itself": loss_center_twice,
            "terms in empty_like of int scores": loss_terms_like_the_scores,
            "product of sigmoids, then one log": loss_product_of_sigmoids,
            "the last negative left out": loss_last_negative_missed,
        },
        right={
            "reference": loss_reference,
            "torch logsigmoid": loss_torch,
            "scipy log_expit": loss_scipy,
            "vectorised logaddexp": loss_logaddexp_vector,
        },
    ),
    "03.cbow_scores": Mutants(
        wrong={
            "sum, not mean": cbow_sum,
            "tables swapped": cbow_swapped_tables,
            "each context id once": cbow_unique_context,
            "mean over the wrong axis": cbow_wrong_axis,
            "softmax of the scores": cbow_softmax,
            "every word, not the candidates": cbow_all_words,
            "divided by 2m": cbow_window_divisor,
            "summed in place in zeros_like of an int row": (
                cbow_sum_in_place_like_a_row
            ),
            "the last context word left out": cbow_last_context_missed,
        },
        right={
            "reference": cbow_reference,
            "nn.Embedding": cbow_embedding,
            "loops": cbow_loops,
            "einsum": cbow_einsum,
        },
    ),
}
