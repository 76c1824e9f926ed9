"""Plumbing for the Token Embeddings course.

The package holds what every chapter needs but no chapter teaches: loading the data the
course ships (:mod:`embcourse.data`), pretrained vectors and a language model offline
(:mod:`embcourse.pretrained`, :mod:`embcourse.models`), progress bars
(:mod:`embcourse.progress`), checking exercises (:mod:`embcourse.checks`) and grading
them in bulk (:mod:`embcourse.grading`, run as ``python -m embcourse.grade``).
The ideas themselves (one-hot vectors, embeddings, training) are written out in the
chapters.
"""

from embcourse.checks import check

__all__ = ["check"]
__version__ = "0.2.0"  # the only place the version is written; CHANGELOG.md
