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


ROW = re.compile(
    r"^(\S+ \((?:ours|fast|gensim)\))\s+(\d)\s+[\d.]+\s+([\d,]+)\s+([\d.]+)x"
    r"\s+([\d.]+)$",
    flags=re.MULTILINE,
)
RUNS = re.compile(
    r"^\s+(\S+ \((?:fast|gensim)\))\s+(\d) thread\(s\): ([\d. ]+)$", flags=re.MULTILINE
)


def benchmark_tables() -> list[dict]:
    """Section 3.10's speed tables, as printed from benchmarks/results/, one per stored
    run: (model, threads) -> (words per CPU-second, ratio to gensim, WordSim353, CPU
    seconds of each run); wall seconds skipped."""
    tables = []
    for part in _printed().split("fast and gensim: the fewest CPU seconds of")[1:]:
        runs = {
            (name, int(threads)): [float(s) for s in each.split()]
            for name, threads, each in RUNS.findall(part)
        }
        tables.append(
            {
                (name, int(threads)): (
                    int(speed.replace(",", "")),
                    float(ratio),
                    float(ws),
                    runs.get((name, int(threads)), []),
                )
                for name, threads, speed, ratio, ws in ROW.findall(part)
            }
        )
    return tables


def test_fast_models_speed_against_gensim_is_as_the_summary_says():
    """As the summary claims it, in each of the benchmark's tables (this page's machine,
    and the same machine without AVX-512 in torch): the fast Skip-Gram trains more words
    per CPU-second than gensim at one thread and at two (one-sided). The fast CBOW is
    claimed no lead (its standing depends on the processor): its ratio to gensim stays
    within a quarter of 1 either way. WordSim353 is held within the issue's bound too
    (the runs at two threads are Hogwild, not the chapter's own)."""
    tables = benchmark_tables()
    assert len(tables) == 2 and all(len(table) == 12 for table in tables)
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
    assert "the fast CBOW's standing depends on the processor" in prose
    assert "so no lead is claimed for it" in prose
    for table in tables:
        for threads in [1, 2]:
            speed, ratio, _, _ = table[("Skip-Gram (fast)", threads)]
            assert ratio > 1 and speed > table[("Skip-Gram (gensim)", threads)][0]
            _, ratio, _, runs = table[("CBOW (fast)", threads)]
            assert 0.75 <= ratio <= 1.25, ("CBOW", threads, ratio)
            assert len(runs) == int(repeats[1])
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
