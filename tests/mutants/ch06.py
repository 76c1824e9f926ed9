"""Chapter 6 (GloVe): wrong and right ways to write each task."""

from __future__ import annotations

import math

import numpy as np
import scipy.sparse
import torch

from mutants import Mutants


def _arrays(counts, word_vectors, context_vectors, word_biases, context_biases):
    return (
        np.asarray(counts, dtype=float),
        np.asarray(word_vectors, dtype=float),
        np.asarray(context_vectors, dtype=float),
        np.asarray(word_biases, dtype=float),
        np.asarray(context_biases, dtype=float),
    )


def _loss(
    counts,
    wv,
    cv,
    wb,
    cb,
    x_max=100,
    alpha=0.75,
    *,
    weight=None,
    log=np.log,
    transpose=False,
    swap_biases=False,
    half=False,
    biases=True,
    reduce=np.sum,
    include_zeros=False,
):
    counts, wv, cv, wb, cb = _arrays(counts, wv, cv, wb, cb)
    if transpose:
        counts = counts.T
    if include_zeros:
        rows, cols = np.indices(counts.shape).reshape(2, -1)
    else:
        rows, cols = np.nonzero(counts)
    x = counts[rows, cols]
    f = (
        np.minimum(1.0, (x / x_max) ** alpha)
        if weight is None
        else weight(x, x_max, alpha)
    )
    scores = (wv[rows] * cv[cols]).sum(axis=1)
    if biases:
        scores += (wb[cols] + cb[rows]) if swap_biases else (wb[rows] + cb[cols])
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = f * (scores - log(x)) ** 2
    return float(reduce(terms) * (0.5 if half else 1.0))


def loss_reference(*args, **kwargs):
    return _loss(*args, **kwargs)


def loss_half(*args, **kwargs):  # glove.c's convention, not the paper's
    return _loss(*args, **kwargs, half=True)


def loss_unweighted(*args, **kwargs):
    return _loss(*args, **kwargs, weight=lambda x, x_max, alpha: np.ones_like(x))


def loss_uncapped(*args, **kwargs):
    return _loss(*args, **kwargs, weight=lambda x, x_max, alpha: (x / x_max) ** alpha)


def loss_paper_settings_always(counts, wv, cv, wb, cb, x_max=100, alpha=0.75):
    return _loss(counts, wv, cv, wb, cb)


def loss_log10(*args, **kwargs):
    return _loss(*args, **kwargs, log=np.log10)


def loss_log1p(*args, **kwargs):
    return _loss(*args, **kwargs, log=np.log1p)


def loss_transposed(*args, **kwargs):
    return _loss(*args, **kwargs, transpose=True)


def loss_biases_swapped(*args, **kwargs):
    return _loss(*args, **kwargs, swap_biases=True)


def loss_without_biases(*args, **kwargs):
    return _loss(*args, **kwargs, biases=False)


def loss_mean(*args, **kwargs):
    return _loss(*args, **kwargs, reduce=np.mean)


def loss_with_zeros(*args, **kwargs):  # log 0 = -inf, times a weight of 0: nan
    return _loss(*args, **kwargs, include_zeros=True)


def loss_settings_swapped(counts, wv, cv, wb, cb, alpha=0.75, x_max=100):
    return _loss(counts, wv, cv, wb, cb, x_max, alpha)


def loss_zeros_patched_in_place(counts, wv, cv, wb, cb, x_max=100, alpha=0.75):
    counts = np.asarray(counts, dtype=float)  # no copy when counts is already an array
    counts[counts == 0] = 1.0  # "log 1 = 0", but a count of 1 still has a weight
    return _loss(counts, wv, cv, wb, cb, x_max, alpha)


