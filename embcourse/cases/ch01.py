"""Chapter 1's tasks (one-hot encoding): how each is judged, and its two levels of hint.

Declared beside the chapter's public cases, ``01.json``. A task's function name is the
part of its id after the dot; its hints name the concept and never show the solution's
code.
"""

from embcourse.checks import compare_array, compare_exact, compare_int, register

register(
    "01.build_vocabulary",
    compare_exact,
    "Count every token first; only then decide which tokens get an id and in what "
    "order.",
    "Ids follow a ranking: a higher count comes first, and equal counts are ordered "
    "by the tokens themselves as Python compares strings (code-point order, so 'THE' "
    "< 'The' < 'the'). '<unk>' is reserved for id 0, even when it appears in the "
    "input, so tokens that are all '<unk>', or none at all, give '<unk>' alone. Leave "
    "the caller's list as it was.",
)

register(
    "01.one_hot_encode",
    compare_array,
    "Each row stands for one token of the sentence, in order; each column for one id "
    "of the vocabulary, all of them, used or not.",
    "Look each token's id up in vocab; a token that is not there takes the id that "
    "vocab gives to '<unk>' (which is not always 0). The result has len(tokens) rows "
    "and len(vocab) columns, with a single 1 per row.",
)

register(
    "01.one_hot_decode",
    compare_exact,
    "A row's 1 sits in the column of its token's id: find that column, then go from "
    "id back to token.",
    "vocab maps token to id, and it need not list its tokens in id order: neither its "
    "order nor alphabetical order gives the token of an id. Build the reverse map "
    "from its items, and find the column along each row (one answer per row). The "
    "matrix may be a NumPy array of floats as well as a nested list of ints.",
)

register(
    "01.one_hot_nbytes",
    compare_int,
    "Count the entries of the batch, then multiply by the bytes one entry takes in "
    "that dtype.",
    "numpy can tell you the size in bytes of one element of any dtype, by name (bool, "
    "int8, float16, ...). Keep the arithmetic in Python ints: fixed-width integers "
    "overflow at sizes like 52 GB. Return an int, not a float.",
)
