"""Chapter 8's tasks (embeddings inside a language model): how each is judged, and its
two levels of hint.

Declared beside the chapter's public cases, ``08.json``. A task's function name is the
part of its id after the dot; its hints name the concept and never show the solution's
code.
"""

from embcourse.checks import compare_exact, register

register(
    "08.perplexity",
    compare_exact,
    "Perplexity is the exponential of the average cross-entropy: average the negative "
    "log-probabilities first, then exponentiate.",
    "Use the natural logarithm with exp (or log base 2 with 2 to the power); divide by "
    "the number of tokens, not by one less; a model that gives every token "
    "probability 1 has perplexity 1. Multiplying the probabilities first underflows "
    "to 0 on a long text: add their logs instead.",
)

register(
    "08.bigram_probabilities",
    compare_exact,
    "Count each adjacent pair (previous token, next token) once per place it occurs, "
    "then turn each row of counts into probabilities with k added to every cell.",
    "Row a is the token before, column b the token after; a row's denominator is the "
    "number of pairs that start with a plus k times the vocabulary size, so every row "
    "sums to 1; the last token of the sequence starts no pair. k may be a whole "
    "number: the probabilities are still floats.",
)

register(
    "08.sinusoidal_positions",
    compare_exact,
    "Every pair of columns shares one frequency, which falls geometrically from one "
    "pair to the next; the position is divided by base raised to a power between 0 "
    "and 1.",
    "Columns 2i and 2i + 1 both use the exponent 2i / dim; sine goes in the even "
    "column and cosine in the odd one, interleaved, not in two halves; positions start "
    "at 0.",
)

register(
    "08.rope_rotate",
    compare_exact,
    "Treat coordinates 2i and 2i + 1 as a point in the plane and turn it by an angle "
    "that grows with the position and shrinks from one pair to the next.",
    "The angle of pair i is position * base ** (-2i / d); counter-clockwise means the "
    "new first coordinate subtracts the sine term; pairs are neighbours (0, 1), "
    "(2, 3), not the two halves of the vector; return a new vector, of floats even "
    "when the input holds whole numbers (a copy of an integer array stays integer).",
)