def loss_weights_like_the_counts(counts, wv, cv, wb, cb, x_max=100, alpha=0.75):
    # ones_like int counts: every weight below 1 is truncated to 0
    counts = np.asarray(counts)
    weights = np.ones_like(counts)
    small = counts < x_max
    weights[small] = (counts[small] / x_max) ** alpha
    rows, cols = np.nonzero(counts)
    wv, cv = np.asarray(wv, dtype=float), np.asarray(cv, dtype=float)
    scores = (wv[rows] * cv[cols]).sum(axis=1)
    scores += np.asarray(wb, dtype=float)[rows] + np.asarray(cb, dtype=float)[cols]
    return float(
        (weights[rows, cols] * (scores - np.log(counts[rows, cols])) ** 2).sum()
    )


def loss_errors_like_the_counts(counts, wv, cv, wb, cb, x_max=100, alpha=0.75):
    # zeros_like int counts: every error is truncated to a whole number
    counts = np.asarray(counts)
    errors = np.zeros_like(counts)
    for i, j in zip(*np.nonzero(counts)):
        errors[i, j] = np.dot(wv[i], cv[j]) + wb[i] + cb[j] - np.log(counts[i, j])
    weights = np.minimum(1.0, (counts / x_max) ** alpha)
    return float((weights * errors**2).sum())


def loss_last_row_missed(counts, wv, cv, wb, cb, x_max=100, alpha=0.75):
    total = 0.0
    for i in range(len(counts) - 1):
        for j, x in enumerate(counts[i]):
            if x > 0:
                f = min(1.0, (x / x_max) ** alpha)
                score = float(np.dot(wv[i], cv[j])) + wb[i] + cb[j]
                total += f * (score - math.log(x)) ** 2
    return total


def loss_loops(counts, wv, cv, wb, cb, x_max=100, alpha=0.75):
    total = 0.0
    for i, row in enumerate(counts):
        for j, x in enumerate(row):
            if x > 0:
                f = 1.0 if x >= x_max else (x / x_max) ** alpha
                score = sum(a * b for a, b in zip(wv[i], cv[j])) + wb[i] + cb[j]
                total += f * (score - math.log(x)) ** 2
    return total


def loss_torch(counts, wv, cv, wb, cb, x_max=100, alpha=0.75):
    counts = torch.tensor(counts, dtype=torch.float64)
    rows, cols = torch.nonzero(counts, as_tuple=True)
    x = counts[rows, cols]
    f = torch.clamp((x / x_max) ** alpha, max=1.0)
    wv, cv = (
        torch.tensor(wv, dtype=torch.float64),
        torch.tensor(cv, dtype=torch.float64),
    )
    wb, cb = (
        torch.tensor(wb, dtype=torch.float64),
        torch.tensor(cb, dtype=torch.float64),
    )
    scores = (wv[rows] * cv[cols]).sum(-1) + wb[rows] + cb[cols]
    return (f * (scores - torch.log(x)) ** 2).sum()


def loss_sparse(counts, wv, cv, wb, cb, x_max=100, alpha=0.75):
    entries = scipy.sparse.coo_matrix(np.asarray(counts, dtype=float))
    counts, wv, cv, wb, cb = _arrays(counts, wv, cv, wb, cb)
    f = np.where(entries.data < x_max, (entries.data / x_max) ** alpha, 1.0)
    scores = np.einsum("nd,nd->n", wv[entries.row], cv[entries.col])
    scores += wb[entries.row] + cb[entries.col]
    return np.float64(np.dot(f, (scores - np.log(entries.data)) ** 2))


def _gradients(
    w,
    wc,
    b,
    bc,
    count,
    x_max=100,
    alpha=0.75,
    *,
    factor=2.0,
    weight=True,
    cap=True,
    log=math.log,
    flip=False,
    same_vector=False,
):
    w, wc = np.asarray(w, dtype=float), np.asarray(wc, dtype=float)
    f = (count / x_max) ** alpha
    if cap:
        f = min(1.0, f)
    if not weight:
        f = 1.0
    error = w @ wc + b + bc - log(count)
    if flip:
        error = -error
    g = factor * f * error
    return (g * w if same_vector else g * wc), (g * wc if same_vector else g * w), g, g


