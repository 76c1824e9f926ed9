"""Chapter 1 (one-hot encoding): wrong and right ways to write each task."""

from __future__ import annotations

import math
from collections import Counter

import numpy as np
import torch
import torch.nn.functional as F

from mutants import Mutants


def _ranked(tokens, min_count, key):
    counts = Counter(tokens)
    kept = [t for t, c in counts.items() if c >= min_count and t != "<unk>"]
    return {
        "<unk>": 0,
        **{t: i for i, t in enumerate(sorted(kept, key=lambda t: key(t, counts)), 1)},
    }


def vocab_reference(tokens, min_count=1):
    return _ranked(tokens, min_count, lambda t, counts: (-counts[t], t))


def vocab_no_unk(tokens, min_count=1):
    vocab = vocab_reference(tokens, min_count)
    return {t: i - 1 for t, i in vocab.items() if t != "<unk>"}


def vocab_least_frequent_first(tokens, min_count=1):
    return _ranked(tokens, min_count, lambda t, counts: (counts[t], t))


def vocab_ties_first_seen(tokens, min_count=1):
    counts = Counter(tokens)
    kept = [t for t, c in counts.most_common() if c >= min_count and t != "<unk>"]
    return {"<unk>": 0, **{t: i for i, t in enumerate(kept, 1)}}


def vocab_ties_ignore_case(tokens, min_count=1):
    return _ranked(tokens, min_count, lambda t, counts: (-counts[t], t.lower()))


def vocab_min_count_strict(tokens, min_count=1):
    counts = Counter(tokens)
    kept = [t for t, c in counts.items() if c > min_count and t != "<unk>"]
    return {
        "<unk>": 0,
        **{t: i for i, t in enumerate(sorted(kept, key=lambda t: (-counts[t], t)), 1)},
    }


def vocab_unk_in_input_gets_an_id(tokens, min_count=1):
    counts = Counter(tokens)
    kept = sorted(
        (t for t, c in counts.items() if c >= min_count), key=lambda t: (-counts[t], t)
    )
    vocab = {"<unk>": 0}
    for token in kept:
        vocab[token] = len(vocab)
    return vocab


def vocab_sorts_input_in_place(tokens, min_count=1):
    tokens.sort()
    return vocab_reference(tokens, min_count)


def vocab_drops_last_token(tokens, min_count=1):  # counts all tokens but the last
    counts = Counter(tokens[i] for i in range(len(tokens) - 1))
    kept = [t for t, c in counts.items() if c >= min_count and t != "<unk>"]
    ordered = sorted(kept, key=lambda t: (-counts[t], t))
    return {"<unk>": 0, **{t: i for i, t in enumerate(ordered, 1)}}


def vocab_unzipped_ranking(tokens, min_count=1):  # zip(*[]) has nothing to unpack
    counts = Counter(t for t in tokens if t != "<unk>")
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    words, frequencies = zip(*ranked)
    vocab = {"<unk>": 0}
    for word, frequency in zip(words, frequencies):
        if frequency >= min_count:
            vocab[word] = len(vocab)
    return vocab


