"""nn.Embedding lookup against one-hot matrix product: time and peak memory, side by
side.

For each vocabulary size V, embeds the same batch of token ids both ways and prints the
lookup time, the one-hot matmul time, their ratio, and the peak memory each path adds
(its own process, measured as the growth of the peak resident set size while it runs).
Times are the best of several repeats, measured in one run.

    .venv/bin/python benchmarks/lookup_vs_onehot.py [--batch 512] [--dim 64]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

PATH_CODE = r"""
import json, resource, sys, time
import torch, torch.nn as nn, torch.nn.functional as F
torch.set_num_threads(1)
size, batch, dim = (int(argument) for argument in sys.argv[1:4])
path = sys.argv[4]
torch.manual_seed(0)
table = nn.Embedding(size, dim)
ids = torch.randint(0, size, (batch,))
def run():
    with torch.no_grad():
        if path == "lookup":
            return table(ids)
        return F.one_hot(ids, size).float() @ table.weight
baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
times = []
for _ in range(7):
    started = time.perf_counter(); run(); times.append(time.perf_counter() - started)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": min(times), "peak_kib": peak - baseline}))
"""


def measure(size: int, batch: int, dim: int, path: str) -> dict:
    output = subprocess.run(
        [sys.executable, "-c", PATH_CODE, str(size), str(batch), str(dim), path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=512, help="tokens per batch")
    parser.add_argument("--dim", type=int, default=64, help="embedding dimension")
    args = parser.parse_args()
    print(f"batch of {args.batch} tokens, d = {args.dim}, 1 thread, best of 7")
    print(
        f"{'V':>9}{'lookup':>12}{'one-hot':>12}{'ratio':>10}"
        f"{'lookup peak':>14}{'one-hot peak':>14}"
    )
    for size in [1_000, 30_000, 400_000]:
        lookup = measure(size, args.batch, args.dim, "lookup")
        one_hot = measure(size, args.batch, args.dim, "one-hot")
        print(
            f"{size:>9,}{lookup['seconds'] * 1e3:>10.3f}ms"
            f"{one_hot['seconds'] * 1e3:>10.3f}ms"
            f"{one_hot['seconds'] / lookup['seconds']:>9.0f}x"
            f"{lookup['peak_kib'] / 1024:>11.1f}MiB"
            f"{one_hot['peak_kib'] / 1024:>11.1f}MiB"
        )


if __name__ == "__main__":
    main()
