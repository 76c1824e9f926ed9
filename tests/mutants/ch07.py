"""Chapter 7 (subword tokens): wrong and right ways to write each task."""

from __future__ import annotations

import re
from collections import Counter
from itertools import pairwise

from mutants import Mutants

MUTANTS: dict[str, Mutants] = {}


# ---- 07.most_frequent_pair --------------------------------------------------------


def _totals(words, weight=True, distinct=False, wrap=False):
    totals = Counter()
    for symbols, count in words:
        pairs = list(pairwise(symbols))
        if wrap and len(symbols) > 1:
            pairs.append((symbols[-1], symbols[0]))
        for pair in set(pairs) if distinct else pairs:
            totals[tuple(pair)] += count if weight else 1
    return totals


def _best(totals, tie=min):
    if not totals:
        return None
    top = max(totals.values())
    return tie(pair for pair, total in totals.items() if total == top)


def pair_reference(words):
    return _best(_totals(words))


def pair_unweighted(words):  # every occurrence counts 1, whatever the word's count
    return _best(_totals(words, weight=False))


def pair_once_per_word(words):  # a set of pairs per word: "aaa" has (a, a) once
    return _best(_totals(words, distinct=True))


def pair_first_seen(words):  # Counter.most_common: ties go to the first pair seen
    totals = _totals(words)
    return totals.most_common(1)[0][0] if totals else None


def pair_largest_on_ties(words):
    return _best(_totals(words), tie=max)


def pair_letters_not_symbols(words):  # splits the joined word into letters again
    return _best(_totals([(list("".join(symbols)), count) for symbols, count in words]))


def pair_wraps_around(words):
    return _best(_totals(words, wrap=True))


def pair_joined_string(words):  # returns "es" instead of ("e", "s")
    best = pair_reference(words)
    return None if best is None else "".join(best)


def pair_with_its_count(words):
    totals = _totals(words)
    best = _best(totals)
    return None if best is None else (*best, totals[best])


def pair_least_frequent(words):  # min where max was meant
    totals = _totals(words)
    low = min(totals.values())
    return min(pair for pair, total in totals.items() if total == low)


def pair_keyed_by_joined_string(words):  # counts what a merge makes, not the pair
    totals, first = Counter(), {}
    for symbols, count in words:
        for pair in pairwise(symbols):
            totals[pair[0] + pair[1]] += count
            first.setdefault(pair[0] + pair[1], tuple(pair))
    top = max(totals.values())
    return first[min(made for made, total in totals.items() if total == top)]


def pair_ties_by_joined_string(words):
    totals = _totals(words)
    top = max(totals.values())
    return min((p for p, t in totals.items() if t == top), key=lambda p: p[0] + p[1])


def pair_ties_by_left_only(words):
    totals = _totals(words)
    top = max(totals.values())
    return min((p for p, t in totals.items() if t == top), key=lambda p: p[0])


def pair_ties_right_first(words):
    totals = _totals(words)
    top = max(totals.values())
    return min((p for p, t in totals.items() if t == top), key=lambda p: (p[1], p[0]))


def pair_last_pair_missed(words):  # the loop stops one pair early
    totals = Counter()
    for symbols, count in words:
        for i in range(len(symbols) - 2):
            totals[symbols[i], symbols[i + 1]] += count
    top = max(totals.values())
    return min(pair for pair, total in totals.items() if total == top)


def pair_sorted_items(words):
    totals = _totals(words)
    if not totals:
        return None
    return min(totals.items(), key=lambda item: (-item[1], item[0]))[0]


def pair_plain_dict(words):
    totals = {}
    for symbols, count in words:
        for left, right in pairwise(symbols):
            totals[left, right] = totals.get((left, right), 0) + count
    best = None
    for pair, total in totals.items():
        if best is None or (-total, pair) < (-totals[best], best):
            best = pair
    return best


MUTANTS["07.most_frequent_pair"] = Mutants(
    wrong={
        "word counts ignored": pair_unweighted,
        "a pair counted once per word": pair_once_per_word,
        "ties to the first pair seen": pair_first_seen,
        "ties to the largest pair": pair_largest_on_ties,
        "letters instead of symbols": pair_letters_not_symbols,
        "last and first symbols paired": pair_wraps_around,
        "the pair joined into a string": pair_joined_string,
        "the count returned too": pair_with_its_count,
        "the least frequent pair": pair_least_frequent,
        "counted by the string a merge makes": pair_keyed_by_joined_string,
        "ties by the joined string": pair_ties_by_joined_string,
        "ties by the left symbol only": pair_ties_by_left_only,
        "ties by the right symbol first": pair_ties_right_first,
        "the last pair of each word missed": pair_last_pair_missed,
    },
    right={
        "reference": pair_reference,
        "min by (-total, pair)": pair_sorted_items,
        "a plain dict and pairwise": pair_plain_dict,
    },
)


