"""Unit tests for embcourse.data."""

import pytest

from embcourse.data import TEXTS, data_dir, load_text


def test_every_shipped_text_loads_and_has_a_notice():
    notice = (data_dir() / "texts" / "NOTICE.md").read_text(encoding="utf-8")
    for name, filename in TEXTS.items():
        assert len(load_text(name).split()) > 100
        assert filename in notice, (
            f"{filename} is not described in data/texts/NOTICE.md"
        )


def test_unknown_text_names_the_available_ones():
    with pytest.raises(KeyError, match="alice"):
        load_text("moby-dick")


def test_corpus_is_the_shipped_wordnet_glosses():
    from embcourse.data import load_corpus

    corpus = load_corpus()
    first = next(iter(corpus))
    assert first[:3] == ["entity", "that", "which"]
    sentences = tokens = 0
    for sentence in corpus:  # a second pass works: gensim iterates once per epoch
        sentences += 1
        tokens += len(sentence)
    assert (sentences, tokens) == (117_659, 1_759_553)
    assert sum(1 for _ in load_corpus(max_sentences=10)) == 10
    notice = (data_dir() / "corpus" / "NOTICE.md").read_text(encoding="utf-8")
    assert "WordNet 3.0 Copyright 2006 by Princeton University" in notice


def test_benchmarks_are_found_and_unknown_ones_named():
    from pathlib import Path

    from embcourse.data import BENCHMARKS, benchmark_path

    for name in BENCHMARKS:
        assert Path(benchmark_path(name)).stat().st_size > 1000
    with pytest.raises(KeyError, match="wordsim353"):
        benchmark_path("men3000")
