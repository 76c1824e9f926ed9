"""Chapter 3's quality bar, read from the stored (nbval-verified) outputs.

Its speed is not tested here: speed goals live in benchmarks/ as ratios measured side by
side (benchmarks/train_throughput.py), since a timed test fails on a slower machine.
"""

from __future__ import annotations

import re

from conftest import chapter_notebook, printed_outputs


def _printed() -> str:
    return printed_outputs(chapter_notebook("03"))


def score_table() -> dict:
    """Chapter 3's score table: model -> (WordSim353, SimLex-999, analogy %)."""
    rows = re.findall(
        r"^(\S+ \((?:ours|gensim)\))\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)%$",
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
        "Skip-Gram (ours)",
        "CBOW (ours)",
        "Skip-Gram (gensim)",
        "CBOW (gensim)",
    }
    for model in ["Skip-Gram", "CBOW"]:
        ours, gensim = scores[f"{model} (ours)"][0], scores[f"{model} (gensim)"][0]
        assert ours >= gensim - 0.02, f"{model}: ours {ours} against gensim {gensim}"
        assert ours > 0.3, (
            f"{model}: WordSim353 {ours} is no better than chance-level vectors"
        )


def test_queen_is_a_top_ten_neighbour_of_king():
    lines = [
        line for line in _printed().splitlines() if line.startswith("Skip-Gram (ours)")
    ]
    neighbour_line = next(
        line for line in lines if ", " in line and not any(c.isdigit() for c in line)
    )
    assert "queen" in neighbour_line.split(None, 2)[2].split(", ")