# ---- 07.merge_pair -----------------------------------------------------------------


def merge_reference(symbols, pair):
    merged, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == tuple(pair):
            merged.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            merged.append(symbols[i])
            i += 1
    return merged


def merge_overlapping(symbols, pair):  # every position, so "aaa" gives "aa", "aa"
    merged, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and (symbols[i], symbols[i + 1]) == tuple(pair):
            merged.append(symbols[i] + symbols[i + 1])
            if i + 2 < len(symbols) and (symbols[i + 1], symbols[i + 2]) != tuple(pair):
                i += 1
        else:
            merged.append(symbols[i])
        i += 1
    return merged


def merge_right_to_left(symbols, pair):
    reversed_pair = (pair[1][::-1], pair[0][::-1])
    flipped = merge_reference([s[::-1] for s in reversed(symbols)], reversed_pair)
    return [s[::-1] for s in reversed(flipped)]


def merge_first_only(symbols, pair):
    for i in range(len(symbols) - 1):
        if (symbols[i], symbols[i + 1]) == tuple(pair):
            return [*symbols[:i], symbols[i] + symbols[i + 1], *symbols[i + 2 :]]
    return list(symbols)


def merge_joined_text(symbols, pair):  # matches across symbol boundaries
    text = " ".join(symbols).replace(f"{pair[0]} {pair[1]}", pair[0] + pair[1])
    return text.split(" ") if text else []


def merge_drops_last(symbols, pair):
    merged, i = [], 0
    while i < len(symbols) - 1:
        if (symbols[i], symbols[i + 1]) == tuple(pair):
            merged.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            merged.append(symbols[i])
            i += 1
    return merged


def merge_in_place(symbols, pair):
    i = 0
    while i < len(symbols) - 1:
        if (symbols[i], symbols[i + 1]) == tuple(pair):
            symbols[i : i + 2] = [symbols[i] + symbols[i + 1]]
        i += 1
    return symbols


def merge_either_order(symbols, pair):  # (a, b) also merges "b a"
    merged, i = [], 0
    while i < len(symbols):
        here = tuple(symbols[i : i + 2])
        if (
            len(here) == 2
            and set(here) == set(pair)
            and here in {tuple(pair), tuple(pair)[::-1]}
        ):
            merged.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            merged.append(symbols[i])
            i += 1
    return merged


def merge_compares_joined_text(symbols, pair):  # "a"+"bc" == "ab"+"c"
    merged, i = [], 0
    while i < len(symbols):
        if i + 1 < len(symbols) and symbols[i] + symbols[i + 1] == pair[0] + pair[1]:
            merged.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            merged.append(symbols[i])
            i += 1
    return merged


def merge_prefix_match(symbols, pair):  # the right symbol need only start like it
    merged, i = [], 0
    while i < len(symbols):
        if (
            i + 1 < len(symbols)
            and symbols[i] == pair[0]
            and symbols[i + 1].startswith(pair[1])
        ):
            merged.append(symbols[i] + symbols[i + 1])
            i += 2
        else:
            merged.append(symbols[i])
            i += 1
    return merged


def merge_from_the_first_symbol(symbols, pair):  # symbols[0] of an empty list
    merged, fresh = [symbols[0]], True
    for symbol in symbols[1:]:
        if fresh and (merged[-1], symbol) == tuple(pair):
            merged[-1] += symbol
            fresh = False
        else:
            merged.append(symbol)
            fresh = True
    return merged


def merge_sennrich_regex(symbols, pair):  # the paper's own code, on spaced symbols
    bigram = re.escape(" ".join(pair))
    pattern = re.compile(r"(?<!\S)" + bigram + r"(?!\S)")
    text = pattern.sub("".join(pair), " ".join(symbols))
    return text.split(" ") if symbols else []


