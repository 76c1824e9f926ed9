"""Chapter 3's quality bar, read from the stored (nbval-verified) outputs.

Nothing is timed here: speed goals live in benchmarks/ as ratios measured side by side
(benchmarks/train_throughput.py), since a timed test fails on a slower machine. Section
3.10 prints the ratios the benchmark stored, and a test holds its prose to them.
"""

from __future__ import annotations

import json
import re

from conftest import ROOT, chapter_notebook, printed_outputs


def _printed() -> str:
    return printed_outputs(chapter_notebook("03"))


def score_table() -> dict:
    """Chapter 3's score table: model -> (WordSim353, SimLex-999, analogy %)."""
    rows = re.findall(
        r"^(\S+ \((?:ours|fast|gensim)\))\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)%$",
        _printed(),
        flags=re.MULTILINE,
    )
    return {
        name: (float(wordsim), float(simlex), float(analogies))
        for name, wordsim, simlex, analogies in rows
    }


def test_from_scratch_models_match_gensim_on_wordsim353():
    scores = score_table()
    assert set(scores) == {
        f"{model} ({who})"
        for model in ["Skip-Gram", "CBOW"]
        for who in ["ours", "fast", "gensim"]
    }
    for model in ["Skip-Gram", "CBOW"]:
        for who in ["ours", "fast"]:  # the plain trainer and section 3.10's fast one
            ours, gensim = scores[f"{model} ({who})"][0], scores[f"{model} (gensim)"][0]
            assert ours >= gensim - 0.02, f"{model} ({who}): {ours}, gensim {gensim}"
            if who == "fast":  # the summary: no lower than the plain models'
                plain = scores[f"{model} (ours)"][0]
                assert ours >= plain, f"{model}: fast {ours}, plain {plain}"
            assert ours > 0.3, (
                f"{model} ({who}): WordSim353 {ours} is no better than chance-level "
                "vectors"
            )


def test_queen_is_a_top_ten_neighbour_of_king():
    lines = [
        line for line in _printed().splitlines() if line.startswith("Skip-Gram (ours)")
    ]
    neighbour_line = next(
        line for line in lines if ", " in line and not any(c.isdigit() for c in line)
    )
    assert "queen" in neighbour_line.split(None, 2)[2].split(", ")


def benchmark_table() -> dict:
    """Section 3.10's speed table, as printed from benchmarks/results/: (model,
    threads) -> (words per CPU-second, ratio to gensim, WordSim353); wall seconds
    skipped."""
    rows = re.findall(
        r"^(\S+ \((?:ours|fast|gensim)\))\s+(\d)\s+[\d.]+\s+([\d,]+)\s+([\d.]+)x"
        r"\s+([\d.]+)$",
        _printed(),
        flags=re.MULTILINE,
    )
    return {
        (name, int(threads)): (int(speed.replace(",", "")), float(ratio), float(ws))
        for name, threads, speed, ratio, ws in rows
    }


def test_fast_models_speed_against_gensim_is_as_the_summary_says():
    """As the summary claims it, in the benchmark's table: the fast Skip-Gram trains
    more words per CPU-second than gensim at one thread and at two, and the fast CBOW at
    one thread (one-sided); the fast CBOW about as many at two threads (two-sided,
    within 10 %), and no fewer, the issue's bound. WordSim353 is held within the
    issue's bound there too (the runs at two threads are Hogwild, not the chapter's
    own)."""
    table = benchmark_table()
    assert len(table) == 12, sorted(table)
    cells = json.loads(chapter_notebook("03").read_text(encoding="utf-8"))["cells"]
    prose = " ".join(
        " ".join("".join(cell["source"]).split())
        for cell in cells
        if cell["cell_type"] == "markdown"
    )
    assert (
        "the fast Skip-Gram trains more words per CPU-second than gensim, at one "
        "thread and at two" in prose
    )
    repeats = re.search(r"the fewest CPU seconds of (\d+) runs each", _printed())
    number_words = {3: "three", 4: "four", 5: "five", 6: "six", 7: "seven"}
    assert f"models {number_words[int(repeats[1])]} times each" in prose
    assert "the fast CBOW more at one thread (" in prose
    assert "times) and about as many at two (" in prose
    for model, threads in [("Skip-Gram", 1), ("Skip-Gram", 2), ("CBOW", 1)]:
        speed, ratio, _ = table[(f"{model} (fast)", threads)]
        gensim_speed = table[(f"{model} (gensim)", threads)][0]
        assert ratio > 1 and speed > gensim_speed, (model, threads, ratio)
    _, ratio, _ = table[("CBOW (fast)", 2)]
    assert 1 <= ratio <= 1.10, ("CBOW", 2, ratio)
    for threads in [1, 2]:
        for model in ["Skip-Gram", "CBOW"]:
            wordsim = table[(f"{model} (fast)", threads)][2]
            gensim_wordsim = table[(f"{model} (gensim)", threads)][2]
            assert wordsim >= gensim_wordsim - 0.02, (model, threads, wordsim)


def test_the_plain_models_full_run_was_made_by_the_chapters_training_code():
    """Sections 3.6 and 3.7 print the plain trainer's full run from
    benchmarks/results/plain_models.json: it must come from the training code and the
    settings the chapter shows now (else run benchmarks/plain_models.py again)."""
    import importlib.util
    import sys

    benchmarks = ROOT / "benchmarks"
    sys.path.insert(0, str(benchmarks))
    try:
        spec = importlib.util.spec_from_file_location(
            "plain_models", benchmarks / "plain_models.py"
        )
        plain_models = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(plain_models)
    finally:
        sys.path.remove(str(benchmarks))
    stored = json.loads(plain_models.RESULTS.read_text(encoding="utf-8"))
    assert stored["fingerprint"] == plain_models.fingerprint(), (
        "chapter 3's training code or settings changed since the full run was stored: "
        "run .venv/bin/python benchmarks/plain_models.py"
    )
    assert set(stored["models"]) == {
        f"{model} ({who})"
        for model in ["Skip-Gram", "CBOW"]
        for who in ["ours", "gensim"]
    }
    printed = _printed()
    for name in ["Skip-Gram (ours)", "CBOW (ours)"]:
        wordsim, simlex, analogies = stored["models"][name]["scores"]
        row = f"{name:<20}{wordsim:>11.3f}{simlex:>11.3f}{analogies:>10.1%}"
        assert row in printed, f"chapter 3 does not print the stored {name}: {row}"
