"""embcourse.pretrained: offline GloVe through gensim's API, cache repair, clear
errors."""

from __future__ import annotations

import json
import subprocess
import sys
import time

import numpy as np
import pytest

from embcourse import pretrained
from embcourse.pretrained import PretrainedUnavailableError, load_pretrained


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    """An empty course cache, so each test builds (or breaks) its own."""
    monkeypatch.setenv(pretrained.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


@pytest.fixture(scope="module")
def glove():
    return load_pretrained()


def test_default_vectors_are_glove_6b_50d(glove):
    assert glove.vectors.shape == (400_000, 50)
    assert glove.index_to_key[:4] == ["the", ",", ".", "of"]
    # Stanford's glove.6B.50d.txt begins: "the 0.418 0.24968 -0.41242 0.1217 0.34527
    # ..."
    np.testing.assert_allclose(
        glove["the"][:5], [0.418, 0.24968, -0.41242, 0.1217, 0.34527], rtol=1e-6
    )
    word, score = glove.most_similar(
        positive=["king", "woman"], negative=["man"], topn=1
    )[0]
    assert word == "queen" and score == pytest.approx(0.852, abs=0.001)


def test_limit_keeps_the_most_frequent_words(glove):
    small = load_pretrained(limit=1_000)
    assert len(small) == 1_000 and small.index_to_key == glove.index_to_key[:1_000]
    np.testing.assert_array_equal(small["king"], glove["king"])
    with pytest.raises(ValueError, match="positive whole number"):
        load_pretrained(limit=0)


def test_gensim_downloader_load_works_offline_in_a_fresh_process(fresh_cache):
    code = (
        "from embcourse.pretrained import use_course_gensim_data\n"
        "use_course_gensim_data()\n"
        "import gensim.downloader as api\n"
        "vectors = api.load('glove-wiki-gigaword-50')\n"
        "print(len(vectors), vectors.most_similar('boy', topn=1)[0][0])\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["400000", "girl"]
    assert "Traceback" not in result.stderr, (
        "gensim's failed list fetch must not spill a traceback"
    )
    information = json.loads(
        (fresh_cache / "gensim-data" / "information.json").read_text()
    )
    assert (
        "glove-wiki-gigaword-50" in information["models"] and "corpora" in information
    )


def test_cached_load_is_memory_mapped(fresh_cache):
    load_pretrained()
    again = load_pretrained()
    assert isinstance(again.vectors, np.memmap)


def test_unknown_or_online_only_model_fails_fast_with_what_to_do(
    fresh_cache, monkeypatch
):
    monkeypatch.setattr(
        pretrained, "_network_problem", lambda: "URLError: no network here"
    )
    started = time.perf_counter()
    with pytest.raises(PretrainedUnavailableError) as error:
        load_pretrained("word2vec-google-news-300")
    assert time.perf_counter() - started < 10
    message = str(error.value)
    assert "glove-wiki-gigaword-50" in message, "lists what is available offline"
    assert "internet" in message and "1.6 GB" in message, (
        "says how to get the large one"
    )


def test_network_probe_has_a_timeout(monkeypatch):
    seen = {}

    def fake_urlopen(url, timeout=None):
        seen["timeout"] = timeout
        raise OSError("unreachable")

    monkeypatch.setattr(pretrained, "urlopen", fake_urlopen)
    assert "unreachable" in pretrained._network_problem()
    assert seen["timeout"] == pretrained.NETWORK_TIMEOUT_SECONDS


def test_name_gensim_data_does_not_know(fresh_cache, monkeypatch):
    monkeypatch.setattr(pretrained, "_network_problem", lambda: None)
    import gensim.downloader as api

    monkeypatch.setattr(
        api,
        "info",
        lambda name=None, name_only=False: {
            "models": ["glove-twitter-25"],
            "corpora": [],
        },
    )
    with pytest.raises(
        PretrainedUnavailableError, match="no model called 'glove-wiki-gigaword-5000'"
    ):
        load_pretrained("glove-wiki-gigaword-5000")


def test_online_names_go_through_the_real_gensim_loader(fresh_cache, monkeypatch):
    monkeypatch.setattr(pretrained, "_network_problem", lambda: None)
    import gensim.downloader as api

    calls = []
    monkeypatch.setattr(
        api,
        "info",
        lambda name=None, name_only=False: {
            "models": ["glove-twitter-25"],
            "corpora": [],
        },
    )
    monkeypatch.setattr(api, "load", lambda name: calls.append(name) or "vectors")
    assert load_pretrained("glove-twitter-25") == "vectors" and calls == [
        "glove-twitter-25"
    ]


@pytest.mark.parametrize(
    "damage", ["truncate vectors", "garbage manifest", "delete loader", "stale format"]
)
def test_corrupt_or_stale_cache_is_rebuilt(fresh_cache, damage):
    folder = pretrained.ensure_offline_model()
    vectors_file = folder / "glove-wiki-gigaword-50.kv.vectors.npy"
    if damage == "truncate vectors":
        with open(vectors_file, "r+b") as handle:
            handle.truncate(1000)
    elif damage == "garbage manifest":
        (folder / "manifest.json").write_text("{not json")
    elif damage == "delete loader":
        (folder / "__init__.py").unlink()
    else:
        manifest = json.loads((folder / "manifest.json").read_text())
        manifest["format"] = pretrained.CACHE_FORMAT - 1
        (folder / "manifest.json").write_text(json.dumps(manifest))
    assert not pretrained._cache_is_valid(folder, "glove-wiki-gigaword-50")
    vectors = load_pretrained()
    assert vectors.most_similar("boy", topn=1)[0][0] == "girl"
    assert vectors_file.stat().st_size == 80_000_128
    assert pretrained._cache_is_valid(folder, "glove-wiki-gigaword-50")


def test_damaged_information_json_is_rewritten(fresh_cache):
    pretrained.ensure_offline_model()
    (fresh_cache / "gensim-data" / "information.json").write_text("[]")
    pretrained.use_course_gensim_data()
    information = json.loads(
        (fresh_cache / "gensim-data" / "information.json").read_text()
    )
    assert "glove-wiki-gigaword-50" in information["models"]
