"""Chapter 4's tasks (similarity queries on pretrained vectors): how each is judged,
and its two levels of hint.

Declared beside the chapter's public cases, ``04.json``. A task's function name is the
part of its id after the dot; its hints name the concept and never show the solution's
code.
"""

from embcourse.checks import compare_exact, register

register(
    "04.cosine_similarity",
    compare_exact,
    "Cosine similarity: the dot product divided by the product of the two lengths.",
    "The length of a vector is the square root of the sum of its squared entries. "
    "Return a Python float, between -1 and 1. The vectors may hold whole numbers: "
    "dividing an integer array in place fails.",
)

register(
    "04.top_k_neighbours",
    compare_exact,
    "Rank every other word by cosine similarity with `word`, highest first.",
    "Scale every row to length 1 before taking dot products (raw dot products and "
    "distances rank long vectors differently). Leave `word` out, and break exact ties "
    "by position in `words` (earlier first), as a stable sort does. The vectors may "
    "hold whole numbers: scale them into a new float array. A k of 0 asks for no "
    "word at all.",
)

register(
    "04.solve_analogy",
    compare_exact,
    "3CosAdd: the answer is the word whose unit vector is closest to b - a + c built "
    "from unit vectors.",
    "Normalise every vector first (also a, b and c before combining them), rank all "
    "words by cosine similarity with the combination, skip a, b and c, and break "
    "exact ties by position in `words`. Every other word is a candidate, the last "
    "one too, and the vectors may hold whole numbers: scale them into a new float "
    "array.",
)

register(
    "04.spearman",
    compare_exact,
    "Spearman's correlation is Pearson's correlation of the ranks, not of the values.",
    "Rank 1 is the smallest value; tied values all get the average of the ranks they "
    "occupy (two values tied for ranks 2 and 3 both get 2.5). Then correlate the two "
    "rank lists with Pearson's formula. Return a float. Average ranks such as 2.5 "
    "need a float array, even when the values are whole numbers.",
)
