"""gensim models that one chapter trains and a later chapter reuses, kept in the cache.

Chapter 3 trains gensim's Skip-Gram and CBOW on the course corpus (and times them);
chapter 6 compares its GloVe with exactly those models. Chapter 3 calls
:func:`keep_for_later` on each; chapter 6 calls :func:`word2vec` with the same
settings, which loads what chapter 3 kept or, when nothing was kept (chapter 6 run
first, or elsewhere), trains the model there and then and keeps it.

Either way the vectors are the same: with ``workers=1`` and a ``seed`` gensim's
training is deterministic, and :func:`word2vec` refuses settings without them. A kept
model is found by a key made of the corpus's SHA-256 (its sentences, token by token),
every training setting of gensim's ``Word2Vec`` (defaults included) and gensim's
version, so a changed corpus, setting or library never loads a stale model. Models
live in the course's cache folder (``$EMBCOURSE_CACHE_DIR``, else
``~/.cache/embcourse``), under ``word2vec/``.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import tempfile
from pathlib import Path

from embcourse.pretrained import cache_dir

#: The attributes of a gensim Word2Vec model that decide what its training gives.
SETTINGS = (
    "sg", "hs", "negative", "ns_exponent", "cbow_mean", "vector_size", "window",
    "shrink_windows", "min_count", "max_final_vocab", "sample", "epochs", "alpha",
    "min_alpha", "seed", "workers", "sorted_vocab", "null_word", "max_vocab_size",
)  # fmt: skip


#: What loading a damaged or truncated file raises.
DAMAGED = (pickle.UnpicklingError, EOFError, ValueError, OSError, AttributeError,
           IndexError, KeyError, ImportError)  # fmt: skip


def _corpus_digest(corpus) -> str:
    """SHA-256 of the corpus's sentences (a list of token lists, or any iterable of
    them such as embcourse.data.load_corpus())."""
    digest = hashlib.sha256()
    for sentence in corpus:
        digest.update("\x1f".join(sentence).encode("utf-8"))
        digest.update(b"\x1e")
    return digest.hexdigest()


def _key(model, corpus) -> str:
    import gensim

    settings = {name: getattr(model, name, None) for name in SETTINGS}
    if settings["workers"] != 1:
        raise ValueError(
            "Only a model trained with workers=1 (and a seed) can be reused: with more "
            "threads gensim's result changes from run to run. Train with workers=1."
        )
    described = json.dumps(
        {"corpus": _corpus_digest(corpus), "gensim": gensim.__version__, **settings},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(described.encode()).hexdigest()[:24]


def _path(key: str) -> Path:
    return cache_dir() / "word2vec" / f"{key}.kv"


def keep_for_later(model, corpus) -> Path:
    """Keep a trained gensim Word2Vec model's vectors for a later chapter."""
    target = _path(_key(model, corpus))
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=target.parent, suffix=".partial")
    os.close(handle)
    try:
        model.wv.save(partial, sep_limit=2**62)  # one file, written whole or not at all
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return target


def word2vec(corpus, **settings):
    """The KeyedVectors of ``Word2Vec(corpus, **settings)``: kept ones if any, else
    trained now (and kept)."""
    from gensim.models import KeyedVectors, Word2Vec

    if settings.get("workers") != 1 or "seed" not in settings:
        raise ValueError(
            "Give workers=1 and a seed: only then is gensim's training repeatable, so "
            "that a kept model is the one these settings would train."
        )
    path = _path(_key(Word2Vec(**settings), corpus))  # untrained: settings only
    if path.is_file():
        try:
            return KeyedVectors.load(str(path))
        except DAMAGED:  # a damaged file: train again below and replace it
            path.unlink(missing_ok=True)
    model = Word2Vec(corpus, **settings)
    keep_for_later(model, corpus)
    return model.wv
