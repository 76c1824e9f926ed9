"""Chapter 2's tasks (dense embeddings): how each is judged, and its two levels of hint.

Declared beside the chapter's public cases, ``02.json``. A task's function name is the
part of its id after the dot; its hints name the concept and never show the solution's
code.
"""

from embcourse.checks import compare_array, compare_exact, register

register(
    "02.cosine_similarity_matrix",
    compare_array,
    "Cosine similarity is the dot product of the two vectors after scaling each to "
    "length 1.",
    "Scale every row (not column) to length 1; then one matrix product of the scaled "
    "matrix with its own transpose gives every pair at once, 1.0 on the diagonal.",
)

register(
    "02.cooccurrence_counts",
    compare_array,
    "Visit every position of every sentence and count the words within `window` "
    "positions of it, on both sides.",
    "Positions are counted in the sentence as given: an unknown word is not counted "
    "but still takes up its place. The window stops at the sentence's ends, a word is "
    "never its own context, and X[w, c] counts w at the centre and c around it. An "
    "empty sentence adds nothing (and must not break the code).",
)

register(
    "02.ppmi",
    compare_array,
    "PMI compares how often w and c occur together with how often they would if they "
    "were independent: the row sum of w times the column sum of c over the total.",
    "Use the row sums for w and the column sums for c (the matrix need not be "
    "symmetric). Take the logarithm only where the count is positive, and clip "
    "negative values to 0; cells with a zero count, or in an all-zero row or column, "
    "are 0, never nan or inf. The counts may be whole numbers: an array made like "
    "theirs is an integer array and truncates the logarithms written into it.",
)

register(
    "02.svd_nearest",
    compare_exact,
    "The d-dimensional vectors are the first d columns of U, each scaled by its "
    "singular value; compare them by cosine similarity.",
    "Keep the scaling by the singular values (U alone is a different space), normalise "
    "each row before comparing (raw dot products favour long vectors), and leave the "
    "word itself out of the answer; every other word is a candidate, the last one "
    "too.",
)
