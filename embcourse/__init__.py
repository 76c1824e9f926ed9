"""Plumbing for the Token Embeddings course.

The package holds what every chapter needs but no chapter teaches: loading the data the
course ships (:mod:`embcourse.data`) and checking exercises (:mod:`embcourse.checks`).
The ideas themselves (one-hot vectors, embeddings, training) are written out in the
chapters.
"""

from embcourse.checks import check

__all__ = ["check"]
__version__ = "0.1.0"
