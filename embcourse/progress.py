"""Progress bars for long loops, and a switch that silences them.

A bar is a live display: how fast it moves differs on every run, so stored notebook
outputs must not contain it. The test suite and scripts/execute_notebooks.py set
``EMBCOURSE_NO_PROGRESS=1``; a learner running a notebook sees the bar.
"""

from __future__ import annotations

import os
import warnings

NO_PROGRESS_ENV = "EMBCOURSE_NO_PROGRESS"


def progress_bar(iterable, quiet: bool = False, **kwargs):
    """Wrap ``iterable`` in a tqdm bar (a widget in Jupyter where ipywidgets exists)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="IProgress not found")
        from tqdm.auto import tqdm

    return tqdm(
        iterable, disable=quiet or bool(os.environ.get(NO_PROGRESS_ENV)), **kwargs
    )
