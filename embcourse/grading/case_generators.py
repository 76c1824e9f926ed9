"""Seeded input generators, one per exercise task, for hidden cases no learner has seen.

``GENERATORS[task_id](rng)`` returns ``(args, kwargs)`` for one call of the task's
function (or ``(args, kwargs, arrays)``, naming the arguments to pass as NumPy arrays),
drawn with the NumPy generator ``rng``; it returns ``None`` when the draw is unusable
(a near-tie that would make the expected answer depend on rounding), and the caller
draws
again. The inputs include the structures that realistic mistakes trip on:
ties, unknown words in the middle of a window, rare words, vectors whose lengths differ
widely, matrices that are not symmetric, all-zero rows, sizes above 2**31, whole
numbers where floats are usual (an int array truncates what is written into it), texts
long enough to underflow a product of probabilities, answers that hang on the last
item, and empty inputs where a statement allows them.

:mod:`embcourse.grading.make_cases` turns them into a hidden-case folder, with expected
values computed by the reference solutions (``solutions/*.ipynb``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

WORDS = [
    "the",
    "The",
    "THE",
    "cat",
    "dog",
    "sat",
    "on",
    "mat",
    "a",
    "rose",
    "is",
    "zebra",
    "b",
    "B",
]
UNKNOWN = ["zzz", "qqq", "xyzzy"]


def _pick(rng, items, size):
    return [items[i] for i in rng.integers(len(items), size=size)]


def _whole(rng):
    """Whether to draw whole numbers this time (a third of the draws)."""
    return rng.random() < 1 / 3


def _vectors(rng, rows, dim, twins=True, whole=False):
    """Rows of very different lengths, sometimes with two identical rows; whole
    numbers (an int array) when ``whole``."""
    if whole:
        vectors = rng.integers(-5, 6, size=(rows, dim)) * rng.choice([1, 4], (rows, 1))
    else:
        vectors = rng.normal(size=(rows, dim)) * rng.choice([0.2, 1.0, 6.0], (rows, 1))
        vectors = vectors.round(2)
    if twins and rows > 3 and rng.random() < 0.5:
        i, j = rng.choice(np.arange(1, rows), size=2, replace=False)
        vectors[j] = vectors[i]
    if (np.linalg.norm(vectors, axis=1) < 0.05).any():
        return None
    return vectors


def _clear_ranking(scores, skip=(), tolerance=1e-6, exact=1e-12):
    """True when distinct scores are either equal (a true tie) or far enough apart."""
    values = np.sort(np.delete(np.asarray(scores, dtype=float), list(skip)))
    gaps = np.diff(values)
    return bool(np.all((gaps < exact) | (gaps > tolerance)))


def build_vocabulary(rng):
    tokens = _pick(rng, WORDS + ["<unk>"], int(rng.integers(0, 13)))
    return [tokens], {"min_count": int(rng.integers(1, 4))}


def one_hot_encode(rng):
    words = list(dict.fromkeys(_pick(rng, WORDS, 6))) + ["<unk>"]
    ids = rng.permutation(len(words)).tolist()
    vocab = {word: int(i) for word, i in zip(words, ids)}
    tokens = _pick(rng, words[:-1] + UNKNOWN, int(rng.integers(1, 6)))
    return [tokens, vocab], {}


def one_hot_decode(rng):
    (_, vocab), _ = one_hot_encode(rng)
    items = list(vocab.items())
    rng.shuffle(items)
    vocab = dict(items)
    ids = rng.integers(len(vocab), size=int(rng.integers(1, 6)))
    matrix = np.eye(len(vocab), dtype=int)[ids].tolist()
    return [matrix, vocab], {}, _some_arrays(rng, 1)


def one_hot_nbytes(rng):
    dtypes = [
        "bool",
        "int8",
        "float16",
        "int32",
        "float32",
        "float64",
        "int64",
        "complex64",
    ]
    dtype = str(rng.choice(dtypes, p=[0.3] + [0.1] * 7))
    sizes = [
        int(rng.integers(1, 65)),
        int(rng.integers(1, 2049)),
        int(rng.choice([10, 30_522, 50_257, 400_000])),
    ]
    return sizes, {"dtype": dtype}


def cosine_similarity_matrix(rng):
    rows, dim = int(rng.integers(2, 6)), int(rng.integers(2, 5))
    vectors = rng.integers(-5, 6, size=(rows, dim)) * rng.choice([1, 3], size=(rows, 1))
    if (np.abs(vectors).sum(axis=1) == 0).any():
        return None
    return [vectors.tolist()], {}


def cooccurrence_counts(rng):
    vocab = {word: i for i, word in enumerate(dict.fromkeys(_pick(rng, WORDS[3:9], 5)))}
    sentences = [
        _pick(rng, list(vocab) + UNKNOWN[:1], int(rng.integers(0, 7)))
        for _ in range(int(rng.integers(1, 4)))
    ]
    return [sentences, vocab, int(rng.integers(1, 4))], {}


def ppmi(rng):
    size = int(rng.integers(3, 6))
    counts = rng.integers(0, 6, size=(size, size))
    if rng.random() < 0.5:
        empty = int(rng.integers(size))
        counts[empty, :] = 0
        counts[:, empty] = 0
    if counts.sum() == 0:
        return None
    return [counts.tolist()], {}


def svd_nearest(rng):
    words = ["cat", "dog", "car", "bus", "tea", "cup"][: int(rng.integers(4, 7))]
    matrix = rng.integers(0, 6, size=(len(words), len(words)))
    d = int(rng.integers(2, 4))
    left, sigma, _ = np.linalg.svd(matrix.astype(float))
    if sigma[d - 1] < 1e-6 or (d < len(sigma) and abs(sigma[d - 1] - sigma[d]) < 1e-6):
        return None  # the d-dimensional space would not be well defined
    vectors = left[:, :d] * sigma[:d]
    norms = np.linalg.norm(vectors, axis=1)
    if (norms < 1e-6).any():
        return None
    word = int(rng.integers(len(words)))
    scores = (vectors / norms[:, None]) @ (vectors[word] / norms[word])
    top = np.sort(np.delete(scores, word))[-2:]
    if top[1] - top[0] < 1e-4:
        return None
    return [matrix.tolist(), words, words[word], d], {}


def skipgram_pairs(rng):
    return [
        _pick(rng, WORDS[3:10], int(rng.integers(0, 8))),
        int(rng.integers(1, 4)),
    ], {}


def keep_probabilities(rng):
    words = list(dict.fromkeys(_pick(rng, WORDS, 5)))
    counts = {word: int(rng.choice([1, 2, 5, 50, 900, 20_000])) for word in words}
    return [counts], {"sample": float(rng.choice([1e-3, 1e-2, 1e-1]))}


def draw_negatives(rng):
    noise = rng.dirichlet(np.full(int(rng.integers(3, 6)), 0.7))
    noise = noise / noise.sum()
    positive = int(rng.integers(len(noise)))
    if noise[positive] > 0.9:
        return None
    return [
        positive,
        noise.tolist(),
        int(rng.choice([0, 3, 3000])),
        int(rng.integers(1000)),
    ], {}


def negative_sampling_loss(rng):
    dim = int(rng.integers(2, 5))
    scale = float(rng.choice([0.5, 3.0, 30.0]))
    if _whole(rng):  # whole numbers: an int array of scores truncates
        center, context = rng.integers(-4, 5, size=(2, dim)).tolist()
        negatives = rng.integers(-4, 5, size=(int(rng.integers(0, 4)), dim)).tolist()
        return [center, context, negatives], {}
    center = (rng.normal(size=dim) * scale).round(3).tolist()
    context = (rng.normal(size=dim) * scale).round(3).tolist()
    negatives = (
        (rng.normal(size=(int(rng.integers(0, 4)), dim)) * scale).round(3).tolist()
    )
    return [center, context, negatives], {}


def cbow_scores(rng):
    rows, dim = int(rng.integers(4, 7)), int(rng.integers(2, 4))
    inputs = rng.integers(-3, 4, size=(rows, dim)).tolist()
    outputs = rng.integers(-3, 4, size=(rows, dim)).tolist()
    context = rng.integers(rows, size=int(rng.integers(1, 5))).tolist()
    if len(context) > 1 and rng.random() < 0.5:
        context[-1] = context[0]  # a repeated context word
    candidates = rng.choice(
        rows, size=int(rng.integers(1, rows)), replace=False
    ).tolist()
    return [context, inputs, outputs, candidates], {}


def cosine_similarity(rng):
    dim = int(rng.integers(2, 6))
    if _whole(rng):
        u, v = rng.integers(-6, 7, size=(2, dim))
        if not u.any() or not v.any():
            return None
        return [u.tolist(), v.tolist()], {}
    u, v = (
        rng.normal(size=dim) * 3,
        rng.normal(size=dim) * float(rng.choice([0.1, 1, 10])),
    )
    return [u.round(3).tolist(), v.round(3).tolist()], {}


def top_k_neighbours(rng):
    words = ["cat", "dog", "car", "bus", "tea", "cup", "sun"][: int(rng.integers(5, 8))]
    whole = _whole(rng)
    vectors = _vectors(rng, len(words), 3, whole=whole)
    if vectors is None:
        return None
    word = int(rng.integers(len(words)))
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    # whole numbers can give parallel rows that are not equal: a tie only to rounding
    exact = 1e-300 if whole else 1e-12
    if not _clear_ranking(unit @ unit[word], skip=[word], exact=exact):
        return None
    k = len(words) - 1 if rng.random() < 0.5 else int(rng.integers(0, len(words)))
    return [words[word], words, vectors.tolist(), k], {}


def solve_analogy(rng):
    words = ["a", "b", "c", "p", "q", "r", "s"]
    whole = _whole(rng)
    vectors = _vectors(rng, len(words), 3, whole=whole)
    if vectors is None:
        return None
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    target = unit[1] - unit[0] + unit[2]
    exact = 1e-300 if whole else 1e-12
    if np.linalg.norm(target) < 1e-3 or not _clear_ranking(
        unit @ target, skip=[0, 1, 2], exact=exact
    ):
        return None
    return ["a", "b", "c", words, vectors.tolist()], {}


def spearman(rng):
    n = int(rng.integers(4, 9))
    xs = rng.integers(0, 5, size=n)
    ys = xs * rng.choice([-1, 1]) + rng.integers(-2, 3, size=n)
    if np.ptp(xs) == 0 or np.ptp(ys) == 0:
        return None
    if not _whole(rng):  # whole numbers a third of the time: ranks must not truncate
        xs, ys = xs.astype(float), ys.astype(float)
    return [xs.tolist(), ys.tolist()], {}


def _table_and_ids(rng):
    rows, dim = int(rng.integers(3, 6)), int(rng.integers(2, 4))
    weight = rng.integers(-4, 5, size=(rows, dim))
    if not _whole(rng):  # a table of whole numbers a third of the time
        weight = weight.astype(float)
    high = rows - 1 if rng.random() < 0.5 else rows  # sometimes the last rows go unused
    ids = rng.integers(high, size=(int(rng.integers(1, 3)), int(rng.integers(1, 4))))
    return weight.tolist(), ids.tolist()


def embed_batch(rng):
    return list(_table_and_ids(rng)), {}


def one_hot_matmul(rng):
    return list(_table_and_ids(rng)), {}


def rows_with_gradient(rng):
    vocab_size = int(rng.integers(4, 7))
    ids = rng.integers(vocab_size, size=int(rng.integers(1, 6))).tolist()
    padding = int(rng.choice(ids)) if rng.random() < 0.5 else None
    return [vocab_size, int(rng.integers(1, 4)), ids], {"padding_idx": padding}


def neighbours_through_table(rng):
    words = ["cat", "dog", "car", "bus", "tea", "cup"]
    vectors = _vectors(rng, len(words), 3, twins=False, whole=_whole(rng))
    if vectors is None:
        return None
    word = int(rng.integers(len(words)))
    if rng.random() < 0.5:  # a word that shares the query's row
        twin = (word + 1) % len(words)
        vectors[twin] = vectors[word]
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    scores = np.delete(unit @ unit[word], word)
    ordered = np.sort(scores)
    if np.any(np.diff(ordered) < 1e-4):
        return None  # torch's topk does not promise an order for near-ties
    return [vectors.tolist(), words, words[word], int(rng.integers(1, len(words)))], {}


def _counts(rng, rows, cols):
    """A sparse-ish count matrix: zeros, ones, fractions and counts above x_max."""
    return rng.choice([0, 0, 0, 1, 1, 2, 0.5, 7, 40, 250], size=(rows, cols)).astype(
        float
    )


def _glove_model(rng, size, dim):
    vectors = (rng.normal(size=(2, size, dim)) * 0.5).round(2)
    biases = (rng.normal(size=(2, size)) * 0.5).round(2)
    return (
        vectors[0].tolist(),
        vectors[1].tolist(),
        biases[0].tolist(),
        biases[1].tolist(),
    )


def _glove_settings(rng):
    kwargs = {}
    if rng.random() < 0.5:
        kwargs["x_max"] = int(rng.choice([5, 10, 50]))
    if rng.random() < 0.5:
        kwargs["alpha"] = float(rng.choice([0.5, 1.0]))
    return kwargs


def _by_position(rng, args, kwargs):
    """Sometimes pass x_max and alpha by position, in the signature's order."""
    if rng.random() < 0.3:
        return args + [kwargs.get("x_max", 100), kwargs.get("alpha", 0.75)], {}
    return args, kwargs


