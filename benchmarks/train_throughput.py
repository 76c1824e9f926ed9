"""From-scratch PyTorch word2vec against gensim: speed and quality, side by side.

Trains, on the course corpus with chapter 3's settings (d = 100, window 5, 5 negatives,
5 epochs, min_count 5, sample 1e-3), all in one run (the fast and gensim models
--repeats times each, in turn, keeping the run with the fewest CPU seconds, since the
machines are noisy):

- the plain from-scratch Skip-Gram and CBOW of book/03_cbow_skipgram.ipynb (`train`),
  on 1 and on 2 torch threads;
- the chapter's fast Skip-Gram and CBOW (`train_fast`, section 3.10), on 1 thread and
  on 2 worker threads of one torch thread each (Hogwild);
- gensim's Word2Vec, Skip-Gram and CBOW, with workers=1 and workers=2;

Every timed run starts from the same tokenised sentences: gensim's includes its
build_vocab, ours chapter 3's vocabulary, ids and noise table (Setup.prepare). It
prints wall and CPU seconds, raw words per CPU-second (corpus tokens times epochs,
over the process's CPU seconds, so that a second thread is not free), the ratio to
gensim's words per CPU-second at the same number of threads, and WordSim353 (Spearman,
the same pairs for every model: they share one vocabulary); then where one epoch of
each fast model spends its CPU time (torch.profiler). The code is taken from the
notebook's cells tagged "training-code", so it is the code the chapter shows.

A full run (5 epochs) writes benchmarks/results/train_throughput.json, which chapter 3
prints; `--profile` profiles one epoch of each model, plain and fast, and writes
benchmarks/results/train_profile.json, which chapter 3 prints too. `--groups` instead
measures the fast models' speed for several group sizes
(one epoch each, one thread): how the chapter's sizes were chosen, on speed alone.

Every run prints the processor and the vector instructions torch's and OpenBLAS's
kernels use, so that runs on different machines can be compared. Chapter 3 also prints
a second full run on the same machine with torch's AVX-512 kernels switched off by the
caller (the project never sets these variables itself):

    .venv/bin/python benchmarks/train_throughput.py [--epochs 5] [--repeats 5]
    ATEN_CPU_CAPABILITY=avx2 .venv/bin/python benchmarks/train_throughput.py \
        --output benchmarks/results/train_throughput_avx2.json
    .venv/bin/python benchmarks/train_throughput.py --profile
    .venv/bin/python benchmarks/train_throughput.py --groups
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

from embcourse.progress import NO_PROGRESS_ENV

os.environ.setdefault(NO_PROGRESS_ENV, "1")

import numpy as np
import torch

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "book" / "03_cbow_skipgram.ipynb"
RESULTS = ROOT / "benchmarks" / "results" / "train_throughput.json"
PROFILE = ROOT / "benchmarks" / "results" / "train_profile.json"
GROUP_SWEEP = ROOT / "benchmarks" / "results" / "train_groups.json"
GROUPS = {"SkipGram": 4, "CBOW": 16}  # the chapter's group sizes
LEARNING_RATES = {"SkipGram": 0.025, "CBOW": 0.05}  # word2vec.c's, as in chapter 3
WINDOW, NEGATIVES = 5, 5  # chapter 3's, for every trainer here and gensim


def notebook_code(notebook: Path = NOTEBOOK) -> dict:
    """Run a chapter's cells tagged training-code and return the names they define."""
    namespace: dict = {}
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if "training-code" in cell.get("metadata", {}).get("tags", []):
            exec(compile("".join(cell["source"]), str(notebook), "exec"), namespace)
    return namespace


