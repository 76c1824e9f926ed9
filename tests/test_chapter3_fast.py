"""Chapter 3's fast trainer (section 3.10), tested on its own: window batches hold
exactly each token's window, a fast step is the plain step on the same pairs for any
group size, shared negatives are never a centre of their group, a worker's error
reaches the caller, and one worker repeats itself exactly.

Its speed is measured in benchmarks/train_throughput.py, side by side with gensim; its
quality on the real corpus is read from the chapter's stored table
(tests/test_chapter3_quality.py)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch

from conftest import chapter_notebook, code_cells


@pytest.fixture(scope="module")
def code() -> dict:
    """The names defined by chapter 3's cells tagged training-code."""
    namespace: dict = {}
    path = chapter_notebook("03")
    for cell in code_cells(path):
        if "training-code" in cell["metadata"].get("tags", []):
            exec(compile("".join(cell["source"]), str(path), "exec"), namespace)
    return namespace


def test_window_batches_hold_each_tokens_window_and_nothing_else(code):
    rng = np.random.default_rng(1)
    lengths = [1, 2, 7, 3, 12, 1, 5]  # sentences, some too short for any context
    n, pad, window, group = sum(lengths), 1000, 3, 4
    ids = np.arange(n)  # every token its own id, so a row tells its position
    sentence_of = np.repeat(np.arange(len(lengths)), lengths)
    batches = code["window_batches"](ids, sentence_of, window, rng, pad, 8, group)
    seen = []
    for contexts, centres in batches:
        assert len(centres) % group == 0 and len(centres) <= 8
        r = contexts.shape[1] // 2
        assert contexts.shape[1] == 2 * r and 1 <= r <= window
        for row, centre in zip(contexts.tolist(), centres.tolist(), strict=True):
            if all(word == pad for word in row):
                continue  # a row filling the last group: it learns nothing
            expected = [
                p if 0 <= p < n and sentence_of[p] == sentence_of[centre] else pad
                for p in [
                    *range(centre - r, centre),
                    *range(centre + 1, centre + r + 1),
                ]
            ]
            assert row == expected
            seen.append(centre)
    with_context = [
        t for t in range(n) if lengths[sentence_of[t]] > 1
    ]  # one-word sentences have no context
    assert sorted(seen) == with_context


def _as_bags(contexts, pad):
    """Padded windows as CBOW's bags: (words, offsets, rows)."""
    used = contexts != pad
    count = used.sum(1)
    rows = torch.arange(len(count)).repeat_interleave(count)
    return contexts[used], count.cumsum(0) - count, rows


def test_cbow_bags_hold_the_same_words_as_the_padded_windows(code):
    """window_batches(..., bags=True) gives, batch for batch, each centre's words of
    the padded windows without the padding, with offsets and rows that say whose."""
    lengths = [1, 2, 7, 3, 12, 1, 5, 40, 2, 9]
    n, pad = sum(lengths), 1000
    ids = np.arange(n)
    sentence_of = np.repeat(np.arange(len(lengths)), lengths)
    padded = code["window_batches"](
        ids, sentence_of, 4, np.random.default_rng(7), pad, 8, 4
    )
    bagged = code["window_batches"](
        ids, sentence_of, 4, np.random.default_rng(7), pad, 8, 4, bags=True
    )
    assert len(padded) == len(bagged)
    for (contexts, centres), ((words, offsets, rows), bag_centres) in zip(
        padded, bagged, strict=True
    ):
        assert torch.equal(centres, bag_centres)
        expected = _as_bags(contexts, pad)
        for mine, theirs in zip((words, offsets, rows), expected, strict=True):
            assert mine.dtype == torch.int64
            assert torch.equal(mine, theirs)


@pytest.mark.parametrize("kind", ["WindowSkipGram", "CBOW"])
@pytest.mark.parametrize("group", [1, 3])
def test_a_fast_step_is_the_plain_step_on_the_same_pairs(code, kind, group):
    torch.manual_seed(group)
    vocab, dim, r, k, groups = 40, 6, 2, 4, 3
    fast = code[kind](vocab, dim)
    torch.nn.init.normal_(fast.output_vectors.weight)
    pad = fast.pad
    contexts = torch.randint(0, vocab, (group * groups, 2 * r))
    contexts[torch.rand(contexts.shape) < 0.3] = pad
    contexts[:, 0] = torch.randint(0, vocab, (len(contexts),))  # one word at least
    targets = torch.randint(0, vocab, (groups, group + k))
    plain = code["SkipGram" if kind == "WindowSkipGram" else "CBOW"](vocab, dim)
    with torch.no_grad():
        for mine, theirs in zip(plain.parameters(), fast.parameters(), strict=True):
            mine.copy_(theirs[: len(mine)])
    batch = _as_bags(contexts, pad) if kind == "CBOW" else contexts
    code["fast_step"](fast, batch, targets, lr=0.2)
    own = targets[:, :group].reshape(-1, 1)
    negatives = targets[:, group:].repeat_interleave(group, 0)
    per_centre = torch.cat([own, negatives], 1)  # (centres, 1 + k)
    if kind == "CBOW":
        code["sgd_step"](plain, contexts, per_centre, lr=0.2)
    else:
        used = contexts != pad
        rows = used.nonzero()[:, 0]
        code["sgd_step"](plain, contexts[used], per_centre[rows], lr=0.2)
    for mine, theirs in zip(plain.parameters(), fast.parameters(), strict=True):
        torch.testing.assert_close(theirs[: len(mine)], mine, atol=1e-6, rtol=1e-5)
    assert not fast.input_vectors.weight[pad].any(), "the padding row learned"


