"""Why chapter 3's Skip-Gram scores higher than gensim's: an ablation.

Chapter 3's from-scratch Skip-Gram and gensim's Word2Vec train on the same corpus with
the same settings, yet ours scores higher on WordSim353. The two differ in how they
train, not only in their random draws:

- mirrored: gensim's Skip-Gram (word2vec_inner.pyx, `row1 = word2_index`) updates the
  input vector of the *context* word against the output vector of the centre; ours
  updates the centre's input vector against the context's output vector;
- skip: gensim skips a negative equal to the true word (one term fewer); ours redraws
  it;
- floor: gensim's learning rate falls linearly to an absolute min_alpha = 1e-4; ours to
  1e-4 times the starting rate;
- streamed: gensim walks the corpus in order, one centre word after another; ours
  shuffles each epoch's pairs;
- clip: gensim skips a term whose score is beyond +-6 (MAX_EXP: no gradient at all, even
  for a wrong one); ours always follows the exact gradient;
- init: gensim 4 starts the input vectors uniform in [-1/d, 1/d]
  (keyedvectors.prep_vectors), twice word2vec.c's [-0.5/d, 0.5/d], which ours uses;
- batch: gensim updates after every pair; ours sums the updates of 1,024 pairs.

This script trains our Skip-Gram (the notebook's own cells tagged "training-code")
with each of gensim's choices switched on alone, then all six together, and then
all six with batches of 256 pairs, over several seeds each, and gensim's Word2Vec over
the same seeds; it scores WordSim353 and SimLex-999 for each. Chapter 3 prints the
result.

    .venv/bin/python benchmarks/skipgram_gap.py   # about 35 minutes on 2 cores

Writes benchmarks/results/skipgram_gap.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from datetime import date
from pathlib import Path

from embcourse.progress import NO_PROGRESS_ENV

os.environ.setdefault(NO_PROGRESS_ENV, "1")

import numpy as np
import torch
from train_throughput import notebook_code

OUTPUT = Path(__file__).resolve().parent / "results" / "skipgram_gap.json"

# Each variant: the gensim choices it switches on, and the batch size.
ALL_SIX = {
    "mirrored": True,
    "skip": True,
    "floor": True,
    "streamed": True,
    "clip": True,
    "init": True,
}
VARIANTS = {
    "ours": {},
    "+ mirrored": {"mirrored": True},
    "+ skip": {"skip": True},
    "+ floor": {"floor": True},
    "+ streamed": {"streamed": True},
    "+ clip": {"clip": True},
    "+ init": {"init": True},
    "all six": dict(ALL_SIX),
    "all six, batch 256": dict(ALL_SIX, batch_size=256),
}


def pairs_in_corpus_order(code, ids, sentence_of, window, rng):
    """The notebook's skipgram_pairs, plus each pair's centre position, so pairs can be
    put back in the order a streaming trainer meets them."""
    state = rng.bit_generator.state
    centers, contexts = code["skipgram_pairs"](ids, sentence_of, window, rng)
    rng.bit_generator.state = state
    reach = rng.integers(1, window + 1, len(ids))  # the same draw skipgram_pairs made
    positions, offsets = [], []
    for offset in range(1, window + 1):
        same = sentence_of[:-offset] == sentence_of[offset:]
        right = same & (reach[:-offset] >= offset)
        left = same & (reach[offset:] >= offset)
        where_right, where_left = np.flatnonzero(right), np.flatnonzero(left)
        positions += [where_right, where_left + offset]
        offsets += [
            np.full(len(where_right), offset),
            np.full(len(where_left), -offset),
        ]
    positions, offsets = np.concatenate(positions), np.concatenate(offsets)
    assert len(positions) == len(centers)
    order = np.lexsort((offsets, positions))  # by centre, then left to right
    return centers, contexts, order


@torch.no_grad()
def step(model, inputs, targets, lr, skip, clip, gradients):
    w_in, w_out = model.input_vectors.weight, model.output_vectors.weight
    batch, width = targets.shape
    v = w_in.index_select(0, inputs)
    u = w_out.index_select(0, targets.view(-1)).view(batch, width, -1)
    if skip or clip:
        scores = (u * v.unsqueeze(1)).sum(-1)
        labels = torch.zeros_like(scores)
        labels[:, 0] = 1
        g = torch.sigmoid(scores) - labels
        if skip:  # a negative equal to the true word contributes nothing
            g[:, 1:] *= targets[:, 1:] != targets[:, :1]
        if clip:  # gensim's MAX_EXP: a score beyond +-6 contributes nothing
            g *= scores.abs() < 6
        grad_v, grad_u = (g.unsqueeze(-1) * u).sum(1), g.unsqueeze(-1) * v.unsqueeze(1)
    else:
        grad_v, grad_u = gradients(v, u)
    w_in.index_add_(0, inputs, grad_v.mul_(-lr))
    w_out.index_add_(0, targets.view(-1), grad_u.reshape(batch * width, -1).mul_(-lr))


def train(
    code,
    model,
    ids,
    sentence_of,
    keep,
    sampler,
    *,
    seed,
    epochs=5,
    window=5,
    negatives=5,
    lr=0.025,
    mirrored=False,
    skip=False,
    floor=False,
    streamed=False,
    clip=False,
    init=False,
    batch_size=1024,
):
    if init:  # gensim 4's range, [-1/d, 1/d], instead of the notebook's [-0.5/d, 0.5/d]
        torch.nn.init.uniform_(
            model.input_vectors.weight,
            -1 / model.input_vectors.embedding_dim,
            1 / model.input_vectors.embedding_dim,
        )
    rng, generator = np.random.default_rng(seed), torch.Generator().manual_seed(seed)
    for epoch in range(epochs):
        kept_ids, kept_sentences = code["subsample"](ids, sentence_of, keep, rng)
        centers, contexts, corpus_order = pairs_in_corpus_order(
            code, kept_ids, kept_sentences, window, rng
        )
        order = corpus_order if streamed else rng.permutation(len(centers))
        inputs, outputs = (contexts, centers) if mirrored else (centers, contexts)
        inputs, outputs = (
            torch.from_numpy(inputs[order]),
            torch.from_numpy(outputs[order]),
        )
        for start in range(0, len(outputs), batch_size):
            batch_in, batch_out = (
                inputs[start : start + batch_size],
                outputs[start : start + batch_size],
            )
            if skip:
                drawn = sampler.table[
                    torch.randint(
                        len(sampler.table),
                        (len(batch_out), negatives),
                        generator=generator,
                    )
                ]
            else:
                drawn = sampler.draw(batch_out, negatives, generator)
            targets = torch.cat([batch_out[:, None], drawn], 1)
            done = (epoch + start / len(outputs)) / epochs
            rate = lr - (lr - 1e-4) * done if floor else lr * max(1e-4, 1 - done)
            step(
                model,
                batch_in,
                targets,
                rate,
                skip,
                clip,
                code["negative_sampling_gradients"],
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument(
        "--only",
        nargs="*",
        help="variants to run again (default: all); the stored results keep the others",
    )
    args = parser.parse_args()
    torch.set_num_threads(2)
    code = notebook_code()
    from gensim.models import KeyedVectors, Word2Vec

    from embcourse.data import benchmark_path, load_corpus

    corpus = list(load_corpus())
    vocab, counts = code["build_vocabulary"](corpus, min_count=5)
    ids, sentence_of = code["encode_corpus"](
        corpus, {w: i for i, w in enumerate(vocab)}
    )
    keep, sampler = code["keep_probabilities"](counts), code["NoiseSampler"](counts)

    def quality(vectors) -> dict:
        return {
            name: round(
                float(vectors.evaluate_word_pairs(benchmark_path(name))[1].statistic), 4
            )
            for name in ["wordsim353", "simlex999"]
        }

    runs: dict = {}
    for name, options in VARIANTS.items():
        if args.only and name not in args.only:
            continue
        runs[name] = []
        for seed in range(args.seeds):
            torch.manual_seed(seed)
            model = code["SkipGram"](len(vocab), 100)
            started = time.perf_counter()
            train(code, model, ids, sentence_of, keep, sampler, seed=seed, **options)
            vectors = KeyedVectors(vector_size=100)
            vectors.add_vectors(
                vocab, model.input_vectors.weight.detach()[: len(vocab)].numpy()
            )
            runs[name].append(
                {
                    "seed": seed,
                    **quality(vectors),
                    "seconds": round(time.perf_counter() - started, 1),
                }
            )
            print(name, runs[name][-1], flush=True)
    if not args.only or "gensim" in args.only:
        runs["gensim"] = []
        for seed in range(args.seeds):
            started = time.perf_counter()
            model = Word2Vec(
                corpus,
                sg=1,
                vector_size=100,
                window=5,
                negative=5,
                min_count=5,
                sample=1e-3,
                epochs=5,
                alpha=0.025,
                workers=1,
                seed=seed,
            )
            runs["gensim"].append(
                {
                    "seed": seed,
                    **quality(model.wv),
                    "seconds": round(time.perf_counter() - started, 1),
                }
            )
            print("gensim", runs["gensim"][-1], flush=True)

    for name, results in runs.items():
        scores = [r["wordsim353"] for r in results]
        print(
            f"{name:<22} WordSim353 mean {statistics.mean(scores):.3f} "
            f"(min {min(scores):.3f}, max {max(scores):.3f})"
        )
    if args.only:  # replace those variants' runs in the stored results, keep the others
        stored = json.loads(OUTPUT.read_text(encoding="utf-8"))["runs"]
        runs = {
            name: runs.get(name, stored.get(name))
            for name in [*VARIANTS, "gensim"]
            if name in runs or name in stored
        }
    OUTPUT.parent.mkdir(exist_ok=True)
    OUTPUT.write_text(
        json.dumps(
            {
                "what": (
                    "chapter 3's Skip-Gram with gensim's training choices switched on, "
                    "and gensim"
                ),
                "variants": {
                    name: VARIANTS.get(name, {"gensim": True}) for name in runs
                },
                "runs": runs,
                "measured": {
                    "date": date.today().isoformat(),
                    "python": platform.python_version(),
                    "machine": platform.machine(),
                    "torch threads": 2,
                    "gensim workers": 1,
                },
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {OUTPUT}")


if __name__ == "__main__":
    main()