class Setup:
    """The corpus, and the vocabulary, ids and samplers chapter 3 builds from it."""

    def __init__(self, code: dict):
        from embcourse.data import load_corpus

        self.code = code
        self.corpus = list(load_corpus())
        self.raw_words = sum(len(sentence) for sentence in self.corpus)
        self.prepare()

    def prepare(self) -> None:
        """From tokenised sentences to what training needs, as gensim's build_vocab
        does (each timed run of ours does this again, since gensim's does)."""
        code = self.code
        self.vocab, counts = code["build_vocabulary"](self.corpus, min_count=5)
        self.ids, self.sentence_of = code["encode_corpus"](
            self.corpus, {w: i for i, w in enumerate(self.vocab)}
        )
        self.keep = code["keep_probabilities"](counts)
        self.sampler = code["NoiseSampler"](counts)

    def fast_model(self, kind: str):
        torch.manual_seed(0)
        model_class = self.code["WindowSkipGram" if kind == "SkipGram" else "CBOW"]
        return model_class(len(self.vocab), 100)

    def _train(self, trainer, model, kind, epochs, **more):
        """Chapter 3's `trainer` on the prepared data, with its settings; what it
        returns (the plain `train`'s loss curve)."""
        return self.code[trainer](
            model,
            self.ids,
            self.sentence_of,
            self.keep,
            self.sampler,
            epochs=epochs,
            window=WINDOW,
            negatives=NEGATIVES,
            lr=LEARNING_RATES[kind],
            **more,
        )

    def train_plain(self, model, kind, epochs):
        """Chapter 3's plain `train`; its loss curve."""
        return self._train("train", model, kind, epochs)

    def train_fast(self, model, kind, epochs, workers=1, group=None):
        """Section 3.10's `train_fast`, with the same settings."""
        self._train(
            "train_fast",
            model,
            kind,
            epochs,
            group=group or GROUPS[kind],
            workers=workers,
        )


def gensim_word2vec(corpus, kind: str, epochs: int, workers: int):
    """gensim's Word2Vec with chapter 3's settings (seeded; repeatable at workers=1)."""
    from gensim.models import Word2Vec

    return Word2Vec(
        corpus,
        sg=int(kind == "SkipGram"),
        vector_size=100,
        window=WINDOW,
        negative=NEGATIVES,
        min_count=5,
        sample=1e-3,
        epochs=epochs,
        alpha=LEARNING_RATES[kind],
        workers=workers,
        seed=0,
    )


def profile(setup: Setup, kind: str, plain: bool = False, top: int = 6) -> dict:
    """Where one epoch of a model (fast, or chapter 3's plain one) spends its CPU time,
    on one thread: the data preparation in NumPy (timed alone), and the torch ops by
    their own time (from torch.profiler, whose overhead inflates them; so shares of the
    ops' time)."""
    from torch.profiler import ProfilerActivity, profile

    code = setup.code
    torch.set_num_threads(1)

    def one_epoch():
        if not plain:
            setup.train_fast(setup.fast_model(kind), kind, epochs=1)
            return
        torch.manual_seed(0)
        setup.train_plain(code[kind](len(setup.vocab), 100), kind, epochs=1)

    started = time.process_time()
    one_epoch()
    epoch = time.process_time() - started
    rng, pad = np.random.default_rng(0), len(setup.vocab)
    started = time.process_time()
    kept = code["subsample"](setup.ids, setup.sentence_of, setup.keep, rng)
    if not plain:
        code["window_batches"](
            *kept, WINDOW, rng, pad, 1024, GROUPS[kind], kind == "CBOW"
        )
    elif kind == "CBOW":
        code["cbow_examples"](*kept, WINDOW, rng, pad)
    else:
        code["skipgram_pairs"](*kept, WINDOW, rng)
    preparation = time.process_time() - started
    started = time.process_time()
    with profile(activities=[ProfilerActivity.CPU]) as profiler:
        one_epoch()
    profiled = time.process_time() - started
    events = sorted(
        profiler.key_averages(), key=lambda e: e.self_cpu_time_total, reverse=True
    )
    ops = sum(event.self_cpu_time_total for event in events) / 1e6
    return {
        "epoch_cpu_seconds": round(epoch, 2),
        "preparation_share": round(preparation / epoch, 3),
        "profiled_cpu_seconds": round(profiled, 2),
        "ops_share_of_profiled": round(ops / profiled, 3),
        "op_shares": {
            event.key: round(event.self_cpu_time_total / 1e6 / ops, 3)
            for event in events[:top]
        }
        | {
            "other ops": round(
                sum(event.self_cpu_time_total for event in events[top:]) / 1e6 / ops,
                3,
            )
        },
    }


