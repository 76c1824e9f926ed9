"""Chapter 8 (embeddings inside a language model): wrong and right ways to write each
task."""

from __future__ import annotations

import math
import statistics
from itertools import pairwise

import numpy as np
import torch

from mutants import Mutants

MUTANTS: dict[str, Mutants] = {}


# ---- 08.perplexity -----------------------------------------------------------------


def perplexity_reference(probabilities):
    logs = [math.log(p) for p in probabilities]
    return math.exp(-sum(logs) / len(logs))


def perplexity_arithmetic_mean(probabilities):  # 1 / mean p
    return 1 / statistics.fmean(probabilities)


def perplexity_no_minus(probabilities):  # the geometric mean of p itself
    return math.exp(statistics.fmean(math.log(p) for p in probabilities))


def perplexity_summed(probabilities):  # the total, not the average
    return math.exp(-sum(math.log(p) for p in probabilities))


def perplexity_cross_entropy(probabilities):  # forgets the exponential
    return -statistics.fmean(math.log(p) for p in probabilities)


def perplexity_log2_with_exp(probabilities):
    return math.exp(-statistics.fmean(math.log2(p) for p in probabilities))


def perplexity_minus_one(probabilities):  # divides by N - 1
    logs = [math.log(p) for p in probabilities]
    return math.exp(-sum(logs) / max(1, len(logs) - 1))


def perplexity_median(probabilities):
    return math.exp(-statistics.median(math.log(p) for p in probabilities))


def perplexity_floored(probabilities):  # small probabilities clipped to 0.001
    p = np.clip(np.asarray(probabilities, dtype=float), 1e-3, 1)
    return float(np.exp(-np.log(p).mean()))


def perplexity_sure_tokens_dropped(probabilities):  # p = 1 left out of the average
    kept = [p for p in probabilities if p < 1] or [1.0]
    return math.exp(-sum(math.log(p) for p in kept) / len(kept))


def perplexity_root_of_the_product(probabilities):  # the product underflows to 0
    return math.prod(probabilities) ** (-1 / len(probabilities))


def perplexity_product_of_inverses(probabilities):  # the product overflows to inf
    return math.prod(1 / p for p in probabilities) ** (1 / len(probabilities))


def perplexity_last_token_missed(probabilities):
    total = sum(math.log(probabilities[t]) for t in range(len(probabilities) - 1))
    return math.exp(-total / len(probabilities))


def perplexity_base_two(probabilities):
    return 2 ** -statistics.fmean(math.log2(p) for p in probabilities)


def perplexity_numpy(probabilities):
    return float(np.exp(-np.log(np.asarray(probabilities, dtype=float)).mean()))


def perplexity_torch(probabilities):
    p = torch.as_tensor(np.asarray(probabilities, dtype=float))
    return torch.exp(
        torch.nn.functional.nll_loss(
            p.log()[:, None], torch.zeros(len(p), dtype=torch.long)
        )
    )


MUTANTS["08.perplexity"] = Mutants(
    wrong={
        "1 over the average probability": perplexity_arithmetic_mean,
        "the minus sign left out": perplexity_no_minus,
        "summed, not averaged": perplexity_summed,
        "no exponential (the cross-entropy)": perplexity_cross_entropy,
        "log base 2 with exp": perplexity_log2_with_exp,
        "divided by N - 1": perplexity_minus_one,
        "the median": perplexity_median,
        "small probabilities floored": perplexity_floored,
        "sure tokens left out": perplexity_sure_tokens_dropped,
        "N-th root of the product": perplexity_root_of_the_product,
        "N-th root of the product of inverses": perplexity_product_of_inverses,
        "the last token left out": perplexity_last_token_missed,
    },
    right={
        "reference": perplexity_reference,
        "base 2 both ways": perplexity_base_two,
        "NumPy": perplexity_numpy,
        "torch nll_loss": perplexity_torch,
    },
)


# ---- 08.bigram_probabilities -------------------------------------------------------


def _counts(ids, vocab_size, wrap=False):
    counts = np.zeros((vocab_size, vocab_size))
    pairs = list(pairwise(ids))
    if wrap and len(ids) > 1:
        pairs.append((ids[-1], ids[0]))
    for a, b in pairs:
        counts[a, b] += 1
    return counts


def bigram_reference(ids, vocab_size, k):
    counts = _counts(ids, vocab_size)
    return (counts + k) / (counts.sum(axis=1, keepdims=True) + k * vocab_size)


