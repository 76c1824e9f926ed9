"""Settings for every test run, whichever paths pytest is given (tests/, book/, solutions/)."""

import os

# Progress bars are live displays: keep them out of the outputs nbval compares.
os.environ["EMBCOURSE_NO_PROGRESS"] = "1"