def _some_arrays(rng, count):
    return list(range(count)) if rng.random() < 0.4 else []


def _whole_counts(rng, counts):
    """The counts as whole numbers (an int array) when they all are, a third of the
    time."""
    if _whole(rng) and (counts == counts.round()).all():
        return counts.astype(int)
    return counts


def glove_loss(rng):
    size = int(rng.integers(2, 5))
    counts = _whole_counts(rng, _counts(rng, size, size))
    if not counts.any():
        return None
    args = [counts.tolist(), *_glove_model(rng, size, int(rng.integers(1, 4)))]
    return (*_by_position(rng, args, _glove_settings(rng)), _some_arrays(rng, 5))


def glove_gradients(rng):
    dim = int(rng.integers(1, 4))
    w, w_context, b, b_context = _glove_model(rng, 1, dim)
    if _whole(rng):  # whole-number vectors: gradients must not truncate
        w, w_context = rng.integers(-3, 4, size=(2, 1, dim)).tolist()
    count = float(rng.choice([1, 2, 0.5, 7, 40, 100, 250]))
    args = [w[0], w_context[0], b[0], b_context[0], count]
    return (*_by_position(rng, args, _glove_settings(rng)), _some_arrays(rng, 2))


def adagrad_step(rng):
    shape = tuple(int(n) for n in rng.integers(1, 4, size=int(rng.integers(1, 3))))
    if _whole(rng):  # whole numbers: an int array would truncate the step
        parameters, gradients = rng.integers(-3, 4, size=(2, *shape))
        sums = rng.integers(1, 5, size=shape)
        return (
            [parameters.tolist(), gradients.tolist(), sums.tolist(), 0.5],
            {},
            [],
        )
    parameters = (rng.normal(size=shape)).round(2)
    gradients = (rng.normal(size=shape) * rng.choice([0.1, 1.0, 20.0])).round(2)
    sums = rng.choice([0.01, 1.0, 4.0, 100.0], size=shape)
    return (
        [
            parameters.tolist(),
            gradients.tolist(),
            sums.tolist(),
            float(rng.choice([0.05, 0.2, 1.0])),
        ],
        {},
        _some_arrays(rng, 3),
    )