def test_shared_negatives_are_never_a_centre_of_their_group(code):
    counts = np.array([50.0, 30, 10, 5, 5])
    sampler = code["NoiseSampler"](counts, table_size=1000)
    groups = torch.tensor([[0, 1], [0, 2], [1, 0]] * 200)
    negatives = code["shared_negatives"](
        sampler, groups, 5, torch.Generator().manual_seed(0)
    )
    assert negatives.shape == (600, 5)
    assert not (negatives[:, :, None] == groups[:, None, :]).any()
    for row, group in zip(negatives.tolist(), groups.tolist(), strict=True):
        assert set(row) <= set(range(5)) - set(group)


def _toy(code):
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 30, 3000)
    lengths = np.tile([1, 9, 1, 12, 7], 100)[:343]  # some one-word sentences
    lengths[-1] += 3000 - lengths.sum()
    sentence_of = np.repeat(np.arange(len(lengths)), lengths)
    counts = np.bincount(ids, minlength=30).astype(float)
    return ids, sentence_of, code["keep_probabilities"](counts, 0.1), counts


@pytest.mark.parametrize("kind", ["WindowSkipGram", "CBOW"])
def test_one_worker_repeats_itself_exactly(code, kind):
    ids, sentence_of, keep, counts = _toy(code)
    tables = []
    for _ in range(2):
        torch.manual_seed(0)
        model = code[kind](30, 8)
        code["train_fast"](
            model,
            ids,
            sentence_of,
            keep,
            code["NoiseSampler"](counts),
            epochs=2,
            window=3,
            negatives=3,
            lr=0.05,
            group=4,
            batch_size=64,
        )
        tables.append(model.input_vectors.weight.detach().clone())
    assert torch.equal(tables[0], tables[1])
    assert torch.isfinite(tables[0]).all(), "rows without context made NaN or inf"
    assert not tables[0][30].any(), "the padding row learned"


def test_window_sizes_are_drawn_uniformly_from_1_to_window(code):
    n, window = 60_000, 5
    ids, sentence_of = np.arange(n), np.arange(n) // 30
    batches = code["window_batches"](
        ids, sentence_of, window, np.random.default_rng(3), n, 1024, 4
    )
    rows = np.zeros(window + 1)
    for contexts, _ in batches:
        rows[contexts.shape[1] // 2] += len(contexts)
    assert rows[0] == 0
    shares = rows[1:] / rows.sum()
    assert np.allclose(shares, 1 / window, atol=0.01), shares


@pytest.mark.parametrize("kind", ["WindowSkipGram", "CBOW"])
@pytest.mark.parametrize("workers", [1, 2])
def test_every_window_is_trained_once_an_epoch_with_its_own_targets(
    code, monkeypatch, kind, workers
):
    """Record every fast_step: each token is a centre once an epoch (two workers do not
    share or skip batches), a row's words are its own centre's window and its targets
    start with that centre, and the learning rate falls from lr."""
    n, group, window = 2000, 4, 3
    ids, sentence_of = np.arange(n), np.arange(n) // 10  # unique ids: id = position
    calls = []

    def record(model, contexts, targets, lr):
        if isinstance(contexts, tuple):  # CBOW's bags: each row's words
            words, offsets, rows = contexts
            assert len(words) == len(rows)
            assert torch.equal(
                offsets, torch.searchsorted(rows, torch.arange(len(offsets)))
            )
            row_words = [words[rows == row].tolist() for row in range(len(offsets))]
        else:
            row_words = [[w for w in row if w != n] for row in contexts.tolist()]
        calls.append((row_words, targets.clone(), lr))

    monkeypatch.setitem(code, "fast_step", record)
    code["train_fast"](
        code[kind](n, 4),
        ids,
        sentence_of,
        np.ones(n),  # keep every token
        code["NoiseSampler"](np.ones(n)),
        epochs=2,
        window=window,
        negatives=2,
        lr=0.1,
        group=group,
        batch_size=64,
        workers=workers,
    )
    centres = []
    for row_words, targets, _ in calls:
        assert len(row_words) == group * len(targets)
        own = targets[:, :group].reshape(-1).tolist()
        for words, centre in zip(row_words, own, strict=True):
            if not words:
                continue  # a row filling the last group
            windows = [
                [p for p in range(centre - r, centre + r + 1) if p != centre]
                for r in range(1, window + 1)
            ]
            windows = [[p for p in w if p // 10 == centre // 10] for w in windows]
            assert words in windows, (words, centre)
            centres.append(centre)
    assert sorted(centres) == sorted(list(range(n)) * 2)
    if workers == 1:
        rates = [lr for _, _, lr in calls]
        assert rates[0] == 0.1
        assert all(a > b for a, b in itertools.pairwise(rates))


def test_an_error_in_a_worker_reaches_the_caller(code):
    ids, sentence_of, keep, counts = _toy(code)
    sampler = code["NoiseSampler"](counts)
    sampler.table = sampler.table + 100  # noise words the tables do not have
    with pytest.raises(IndexError):
        code["train_fast"](
            code["CBOW"](30, 8),
            ids,
            sentence_of,
            keep,
            sampler,
            epochs=1,
            window=3,
            negatives=3,
            lr=0.05,
            group=4,
            batch_size=64,
            workers=2,
        )