def merge_for_loop_with_skip(symbols, pair):
    merged, skip = [], False
    for i, symbol in enumerate(symbols):
        if skip:
            skip = False
        elif i + 1 < len(symbols) and symbol == pair[0] and symbols[i + 1] == pair[1]:
            merged.append(symbol + symbols[i + 1])
            skip = True
        else:
            merged.append(symbol)
    return merged


MUTANTS["07.merge_pair"] = Mutants(
    wrong={
        "overlapping occurrences merged twice": merge_overlapping,
        "read right to left": merge_right_to_left,
        "only the first occurrence": merge_first_only,
        "string replace on the joined text": merge_joined_text,
        "the last symbol dropped": merge_drops_last,
        "the argument changed in place": merge_in_place,
        "the reversed pair merged too": merge_either_order,
        "joined text compared": merge_compares_joined_text,
        "the right symbol matched by its start": merge_prefix_match,
        "starts from the first symbol (an empty list fails)": (
            merge_from_the_first_symbol
        ),
    },
    right={
        "reference": merge_reference,
        "Sennrich et al.'s regular expression": merge_sennrich_regex,
        "a for loop with a skip flag": merge_for_loop_with_skip,
    },
)


# ---- 07.bpe_encode -----------------------------------------------------------------


def encode_reference(word, merges):
    symbols = list(word)
    for pair in merges:
        symbols = merge_reference(symbols, pair)
    return symbols


def encode_reversed(word, merges):
    return encode_reference(word, list(reversed(merges)))


def encode_first_occurrence(word, merges):
    symbols = list(word)
    for pair in merges:
        symbols = merge_first_only(symbols, pair)
    return symbols


def encode_stops_at_first_miss(word, merges):
    symbols = list(word)
    for pair in merges:
        merged = merge_reference(symbols, pair)
        if merged == symbols:
            break
        symbols = merged
    return symbols


def encode_longest_match(word, merges):  # WordPiece-like greedy longest match
    vocabulary = set(word) | {a + b for a, b in merges}
    tokens, start = [], 0
    while start < len(word):
        end = len(word)
        while end > start + 1 and word[start:end] not in vocabulary:
            end -= 1
        tokens.append(word[start:end])
        start = end
    return tokens


def encode_merges_once_each_until_stable(word, merges):  # loops over the list again
    symbols = list(word)
    while True:
        before = symbols
        for pair in merges:
            symbols = merge_reference(symbols, pair)
        if symbols == before:
            return symbols


def encode_lowest_rank_first(word, merges):  # GPT-2's loop: the best-ranked pair first
    ranks = {tuple(pair): rank for rank, pair in reversed(list(enumerate(merges)))}
    symbols = list(word)
    while len(symbols) > 1:
        ranked = [(ranks.get(pair, float("inf")), pair) for pair in pairwise(symbols)]
        rank, pair = min(ranked, key=lambda item: item[0])
        if rank == float("inf"):
            break
        symbols = merge_reference(symbols, pair)
    return symbols


def encode_whole_word_start(word, merges):  # [word] where list(word) was meant
    symbols = [word] if word else []
    for pair in merges:
        symbols = merge_reference(symbols, pair)
    return symbols


def encode_each_merge_from_scratch(word, merges):  # only the last merge survives
    symbols = list(word)
    for pair in merges:
        symbols = merge_reference(list(word), pair)
    return symbols


def encode_compares_joined_text(word, merges):
    symbols = list(word)
    for pair in merges:
        symbols = merge_compares_joined_text(symbols, pair)
    return symbols


def encode_right_to_left(word, merges):
    symbols = list(word)
    for pair in merges:
        symbols = merge_right_to_left(symbols, pair)
    return symbols


def encode_short_word_as_is(word, merges):  # the empty word gives [""]
    if len(word) <= 1:
        return [word]
    return encode_reference(word, merges)


def encode_merges_drop_the_last_symbol(word, merges):
    symbols = list(word)
    for pair in merges:
        symbols = merge_drops_last(symbols, pair)
    return symbols


def encode_reduce(word, merges):
    from functools import reduce

    return reduce(merge_reference, merges, list(word))


def encode_with_regex(word, merges):
    text = " ".join(word)
    for pair in merges:
        pattern = r"(?<!\S)" + re.escape(" ".join(pair)) + r"(?!\S)"
        text = re.sub(pattern, "".join(pair), text)
    return text.split(" ") if word else []