def gradients_reference(*args, **kwargs):
    return _gradients(*args, **kwargs)


def gradients_without_two(*args, **kwargs):
    return _gradients(*args, **kwargs, factor=1.0)


def gradients_unweighted(*args, **kwargs):
    return _gradients(*args, **kwargs, weight=False)


def gradients_uncapped(*args, **kwargs):
    return _gradients(*args, **kwargs, cap=False)


def gradients_sign_flipped(*args, **kwargs):
    return _gradients(*args, **kwargs, flip=True)


def gradients_own_vector(*args, **kwargs):
    return _gradients(*args, **kwargs, same_vector=True)


def gradients_raw_count(*args, **kwargs):
    return _gradients(*args, **kwargs, log=lambda x: x)


def gradients_bias_without_error(w, wc, b, bc, count, x_max=100, alpha=0.75):
    gw, gwc, _g, _ = _gradients(w, wc, b, bc, count, x_max, alpha)
    weight = min(1.0, (count / x_max) ** alpha)
    return gw, gwc, 2 * weight, 2 * weight


def gradients_like_the_vectors(w, wc, b, bc, count, x_max=100, alpha=0.75):
    # zeros_like int vectors: the gradients are truncated to whole numbers
    w, wc = np.asarray(w), np.asarray(wc)
    g = 2 * min(1.0, (count / x_max) ** alpha) * (w @ wc + b + bc - math.log(count))
    gradient_w, gradient_wc = np.zeros_like(w), np.zeros_like(wc)
    for k in range(len(w)):
        gradient_w[k], gradient_wc[k] = g * wc[k], g * w[k]
    return gradient_w, gradient_wc, g, g


def gradients_last_entry_missed(w, wc, b, bc, count, x_max=100, alpha=0.75):
    w, wc = np.asarray(w, dtype=float), np.asarray(wc, dtype=float)
    g = 2 * min(1.0, (count / x_max) ** alpha) * (w @ wc + b + bc - math.log(count))
    gradient_w, gradient_wc = np.zeros(len(w)), np.zeros(len(w))
    for k in range(len(w) - 1):
        gradient_w[k], gradient_wc[k] = g * wc[k], g * w[k]
    return gradient_w, gradient_wc, g, g


def gradients_autograd(w, wc, b, bc, count, x_max=100, alpha=0.75):
    tensors = [
        torch.tensor(value, dtype=torch.float64, requires_grad=True)
        for value in (w, wc, b, bc)
    ]
    w, wc, b, bc = tensors
    f = min(1.0, (count / x_max) ** alpha)
    (f * (w @ wc + b + bc - math.log(count)) ** 2).backward()
    return tuple(tensor.grad for tensor in tensors)


def gradients_lists(w, wc, b, bc, count, x_max=100, alpha=0.75):
    f = 1.0 if count >= x_max else (count / x_max) ** alpha
    error = sum(a * c for a, c in zip(w, wc)) + b + bc - math.log(count)
    g = 2 * f * error
    return [g * c for c in wc], [g * a for a in w], g, g


def gradients_numpy_scalars(w, wc, b, bc, count, x_max=100, alpha=0.75):
    gw, gwc, g, _ = _gradients(w, wc, b, bc, count, x_max, alpha)
    return gw, gwc, np.float64(g), np.float32(g)


def triples_reference(counts):
    counts = np.asarray(counts, dtype=float)
    rows, cols = np.nonzero(counts)
    return rows.tolist(), cols.tolist(), np.log(counts[rows, cols]).tolist()


def triples_column_major(counts):
    counts = np.asarray(counts, dtype=float)
    cols, rows = np.nonzero(counts.T)
    return rows.tolist(), cols.tolist(), np.log(counts[rows, cols]).tolist()


def triples_swapped(counts):
    rows, cols, logs = triples_reference(counts)
    return cols, rows, logs


