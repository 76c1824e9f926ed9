"""Chapter 7's tasks (subword tokens): how each is judged, and its two levels of hint.

Declared beside the chapter's public cases, ``07.json``. A task's function name is the
part of its id after the dot; its hints name the concept and never show the solution's
code.
"""

from embcourse.checks import compare_exact, register

register(
    "07.most_frequent_pair",
    compare_exact,
    "Count every adjacent pair of symbols in every word, and weight each occurrence by "
    "how often its word occurs: the merge is the pair with the largest total.",
    "A pair that appears twice in one word counts twice; symbols are whole list items, "
    "not letters; among pairs with the same total, take the smallest (a, b) tuple.",
)

register(
    "07.merge_pair",
    compare_exact,
    "Build a new list while reading the old one once, left to right: where the pair "
    "begins, its two symbols become one, and both are used up.",
    "Compare whole symbols (list items), never the joined text, which can match across "
    "a boundary; after a merge, the right-hand symbol is used up, so overlapping "
    "occurrences are not merged twice. An empty list stays empty.",
)

register(
    "07.bpe_encode",
    compare_exact,
    "Start from the word's characters; the order of the merges is the order in which "
    "training learned them, and each is applied once, to the whole word.",
    "Go through the list of merges once, in order: a merge whose pair is not in the "
    "word changes nothing, and the next one may still apply; a merge joins every "
    "non-overlapping occurrence, reading left to right. The empty word has no "
    "characters, so no tokens.",
)

register(
    "07.char_ngrams",
    compare_exact,
    "Put the boundary markers around the word first, then take every substring whose "
    "length is in the range, shortest first and left to right within a length.",
    "Both ends of the range are included; the markers count as characters; keep "
    "repeats; the whole bracketed word is an n-gram when its length is in range, and "
    "no n-gram can be longer than it. The empty word keeps its two markers.",
)