MUTANTS["07.bpe_encode"] = Mutants(
    wrong={
        "merges in reverse order": encode_reversed,
        "only each merge's first occurrence": encode_first_occurrence,
        "stops at the first merge that does not apply": encode_stops_at_first_miss,
        "greedy longest match (WordPiece's rule)": encode_longest_match,
        "the merge list applied again until nothing changes": (
            encode_merges_once_each_until_stable
        ),
        "the earliest-learned pair first (GPT-2's loop; another rule)": (
            encode_lowest_rank_first
        ),
        "the word as one symbol to start": encode_whole_word_start,
        "each merge applied to the characters afresh": encode_each_merge_from_scratch,
        "joined text compared": encode_compares_joined_text,
        "each merge read right to left": encode_right_to_left,
        "a word of at most one letter returned whole (the empty word gives [''])": (
            encode_short_word_as_is
        ),
        "each merge drops the last symbol": encode_merges_drop_the_last_symbol,
    },
    right={
        "reference": encode_reference,
        "functools.reduce over the merges": encode_reduce,
        "regular expressions on spaced symbols": encode_with_regex,
    },
)


# ---- 07.char_ngrams ----------------------------------------------------------------


def ngrams_reference(word, min_n, max_n):
    extended = f"<{word}>"
    return [
        extended[start : start + n]
        for n in range(min_n, min(max_n, len(extended)) + 1)
        for start in range(len(extended) - n + 1)
    ]


def ngrams_no_markers(word, min_n, max_n):
    return [
        word[start : start + n]
        for n in range(min_n, min(max_n, len(word)) + 1)
        for start in range(len(word) - n + 1)
    ]


def ngrams_by_position(word, min_n, max_n):  # left to right first, then by length
    extended = f"<{word}>"
    return [
        extended[start : start + n]
        for start in range(len(extended))
        for n in range(min_n, max_n + 1)
        if start + n <= len(extended)
    ]


def ngrams_max_excluded(word, min_n, max_n):
    return ngrams_reference(word, min_n, max_n - 1)


def ngrams_distinct(word, min_n, max_n):
    return list(dict.fromkeys(ngrams_reference(word, min_n, max_n)))


def ngrams_without_whole_word(word, min_n, max_n):
    return [g for g in ngrams_reference(word, min_n, max_n) if g != f"<{word}>"]


def ngrams_start_marker_only(word, min_n, max_n):
    extended = f"<{word}"
    return [
        extended[start : start + n]
        for n in range(min_n, min(max_n, len(extended)) + 1)
        for start in range(len(extended) - n + 1)
    ]


def ngrams_longest_first(word, min_n, max_n):
    extended = f"<{word}>"
    return [
        extended[start : start + n]
        for n in range(min(max_n, len(extended)), min_n - 1, -1)
        for start in range(len(extended) - n + 1)
    ]


def ngrams_nothing_for_the_empty_word(word, min_n, max_n):
    if not word:
        return []
    return ngrams_reference(word, min_n, max_n)


def ngrams_last_start_missed(word, min_n, max_n):
    extended = f"<{word}>"
    return [
        extended[start : start + n]
        for n in range(min_n, min(max_n, len(extended)) + 1)
        for start in range(len(extended) - n)
    ]


def ngrams_gensim(word, min_n, max_n):
    from gensim.models.fasttext import compute_ngrams

    return compute_ngrams(word, min_n, max_n)


def ngrams_while_loops(word, min_n, max_n):
    extended, grams, n = "<" + word + ">", [], min_n
    while n <= max_n and n <= len(extended):
        start = 0
        while start + n <= len(extended):
            grams.append(extended[start : start + n])
            start += 1
        n += 1
    return grams


MUTANTS["07.char_ngrams"] = Mutants(
    wrong={
        "no boundary markers": ngrams_no_markers,
        "by position first, then length": ngrams_by_position,
        "max_n left out": ngrams_max_excluded,
        "repeats dropped": ngrams_distinct,
        "the whole bracketed word left out": ngrams_without_whole_word,
        "only the start marker": ngrams_start_marker_only,
        "longest first": ngrams_longest_first,
        "nothing for the empty word": ngrams_nothing_for_the_empty_word,
        "the last n-gram of each length missed": ngrams_last_start_missed,
    },
    right={
        "reference": ngrams_reference,
        "gensim's compute_ngrams": ngrams_gensim,
        "while loops": ngrams_while_loops,
    },
)