def triples_with_zeros(counts):
    counts = np.asarray(counts, dtype=float)
    rows, cols = np.indices(counts.shape).reshape(2, -1)
    with np.errstate(divide="ignore"):
        return rows.tolist(), cols.tolist(), np.log(counts[rows, cols]).tolist()


def triples_log1p(counts):
    rows, cols, _ = triples_reference(counts)
    counts = np.asarray(counts, dtype=float)
    return rows, cols, np.log1p(counts[rows, cols]).tolist()


def triples_raw_counts(counts):
    rows, cols, _ = triples_reference(counts)
    return rows, cols, np.asarray(counts, dtype=float)[rows, cols].tolist()


def triples_upper_triangle(counts):
    counts = np.triu(np.asarray(counts, dtype=float))
    return triples_reference(counts)


def triples_without_diagonal(counts):
    counts = np.asarray(counts, dtype=float).copy()
    np.fill_diagonal(counts, 0)
    return triples_reference(counts)


def triples_integer_counts(counts):
    return triples_reference(np.asarray(counts, dtype=float).astype(int))


def triples_above_one(counts):
    counts = np.asarray(counts, dtype=float)
    return triples_reference(np.where(counts > 1, counts, 0))


def triples_float_positions(counts):
    counts = np.asarray(counts, dtype=float)
    stacked = np.array(
        [[i, j, np.log(x)] for (i, j), x in np.ndenumerate(counts) if x != 0]
    )
    stacked = stacked.reshape(-1, 3)
    return stacked[:, 0], stacked[:, 1], stacked[:, 2]


def triples_squeezed(counts):
    return triples_reference(np.atleast_2d(np.squeeze(np.asarray(counts, dtype=float))))


def triples_log_in_place(counts):  # np.log into an int array fails
    counts = np.asarray(counts)
    rows, cols = np.nonzero(counts)
    values = counts[rows, cols]
    np.log(values, out=values)
    return rows.tolist(), cols.tolist(), values.tolist()


def triples_last_column_missed(counts):
    rows, cols, logs = [], [], []
    for i, row in enumerate(counts):
        for j in range(len(row) - 1):
            if row[j] != 0:
                rows.append(i)
                cols.append(j)
                logs.append(math.log(row[j]))
    return rows, cols, logs


def triples_sparse(counts):
    entries = scipy.sparse.coo_matrix(np.asarray(counts, dtype=float))
    entries.sum_duplicates()  # sorts row-major
    return entries.row, entries.col, np.log(entries.data)


def triples_loops(counts):
    rows, cols, logs = [], [], []
    for i, row in enumerate(counts):
        for j, x in enumerate(row):
            if x != 0:
                rows.append(i)
                cols.append(j)
                logs.append(math.log(x))
    return rows, cols, logs


def triples_torch(counts):
    counts = torch.tensor(counts, dtype=torch.float64).reshape(len(counts), -1)
    where = torch.nonzero(counts)
    return where[:, 0], where[:, 1], torch.log(counts[where[:, 0], where[:, 1]])


