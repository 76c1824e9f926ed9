"""Chapter 8's learning rate and starting spread, chosen on the development text.

Trains the chapter's untied next-word model (its cells tagged "training-code": the
same data, model and one pass over every second training example, seed 0) with each
learning rate in LEARNING_RATES and each standard deviation of the tables' starting
rows in INIT_STDS (1.0 is nn.Embedding's default), scores each on the development text
(the fifth sentence of every ten), and keeps the lowest perplexity. Only development
text is scored here: the test text is scored once, in the chapter, with the chosen
rate. Then, for reference, it trains the chosen model on every training example (twice
the chapter's data and time) and scores that on the development text too: what the
chapter's budget leaves on the table.

    .venv/bin/python benchmarks/lm_settings.py   # about 1.5 minutes on 2 cores

Writes benchmarks/results/lm_settings.json, which chapter 8 prints and trains with.
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

import torch
from train_throughput import notebook_code

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "book" / "08_lm_embeddings.ipynb"
OUTPUT = Path(__file__).resolve().parent / "results" / "lm_settings.json"
LEARNING_RATES = [0.003, 0.01, 0.02]
INIT_STDS = [1.0, 0.1]


def main() -> None:
    code = notebook_code(NOTEBOOK)
    X, y = code["X_train"][::2], code["y_train"][::2]
    results = {}
    for init_std in INIT_STDS:
        for lr in LEARNING_RATES:
            torch.manual_seed(0)
            started = time.perf_counter()
            model = code["NextWordModel"](code["V"], init_std=init_std)
            model = code["train"](model, X, y, lr=lr)
            perplexity = code["perplexity_on"](model, code["X_dev"], code["y_dev"])
            results[f"std {init_std}, lr {lr}"] = (init_std, lr, round(perplexity, 1))
            print(
                f"std {init_std:<4} lr {lr:<6} development perplexity "
                f"{perplexity:6.1f} ({time.perf_counter() - started:.0f} s)"
            )
    init_std, lr, _ = min(results.values(), key=lambda result: result[2])
    chosen = {"init_std": init_std, "lr": lr}
    print(f"chosen: {chosen}")
    torch.manual_seed(0)
    model = code["NextWordModel"](code["V"], init_std=init_std)
    model = code["train"](model, code["X_train"], code["y_train"], lr=lr)
    full_pass = round(code["perplexity_on"](model, code["X_dev"], code["y_dev"]), 1)
    print(f"every training example, {chosen}: development perplexity {full_pass}")
    OUTPUT.write_text(
        json.dumps(
            {
                "chosen": chosen,
                "development_perplexity": {k: v[2] for k, v in results.items()},
                "every_example_development_perplexity": full_pass,
                "measured": {
                    "date": date.today().isoformat(),
                    "machine": f"{platform.machine()}, {os.cpu_count()} cores",
                    "torch": torch.__version__,
                },
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )


if __name__ == "__main__":
    main()
