"""Declared tolerances for stored outputs whose last digit depends on the CPU.

nbval compares a re-executed cell's output with the stored one character for character.
A few figures come from training whose floating-point sums are done by BLAS or torch
kernels chosen for the CPU at hand (OpenBLAS's Haswell or Sandybridge kernels, torch's
AVX2 or plain ones, Apple's Accelerate), so on another machine their last printed digit
can differ although the code and the seeds are the same. Such a cell declares, in its
metadata, how far each printed decimal may move and why:

    "embcourse": {"tolerance": {"last_digit": 2, "reason": "gensim's training sums..."}}

With that rule a re-executed output still matches its stored one when

- everything but the numbers is the same (runs of spaces may differ, since a column's
  padding changes when a number gains a digit), and
- every number with a decimal point is printed with the same number of decimals and
  differs from the stored one by at most ``last_digit`` units of its last digit
  (7.5 % may print as 7.6 % or 7.7 % under ``last_digit: 2``, never as 9.5 %), and
- every other number (counts, integers) is exactly the same.

A cell that prints ranked lists (nearest neighbours, comma-separated on a line) may also
declare ``"swaps": true``: two neighbours next to each other in a list may then trade
places (a near-tie that another CPU orders the other way), but no word may move further,
enter or leave the list.

Anything else fails as before, with nbval's own diff. Cells without a declaration are
compared exactly. ``tests/test_output_tolerance.py`` holds the rule to this.
"""

from __future__ import annotations

import copy
import re
from decimal import Decimal

#: A number as printed: optional sign, digits with optional thousands separators,
#: optional decimals. The minus sign may be ASCII or U+2212.
NUMBER = re.compile(r"[-\u2212]?\d[\d,]*(?:\.\d+)?")
SPACES = re.compile(r"[ \t]+")
#: A declared last_digit larger than this is no longer a tolerance for the last digit.
MOST_LAST_DIGIT = 5


def rule_of(metadata: dict) -> dict | None:
    """The tolerance a cell's metadata declares, or None; raise ValueError for a
    declaration that is malformed (no reason, or a tolerance that is not small)."""
    rule = metadata.get("embcourse", {}).get("tolerance")
    if rule is None:
        return None
    reason = str(rule.get("reason", "")).strip()
    digits = rule.get("last_digit")
    if not reason:
        raise ValueError("a tolerance needs a 'reason': why does this output vary?")
    if not isinstance(digits, int) or not 1 <= digits <= MOST_LAST_DIGIT:
        raise ValueError(
            f"'last_digit' must be a whole number from 1 to {MOST_LAST_DIGIT} "
            f"(how many units of its last printed digit a figure may move), "
            f"not {digits!r}"
        )
    if not isinstance(rule.get("swaps", False), bool):
        raise ValueError("'swaps' is true or false")  # noqa: TRY004 (a bad declaration)
    return rule


def adjacent_swaps(reference: str, produced: str) -> bool:
    """Whether the comma-separated items of ``produced`` are those of ``reference``
    with some neighbours traded (each item at most one place from where it was)."""
    before, after = reference.split(", "), produced.split(", ")
    if sorted(before) != sorted(after):
        return False
    return all(item in before[max(0, i - 1) : i + 2] for i, item in enumerate(after))


def unswap(reference: str, produced: str) -> str:
    """``produced`` with every line that only trades neighbours of its list with the
    stored line replaced by the stored line."""
    stored, new = reference.split("\n"), produced.split("\n")
    if len(stored) != len(new):
        return produced
    return "\n".join(
        old if old != line and adjacent_swaps(old, line) else line
        for old, line in zip(stored, new)
    )


def _value(token: str) -> Decimal:
    return Decimal(token.replace(",", "").replace("\u2212", "-"))


def _decimals(token: str) -> int:
    return len(token.split(".", 1)[1]) if "." in token else 0


def differences(
    reference: str, produced: str, last_digit: int, swaps: bool = False
) -> list[str]:
    """Why ``produced`` does not match ``reference`` under the rule (empty: it does)."""
    if swaps:
        produced = unswap(reference, produced)
    ref_numbers, out_numbers = NUMBER.findall(reference), NUMBER.findall(produced)
    ref_text = SPACES.sub(" ", NUMBER.sub("#", reference))
    out_text = SPACES.sub(" ", NUMBER.sub("#", produced))
    if ref_text != out_text or len(ref_numbers) != len(out_numbers):
        return ["the text around the numbers differs"]
    problems = []
    for stored, new in zip(ref_numbers, out_numbers):
        if stored == new:
            continue
        if "." not in stored or _decimals(stored) != _decimals(new):
            problems.append(f"{new} instead of {stored} (must be exactly the same)")
            continue
        unit = Decimal(1).scaleb(-_decimals(stored))
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


def snap_outputs(reference: list, produced: list, rule: dict, sanitize) -> list[str]:
    """Replace, in place, each text of ``produced`` that matches its stored text under
    ``rule`` by the stored text (both sanitised as nbval does); return the problems
    of those that do not."""
    problems = []
    for stored, new in zip(reference, produced):
        if stored.get("output_type") != new.get("output_type"):
            continue
        if "text" in stored and "text" in new:
            text, found = snap(
                sanitize(stored["text"]),
                sanitize(new["text"]),
                rule["last_digit"],
                rule.get("swaps", False),
            )
            new["text"], problems = text, problems + found
        stored_plain = stored.get("data", {}).get("text/plain")
        new_plain = new.get("data", {}).get("text/plain")
        if isinstance(stored_plain, str) and isinstance(new_plain, str):
            text, found = snap(
                sanitize(stored_plain),
                sanitize(new_plain),
                rule["last_digit"],
                rule.get("swaps", False),
            )
            new["data"]["text/plain"], problems = text, problems + found
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
        self.comparison_traceback.append(
            f"Outside this cell's declared tolerance (last_digit "
            f"{rule['last_digit']}: {rule['reason']}):\n  " + "\n  ".join(problems)
        )
        return False

    compare_outputs.honours_tolerance = True
    IPyNbCell.compare_outputs = compare_outputs
