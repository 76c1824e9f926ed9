"""From-scratch PyTorch word2vec against gensim: speed and quality, side by side.

Trains, on the course corpus with chapter 3's settings (d = 100, window 5, 5 negatives,
5 epochs, min_count 5, sample 1e-3):

- the from-scratch Skip-Gram and CBOW of book/03_cbow_skipgram.ipynb, on 1 and 2 threads
  (the code is taken from the notebook's cells tagged "training-code", so it is the
  code the chapter shows);
- a prototype of a faster Skip-Gram (issue 19, not in the chapter yet): gensim's
  mirrored update with one draw of k negatives per centre word, shared by its whole
  window (pWord2Vec's idea, Ji et al. 2016), so each window's update is two small matrix
  products over the padded context rows that chapter 3's CBOW examples already hold;
  at 2 threads also as Hogwild: two Python threads of one torch thread each, updating
  the tables without locks, as gensim's workers do;
- gensim's Word2Vec, Skip-Gram and CBOW, with workers=1 and workers=2;

all in one run, and prints wall and CPU seconds, raw words per CPU-second (corpus tokens
times epochs, over CPU seconds, so that a second thread is not free), WordSim353
Spearman for each, and the ratio to gensim's words per CPU-second at the same number of
threads; then where one epoch of the prototype spends its CPU time (torch.profiler).

    .venv/bin/python benchmarks/train_throughput.py [--epochs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import threading
import time
from pathlib import Path

from embcourse.progress import NO_PROGRESS_ENV

os.environ.setdefault(NO_PROGRESS_ENV, "1")

import numpy as np
import torch

NOTEBOOK = Path(__file__).resolve().parent.parent / "book" / "03_cbow_skipgram.ipynb"


def notebook_code(notebook: Path = NOTEBOOK) -> dict:
    """Run a chapter's cells tagged training-code and return the names they define."""
    namespace: dict = {}
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if "training-code" in cell.get("metadata", {}).get("tags", []):
            exec(compile("".join(cell["source"]), str(notebook), "exec"), namespace)
    return namespace