MUTANTS = {
    "06.glove_loss": Mutants(
        wrong={
            "half the squared error": loss_half,
            "no weights": loss_unweighted,
            "weights not capped at 1": loss_uncapped,
            "x_max and alpha ignored": loss_paper_settings_always,
            "log base 10": loss_log10,
            "log(1 + x)": loss_log1p,
            "matrix transposed": loss_transposed,
            "biases swapped": loss_biases_swapped,
            "no biases": loss_without_biases,
            "mean, not sum": loss_mean,
            "zeros included": loss_with_zeros,
            "x_max and alpha swapped in the signature": loss_settings_swapped,
            "zeros patched in the caller's array": loss_zeros_patched_in_place,
            "weights in ones_like of int counts": loss_weights_like_the_counts,
            "errors in zeros_like of int counts": loss_errors_like_the_counts,
            "the last row left out": loss_last_row_missed,
        },
        right={
            "reference": loss_reference,
            "loops": loss_loops,
            "torch": loss_torch,
            "scipy.sparse": loss_sparse,
        },
    ),
    "06.glove_gradients": Mutants(
        wrong={
            "no factor 2": gradients_without_two,
            "no weight": gradients_unweighted,
            "weight not capped": gradients_uncapped,
            "sign flipped": gradients_sign_flipped,
            "each vector's own gradient swapped": gradients_own_vector,
            "count instead of its log": gradients_raw_count,
            "bias gradient without the error": gradients_bias_without_error,
            "gradients in zeros_like of int vectors": gradients_like_the_vectors,
            "the last entry left out": gradients_last_entry_missed,
        },
        right={
            "reference": gradients_reference,
            "autograd": gradients_autograd,
            "plain lists": gradients_lists,
            "numpy scalars": gradients_numpy_scalars,
        },
    ),
    "06.nonzero_triples": Mutants(
        wrong={
            "column-major order": triples_column_major,
            "rows and columns swapped": triples_swapped,
            "zeros included": triples_with_zeros,
            "log(1 + x)": triples_log1p,
            "counts, not logs": triples_raw_counts,
            "upper triangle only": triples_upper_triangle,
            "diagonal left out": triples_without_diagonal,
            "counts truncated to integers": triples_integer_counts,
            "counts of 1 left out": triples_above_one,
            "positions as floats": triples_float_positions,
            "a single row squeezed into a column": triples_squeezed,
            "log taken in place (int counts fail)": triples_log_in_place,
            "the last column left out": triples_last_column_missed,
        },
        right={
            "reference": triples_reference,
            "scipy.sparse": triples_sparse,
            "loops": triples_loops,
            "torch": triples_torch,
        },
    ),
}


def _adagrad(
    parameters,
    gradients,
    sums,
    lr,
    *,
    old_sum=False,
    root=np.sqrt,
    square=True,
    sign=-1.0,
    use_lr=True,
):
    parameters, gradients = (
        np.asarray(parameters, dtype=float),
        np.asarray(gradients, dtype=float),
    )
    sums = np.asarray(sums, dtype=float)
    new_sums = sums + (gradients**2 if square else gradients)
    with np.errstate(invalid="ignore"):  # a negative sum, from unsquared gradients
        scale = root(sums if old_sum else new_sums)
    return parameters + sign * (lr if use_lr else 1.0) * gradients / scale, new_sums


def adagrad_reference(*args):
    return _adagrad(*args)


def adagrad_old_sum(*args):  # divides by the sum before this gradient is added
    return _adagrad(*args, old_sum=True)


def adagrad_no_root(*args):
    return _adagrad(*args, root=lambda x: x)


def adagrad_unsquared(*args):
    return _adagrad(*args, square=False)


def adagrad_uphill(*args):
    return _adagrad(*args, sign=1.0)


def adagrad_no_learning_rate(*args):
    return _adagrad(*args, use_lr=False)


def adagrad_old_sums_returned(parameters, gradients, sums, lr):
    new_parameters, _ = _adagrad(parameters, gradients, sums, lr)
    return new_parameters, np.asarray(sums, dtype=float)


def adagrad_global_sum(parameters, gradients, sums, lr):  # one sum for all parameters
    parameters, gradients = (
        np.asarray(parameters, dtype=float),
        np.asarray(gradients, dtype=float),
    )
    new_sums = np.asarray(sums, dtype=float) + gradients**2
    return parameters - lr * gradients / np.sqrt(new_sums.sum()), new_sums


def adagrad_in_place(parameters, gradients, sums, lr):
    for row, (p, g, s) in enumerate(zip(parameters, gradients, sums)):
        if isinstance(p, list):
            parameters[row], sums[row] = (
                list(x) for x in adagrad_in_place(p, g, s, lr)
            )
        else:
            sums[row] = s + g * g
            parameters[row] = p - lr * g / math.sqrt(sums[row])
    return parameters, sums