def bigram_by_column(ids, vocab_size, k):  # normalises columns, not rows
    counts = _counts(ids, vocab_size)
    return (counts + k) / (counts.sum(axis=0, keepdims=True) + k * vocab_size)


def bigram_transposed(ids, vocab_size, k):
    return bigram_reference(ids, vocab_size, k).T


def bigram_k_on_top_only(ids, vocab_size, k):
    counts = _counts(ids, vocab_size)
    return (counts + k) / np.maximum(counts.sum(axis=1, keepdims=True), 1)


def bigram_k_once_below(ids, vocab_size, k):  # + k where + k V was meant
    counts = _counts(ids, vocab_size)
    return (counts + k) / (counts.sum(axis=1, keepdims=True) + k)


def bigram_wraps_around(ids, vocab_size, k):
    counts = _counts(ids, vocab_size, wrap=True)
    return (counts + k) / (counts.sum(axis=1, keepdims=True) + k * vocab_size)


def bigram_unigram_denominator(ids, vocab_size, k):  # c(a) counts the last token too
    counts = _counts(ids, vocab_size)
    unigram = np.bincount(ids, minlength=vocab_size)[:, None]
    return (counts + k) / (unigram + k * vocab_size)


def bigram_table_filled_with_k(ids, vocab_size, k):  # full of an int k: /= fails
    table = np.full((vocab_size, vocab_size), k)
    for a, b in pairwise(ids):
        table[a, b] += 1
    table /= table.sum(axis=1, keepdims=True)
    return table


def bigram_probabilities_like_the_counts(ids, vocab_size, k):  # int: truncated
    counts = np.zeros((vocab_size, vocab_size), dtype=int)
    for a, b in pairwise(ids):
        counts[a, b] += 1
    table = np.zeros_like(counts)
    for a in range(vocab_size):
        table[a] = (counts[a] + k) / (counts[a].sum() + k * vocab_size)
    return table


def bigram_last_pair_missed(ids, vocab_size, k):
    counts = np.zeros((vocab_size, vocab_size))
    for i in range(len(ids) - 2):
        counts[ids[i], ids[i + 1]] += 1
    return (counts + k) / (counts.sum(axis=1, keepdims=True) + k * vocab_size)


def bigram_pairs_as_an_array(ids, vocab_size, k):  # no pair: a (0,) array, no columns
    pairs = np.array(list(pairwise(ids)))
    counts = np.zeros((vocab_size, vocab_size))
    np.add.at(counts, (pairs[:, 0], pairs[:, 1]), 1)
    return (counts + k) / (counts.sum(axis=1, keepdims=True) + k * vocab_size)


def bigram_counter(ids, vocab_size, k):
    from collections import Counter

    pairs = Counter(pairwise(ids))
    starts = Counter(ids[:-1])
    return [
        [(pairs[a, b] + k) / (starts[a] + k * vocab_size) for b in range(vocab_size)]
        for a in range(vocab_size)
    ]


def bigram_add_at(ids, vocab_size, k):
    ids = np.asarray(ids, dtype=int)
    counts = np.zeros((vocab_size, vocab_size))
    np.add.at(counts, (ids[:-1], ids[1:]), 1)
    table = counts + k
    return table / table.sum(axis=1, keepdims=True)


def bigram_torch(ids, vocab_size, k):
    ids = torch.as_tensor(np.asarray(ids, dtype=np.int64))
    flat = torch.bincount(ids[:-1] * vocab_size + ids[1:], minlength=vocab_size**2)
    table = flat.reshape(vocab_size, vocab_size).double() + k
    return table / table.sum(dim=1, keepdim=True)


MUTANTS["08.bigram_probabilities"] = Mutants(
    wrong={
        "columns normalised": bigram_by_column,
        "the table transposed": bigram_transposed,
        "k only on top": bigram_k_on_top_only,
        "k added once below": bigram_k_once_below,
        "the last token paired with the first": bigram_wraps_around,
        "every occurrence of a counted below": bigram_unigram_denominator,
        "a table full of k, divided in place (an int k fails)": (
            bigram_table_filled_with_k
        ),
        "probabilities in zeros_like of int counts": (
            bigram_probabilities_like_the_counts
        ),
        "the last pair not counted": bigram_last_pair_missed,
        "pairs as an array (one token fails)": bigram_pairs_as_an_array,
    },
    right={
        "reference": bigram_reference,
        "Counter": bigram_counter,
        "numpy add.at, rows summed": bigram_add_at,
        "torch bincount": bigram_torch,
    },
)


