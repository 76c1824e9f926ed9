"""embcourse.saved_models: a model kept by one chapter is the one a later chapter's
settings would train, and nothing else is ever loaded in its place."""

from __future__ import annotations

import numpy as np
import pytest
from gensim.models import Word2Vec

from embcourse import saved_models
from embcourse.data import load_corpus
from embcourse.pretrained import CACHE_ENV

SETTINGS = {
    "sg": 0, "vector_size": 16, "window": 3, "negative": 3, "min_count": 5,
    "epochs": 1, "alpha": 0.05, "workers": 1, "seed": 0,
}  # fmt: skip


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    return tmp_path / "word2vec"


def test_a_kept_model_comes_back_identical(cache):
    corpus = load_corpus(max_sentences=1500)
    model = Word2Vec(corpus, **SETTINGS)
    saved_models.keep_for_later(model, corpus)
    loaded = saved_models.word2vec(corpus, **SETTINGS)
    assert loaded.index_to_key == model.wv.index_to_key
    assert np.array_equal(loaded.vectors, model.wv.vectors)
    assert len(list(cache.iterdir())) == 1  # loaded, not trained and kept again


def test_other_settings_or_corpus_train_afresh_and_match_gensim(cache):
    corpus = load_corpus(max_sentences=1500)
    saved_models.keep_for_later(Word2Vec(corpus, **SETTINGS), corpus)
    for other_corpus, settings in [
        (corpus, {**SETTINGS, "alpha": 0.025}),
        (corpus, {**SETTINGS, "sg": 1}),
        (load_corpus(max_sentences=1400), SETTINGS),
        (list(load_corpus(max_sentences=1500))[::-1], SETTINGS),  # same words
    ]:
        got = saved_models.word2vec(other_corpus, **settings)
        want = Word2Vec(other_corpus, **settings).wv
        assert np.array_equal(got.vectors, want.vectors), settings
    assert len(list(cache.iterdir())) == 5


def test_a_damaged_file_is_replaced_by_training(cache):
    corpus = load_corpus(max_sentences=1500)
    saved_models.word2vec(corpus, **SETTINGS)
    (kept,) = cache.iterdir()
    kept.write_bytes(b"not a model")
    got = saved_models.word2vec(corpus, **SETTINGS)
    assert np.array_equal(got.vectors, Word2Vec(corpus, **SETTINGS).wv.vectors)


def test_unrepeatable_settings_are_refused_with_the_fix(cache):
    corpus = load_corpus(max_sentences=1500)
    with pytest.raises(ValueError, match="workers=1"):
        saved_models.word2vec(corpus, **{**SETTINGS, "workers": 2})
    with pytest.raises(ValueError, match="seed"):
        saved_models.word2vec(
            corpus, **{k: v for k, v in SETTINGS.items() if k != "seed"}
        )
