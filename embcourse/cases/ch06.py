"""Chapter 6's tasks (GloVe): how each is judged, and its two levels of hint.

Declared beside the chapter's public cases, ``06.json``. A task's function name is the
part of its id after the dot; its hints name the concept and never show the solution's
code.
"""

from embcourse.checks import compare_exact, compare_index_lists, register

register(
    "06.glove_loss",
    compare_exact,
    "Sum over the non-zero counts only: each one adds its weight times the squared "
    "difference between the model's score (dot product plus both biases) and the log "
    "count.",
    "The weight is (x / x_max) ** alpha, capped at 1; the word vector comes from the "
    "row index, the context vector and context bias from the column index; use the "
    "natural log, and no factor 1/2. The counts may be whole numbers: compute the "
    "weights and errors as floats, not in an array made like the counts.",
)

register(
    "06.glove_gradients",
    compare_exact,
    "Write the term as f(x) times the square of an error (the score minus log x); f(x) "
    "does not depend on the parameters, so differentiate the square with the chain "
    "rule.",
    "Check your derivation numerically: nudge one parameter by a tiny amount and "
    "compare the change in the term with your gradient, or compare with torch "
    "autograd on one example. f(x) is capped at 1 for counts of x_max or more. The "
    "vectors may hold whole numbers; their gradients do not.",
)

register(
    "06.nonzero_triples",
    compare_index_lists,
    "One triple per non-zero entry: where it is (row, column) and the log of its "
    "count; the zeros are left out, since log 0 is undefined.",
    "Walk the matrix row by row, left to right; keep fractional counts as they are and "
    "take the natural log. Counts may be whole numbers; their logs are floats.",
)

register(
    "06.adagrad_step",
    compare_exact,
    "AdaGrad gives every parameter its own step size: the learning rate divided by the "
    "square root of that parameter's sum of squared gradients.",
    "Update the sums first and divide by the root of the new sums, element by element; "
    "step against the gradient; return new arrays and leave the arguments untouched. "
    "The arguments may hold whole numbers: the results are floats (a copy of an "
    "integer array stays integer).",
)
