"""Chapter 5 (nn.Embedding): wrong and right ways to write each task."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from mutants import Mutants


def _weight(weight):
    return torch.as_tensor(weight, dtype=torch.float32)


def embed_reference(weight, ids):
    return nn.Embedding.from_pretrained(_weight(weight))(torch.as_tensor(ids))


def embed_flattened(weight, ids):
    return nn.Embedding.from_pretrained(_weight(weight))(torch.as_tensor(ids).flatten())


def embed_ids_minus_one(weight, ids):
    return nn.Embedding.from_pretrained(_weight(weight))(torch.as_tensor(ids) - 1)


def embed_transposed_weight(weight, ids):
    return nn.Embedding.from_pretrained(_weight(weight).T.contiguous())(
        torch.as_tensor(ids)
    )


def embed_random_table(weight, ids):
    torch.manual_seed(0)
    table = nn.Embedding(*_weight(weight).shape)
    return table(torch.as_tensor(ids))


def embed_summed(weight, ids):
    return embed_reference(weight, ids).sum(dim=1)


def embed_float_ids(weight, ids):
    return nn.Embedding.from_pretrained(_weight(weight))(
        torch.tensor(ids, dtype=torch.float32)
    )


def embed_max_norm(weight, ids):
    return nn.Embedding.from_pretrained(_weight(weight), max_norm=1.0)(
        torch.as_tensor(ids)
    )


def embed_trainable_table(weight, ids):  # an int table cannot require gradients
    table = nn.Embedding.from_pretrained(torch.tensor(weight), freeze=False)
    return table(torch.tensor(ids))


def embed_functional(weight, ids):
    return F.embedding(torch.as_tensor(ids), _weight(weight))


def embed_indexing(weight, ids):
    return _weight(weight)[torch.as_tensor(ids)]


def embed_numpy(weight, ids):
    return np.take(np.asarray(weight, dtype=float), np.asarray(ids), axis=0)


def matmul_reference(weight, ids):
    weight = _weight(weight)
    return F.one_hot(torch.as_tensor(ids), num_classes=weight.shape[0]).float() @ weight


def matmul_without_num_classes(weight, ids):
    return F.one_hot(torch.as_tensor(ids)).float() @ _weight(weight)


def matmul_transposed(weight, ids):
    weight = _weight(weight)
    return (
        F.one_hot(torch.as_tensor(ids), num_classes=weight.shape[1]).float() @ weight.T
    )


def matmul_integer_one_hot(weight, ids):
    weight = _weight(weight)
    return F.one_hot(torch.as_tensor(ids), num_classes=weight.shape[0]) @ weight


def matmul_ids_minus_one(weight, ids):
    weight = _weight(weight)
    return (
        F.one_hot(torch.as_tensor(ids) - 1, num_classes=weight.shape[0]).float()
        @ weight
    )


def matmul_summed(weight, ids):
    return matmul_reference(weight, ids).sum(dim=1)


def matmul_flattened(weight, ids):
    weight = _weight(weight)
    return (
        F.one_hot(torch.as_tensor(ids).flatten(), num_classes=weight.shape[0]).float()
        @ weight
    )


def matmul_weight_as_given(weight, ids):  # float one-hot @ an int (long) table fails
    weight = torch.tensor(weight)
    return F.one_hot(torch.tensor(ids), num_classes=len(weight)).float() @ weight


def matmul_eye(weight, ids):
    weight = _weight(weight)
    return torch.eye(weight.shape[0])[torch.as_tensor(ids)] @ weight


def matmul_numpy(weight, ids):
    weight = np.asarray(weight, dtype=float)
    return np.eye(len(weight))[np.asarray(ids)] @ weight


def matmul_einsum(weight, ids):
    weight = _weight(weight)
    one_hot = F.one_hot(torch.as_tensor(ids), num_classes=weight.shape[0]).to(
        weight.dtype
    )
    return torch.einsum("blv,vd->bld", one_hot, weight)


def _gradient(vocab_size, dim, ids, padding_idx=None):
    torch.manual_seed(0)
    table = nn.Embedding(vocab_size, dim, padding_idx=padding_idx)
    table(torch.as_tensor(ids)).sum().backward()
    return table.weight.grad


def rows_reference(vocab_size, dim, ids, padding_idx=None):
    return (
        _gradient(vocab_size, dim, ids, padding_idx)
        .abs()
        .sum(dim=1)
        .nonzero()
        .flatten()
        .tolist()
    )


def rows_ids_as_given(vocab_size, dim, ids, padding_idx=None):
    return list(ids)


def rows_padding_included(vocab_size, dim, ids, padding_idx=None):
    return sorted(set(ids))


def rows_all(vocab_size, dim, ids, padding_idx=None):
    return list(range(vocab_size))


def rows_without_gradient(vocab_size, dim, ids, padding_idx=None):
    return (
        (_gradient(vocab_size, dim, ids, padding_idx).abs().sum(dim=1) == 0)
        .nonzero()
        .flatten()
        .tolist()
    )


def rows_wrong_axis(vocab_size, dim, ids, padding_idx=None):
    return (
        _gradient(vocab_size, dim, ids, padding_idx)
        .abs()
        .sum(dim=0)
        .nonzero()
        .flatten()
        .tolist()
    )


def rows_one_per_lookup(vocab_size, dim, ids, padding_idx=None):
    grad = _gradient(vocab_size, dim, ids, padding_idx)
    return sorted(i for i in ids if grad[i].abs().sum() > 0)


def rows_never_the_last(vocab_size, dim, ids, padding_idx=None):
    grad = _gradient(vocab_size, dim, ids, padding_idx)
    return [row for row in range(vocab_size - 1) if bool(grad[row].any())]


def rows_any(vocab_size, dim, ids, padding_idx=None):
    return torch.nonzero(
        _gradient(vocab_size, dim, ids, padding_idx).any(dim=1)
    ).flatten()


def rows_numpy(vocab_size, dim, ids, padding_idx=None):
    grad = _gradient(vocab_size, dim, ids, padding_idx).numpy()
    return np.flatnonzero(np.abs(grad).sum(axis=1))


def rows_loop(vocab_size, dim, ids, padding_idx=None):
    grad = _gradient(vocab_size, dim, ids, padding_idx)
    return tuple(row for row in range(vocab_size) if bool(grad[row].ne(0).any()))


def _scores(weight, words, word, dim=1):
    table = nn.Embedding.from_pretrained(_weight(weight))
    query = table(torch.tensor(words.index(word)))
    return F.normalize(table.weight, dim=dim) @ F.normalize(query, dim=0)


def neighbours_reference(weight, words, word, k):
    scores = _scores(weight, words, word)
    scores[words.index(word)] = -float("inf")
    return [words[i] for i in scores.topk(k).indices.tolist()]


def neighbours_normalise_columns(weight, words, word, k):
    scores = _scores(weight, words, word, dim=0)
    scores[words.index(word)] = -float("inf")
    return [words[i] for i in scores.topk(k).indices.tolist()]


def neighbours_raw_dot(weight, words, word, k):
    weight = _weight(weight)
    scores = weight @ weight[words.index(word)]
    scores[words.index(word)] = -float("inf")
    return [words[i] for i in scores.topk(k).indices.tolist()]


def neighbours_itself_included(weight, words, word, k):
    return [words[i] for i in _scores(weight, words, word).topk(k).indices.tolist()]


def neighbours_euclidean(weight, words, word, k):
    weight = _weight(weight)
    distances = (weight - weight[words.index(word)]).norm(dim=1)
    distances[words.index(word)] = float("inf")
    return [words[i] for i in distances.topk(k, largest=False).indices.tolist()]


def neighbours_drop_first(weight, words, word, k):
    return [
        words[i] for i in _scores(weight, words, word).topk(k + 1).indices.tolist()[1:]
    ]


def neighbours_least_similar(weight, words, word, k):
    scores = _scores(weight, words, word)
    scores[words.index(word)] = float("inf")
    return [words[i] for i in scores.topk(k, largest=False).indices.tolist()]


def neighbours_query_unnormalised(weight, words, word, k):
    table = nn.Embedding.from_pretrained(_weight(weight))
    scores = F.normalize(table.weight, dim=1) @ table(torch.tensor(words.index(word)))
    scores[words.index(word)] = -float("inf")
    return [words[i] for i in scores.topk(k).indices.tolist()]


def neighbours_table_as_given(weight, words, word, k):  # F.normalize refuses ints
    table = nn.Embedding.from_pretrained(torch.tensor(weight))
    query = table(torch.tensor(words.index(word)))
    scores = F.normalize(table.weight, dim=1) @ F.normalize(query, dim=0)
    scores[words.index(word)] = -float("inf")
    return [words[i] for i in scores.topk(k).indices.tolist()]


def neighbours_never_the_last(weight, words, word, k):
    scores = _scores(weight, words, word)
    scores[words.index(word)] = -float("inf")
    return [words[i] for i in scores[:-1].topk(k).indices.tolist()]


def neighbours_cosine_similarity(weight, words, word, k):
    weight = _weight(weight)
    scores = F.cosine_similarity(weight, weight[words.index(word)][None, :], dim=1)
    scores[words.index(word)] = -float("inf")
    return [
        words[i]
        for i in torch.argsort(scores, descending=True, stable=True)[:k].tolist()
    ]


def neighbours_numpy(weight, words, word, k):
    weight = np.asarray(weight, dtype=float)
    unit = weight / np.linalg.norm(weight, axis=1, keepdims=True)
    scores = unit @ unit[words.index(word)]
    scores[words.index(word)] = -np.inf
    return [words[i] for i in np.argsort(-scores, kind="stable")[:k]]


MUTANTS = {
    "05.embed_batch": Mutants(
        wrong={
            "ids flattened": embed_flattened,
            "ids minus one": embed_ids_minus_one,
            "weight transposed": embed_transposed_weight,
            "a new random table": embed_random_table,
            "summed over the sequence": embed_summed,
            "ids as floats": embed_float_ids,
            "max_norm rescaling": embed_max_norm,
            "freeze=False on the table as given (ints fail)": embed_trainable_table,
        },
        right={
            "reference": embed_reference,
            "F.embedding": embed_functional,
            "indexing the weight": embed_indexing,
            "numpy take": embed_numpy,
        },
    ),
    "05.one_hot_matmul": Mutants(
        wrong={
            "F.one_hot without num_classes": matmul_without_num_classes,
            "weight transposed": matmul_transposed,
            "integer one-hot": matmul_integer_one_hot,
            "ids minus one": matmul_ids_minus_one,
            "summed over the sequence": matmul_summed,
            "ids flattened": matmul_flattened,
            "the weight as given (an int table fails)": matmul_weight_as_given,
        },
        right={
            "reference": matmul_reference,
            "rows of torch.eye": matmul_eye,
            "numpy": matmul_numpy,
            "einsum": matmul_einsum,
        },
    ),
    "05.rows_with_gradient": Mutants(
        wrong={
            "the ids as given": rows_ids_as_given,
            "padding row included": rows_padding_included,
            "every row": rows_all,
            "rows without gradient": rows_without_gradient,
            "summed over the wrong axis": rows_wrong_axis,
            "one row per lookup": rows_one_per_lookup,
            "the last row never read": rows_never_the_last,
        },
        right={
            "reference": rows_reference,
            "tensor.any": rows_any,
            "numpy flatnonzero": rows_numpy,
            "loop": rows_loop,
        },
    ),
    "05.neighbours_through_table": Mutants(
        wrong={
            "columns normalised": neighbours_normalise_columns,
            "raw dot products": neighbours_raw_dot,
            "the word itself included": neighbours_itself_included,
            "Euclidean": neighbours_euclidean,
            "top k + 1 minus the first": neighbours_drop_first,
            "least similar first": neighbours_least_similar,
            "the table as given (an int table fails)": neighbours_table_as_given,
            "the last word never a candidate": neighbours_never_the_last,
        },
        right={
            "reference": neighbours_reference,
            "query not normalised": neighbours_query_unnormalised,
            "F.cosine_similarity": neighbours_cosine_similarity,
            "numpy": neighbours_numpy,
        },
    ),
}