def nonzero_triples(rng):
    counts = _counts(rng, int(rng.integers(1, 5)), int(rng.integers(1, 5)))
    return [_whole_counts(rng, counts).tolist()], {}, _some_arrays(rng, 1)


def _letters(rng, alphabet, low, high):
    return [
        str(c) for c in rng.choice(list(alphabet), size=int(rng.integers(low, high)))
    ]


def _with_longer_symbols(rng, symbols):
    """Join some neighbours, as earlier merges would have."""
    symbols = list(symbols)
    for _ in range(int(rng.integers(0, 3))):
        if len(symbols) > 1:
            i = int(rng.integers(0, len(symbols) - 1))
            symbols[i : i + 2] = [symbols[i] + symbols[i + 1]]
    return symbols


def most_frequent_pair(rng):
    words = [
        [
            _with_longer_symbols(rng, _letters(rng, "abcd", 0, 7)),
            int(rng.integers(1, 6)),
        ]
        for _ in range(int(rng.integers(1, 6)))
    ]
    if not any(len(symbols) > 1 for symbols, _ in words):
        return None  # the task promises at least one pair
    return [words], {}


def merge_pair(rng):
    symbols = _with_longer_symbols(rng, _letters(rng, "ab", 0, 9))
    if symbols and rng.random() < 0.8:
        i = int(rng.integers(0, len(symbols)))
        pair = [symbols[i], symbols[i + 1] if i + 1 < len(symbols) else symbols[0]]
    else:
        pair = _letters(rng, "ab", 2, 3)
    return [symbols, pair], {}


