"""Chapter 3's plain trainer, full run: what sections 3.6 and 3.7 print of it.

The plain from-scratch Skip-Gram and CBOW of book/03_cbow_skipgram.ipynb (`train`,
section 3.6) take over a minute together for 5 epochs on one core, too long for a page
that should run in a minute and a half; the page trains them briefly, to show the loss
falling, and prints this full run. It trains, with the chapter's own code (its cells
tagged "training-code") and settings (d = 100, window 5, 5 negatives, 5 epochs,
learning rates 0.025 and 0.05, seed 0, one torch thread):

- the plain Skip-Gram and CBOW, keeping for each its seconds, its loss curve (one batch
  in every 200, as `train` returns it), its WordSim353, SimLex-999 and analogy scores
  (as the chapter's `scores`) and the eight nearest neighbours of *king*;
- gensim's Word2Vec, Skip-Gram and CBOW, with the same settings and workers=1, timed in
  the same run so that the seconds compare like with like.

It writes benchmarks/results/plain_models.json with a fingerprint of the training code
and the settings; tests/test_chapter3_quality.py fails when the chapter's code has
changed since, and then this has to be run again:

    .venv/bin/python benchmarks/plain_models.py
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import time
from pathlib import Path

from embcourse.progress import NO_PROGRESS_ENV

os.environ.setdefault(NO_PROGRESS_ENV, "1")

import torch
import train_throughput
from train_throughput import NOTEBOOK, Setup, gensim_word2vec, notebook_code

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "plain_models.json"
#: The settings train_throughput's Setup trains with (seed 0 is `train`'s default), as
#: the fingerprint records them.
SETTINGS = {
    "dim": 100,
    "window": train_throughput.WINDOW,
    "negatives": train_throughput.NEGATIVES,
    "epochs": 5,
    "seed": 0,
}
NAMES = {"SkipGram": "Skip-Gram", "CBOW": "CBOW"}
LEARNING_RATES = {  # word2vec.c's, as in the chapter
    NAMES[kind]: rate for kind, rate in train_throughput.LEARNING_RATES.items()
}


#: Chapter cells besides the training code whose settings this run must share: the
#: dimension (cell-009), the settings and learning rates (cell-036), the scores
#: (cell-046). A change to any of them makes the stored run stale.
SETTING_CELLS = ("cell-009", "cell-036", "cell-046")


def fingerprint(notebook: Path = NOTEBOOK) -> str:
    """SHA-256 of the chapter's training code, of its cells that set what this run
    uses, and of the settings written here."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    code = "\n".join(
        "".join(cell["source"])
        for cell in cells
        if "training-code" in cell.get("metadata", {}).get("tags", [])
        or cell.get("id") in SETTING_CELLS
    )
    described = json.dumps(
        {"code": code, "settings": SETTINGS, "lr": LEARNING_RATES}, sort_keys=True
    )
    return hashlib.sha256(described.encode()).hexdigest()


def scores(vectors) -> list[float]:
    """WordSim353, SimLex-999 (Spearman) and analogy accuracy, as chapter 3 scores."""
    from embcourse.data import benchmark_path

    wordsim = vectors.evaluate_word_pairs(benchmark_path("wordsim353"))[1].statistic
    simlex = vectors.evaluate_word_pairs(benchmark_path("simlex999"))[1].statistic
    analogies = vectors.evaluate_word_analogies(
        benchmark_path("google_analogies"), restrict_vocab=30_000
    )[0]
    return [float(wordsim), float(simlex), float(analogies)]


def summary(vectors, seconds: float, losses=None) -> dict:
    found = {
        "seconds": round(seconds, 2),
        "scores": scores(vectors),
        "king": [w for w, _ in vectors.most_similar("king", topn=8)],
    }
    if losses is not None:
        found["losses"] = [round(loss, 5) for loss in losses]
    return found


def main() -> int:
    import gensim
    from gensim.models import KeyedVectors

    torch.set_num_threads(1)  # as the chapter trains
    setup = Setup(notebook_code())
    models = {}
    for kind, name in NAMES.items():
        torch.manual_seed(SETTINGS["seed"])
        model = setup.code[kind](len(setup.vocab), SETTINGS["dim"])
        started = time.perf_counter()
        losses = setup.train_plain(model, kind, SETTINGS["epochs"])
        seconds = time.perf_counter() - started
        vectors = KeyedVectors(vector_size=SETTINGS["dim"])
        table = model.input_vectors.weight.detach()[: len(setup.vocab)].numpy()
        vectors.add_vectors(setup.vocab, table)
        models[f"{name} (ours)"] = summary(vectors, seconds, losses)
        print(f"{name} (ours): {seconds:.1f} s, scores {models[f'{name} (ours)']}")
    for kind, name in NAMES.items():
        started = time.perf_counter()
        gensim_word2vec(setup.corpus, kind, SETTINGS["epochs"], workers=1)
        seconds = time.perf_counter() - started
        models[f"{name} (gensim)"] = {"seconds": round(seconds, 2)}
        print(f"{name} (gensim): {seconds:.1f} s")
    result = {
        "machine": (
            f"measured in one run: {os.cpu_count()} cores, one thread each, torch "
            f"{torch.__version__}, gensim {gensim.__version__}, Python "
            f"{platform.python_version()}"
        ),
        "fingerprint": fingerprint(),
        "settings": SETTINGS,
        "raw_words": setup.raw_words,
        "models": models,
    }
    RESULTS.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
