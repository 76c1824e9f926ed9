"""Settings for every test run, whichever paths pytest is given (tests/, book/,
solutions/)."""

import os

from embcourse.progress import NO_PROGRESS_ENV

# Progress bars are live displays: keep them out of the outputs nbval compares.
os.environ[NO_PROGRESS_ENV] = "1"