def bpe_encode(rng):
    word = "".join(_letters(rng, "abc", 0, 9))
    tokens, merges = ["a", "b", "c"], []
    for _ in range(int(rng.integers(0, 6))):
        # mostly symbols made by earlier merges, sometimes one no merge has made yet
        pool = tokens if rng.random() < 0.7 else ["a", "b", "c", "ab", "bc", "ca"]
        pair = [str(rng.choice(pool)), str(rng.choice(pool))]
        merges.append(pair)
        tokens.append(pair[0] + pair[1])
    if merges and rng.random() < 0.4:  # a merge that needs a symbol made only later
        later = int(rng.integers(0, len(merges)))
        made, other = "".join(merges[later]), str(rng.choice(["a", "b", "c"]))
        pair = [other, made] if rng.random() < 0.5 else [made, other]
        merges.insert(int(rng.integers(0, later + 1)), pair)
    return [word, merges], {}


def char_ngrams(rng):
    word = "".join(_letters(rng, "abcde", 0, 8))
    min_n = int(rng.integers(1, 5))
    return [word, min_n, min_n + int(rng.integers(0, 4))], {}


def perplexity(rng):
    # sometimes a long text, whose product of probabilities underflows
    size = (
        int(rng.integers(1, 8)) if rng.random() < 0.7 else int(rng.integers(400, 900))
    )
    probabilities = rng.choice([1e-4, 0.01, 0.1, 0.25, 0.5, 0.9, 1.0], size=size)
    return [probabilities.tolist()], {}, _some_arrays(rng, 1)


