"""From-scratch PyTorch word2vec against gensim: speed and quality, side by side.

Trains, on the course corpus with chapter 3's settings (d = 100, window 5, 5 negatives,
5 epochs, min_count 5, sample 1e-3):

- the from-scratch Skip-Gram and CBOW of book/03_cbow_skipgram.ipynb, on 1 and 2 threads
  (the code is taken from the notebook's cells tagged "training-code", so it is the
  code the chapter shows);
- gensim's Word2Vec, Skip-Gram and CBOW, with workers=1 and workers=2;

all in one run, and prints words/s (corpus tokens times epochs, over seconds), wall time
and WordSim353 Spearman for each, then the torch/gensim ratios at equal cores.

    .venv/bin/python benchmarks/train_throughput.py [--epochs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from embcourse.progress import NO_PROGRESS_ENV

os.environ.setdefault(NO_PROGRESS_ENV, "1")

import torch  # noqa: E402

NOTEBOOK = Path(__file__).resolve().parent.parent / "book" / "03_cbow_skipgram.ipynb"


def notebook_code() -> dict:
    """Run the chapter's cells tagged training-code and return the names they define."""
    namespace: dict = {}
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    for cell in cells:
        if "training-code" in cell.get("metadata", {}).get("tags", []):
            exec(compile("".join(cell["source"]), str(NOTEBOOK), "exec"), namespace)
    return namespace


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
    ids, sentence_of = code["encode_corpus"](corpus, {w: i for i, w in enumerate(vocab)})
    keep, sampler = code["keep_probabilities"](counts), code["NoiseSampler"](counts)

    def wordsim(keyed_vectors) -> float:
        return keyed_vectors.evaluate_word_pairs(benchmark_path("wordsim353"))[1].statistic

    results = {}
    for threads in [1, 2]:
        for kind, lr in [("SkipGram", 0.025), ("CBOW", 0.05)]:
            torch.set_num_threads(threads)
            torch.manual_seed(0)
            model = code[kind](len(vocab), 100)
            started = time.perf_counter()
            code["train"](model, ids, sentence_of, keep, sampler, epochs=args.epochs, window=5,
                          negatives=5, lr=lr)
            seconds = time.perf_counter() - started
            vectors = code["KeyedVectors"](vector_size=100)
            vectors.add_vectors(vocab, model.input_vectors.weight.detach()[:len(vocab)].numpy())
            results[(f"torch {kind}", threads)] = (seconds, wordsim(vectors))
        for sg, kind, alpha in [(1, "SkipGram", 0.025), (0, "CBOW", 0.05)]:
            started = time.perf_counter()
            model = Word2Vec(corpus, sg=sg, vector_size=100, window=5, negative=5, min_count=5,
                             sample=1e-3, epochs=args.epochs, alpha=alpha, workers=threads, seed=0)
            seconds = time.perf_counter() - started
            results[(f"gensim {kind}", threads)] = (seconds, wordsim(model.wv))

    print(f"corpus: {raw_words:,} tokens, vocabulary {len(vocab):,}, {args.epochs} epochs, "
          f"d = 100, window 5, 5 negatives")
    print(f"{'':<18}{'threads':>8}{'seconds':>9}{'words/s':>11}{'WordSim353':>12}")
    for (name, threads), (seconds, score) in results.items():
        print(f"{name:<18}{threads:>8}{seconds:>9.1f}{raw_words * args.epochs / seconds:>11,.0f}"
              f"{score:>12.3f}")
    print("torch / gensim at equal threads:")
    for kind in ["SkipGram", "CBOW"]:
        for threads in [1, 2]:
            torch_s, torch_q = results[(f"torch {kind}", threads)]
            gensim_s, gensim_q = results[(f"gensim {kind}", threads)]
            print(f"  {kind:<9} {threads} thread(s): speed {gensim_s / torch_s:.2f}x, "
                  f"WordSim353 {torch_q - gensim_q:+.3f}")


if __name__ == "__main__":
    main()
