"""Chapter 6's GloVe settings, chosen on the development half of WordSim353.

Trains the chapter's GloVe (its cells tagged "training-code", d = 100, seed 0) for each
x_max in {10, 100} (the demo script's and the paper's) and each learning rate in
{0.05, 0.2} (the paper's, and a larger one for batches that sum many gradients),
scores the development half of WordSim353 (chapter 2's random split) after 5 and 10
epochs, and keeps the best combination. Only development pairs are scored here: the
test half is scored once, in the chapter, with the chosen settings.

    .venv/bin/python benchmarks/glove_settings.py   # about 4 minutes on 2 cores

Writes benchmarks/results/glove_settings.json, which chapter 6 prints and trains with.
"""

from __future__ import annotations

import json
import os
import platform
import time
from datetime import date
from pathlib import Path

from embcourse.progress import NO_PROGRESS_ENV

os.environ.setdefault(NO_PROGRESS_ENV, "1")

from train_throughput import notebook_code

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "book" / "06_glove.ipynb"
OUTPUT = Path(__file__).resolve().parent / "results" / "glove_settings.json"
X_MAX = [10, 100]
LEARNING_RATES = [0.05, 0.2]
CHECKPOINTS = [5, 10]


def search(code: dict, cooc, dev) -> tuple[list, dict]:
    """Train every combination on one co-occurrence matrix; return the runs and the
    combination with the best development score."""
    runs = []
    for x_max in X_MAX:
        triples = code["training_triples"](cooc, x_max=x_max)
        for lr in LEARNING_RATES:
            development = {}

            def score(epoch, model, development=development):
                if epoch in CHECKPOINTS:
                    vectors = code["as_keyed_vectors"](model.vectors())
                    development[str(epoch)] = round(
                        float(code["spearman_on"](vectors, dev)), 4
                    )

            started = time.perf_counter()
            code["train_glove"](
                triples,
                len(code["vocab"]),
                dim=100,
                epochs=max(CHECKPOINTS),
                lr=lr,
                after_epoch=score,
            )
            runs.append({"x_max": x_max, "lr": lr, "development": development})
            print(
                f"x_max {x_max:>3}  lr {lr:<5} development {development}  "
                f"({time.perf_counter() - started:.0f} s)",
                flush=True,
            )
    best = max(
        ((run, epochs) for run in runs for epochs in run["development"]),
        key=lambda pair: pair[0]["development"][pair[1]],
    )
    return runs, {
        "x_max": best[0]["x_max"],
        "lr": best[0]["lr"],
        "epochs": int(best[1]),
    }


def main() -> None:
    code = notebook_code(NOTEBOOK)
    cooc = code["cooccurrence_matrix"](
        code["token_ids"], code["sentence_of"], len(code["vocab"])
    )
    dev, _test, _ = code["development_pairs"]()
    runs, chosen = search(code, cooc, dev)
    print("chosen:", chosen)
    save(OUTPUT, "chapter 6's GloVe, d = 100, seed 0", dev, runs, chosen)


def save(path: Path, what: str, dev: list, runs: list, chosen: dict, **extra) -> None:
    """Write a search's runs and choice, with when and where it was measured."""
    record = {
        "what": f"development-half WordSim353 Spearman of {what}",
        "measured": date.today().isoformat(),
        "machine": platform.machine(),
        "development_pairs": len(dev),
        **extra,
        "runs": runs,
        "chosen": chosen,
    }
    path.write_text(json.dumps(record, indent=1) + "\n")


if __name__ == "__main__":
    main()