def adagrad_numpy_in_place(parameters, gradients, sums, lr):
    parameters, sums = (
        np.asarray(parameters, dtype=float),
        np.asarray(sums, dtype=float),
    )
    gradients = np.asarray(gradients, dtype=float)
    sums += gradients**2
    parameters -= lr * gradients / np.sqrt(sums)
    return parameters, sums


def adagrad_copies_updated_in_place(parameters, gradients, sums, lr):
    # copies of int arrays: += and -= of floats into them fail
    new_parameters = np.array(parameters)
    new_sums = np.array(sums)
    gradients = np.asarray(gradients)
    new_sums += gradients**2
    new_parameters -= lr * gradients / np.sqrt(new_sums)
    return new_parameters, new_sums


def adagrad_results_like_the_inputs(parameters, gradients, sums, lr):
    # zeros_like int arrays: the new values are truncated to whole numbers
    parameters, gradients = np.asarray(parameters), np.asarray(gradients)
    sums = np.asarray(sums)
    new_parameters, new_sums = np.zeros_like(parameters), np.zeros_like(sums)
    for index in np.ndindex(parameters.shape):
        new_sums[index] = sums[index] + gradients[index] ** 2
        new_parameters[index] = parameters[index] - lr * gradients[index] / np.sqrt(
            new_sums[index]
        )
    return new_parameters, new_sums


def adagrad_last_entry_missed(parameters, gradients, sums, lr):
    parameters = np.array(parameters, dtype=float)
    gradients = np.asarray(gradients, dtype=float)
    sums = np.array(sums, dtype=float)
    flat_p, flat_g, flat_s = (
        parameters.reshape(-1),
        gradients.reshape(-1),
        sums.reshape(-1),
    )
    for k in range(flat_p.size - 1):
        flat_s[k] += flat_g[k] ** 2
        flat_p[k] -= lr * flat_g[k] / math.sqrt(flat_s[k])
    return parameters, sums


def adagrad_torch(parameters, gradients, sums, lr):
    parameter = torch.tensor(parameters, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adagrad([parameter], lr=lr, eps=0.0)
    parameter.grad = torch.tensor(gradients, dtype=torch.float64)
    optimizer.state[parameter]["sum"] = torch.tensor(sums, dtype=torch.float64)
    optimizer.state[parameter]["step"] = torch.tensor(0.0)
    optimizer.step()
    return parameter.detach(), optimizer.state[parameter]["sum"]


def adagrad_copy_then_loop(parameters, gradients, sums, lr):
    # plain nested lists first: a copy, and the same loops for lists and arrays
    parameters, gradients, sums = (
        np.asarray(value, dtype=float).tolist()
        for value in (parameters, gradients, sums)
    )
    return adagrad_in_place(parameters, gradients, sums, lr)


def adagrad_rsqrt(parameters, gradients, sums, lr):
    gradients = torch.as_tensor(gradients, dtype=torch.float64)
    new_sums = torch.as_tensor(sums, dtype=torch.float64) + gradients.square()
    return torch.as_tensor(
        parameters, dtype=torch.float64
    ) - lr * gradients * new_sums.rsqrt(), new_sums


MUTANTS["06.adagrad_step"] = Mutants(
    wrong={
        "divides by the old sum": adagrad_old_sum,
        "no square root": adagrad_no_root,
        "gradients not squared": adagrad_unsquared,
        "uphill": adagrad_uphill,
        "learning rate left out": adagrad_no_learning_rate,
        "old sums returned": adagrad_old_sums_returned,
        "one sum for all parameters": adagrad_global_sum,
        "arguments changed in place": adagrad_in_place,
        "NumPy arrays changed in place": adagrad_numpy_in_place,
        "copies of int arrays updated in place": adagrad_copies_updated_in_place,
        "results in zeros_like of int arrays": adagrad_results_like_the_inputs,
        "the last entry left out": adagrad_last_entry_missed,
    },
    right={
        "reference": adagrad_reference,
        "torch.optim.Adagrad": adagrad_torch,
        "copy, then loops": adagrad_copy_then_loop,
        "torch rsqrt": adagrad_rsqrt,
    },
)