def describe(name: str, found: dict) -> str:
    """A model's profile (from `profile`), as text."""
    epoch, profiled = found["epoch_cpu_seconds"], found["profiled_cpu_seconds"]
    lines = [
        (
            f"one epoch of the {name}, 1 thread: {epoch:.2f} CPU s; data "
            f"preparation in NumPy (subsampling, windows) "
            f"{found['preparation_share']:.1%} of it"
        ),
        (
            f"  under torch.profiler (which slows every op): {profiled:.2f} CPU s, "
            f"{found['ops_share_of_profiled']:.1%} of it in torch ops; their shares of "
            "the ops' time:"
        ),
    ]
    for op, share in found["op_shares"].items():
        lines.append(f"    {op:<32}{share:>7.1%}")
    return "\n".join(lines)


def group_sweep(setup: Setup, sizes=(1, 2, 4, 8, 16), repeats=3) -> None:
    """Words per CPU-second of one epoch for each group size, one thread, the best of
    `repeats` runs taken in turn (the machine is noisy); speed only, no score."""
    torch.set_num_threads(1)
    sweep: dict = {"repeats": repeats}
    print(
        f"group sizes, one epoch, 1 thread, best of {repeats} "
        "(raw words per CPU-second):"
    )
    for kind in ["SkipGram", "CBOW"]:
        best = dict.fromkeys(sizes, 0.0)
        for _ in range(repeats):
            for size in sizes:
                model = setup.fast_model(kind)
                started = time.process_time()
                setup.train_fast(model, kind, epochs=1, group=size)
                speed = setup.raw_words / (time.process_time() - started)
                best[size] = max(best[size], speed)
        speeds = list(best.values())
        sweep[kind] = {str(size): round(speed) for size, speed in best.items()}
        print(
            f"  {kind:<9}"
            + "  ".join(f"G={g}: {s:,.0f}" for g, s in zip(sizes, speeds, strict=True))
        )
    GROUP_SWEEP.write_text(json.dumps(sweep, indent=1) + "\n")
    print(f"written: {GROUP_SWEEP.relative_to(ROOT)}")


