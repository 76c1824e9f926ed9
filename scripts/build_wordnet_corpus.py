"""Rebuild data/corpus/wordnet_glosses.txt.gz from Debian's wordnet-base package.

The course's training corpus (chapters 2 and 3) is WordNet 3.0's glosses: for every
synset, its lemmas followed by its definition and example sentences, lower-cased and
split into word tokens, one synset a line. WordNet's licence allows redistribution with
its notice (data/corpus/NOTICE.md).

    python scripts/build_wordnet_corpus.py            # download, rebuild, compare
    python scripts/build_wordnet_corpus.py --deb FILE # from a .deb you already have

The package is fetched with `apt-get download` (no root, nothing installed) and unpacked
with `dpkg-deb -x` into a temporary folder. The output is written byte for byte the same
on every run (gzip with no name and no timestamp), so the script reports whether the
shipped file is reproduced exactly. This script is not part of `make test`.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "data" / "corpus" / "wordnet_glosses.txt.gz"
PARTS_OF_SPEECH = ["noun", "verb", "adj", "adv"]
TOKEN = re.compile(r"[a-z]+(?:'[a-z]+)?")
ADJECTIVE_MARKER = re.compile(r"\((a|p|ip)\)$")


def synset_lines(data_file: Path):
    """Yield one token line per synset of a WordNet data.* file."""
    with data_file.open(encoding="utf-8", errors="strict") as lines:
        for line in lines:
            if line.startswith("  "):  # the licence header
                continue
            fields, _, gloss = line.partition(" | ")
            parts = fields.split()
            word_count = int(parts[3], 16)
            lemmas = [
                ADJECTIVE_MARKER.sub("", parts[4 + 2 * k]).replace("_", " ")
                for k in range(word_count)
            ]
            tokens = TOKEN.findall(" ".join(lemmas + [gloss]).lower())
            if tokens:
                yield " ".join(tokens)


def build(wordnet_dir: Path) -> bytes:
    """Return the gzip-compressed corpus built from a WordNet dict folder."""
    text = "".join(
        line + "\n"
        for pos in PARTS_OF_SPEECH
        for line in synset_lines(wordnet_dir / f"data.{pos}")
    )
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def fetch_deb(folder: Path) -> Path:
    """Download wordnet-base's .deb into ``folder`` with apt-get (no install)."""
    subprocess.run(["apt-get", "download", "wordnet-base"], cwd=folder, check=True)
    return next(folder.glob("wordnet-base_*.deb"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--deb", type=Path, help="a wordnet-base .deb already downloaded"
    )
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as temp:
        temp = Path(temp)
        deb = args.deb.resolve() if args.deb else fetch_deb(temp)
        subprocess.run(["dpkg-deb", "-x", str(deb), str(temp / "unpacked")], check=True)
        data = build(temp / "unpacked" / "usr" / "share" / "wordnet")
    before = args.output.read_bytes() if args.output.exists() else None
    args.output.write_bytes(data)
    lines = gzip.decompress(data).decode("utf-8").splitlines()
    tokens = sum(len(line.split()) for line in lines)
    output = args.output
    shown = output.relative_to(ROOT) if output.is_relative_to(ROOT) else output
    print(
        f"{shown}: "
        f"{len(lines):,} lines, {tokens:,} tokens, {len(data):,} bytes, "
        f"sha256 {hashlib.sha256(data).hexdigest()}"
    )
    if before is not None:
        print(
            "identical to the file it replaced"
            if before == data
            else "DIFFERENT from the file it replaced"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
