"""Loading the data files the course ships in ``data/``."""

from __future__ import annotations

import gzip
from pathlib import Path

#: Texts shipped in ``data/texts/``, by short name. See ``data/texts/NOTICE.md``.
TEXTS = {
    "alice": "alice_chapter1_opening.txt",
}


def repo_root() -> Path:
    """Return the root of the course checkout (the folder that holds ``data/``)."""
    return Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """Return the course's data folder, with a clear error if it is missing.

    An installed wheel carries it inside the package (``embcourse/data/``, see
    ``setup.py``); a checkout has it at its root (``data/``).
    """
    for folder in (Path(__file__).resolve().parent / "data", repo_root() / "data"):
        if (folder / "corpus").is_dir():
            return folder
    raise FileNotFoundError(
        f"The course data folder is missing: neither {folder} nor the package's own "
        "data/ exists. Install embcourse from a checkout of the course ('pip install "
        "-e .' at its root, which 'make test' and 'make book' do for you) or from a "
        "wheel built there ('pip wheel --no-deps .')."
    )


def load_text(name: str) -> str:
    """Return the text shipped under ``name`` (one of :data:`TEXTS`) as one string."""
    if name not in TEXTS:
        known = ", ".join(sorted(TEXTS))
        raise KeyError(f"No shipped text called {name!r}. Texts available: {known}.")
    return (data_dir() / "texts" / TEXTS[name]).read_text(encoding="utf-8")


#: The training corpus of chapters 2 and 3. See ``data/corpus/NOTICE.md``.
CORPUS_FILE = "wordnet_glosses.txt.gz"


class ShippedCorpus:
    """The course's training corpus: an iterable of sentences, each a list of tokens.

    It can be iterated over many times (gensim's ``Word2Vec`` makes one pass per epoch),
    reading the compressed file afresh each time.
    """

    def __init__(self, path: Path, max_sentences: int | None = None):
        self.path = path
        self.max_sentences = max_sentences

    def __iter__(self):
        with gzip.open(self.path, "rt", encoding="utf-8") as lines:
            for number, line in enumerate(lines):
                if self.max_sentences is not None and number >= self.max_sentences:
                    return
                yield line.split()

    def __repr__(self) -> str:
        limit = (
            ""
            if self.max_sentences is None
            else f", max_sentences={self.max_sentences}"
        )
        return f"ShippedCorpus({self.path.name!r}{limit})"


def load_corpus(max_sentences: int | None = None) -> ShippedCorpus:
    """Return the shipped corpus (WordNet 3.0 glosses, about 1.76 million tokens).

    Each sentence is one WordNet synset: its lemmas, then its definition and examples,
    lower-cased and split into word tokens. ``max_sentences`` keeps only the first ones.
    """
    path = data_dir() / "corpus" / CORPUS_FILE
    if not path.is_file():
        raise FileNotFoundError(
            f"The corpus file {path} is missing. It ships with the course; restore it "
            "with "
            "'git checkout -- data/corpus', or rebuild it: python "
            "scripts/build_wordnet_corpus.py"
        )
    return ShippedCorpus(path, max_sentences)


#: Evaluation sets that gensim ships in gensim/test/test_data, by short name.
BENCHMARKS = {
    "wordsim353": "wordsim353.tsv",  # word pairs with human relatedness scores
    "simlex999": "simlex999.txt",  # word pairs with human similarity scores
    "google_analogies": "questions-words.txt",  # Mikolov et al.'s analogy questions
}


def benchmark_path(name: str) -> str:
    """Return the path of one of :data:`BENCHMARKS`, ready for gensim's evaluate_*
    methods."""
    if name not in BENCHMARKS:
        raise KeyError(
            f"No benchmark called {name!r}. Benchmarks: {', '.join(BENCHMARKS)}."
        )
    from gensim.test.utils import datapath

    return datapath(BENCHMARKS[name])