def bigram_probabilities(rng):
    vocab_size = int(rng.integers(1, 5))
    ids = rng.integers(0, vocab_size, size=int(rng.integers(1, 9))).tolist()
    k = [0.01, 0.5, 1.0, 2.0, 1, 3][int(rng.integers(6))]  # the last two: ints
    return [ids, vocab_size, k], {}


def sinusoidal_positions(rng):
    args = [int(rng.integers(1, 6)), 2 * int(rng.integers(1, 4))]
    if rng.random() < 0.3:
        return args, {"base": int(rng.choice([10, 100, 10000]))}
    return args, {}


def rope_rotate(rng):
    vector = rng.normal(size=2 * int(rng.integers(1, 4))).round(2).tolist()
    if _whole(rng):  # a vector of whole numbers: a copy of it is an int array
        vector = rng.integers(-4, 5, size=len(vector)).tolist()
    args = [vector, int(rng.integers(0, 20))]
    kwargs = {"base": int(rng.choice([10, 100]))} if rng.random() < 0.3 else {}
    return args, kwargs, _some_arrays(rng, 1)


GENERATORS: dict[str, Callable] = {
    "01.build_vocabulary": build_vocabulary,
    "01.one_hot_encode": one_hot_encode,
    "01.one_hot_decode": one_hot_decode,
    "01.one_hot_nbytes": one_hot_nbytes,
    "02.cosine_similarity_matrix": cosine_similarity_matrix,
    "02.cooccurrence_counts": cooccurrence_counts,
    "02.ppmi": ppmi,
    "02.svd_nearest": svd_nearest,
    "03.skipgram_pairs": skipgram_pairs,
    "03.keep_probabilities": keep_probabilities,
    "03.draw_negatives": draw_negatives,
    "03.negative_sampling_loss": negative_sampling_loss,
    "03.cbow_scores": cbow_scores,
    "04.cosine_similarity": cosine_similarity,
    "04.top_k_neighbours": top_k_neighbours,
    "04.solve_analogy": solve_analogy,
    "04.spearman": spearman,
    "05.embed_batch": embed_batch,
    "05.one_hot_matmul": one_hot_matmul,
    "05.rows_with_gradient": rows_with_gradient,
    "05.neighbours_through_table": neighbours_through_table,
    "06.glove_loss": glove_loss,
    "06.glove_gradients": glove_gradients,
    "06.nonzero_triples": nonzero_triples,
    "06.adagrad_step": adagrad_step,
    "07.most_frequent_pair": most_frequent_pair,
    "07.merge_pair": merge_pair,
    "07.bpe_encode": bpe_encode,
    "07.char_ngrams": char_ngrams,
    "08.perplexity": perplexity,
    "08.bigram_probabilities": bigram_probabilities,
    "08.sinusoidal_positions": sinusoidal_positions,
    "08.rope_rotate": rope_rotate,
}


def draw(
    task_id: str, rng: np.random.Generator, attempts: int = 1000
) -> tuple[list, dict, list]:
    """One usable input for ``task_id`` (drawing again past unusable ones): the
    arguments, the keyword arguments, and the positions of the arguments to pass as
    NumPy arrays (a generator may return that third item; most do not)."""
    for _ in range(attempts):
        drawn = GENERATORS[task_id](rng)
        if drawn is not None:
            args, kwargs, *arrays = drawn
            return args, kwargs, list(arrays[0]) if arrays else []
    raise RuntimeError(
        f"the generator of {task_id} found no usable input in {attempts} draws"
    )
