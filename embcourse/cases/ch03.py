"""Chapter 3's tasks (CBOW and Skip-Gram): how each is judged, and its two levels of
hint.

Declared beside the chapter's public cases, ``03.json``. A task's function name is the
part of its id after the dot; its hints name the concept and never show the solution's
code.
"""

from embcourse.checks import compare_exact, compare_negatives, register

register(
    "03.skipgram_pairs",
    compare_exact,
    "For each position, pair its word with every word at most `window` positions away "
    "on either side.",
    "The window is cut at both ends of the sentence, the centre is never its own "
    "context, and the order is: centres left to right, and for each, contexts left to "
    "right.",
)

register(
    "03.keep_probabilities",
    compare_exact,
    "The formula works with the word's count f and the threshold s times the corpus "
    "size T.",
    "T is the sum of all counts. Compute (sqrt(f / (sT)) + 1) * sT / f for each word, "
    "and remember that a probability never exceeds 1: rare words are always kept.",
)

register(
    "03.draw_negatives",
    compare_negatives,
    "Draw ids one at a time from the noise distribution with the seeded generator, and "
    "throw away any draw that equals the positive.",
    "Keep the distribution's shape: no extra power or smoothing. Redrawing the "
    "positive and renormalising the others both leave each other id's share where it "
    "should be. Keep going until you have k ids; k of 0 gives an empty list. Every id "
    "but the positive can come out, the last one too.",
)

register(
    "03.negative_sampling_loss",
    compare_exact,
    "The loss adds one term for the true context and one for each negative, each a "
    "log-sigmoid of a dot product with the centre vector.",
    "The true pair scores +u_o·v, each negative -u_n·v; the loss is minus the sum of "
    "their log-sigmoids. Written naively, log σ(x), that is -log(1 + e^(-x)), "
    "overflows for large |x|: numpy has a stable function for log(e^a + e^b). Add "
    "the logs rather than multiplying sigmoids (a product of tiny numbers underflows "
    "to 0), and keep the terms floats when the vectors hold whole numbers.",
)

register(
    "03.cbow_scores",
    compare_exact,
    "CBOW's hidden vector is the average of the input rows of the context words; a "
    "candidate's score is its output row's dot product with it.",
    "Average over the context words (a repeated id counts each time), not the sum, and "
    "read the candidates from the output table. Return one float per candidate, in "
    "order. The tables may hold whole numbers: average into floats, not into an "
    "integer array.",
)