# ---- 08.sinusoidal_positions -------------------------------------------------------


def _sinusoidal(n_positions, dim, base=10000, exponent=None, first=1, swap=False):
    table = np.zeros((n_positions, dim))
    for p in range(n_positions):
        for j in range(dim):
            power = (j - j % 2) / dim if exponent is None else exponent(j, dim)
            angle = (p + first - 1) / base**power
            even = np.cos(angle) if swap else np.sin(angle)
            odd = np.sin(angle) if swap else np.cos(angle)
            table[p, j] = even if j % 2 == 0 else odd
    return table


def sinusoidal_reference(n_positions, dim, base=10000):
    return _sinusoidal(n_positions, dim, base)


def sinusoidal_swapped(n_positions, dim, base=10000):
    return _sinusoidal(n_positions, dim, base, swap=True)


def sinusoidal_column_exponent(n_positions, dim, base=10000):  # j / d for column j
    return _sinusoidal(n_positions, dim, base, exponent=lambda j, d: j / d)


def sinusoidal_pair_index(n_positions, dim, base=10000):  # i / d, not 2i / d
    return _sinusoidal(n_positions, dim, base, exponent=lambda j, d: (j // 2) / d)


def sinusoidal_from_one(n_positions, dim, base=10000):
    return _sinusoidal(n_positions, dim, base, first=2)


def sinusoidal_halves(n_positions, dim, base=10000):  # sines first, then cosines
    positions = np.arange(n_positions)[:, None]
    angles = positions / base ** (np.arange(0, dim, 2) / dim)
    return np.concatenate([np.sin(angles), np.cos(angles)], axis=1)


def sinusoidal_multiplied(n_positions, dim, base=10000):  # p * base**(2i/d)
    positions = np.arange(n_positions)[:, None]
    angles = positions * base ** (np.arange(0, dim, 2) / dim)
    table = np.zeros((n_positions, dim))
    table[:, 0::2], table[:, 1::2] = np.sin(angles), np.cos(angles)
    return table


def sinusoidal_floor_division(n_positions, dim, base=10000):  # 2i // d is 0
    return _sinusoidal(n_positions, dim, base, exponent=lambda j, d: (j - j % 2) // d)


def sinusoidal_last_pair_missed(n_positions, dim, base=10000):
    table = np.zeros((n_positions, dim))
    for p in range(n_positions):
        for i in range(dim // 2 - 1):
            angle = p / base ** (2 * i / dim)
            table[p, 2 * i], table[p, 2 * i + 1] = math.sin(angle), math.cos(angle)
    return table


def sinusoidal_numpy(n_positions, dim, base=10000):
    positions = np.arange(n_positions)[:, None]
    angles = positions / base ** (np.arange(0, dim, 2) / dim)
    return np.stack([np.sin(angles), np.cos(angles)], axis=-1).reshape(n_positions, dim)


def sinusoidal_math(n_positions, dim, base=10000):
    rows = []
    for p in range(n_positions):
        row = []
        for i in range(dim // 2):
            angle = p / base ** (2 * i / dim)
            row += [math.sin(angle), math.cos(angle)]
        rows.append(row)
    return rows


def sinusoidal_exp_log(n_positions, dim, base=10000):  # the annotated transformer's
    p = torch.arange(n_positions, dtype=torch.float64)[:, None]
    div = torch.exp(
        torch.arange(0, dim, 2, dtype=torch.float64) * -(math.log(base) / dim)
    )
    table = torch.zeros(n_positions, dim, dtype=torch.float64)
    table[:, 0::2], table[:, 1::2] = torch.sin(p * div), torch.cos(p * div)
    return table


MUTANTS["08.sinusoidal_positions"] = Mutants(
    wrong={
        "sine and cosine swapped": sinusoidal_swapped,
        "exponent j / d for column j": sinusoidal_column_exponent,
        "exponent i / d for pair i": sinusoidal_pair_index,
        "positions from 1": sinusoidal_from_one,
        "sines in one half, cosines in the other": sinusoidal_halves,
        "multiplied where divided": sinusoidal_multiplied,
        "exponent 2i // d (floor division)": sinusoidal_floor_division,
        "the last pair of columns left out": sinusoidal_last_pair_missed,
    },
    right={
        "reference": sinusoidal_reference,
        "NumPy, stacked": sinusoidal_numpy,
        "math, loops": sinusoidal_math,
        "torch, exp and log": sinusoidal_exp_log,
    },
)


# ---- 08.rope_rotate ----------------------------------------------------------------


def _rope(vector, position, base=10000, sign=1.0, pairing="neighbours", power=None):
    x = np.asarray(vector, dtype=float)
    d = len(x)
    out = x.copy()
    for i in range(d // 2):
        a, b = (2 * i, 2 * i + 1) if pairing == "neighbours" else (i, i + d // 2)
        exponent = -2 * i / d if power is None else power(i, d)
        angle = sign * position * base**exponent
        out[a] = x[a] * math.cos(angle) - x[b] * math.sin(angle)
        out[b] = x[a] * math.sin(angle) + x[b] * math.cos(angle)
    return out


def rope_reference(vector, position, base=10000):
    return _rope(vector, position, base)


def rope_clockwise(vector, position, base=10000):
    return _rope(vector, position, base, sign=-1.0)


def rope_halves(vector, position, base=10000):  # pairs (i, i + d/2)
    return _rope(vector, position, base, pairing="halves")


def rope_pair_index(vector, position, base=10000):  # base ** (-i / d)
    return _rope(vector, position, base, power=lambda i, d: -i / d)


def rope_no_position(vector, position, base=10000):  # the angle without the position
    return _rope(vector, 1, base)


def rope_growing_angles(vector, position, base=10000):  # base ** (+2i / d)
    return _rope(vector, position, base, power=lambda i, d: 2 * i / d)


def rope_in_place(vector, position, base=10000):
    d = len(vector)
    for i in range(d // 2):
        angle = position * base ** (-2 * i / d)
        x, y = vector[2 * i], vector[2 * i + 1]
        vector[2 * i] = x * math.cos(angle) - y * math.sin(angle)
        vector[2 * i + 1] = x * math.sin(angle) + y * math.cos(angle)
    return vector


def rope_copy_of_the_input(vector, position, base=10000):  # int copy: truncated
    x = np.asarray(vector)
    out = x.copy()
    d = len(x)
    for i in range(d // 2):
        angle = position * base ** (-2 * i / d)
        out[2 * i] = x[2 * i] * math.cos(angle) - x[2 * i + 1] * math.sin(angle)
        out[2 * i + 1] = x[2 * i] * math.sin(angle) + x[2 * i + 1] * math.cos(angle)
    return out


def rope_last_pair_missed(vector, position, base=10000):
    x = np.array(vector, dtype=float)
    d = len(x)
    for i in range(d // 2 - 1):
        angle = position * base ** (-2 * i / d)
        a, b = x[2 * i], x[2 * i + 1]
        x[2 * i] = a * math.cos(angle) - b * math.sin(angle)
        x[2 * i + 1] = a * math.sin(angle) + b * math.cos(angle)
    return x


def rope_complex(vector, position, base=10000):
    x = np.asarray(vector, dtype=float)
    d = len(x)
    pairs = x[0::2] + 1j * x[1::2]
    turned = pairs * np.exp(1j * position * base ** (-np.arange(0, d, 2) / d))
    return np.stack([turned.real, turned.imag], axis=-1).reshape(d)


def rope_matrices(vector, position, base=10000):
    x = np.asarray(vector, dtype=float)
    d = len(x)
    out = []
    for i in range(d // 2):
        angle = position * base ** (-2 * i / d)
        rotation = np.array([[math.cos(angle), -math.sin(angle)],
                             [math.sin(angle), math.cos(angle)]])  # fmt: skip
        out.extend(rotation @ x[2 * i : 2 * i + 2])
    return out


MUTANTS["08.rope_rotate"] = Mutants(
    wrong={
        "turned clockwise": rope_clockwise,
        "pairs from the two halves": rope_halves,
        "exponent -i / d": rope_pair_index,
        "the position left out": rope_no_position,
        "angles growing along the vector": rope_growing_angles,
        "the argument changed in place": rope_in_place,
        "a copy of an int vector (truncated)": rope_copy_of_the_input,
        "the last pair left unturned": rope_last_pair_missed,
    },
    right={
        "reference": rope_reference,
        "complex numbers": rope_complex,
        "a 2 x 2 matrix per pair": rope_matrices,
    },
)