@torch.no_grad()
def train_shared_negatives(
    code,
    w_in,
    w_out,
    pad,
    ids,
    sentence_of,
    keep,
    sampler,
    *,
    epochs,
    window=5,
    negatives=5,
    lr=0.025,
    batch_size=1024,
    seed=0,
    workers=1,
):
    """Skip-Gram, gensim's way round (each context row against the centre's output row),
    with the k negatives of a centre shared by all its context words.

    With ``workers`` > 1, that many Python threads share each epoch's batches and update
    the two tables without locks (Hogwild, as word2vec.c and gensim do); torch releases
    the GIL inside its operations, so the threads run at once."""
    rng = np.random.default_rng(seed)
    dim = w_in.shape[1]

    def work(contexts, centres, starts, epoch, generator):
        for start in starts:
            rows, centre = (
                contexts[start : start + batch_size],
                centres[start : start + batch_size],
            )
            n = len(centre)
            targets = torch.cat(
                [centre[:, None], sampler.draw(centre, negatives, generator)], 1
            )
            v = w_in.index_select(0, rows.view(-1)).view(n, -1, dim)  # (n, 2c, d)
            u = w_out.index_select(0, targets.view(-1)).view(
                n, -1, dim
            )  # (n, 1 + k, d)
            g = torch.sigmoid(torch.bmm(v, u.transpose(1, 2)))  # (n, 2c, 1 + k)
            g[:, :, 0] -= 1  # the centre is the true word
            # padding neither takes nor gives an update: zeroing its row after each
            # batch (as one thread could) would race with the other thread reading it
            g *= (rows != pad).unsqueeze(-1)
            g *= -lr * max(1e-4, 1 - (epoch + start / len(centres)) / epochs)
            w_in.index_add_(0, rows.view(-1), torch.bmm(g, u).view(-1, dim))
            w_out.index_add_(
                0, targets.view(-1), torch.bmm(g.transpose(1, 2), v).view(-1, dim)
            )

    for epoch in range(epochs):
        kept_ids, kept_sentences = code["subsample"](ids, sentence_of, keep, rng)
        contexts, centres = code["cbow_examples"](
            kept_ids, kept_sentences, window, rng, pad
        )
        order = rng.permutation(len(centres))
        contexts, centres = (
            torch.from_numpy(contexts[order]),
            torch.from_numpy(centres[order]),
        )
        starts = list(range(0, len(centres), batch_size))
        generators = [
            torch.Generator().manual_seed(seed * 1000 + epoch * 10 + worker)
            for worker in range(workers)
        ]
        if workers == 1:
            work(contexts, centres, starts, epoch, generators[0])
            continue
        threads = [
            threading.Thread(
                target=work,
                args=(
                    contexts,
                    centres,
                    starts[worker::workers],
                    epoch,
                    generators[worker],
                ),
            )
            for worker in range(workers)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()


def profile_summary(code, ids, sentence_of, keep, sampler, vocab_size, top=8) -> str:
    """Where one epoch of the shared-negatives Skip-Gram spends its CPU time, by torch
    op (torch.profiler, one thread), plus the time outside torch ops (Python, NumPy)."""
    from torch.profiler import ProfilerActivity, profile

    torch.set_num_threads(1)
    torch.manual_seed(0)
    model = code["CBOW"](vocab_size, 100)
    started = time.process_time()
    with profile(activities=[ProfilerActivity.CPU]) as profiler:
        train_shared_negatives(
            code,
            model.input_vectors.weight.data,
            model.output_vectors.weight.data,
            model.pad,
            ids,
            sentence_of,
            keep,
            sampler,
            epochs=1,
        )
    total = (time.process_time() - started) * 1e6
    events = sorted(
        profiler.key_averages(), key=lambda e: e.self_cpu_time_total, reverse=True
    )
    lines = [
        (
            "profile of one epoch, shared-negatives Skip-Gram, 1 thread: "
            f"{total / 1e6:.1f} CPU s"
        )
    ]
    in_ops = 0.0
    for event in events[:top]:
        in_ops += event.self_cpu_time_total
        lines.append(f"  {event.key:<28}{event.self_cpu_time_total / total:>7.1%}")
    rest = sum(event.self_cpu_time_total for event in events[top:])
    lines.append(f"  {'other torch ops':<28}{rest / total:>7.1%}")
    lines.append(
        f"  {'outside torch ops':<28}{max(0.0, 1 - (in_ops + rest) / total):>7.1%}"
        "  (windows, subsampling, Python)"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    code = notebook_code()
    from gensim.models import Word2Vec

    from embcourse.data import benchmark_path, load_corpus

    corpus = list(load_corpus())
    raw_words = sum(len(sentence) for sentence in corpus)
    vocab, counts = code["build_vocabulary"](corpus, min_count=5)
    ids, sentence_of = code["encode_corpus"](
        corpus, {w: i for i, w in enumerate(vocab)}
    )
    keep, sampler = code["keep_probabilities"](counts), code["NoiseSampler"](counts)

    def wordsim(keyed_vectors) -> float:
        return keyed_vectors.evaluate_word_pairs(benchmark_path("wordsim353"))[
            1
        ].statistic

    def vectors_of(table):
        vectors = code["KeyedVectors"](vector_size=100)
        vectors.add_vectors(vocab, table.detach()[: len(vocab)].numpy())
        return vectors

    def timed(run):
        wall, cpu = time.perf_counter(), time.process_time()
        vectors = run()
        return time.perf_counter() - wall, time.process_time() - cpu, wordsim(vectors)

    def torch_model(kind, lr):
        def run():
            torch.manual_seed(0)
            model = code[kind](len(vocab), 100)
            code["train"](
                model,
                ids,
                sentence_of,
                keep,
                sampler,
                epochs=args.epochs,
                window=5,
                negatives=5,
                lr=lr,
            )
            return vectors_of(model.input_vectors.weight)

        return run

    def shared_negatives(workers):
        def run():
            torch.manual_seed(0)
            model = code["CBOW"](len(vocab), 100)  # its input table has the padding row
            train_shared_negatives(
                code,
                model.input_vectors.weight.data,
                model.output_vectors.weight.data,
                model.pad,
                ids,
                sentence_of,
                keep,
                sampler,
                epochs=args.epochs,
                workers=workers,
            )
            return vectors_of(model.input_vectors.weight)

        return run

    def gensim_model(sg, alpha, threads):
        def run():
            return Word2Vec(
                corpus,
                sg=sg,
                vector_size=100,
                window=5,
                negative=5,
                min_count=5,
                sample=1e-3,
                epochs=args.epochs,
                alpha=alpha,
                workers=threads,
                seed=0,
            ).wv

        return run

    results = {}
    for threads in [1, 2]:
        torch.set_num_threads(threads)
        results[("torch SkipGram", threads)] = timed(torch_model("SkipGram", 0.025))
        results[("torch CBOW", threads)] = timed(torch_model("CBOW", 0.05))
        results[("torch SkipGram shared", threads)] = timed(shared_negatives(1))
        if (
            threads > 1
        ):  # the same, on `threads` Python threads of one torch thread each
            torch.set_num_threads(1)
            results[("torch SkipGram shared Hogwild", threads)] = timed(
                shared_negatives(threads)
            )
            torch.set_num_threads(threads)
        results[("gensim SkipGram", threads)] = timed(gensim_model(1, 0.025, threads))
        results[("gensim CBOW", threads)] = timed(gensim_model(0, 0.05, threads))

    words = raw_words * args.epochs
    print(
        f"corpus: {raw_words:,} tokens, vocabulary {len(vocab):,}, {args.epochs} "
        f"epochs, d = 100, window 5, 5 negatives"
    )
    print(
        f"{'':<30}{'threads':>8}{'wall s':>8}{'CPU s':>8}{'words/CPU-s':>13}"
        f"{'vs gensim':>10}{'WordSim353':>12}"
    )
    for (name, threads), (wall, cpu, score) in results.items():
        kind = "CBOW" if "CBOW" in name else "SkipGram"
        gensim_cpu = results[(f"gensim {kind}", threads)][1]
        print(
            f"{name:<30}{threads:>8}{wall:>8.1f}{cpu:>8.1f}{words / cpu:>13,.0f}"
            f"{gensim_cpu / cpu:>9.2f}x{score:>12.3f}"
        )
    print()
    print(profile_summary(code, ids, sentence_of, keep, sampler, len(vocab)))


if __name__ == "__main__":
    main()
