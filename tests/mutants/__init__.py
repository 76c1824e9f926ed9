"""Realistic wrong implementations ("mutants") and correct alternatives of every
exercise task.

One module per chapter, ``chNN.py``, each with ``MUTANTS = {task_id: Mutants(...)}``.
``tests/test_mutants.py`` runs them all against the cases: every wrong implementation
must fail at least one *public* case (so the learner's own check catches it), except
those listed in ``hidden_only`` with the reason; every correct alternative must pass
every case, public and hidden. A case is only as good as the wrong answers it catches.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class Mutants:
    """The wrong and the right ways to write one task's function."""

    wrong: dict[str, Callable] = field(default_factory=dict)
    right: dict[str, Callable] = field(default_factory=dict)
    #: wrong ones that only hidden cases catch: name -> why the public cases cannot
    hidden_only: dict[str, str] = field(default_factory=dict)