def cpu_model() -> str:
    """The processor's name, as the operating system gives it."""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def kernels() -> str:
    """Which vector instructions torch's and OpenBLAS's kernels use on this machine
    (ATEN_CPU_CAPABILITY and OPENBLAS_CORETYPE, set by the caller, change them)."""
    import threadpoolctl

    blas = sorted(
        {
            info.get("architecture") or "?"
            for info in threadpoolctl.threadpool_info()
            if info.get("internal_api") == "openblas"
        }
    )
    return (
        f"torch kernels {torch.backends.cpu.get_cpu_capability()}, "
        f"OpenBLAS kernels {'/'.join(blas) or 'none found'}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument(
        "--groups", action="store_true", help="only compare group sizes, on speed"
    )
    parser.add_argument(
        "--repeats", type=int, default=5, help="runs of each fast and gensim model"
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=RESULTS,
        help="where a full run writes its results (default: the file chapter 3 prints)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help=f"only profile one epoch of each model, plain and fast ({PROFILE.name})",
    )
    args = parser.parse_args()
    code = notebook_code()
    setup = Setup(code)
    if args.groups:
        group_sweep(setup)
        return
    if args.profile:
        found = {
            f"{who} {kind}": profile(setup, kind, plain=who == "plain")
            for who in ["plain", "fast"]
            for kind in ["SkipGram", "CBOW"]
        }
        for name, measured in found.items():
            print(describe(name, measured))
        PROFILE.write_text(json.dumps(found, indent=1) + "\n")
        print(f"written: {PROFILE.relative_to(ROOT)}")
        return
    from embcourse.data import benchmark_path

    def wordsim(keyed_vectors) -> float:
        return keyed_vectors.evaluate_word_pairs(benchmark_path("wordsim353"))[
            1
        ].statistic

    def vectors_of(model):
        vectors = code["KeyedVectors"](vector_size=100)
        weights = model.input_vectors.weight.detach()
        vectors.add_vectors(setup.vocab, weights[: len(setup.vocab)].numpy())
        return vectors

    def timed(run):
        wall, cpu = time.perf_counter(), time.process_time()
        vectors = run()
        return time.perf_counter() - wall, time.process_time() - cpu, wordsim(vectors)

    def plain(kind, threads):
        def run():
            setup.prepare()  # vocabulary, ids and noise table, timed as gensim's are
            torch.set_num_threads(threads)
            torch.manual_seed(0)
            model = code[kind](len(setup.vocab), 100)
            setup.train_plain(model, kind, args.epochs)
            return vectors_of(model)

        return run

    def fast(kind, threads):
        def run():
            setup.prepare()  # vocabulary, ids and noise table, timed as gensim's are
            torch.set_num_threads(1)  # each worker is one thread
            model = setup.fast_model(kind)
            setup.train_fast(model, kind, args.epochs, workers=threads)
            return vectors_of(model)

        return run

    def gensim_model(kind, threads):
        def run():
            return gensim_word2vec(setup.corpus, kind, args.epochs, threads).wv

        return run

    names = {"SkipGram": "Skip-Gram", "CBOW": "CBOW"}
    results, cpu_runs = {}, {}
    for threads in [1, 2]:
        for kind in ["SkipGram", "CBOW"]:
            results[(f"{names[kind]} (ours)", threads)] = timed(plain(kind, threads))
            for _ in range(args.repeats):  # fast and gensim in turn, the best kept
                for who, run in [("fast", fast), ("gensim", gensim_model)]:
                    key = (f"{names[kind]} ({who})", threads)
                    measured = timed(run(kind, threads))
                    cpu_runs.setdefault(key, []).append(round(measured[1], 1))
                    if key not in results or measured[1] < results[key][1]:
                        results[key] = measured

    words = setup.raw_words * args.epochs
    machine = (
        f"{os.cpu_count()} cores of {cpu_model()}, {kernels()}; "
        f"torch {torch.__version__}, gensim {__import__('gensim').__version__}, "
        f"Python {platform.python_version()}"
    )
    print(
        f"corpus: {setup.raw_words:,} tokens, vocabulary {len(setup.vocab):,}, "
        f"{args.epochs} epochs, d = 100, window 5, 5 negatives; {machine}"
    )
    print(
        f"fast and gensim: the run with the fewest CPU seconds of {args.repeats}, "
        "taken in turn (all runs' CPU seconds below); plain (ours): one run"
    )
    print(
        f"{'':<20}{'threads':>8}{'wall s':>8}{'CPU s':>8}{'words/CPU-s':>13}"
        f"{'vs gensim':>10}{'WordSim353':>12}"
    )
    runs = []
    for (name, threads), (wall, cpu, score) in results.items():
        gensim_cpu = results[(name.split(" (")[0] + " (gensim)", threads)][1]
        print(
            f"{name:<20}{threads:>8}{wall:>8.1f}{cpu:>8.1f}{words / cpu:>13,.0f}"
            f"{gensim_cpu / cpu:>9.2f}x{score:>12.3f}"
        )
        runs.append(
            {
                "model": name,
                "threads": threads,
                "wall_seconds": round(wall, 1),
                "cpu_seconds": round(cpu, 1),
                "words_per_cpu_second": round(words / cpu),
                "vs_gensim": round(gensim_cpu / cpu, 2),
                "wordsim353": round(score, 3),
                "cpu_seconds_of_each_run": cpu_runs.get((name, threads), [cpu]),
            }
        )
    for (name, threads), each in cpu_runs.items():
        print(f"  {name}, {threads} thread(s), CPU s of each run: {each}")
    for kind in ["SkipGram", "CBOW"]:
        print()
        print(describe(f"fast {kind}", profile(setup, kind)))
    if args.epochs == 5 and args.repeats >= 3:
        args.output.write_text(
            json.dumps(
                {
                    "machine": f"measured side by side in one run: {machine}",
                    "repeats": args.repeats,
                    "runs": runs,
                },
                indent=1,
            )
            + "\n"
        )
        print(f"\nwritten: {args.output}")


if __name__ == "__main__":
    main()
