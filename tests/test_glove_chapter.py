"""Chapter 6 (GloVe): its settings come from the development set, its test pairs are
chapter 2's, and every comparison its prose makes holds in its printed table."""

from __future__ import annotations

import itertools
import json
import re

from test_equivalence_claims import prose

from conftest import ROOT, chapter_notebook, printed_outputs

SETTINGS = ROOT / "benchmarks" / "results" / "glove_settings.json"
TRAINED_HERE = ["PPMI + SVD", "Skip-Gram", "CBOW", "GloVe (ours)"]


def printed(chapter: str = "06") -> str:
    return printed_outputs(chapter_notebook(chapter))


def comparison_table() -> dict[str, tuple[float, float, float, int, float]]:
    """Chapter 6's table: name -> (WordSim353 test, SimLex-999, analogies attempted,
    questions attempted, analogies of all)."""
    table = {}
    for line in printed().splitlines():
        found = re.match(
            r"(.+?)\s+(\d+)\s+(-?\d\.\d{3})\s+(-?\d\.\d{3})\s+(\d+\.\d)%\s+([\d,]+)\s+(\d+\.\d)%$",
            line,
        )
        if found:
            name, _, wordsim, simlex, attempted, questions, of_all = found.groups()
            table[name.strip()] = (
                float(wordsim),
                float(simlex),
                float(attempted) / 100,
                int(questions.replace(",", "")),
                float(of_all) / 100,
            )
    assert sorted(table) == sorted(TRAINED_HERE + ["GloVe 6B 50-d"]), table
    return table


def stored_settings() -> dict:
    return json.loads(SETTINGS.read_text(encoding="utf-8"))


def test_the_chosen_settings_are_the_best_on_the_development_half():
    stored = stored_settings()
    best = max(
        (score, run["x_max"], run["lr"], int(epochs))
        for run in stored["runs"]
        for epochs, score in run["development"].items()
    )
    assert (best[1], best[2], best[3]) == (
        stored["chosen"]["x_max"],
        stored["chosen"]["lr"],
        stored["chosen"]["epochs"],
    )
    assert f"chosen: {stored['chosen']}" in printed()


def test_the_chapter_trains_the_run_the_settings_search_stored():
    """Same code, same seed: the chapter's development score at the chosen epoch is the
    one the settings search stored for that combination."""
    stored = stored_settings()
    chosen = stored["chosen"]
    run = next(
        run
        for run in stored["runs"]
        if (run["x_max"], run["lr"]) == (chosen["x_max"], chosen["lr"])
    )
    by_epoch = (
        re.search(r"development Spearman by epoch: (.+)", printed()).group(1).split()
    )
    assert len(by_epoch) == chosen["epochs"]
    assert (
        abs(float(by_epoch[-1]) - run["development"][str(chosen["epochs"])])
        <= 0.0005 + 1e-9
    )
    assert f"{chosen['epochs']} epochs over" in printed()


def test_the_test_half_is_chapter_2s():
    """The same 164 test pairs: the scores of the two models both chapters score on the
    test half (PPMI + SVD, GloVe 6B 50-d) come out the same in both."""
    split = "328 of 353 pairs known to both"
    assert split in printed("02") and split in printed("06")
    chapter_2 = re.search(
        r"WordSim353 test Spearman\s+n/a\s+(\d\.\d{3})\s+(\d\.\d{3})", printed("02")
    ).groups()
    table = comparison_table()
    assert (table["PPMI + SVD"][0], table["GloVe 6B 50-d"][0]) == tuple(
        map(float, chapter_2)
    )


def test_every_model_is_scored_on_the_same_pairs_and_questions():
    assert (
        "pairs: WordSim353 test 164, SimLex-999 990 of 999; analogy questions: 19,544"
        in printed()
    )
    table = comparison_table()
    assert {table[name][3] for name in TRAINED_HERE} == {
        8242
    }  # one vocabulary, one count


def test_where_our_glove_stands_one_sided():
    """Each comparison the prose makes, one-sided, as it makes it."""
    text = prose("06")
    table = comparison_table()
    ours = table["GloVe (ours)"]
    assert "our GloVe trails PPMI + SVD everywhere" in text
    assert all(ours[column] < table["PPMI + SVD"][column] for column in [0, 1, 2, 4])
    assert "the lowest of the five" in text and "the fewest" in text
    others = [name for name in table if name != "GloVe (ours)"]
    assert all(ours[1] < table[name][1] for name in others)
    assert all(ours[2] < table[name][2] for name in others)


def gap_intervals() -> dict[str, tuple[tuple[float, float], tuple[float, float]]]:
    """Chapter 6's intervals of GloVe (ours) minus each model: name -> (WordSim353,
    SimLex-999), each (low, high)."""
    number = r"\[([+-]\d\.\d{3}), ([+-]\d\.\d{3})\]"
    found = re.findall(rf"^(\S.+?)\s+{number}\s+{number}$", printed(), re.MULTILINE)
    return {
        name: ((float(a), float(b)), (float(c), float(d))) for name, a, b, c, d in found
    }


def test_rankings_on_few_pairs_follow_their_intervals():
    """Where the prose ranks GloVe against a model, the interval of the gap excludes
    zero; where it declines to, the interval holds zero (two-sided)."""
    text = prose("06")
    intervals = gap_intervals()
    assert sorted(intervals) == ["CBOW", "PPMI + SVD", "Skip-Gram"]
    assert "PPMI + SVD's 0.709 (the interval of the gap lies below zero)" in text
    assert intervals["PPMI + SVD"][0][1] < 0
    assert "gaps too small to rank on 164 pairs: both intervals hold zero" in text
    for name in ("CBOW", "Skip-Gram"):
        low, high = intervals[name][0]
        assert low < 0 < high, name
    assert "(every interval lies below zero)" in text
    assert all(simlex[1] < 0 for _, simlex in intervals.values())


def test_the_released_glove_answers_far_more_analogies():
    assert "far more than any model trained on our corpus" in prose("06")
    table = comparison_table()
    assert all(table["GloVe 6B 50-d"][4] > 2 * table[name][4] for name in TRAINED_HERE)


def test_the_summary_names_the_stored_choice():
    chosen = stored_settings()["chosen"]
    assert "chose the paper's $x_{\\max} = 100$ with $\\eta = 0.2$" in prose("06")
    assert (chosen["x_max"], chosen["lr"]) == (100, 0.2)


def test_w_plus_w_tilde_scores_highest():
    assert "Here too the sum scores highest on the development pairs" in prose("06")
    scores = dict(
        re.findall(
            r"^(w~|w \+ w~|w)\s+development Spearman (\d\.\d{3})$",
            printed(),
            flags=re.MULTILINE,
        )
    )
    assert float(scores["w + w~"]) > max(float(scores["w"]), float(scores["w~"]))


def _by_epoch(label: str) -> list[float]:
    return [float(x) for x in re.search(label + r"\s+(.+)", printed()).group(1).split()]


def test_the_curves_move_as_the_prose_says():
    text = prose("06")
    assert "The loss falls every epoch, fastest at first" in text
    losses = _by_epoch("loss per entry by epoch:")
    drops = [a - b for a, b in itertools.pairwise(losses)]
    assert all(drop > 0 for drop in drops) and drops[0] == max(drops)
    assert (
        "climbs for eight epochs and then stays where it is (0.383, 0.380, 0.382)"
        in text
    )
    scores = _by_epoch("development Spearman by epoch:")
    assert all(b > a for a, b in itertools.pairwise(scores[:8]))
    assert max(abs(score - scores[7]) for score in scores[7:]) <= 0.005
