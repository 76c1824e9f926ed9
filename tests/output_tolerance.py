"""Declared tolerances for stored outputs whose last digit depends on the CPU.

nbval compares a re-executed cell's output with the stored one character for character.
A few figures come from training whose floating-point sums are done by BLAS or torch
kernels chosen for the CPU at hand (OpenBLAS's Haswell or Sandybridge kernels, torch's
AVX2 or plain ones, Apple's Accelerate), so on another machine their last printed digit
can differ although the code and the seeds are the same. Such a cell declares, in its
metadata, how far each printed decimal may move and why:

    "embcourse": {"tolerance": {"last_digit": 2, "reason": "gensim's training sums..."}}

With that rule a re-executed output still matches its stored one when

- everything but the numbers is the same (but for the spaces right beside a number,
  since a column's padding changes when its number gains a digit), and
- every number with a decimal point is printed with the same number of decimals and
  differs from the stored one by at most ``last_digit`` units of its last digit
  (7.5 % may print as 7.6 % or 7.7 % under ``last_digit: 2``, never as 9.5 %), and
- every other number (counts, integers) is exactly the same.

A cell that prints ranked lists (nearest neighbours, comma-separated on a line after a
label) may also declare ``"swaps": true``: two words next to each other in a list may
then trade places (a near-tie that another CPU orders the other way), but no word may
move further, enter or leave the list, and printed scores stay in their places, held to
the tolerance there (a ranked list's scores stay in order when two words trade places).

Anything else fails as before, with nbval's own diff. Cells without a declaration are
compared exactly. ``tests/test_output_tolerance.py`` holds the rule to this.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal

#: A number as printed: an optional sign, digits (thousands separators only in groups
#: of three) and optional decimals; not part of a dotted run such as a version (1.26.4),
#: a date or an address, which count as text.
NUMBER = re.compile(
    r"(?<![\w.,])[-+\u2212]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?"
    r"(?![\w]|\.\d|,\d{3})"
)
#: A figure that moves further between CPUs is printed with a decimal too many.
MOST_LAST_DIGIT = 2
RULE_KEYS = {"last_digit", "reason", "swaps"}


def rule_of(metadata: dict) -> dict | None:
    """The tolerance a cell's metadata declares, or None; raise ValueError for a
    declaration that is malformed (no reason, a tolerance that is not small, an
    unknown key)."""
    course = metadata.get("embcourse") if isinstance(metadata, dict) else None
    if not isinstance(course, dict) or "tolerance" not in course:
        return None
    rule = course["tolerance"]
    if not isinstance(rule, dict):
        raise ValueError(  # noqa: TRY004 (a bad declaration, as below)
            "a tolerance is an object: {'last_digit': ..., 'reason': ...}"
        )
    if set(rule) - RULE_KEYS:
        raise ValueError(
            f"unknown key(s) {sorted(set(rule) - RULE_KEYS)} in a tolerance; "
            f"it takes {sorted(RULE_KEYS)}"
        )
    reason, digits = rule.get("reason"), rule.get("last_digit")
    if not isinstance(reason, str) or not reason.strip():
        raise ValueError("a tolerance needs a 'reason': why does this output vary?")
    if (
        not isinstance(digits, int)
        or isinstance(digits, bool)
        or not 1 <= digits <= MOST_LAST_DIGIT
    ):
        raise ValueError(
            f"'last_digit' must be a whole number from 1 to {MOST_LAST_DIGIT} "
            f"(how many units of its last printed digit a figure may move; one that "
            f"moves further is printed with a decimal too many), not {digits!r}"
        )
    if not isinstance(rule.get("swaps", False), bool):
        raise ValueError("'swaps' is true or false")  # noqa: TRY004 (a bad declaration)
    return rule


def _pieces(text: str) -> tuple[list[str], list[str]]:
    """The text between the numbers (padding next to a number dropped, since a column's
    padding changes when its number gains a digit) and the numbers."""
    parts = NUMBER.split(text)
    numbers = NUMBER.findall(text)
    between = []
    for i, part in enumerate(parts):
        if i > 0:
            part = part.lstrip(" ")  # after a number
        if i < len(parts) - 1:
            part = part.rstrip(" ")  # before a number
        between.append(part)
    return between, numbers


LABEL_END = re.compile(r" {2,}|: ")


def _label_and_items(stored: str, new: str) -> tuple[str, list[str], list[str]] | None:
    """A stored line's label (up to its last run of spaces or colon before the list)
    and both lines' comma-separated items; None when the new line does not start with
    the same label."""
    ends = [match.end() for match in LABEL_END.finditer(stored.split(", ", 1)[0])]
    label = stored[: ends[-1]] if ends else ""
    if not new.startswith(label):
        return None
    return label, stored[len(label) :].split(", "), new[len(label) :].split(", ")


def _adjacent_transpositions(before: list, after: list) -> bool:
    """Whether ``after`` is ``before`` with some disjoint pairs of neighbours traded."""
    if len(before) != len(after):
        return False
    i = 0
    while i < len(before):
        if after[i] == before[i]:
            i += 1
        elif i + 1 < len(before) and (after[i], after[i + 1]) == (
            before[i + 1],
            before[i],
        ):
            i += 2
        else:
            return False
    return True


def _with_numbers(item: str, numbers: list[str]) -> str:
    """``item`` with its numbers replaced, in order, by ``numbers``."""
    found = iter(numbers)
    return NUMBER.sub(lambda _: next(found), item)


def unswap(reference: str, produced: str) -> str:
    """``produced`` with every line whose list items (their words) only trade places
    with a neighbour put back in the stored order. The numbers stay where they were
    printed: a list ranked by score keeps its scores in order when two near-tied words
    trade places, and the numbers are then compared place by place."""
    stored_lines, new_lines = reference.split("\n"), produced.split("\n")
    if len(stored_lines) != len(new_lines):
        return produced
    lines = []
    for stored, new in zip(stored_lines, new_lines):
        listed = _label_and_items(stored, new) if stored != new else None
        if listed:
            label, before, after = listed
            words_before = [_pieces(item)[0] for item in before]
            words_after = [_pieces(item)[0] for item in after]
            numbers_after = [NUMBER.findall(item) for item in after]
            if _adjacent_transpositions(words_before, words_after) and all(
                len(NUMBER.findall(b)) == len(n) for b, n in zip(before, numbers_after)
            ):
                new = label + ", ".join(
                    _with_numbers(item, numbers)
                    for item, numbers in zip(before, numbers_after)
                )
        lines.append(new)
    return "\n".join(lines)


def _value(token: str) -> Decimal:
    return Decimal(token.replace(",", "").replace("\u2212", "-"))


def _mantissa_and_exponent(token: str) -> tuple[str, int]:
    mantissa, _, exponent = token.lower().partition("e")
    return mantissa, int(exponent or 0)


def _decimals(token: str) -> int:
    mantissa = _mantissa_and_exponent(token)[0]
    return len(mantissa.split(".", 1)[1]) if "." in mantissa else 0


def differences(
    reference: str, produced: str, last_digit: int, swaps: bool = False
) -> list[str]:
    """Why ``produced`` does not match ``reference`` under the rule (empty: it does)."""
    if swaps:
        produced = unswap(reference, produced)
    ref_text, ref_numbers = _pieces(reference)
    out_text, out_numbers = _pieces(produced)
    if ref_text != out_text or len(ref_numbers) != len(out_numbers):
        return ["the text around the numbers differs"]
    problems = []
    for stored, new in zip(ref_numbers, out_numbers):
        if stored == new:
            continue
        mantissa, exponent = _mantissa_and_exponent(stored)
        if (
            "." not in mantissa
            or _decimals(stored) != _decimals(new)
            or exponent != _mantissa_and_exponent(new)[1]
            or stored.count(",") != new.count(",")  # separators as printed
        ):
            problems.append(f"{new} instead of {stored} (must be exactly the same)")
            continue
        unit = Decimal(1).scaleb(exponent - _decimals(stored))
        if abs(_value(stored) - _value(new)) > last_digit * unit:
            problems.append(
                f"{new} instead of {stored}: more than {last_digit} unit(s) of the "
                f"last digit"
            )
    return problems


def snap(
    reference: str, produced: str, last_digit: int, swaps: bool = False
) -> tuple[str, list[str]]:
    """``reference`` when ``produced`` matches it under the rule, else ``produced`` and
    the reasons it does not."""
    problems = differences(reference, produced, last_digit, swaps)
    return (produced, problems) if problems else (reference, [])


def _texts(outputs: list) -> dict:
    """Where each output's text is, by what nbval compares it as: a stream by its name
    (nbval ignores the order of different streams), a result's or display's text/plain
    in order among them (nbval ignores which of the two it is)."""
    found: dict = {}
    for output in outputs:
        if output.get("output_type") == "stream" and isinstance(
            output.get("text"), str
        ):
            found.setdefault(("stream", output.get("name")), []).append(
                (output, "text")
            )
        elif isinstance(output.get("data"), dict) and isinstance(
            output["data"].get("text/plain"), str
        ):
            found.setdefault(("data", "text/plain"), []).append(
                (output["data"], "text/plain")
            )
    return found


def snap_outputs(reference: list, produced: list, rule: dict, sanitize) -> list[str]:
    """Replace, in place, each text of ``produced`` that matches its stored text under
    ``rule`` by the stored text (both sanitised as nbval does); return the problems
    of those that do not."""
    problems = []
    stored_texts, new_texts = _texts(reference), _texts(produced)
    for key, stored_places in stored_texts.items():
        for (stored, field), (new, new_field) in zip(
            stored_places, new_texts.get(key, [])
        ):
            text, found = snap(
                sanitize(stored[field]),
                sanitize(new[new_field]),
                rule["last_digit"],
                rule.get("swaps", False),
            )
            new[new_field] = text
            problems += found
    return problems


def install() -> None:
    """Make nbval honour declared tolerances (called once, from the root conftest)."""
    from nbval.plugin import IPyNbCell

    exact = IPyNbCell.compare_outputs
    if getattr(exact, "honours_tolerance", False):
        return

    def compare_outputs(self, test, ref, skip_compare=None):
        rule = rule_of(self.cell.metadata)
        if rule is None:
            return exact(self, test, ref, skip_compare)
        test = copy.deepcopy(test)  # NotebookNodes, as nbval made them
        problems = snap_outputs(ref, test, rule, self.sanitize)
        if exact(self, test, ref, skip_compare):
            return True
        if problems:  # else what differs is not text the tolerance covers
            self.comparison_traceback.append(
                f"Outside this cell's declared tolerance (last_digit "
                f"{rule['last_digit']}: {rule['reason']}):\n  " + "\n  ".join(problems)
            )
        return False

    compare_outputs.honours_tolerance = True
    IPyNbCell.compare_outputs = compare_outputs
