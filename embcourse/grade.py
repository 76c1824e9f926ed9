"""``python -m embcourse.grade``: the instructors' command (see
:mod:`embcourse.grading`)."""

import sys

from embcourse.grading.cli import DEFAULT_HIDDEN, Limits, grade_all, main

__all__ = ["DEFAULT_HIDDEN", "Limits", "grade_all", "main"]

if __name__ == "__main__":
    sys.exit(main())