def vocab_plain_dict(tokens, min_count=1):
    counts = {}
    for token in tokens:
        counts[token] = counts.get(token, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    vocab = {"<unk>": 0}
    for token, count in ranked:
        if count >= min_count and token != "<unk>":
            vocab[token] = len(vocab)
    return vocab


def vocab_two_stable_sorts(tokens, min_count=1):
    counts = Counter(tokens)
    words = sorted(set(tokens) - {"<unk>"})
    words.sort(key=lambda t: counts[t], reverse=True)
    return {
        "<unk>": 0,
        **{t: i for i, t in enumerate((t for t in words if counts[t] >= min_count), 1)},
    }


def encode_reference(tokens, vocab):
    ids = [vocab.get(t, vocab["<unk>"]) for t in tokens]
    out = np.zeros((len(tokens), len(vocab)), dtype=np.float32)
    out[np.arange(len(ids)), ids] = 1
    return out


def encode_unknown_as_zero(tokens, vocab):
    ids = [vocab.get(t, 0) for t in tokens]
    return np.eye(len(vocab))[ids]


def encode_transposed(tokens, vocab):
    return encode_reference(tokens, vocab).T


def encode_unknown_row_empty(tokens, vocab):
    out = np.zeros((len(tokens), len(vocab)))
    for k, t in enumerate(tokens):
        if t in vocab:
            out[k, vocab[t]] = 1
    return out


def encode_drops_unknown(tokens, vocab):
    return encode_reference([t for t in tokens if t in vocab], vocab)


def encode_ids_minus_one(tokens, vocab):
    ids = [vocab.get(t, vocab["<unk>"]) - 1 for t in tokens]
    return np.eye(len(vocab))[ids]


def encode_unique_tokens(tokens, vocab):
    return encode_reference(list(dict.fromkeys(tokens)), vocab)


def encode_one_hot_without_num_classes(tokens, vocab):
    ids = torch.tensor([vocab.get(t, vocab["<unk>"]) for t in tokens])
    return F.one_hot(ids).numpy()


def encode_drops_last(tokens, vocab):  # the last row is left all zeros
    out = np.zeros((len(tokens), len(vocab)))
    for k in range(len(tokens) - 1):
        out[k, vocab.get(tokens[k], vocab["<unk>"])] = 1
    return out


def encode_eye_rows(tokens, vocab):
    return np.eye(len(vocab), dtype=int)[[vocab.get(t, vocab["<unk>"]) for t in tokens]]


def encode_torch(tokens, vocab):
    ids = torch.tensor([vocab.get(t, vocab["<unk>"]) for t in tokens])
    return F.one_hot(ids, num_classes=len(vocab))


def encode_nested_lists(tokens, vocab):
    rows = []
    for token in tokens:
        row = [0] * len(vocab)
        row[vocab[token] if token in vocab else vocab["<unk>"]] = 1
        rows.append(row)
    return rows


def decode_reference(one_hot_matrix, vocab):
    id_to_token = {i: t for t, i in vocab.items()}
    return [id_to_token[int(i)] for i in np.argmax(np.asarray(one_hot_matrix), axis=1)]


def decode_by_dict_order(one_hot_matrix, vocab):
    return [list(vocab)[int(i)] for i in np.argmax(np.asarray(one_hot_matrix), axis=1)]


def decode_wrong_axis(one_hot_matrix, vocab):
    id_to_token = {i: t for t, i in vocab.items()}
    return [
        id_to_token.get(int(i), "<unk>")
        for i in np.argmax(np.asarray(one_hot_matrix), axis=0)
    ]


def decode_returns_ids(one_hot_matrix, vocab):
    return [int(i) for i in np.argmax(np.asarray(one_hot_matrix), axis=1)]


def decode_argmin(one_hot_matrix, vocab):
    id_to_token = {i: t for t, i in vocab.items()}
    return [id_to_token[int(i)] for i in np.argmin(np.asarray(one_hot_matrix), axis=1)]


def decode_skips_unk(one_hot_matrix, vocab):
    return [t for t in decode_reference(one_hot_matrix, vocab) if t != "<unk>"]


def decode_alphabetical(one_hot_matrix, vocab):
    return [
        sorted(vocab)[int(i)] for i in np.argmax(np.asarray(one_hot_matrix), axis=1)
    ]


def decode_first_row_only(one_hot_matrix, vocab):
    return decode_reference(one_hot_matrix, vocab)[:1]


def decode_list_index(one_hot_matrix, vocab):  # a NumPy row has no .index
    id_to_token = {i: t for t, i in vocab.items()}
    return [id_to_token[row.index(1)] for row in one_hot_matrix]


def decode_last_column_missed(one_hot_matrix, vocab):
    id_to_token = {i: t for t, i in vocab.items()}
    tokens = []
    for row in one_hot_matrix:
        for column in range(len(row) - 1):
            if row[column] == 1:
                tokens.append(id_to_token[column])
                break
    return tokens


def decode_last_row_missed(one_hot_matrix, vocab):
    id_to_token = {i: t for t, i in vocab.items()}
    matrix = np.asarray(one_hot_matrix)
    return [id_to_token[int(np.argmax(matrix[k]))] for k in range(len(matrix) - 1)]


def decode_search_values(one_hot_matrix, vocab):
    out = []
    for row in one_hot_matrix:
        position = list(row).index(max(row))
        out.append(next(t for t, i in vocab.items() if i == position))
    return out


def decode_nonzero(one_hot_matrix, vocab):
    id_to_token = dict(zip(vocab.values(), vocab.keys()))
    rows, cols = np.nonzero(np.asarray(one_hot_matrix))
    return [id_to_token[int(c)] for _, c in sorted(zip(rows, cols))]


def decode_torch(one_hot_matrix, vocab):
    id_to_token = {i: t for t, i in vocab.items()}
    return [
        id_to_token[i]
        for i in torch.as_tensor(np.asarray(one_hot_matrix)).argmax(dim=1).tolist()
    ]


def nbytes_reference(batch_size, seq_len, vocab_size, dtype="float32"):
    return batch_size * seq_len * vocab_size * np.dtype(dtype).itemsize


def nbytes_int32(batch_size, seq_len, vocab_size, dtype="float32"):
    with np.errstate(over="ignore"):
        return int(
            np.prod(
                np.array(
                    [batch_size, seq_len, vocab_size, np.dtype(dtype).itemsize],
                    dtype=np.int32,
                ),
                dtype=np.int32,
            )
        )


def nbytes_ignores_dtype(batch_size, seq_len, vocab_size, dtype="float32"):
    return batch_size * seq_len * vocab_size * 4


def nbytes_bits(batch_size, seq_len, vocab_size, dtype="float32"):
    return batch_size * seq_len * vocab_size * np.dtype(dtype).itemsize * 8


def nbytes_forgets_batch(batch_size, seq_len, vocab_size, dtype="float32"):
    return seq_len * vocab_size * np.dtype(dtype).itemsize


def nbytes_float(batch_size, seq_len, vocab_size, dtype="float32"):
    return float(batch_size * seq_len * vocab_size * np.dtype(dtype).itemsize)


def nbytes_digits_of_name(batch_size, seq_len, vocab_size, dtype="float32"):
    return (
        batch_size
        * seq_len
        * vocab_size
        * (int("".join(c for c in dtype if c.isdigit())) // 8)
    )


def nbytes_math_prod(batch_size, seq_len, vocab_size, dtype="float32"):
    return math.prod((batch_size, seq_len, vocab_size)) * np.dtype(dtype).itemsize


def nbytes_torch(batch_size, seq_len, vocab_size, dtype="float32"):
    return (
        batch_size
        * seq_len
        * vocab_size
        * torch.empty((), dtype=getattr(torch, dtype)).element_size()
    )


def nbytes_numpy_int64(batch_size, seq_len, vocab_size, dtype="float32"):
    return int(np.int64(batch_size) * seq_len * vocab_size * np.dtype(dtype).itemsize)


MUTANTS = {
    "01.build_vocabulary": Mutants(
        wrong={
            "no <unk>": vocab_no_unk,
            "least frequent first": vocab_least_frequent_first,
            "ties in first-seen order": vocab_ties_first_seen,
            "ties ignoring case": vocab_ties_ignore_case,
            "min_count as a strict bound": vocab_min_count_strict,
            "'<unk>' in the input gets an id": vocab_unk_in_input_gets_an_id,
            "sorts the caller's list": vocab_sorts_input_in_place,
            "the last token not counted": vocab_drops_last_token,
            "ranking unzipped (nothing to unpack without words)": (
                vocab_unzipped_ranking
            ),
        },
        right={
            "reference": vocab_reference,
            "plain dict": vocab_plain_dict,
            "two stable sorts": vocab_two_stable_sorts,
        },
    ),
    "01.one_hot_encode": Mutants(
        wrong={
            "unknown words as id 0": encode_unknown_as_zero,
            "transposed": encode_transposed,
            "unknown words as an empty row": encode_unknown_row_empty,
            "unknown words dropped": encode_drops_unknown,
            "ids minus one": encode_ids_minus_one,
            "each token once": encode_unique_tokens,
            "F.one_hot without num_classes": encode_one_hot_without_num_classes,
            "the last token left out": encode_drops_last,
        },
        right={
            "reference": encode_reference,
            "rows of np.eye": encode_eye_rows,
            "torch F.one_hot": encode_torch,
            "nested lists": encode_nested_lists,
        },
    ),
    "01.one_hot_decode": Mutants(
        wrong={
            "list(vocab) as the id map": decode_by_dict_order,
            "argmax over axis 0": decode_wrong_axis,
            "returns ids": decode_returns_ids,
            "argmin": decode_argmin,
            "drops <unk> rows": decode_skips_unk,
            "alphabetical id map": decode_alphabetical,
            "first row only": decode_first_row_only,
            "list.index on each row (not on a NumPy array)": decode_list_index,
            "the last column never searched": decode_last_column_missed,
            "the last row left out": decode_last_row_missed,
        },
        right={
            "reference": decode_reference,
            "search the values": decode_search_values,
            "np.nonzero": decode_nonzero,
            "torch argmax": decode_torch,
        },
    ),
    "01.one_hot_nbytes": Mutants(
        wrong={
            "int32 arithmetic": nbytes_int32,
            "ignores dtype": nbytes_ignores_dtype,
            "bits, not bytes": nbytes_bits,
            "forgets the batch": nbytes_forgets_batch,
            "a float, not an int": nbytes_float,
            "digits of the dtype's name": nbytes_digits_of_name,
        },
        right={
            "reference": nbytes_reference,
            "math.prod": nbytes_math_prod,
            "torch element_size": nbytes_torch,
            "numpy int64": nbytes_numpy_int64,
        },
    ),
}
