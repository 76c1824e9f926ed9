"""Settings for every test run, whichever paths pytest is given (tests/, book/,
solutions/)."""

import importlib.util
import os
from pathlib import Path

import pytest

from embcourse.progress import NO_PROGRESS_ENV

# Progress bars are live displays: keep them out of the outputs nbval compares.
os.environ[NO_PROGRESS_ENV] = "1"


def _load_test_module(name: str):
    """A module of tests/ by its path (tests/ is not a package)."""
    path = Path(__file__).resolve().parent / "tests" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# A cell whose last printed digit depends on the CPU declares how far it may move, and
# why, in its metadata; nbval then holds it to that (tests/output_tolerance.py).
_load_test_module("output_tolerance").install()

# With pytest-xdist (make test runs two workers): one thread per worker and its kernels,
# every item in its group, the longest groups first (tests/parallel.py).
_parallel = _load_test_module("parallel")
_parallel.limit_threads()


def pytest_collection_modifyitems(config, items):
    if _parallel.workers() > 1:
        _parallel.schedule(items)


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # a hook of xdist's, when it runs
def pytest_xdist_make_scheduler(config, log):
    return _parallel.scheduler(config, log)
