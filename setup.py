"""Packaging beyond pyproject.toml: a built wheel carries the course data.

In a checkout (and the editable install ``make`` makes) embcourse reads ``data/`` at the
root of the repository. A wheel (``pip wheel --no-deps .``, or ``pip install`` from the
repository as every notebook's setup cell does on Colab or Binder) copies ``data/`` into
the package as ``embcourse/data/``, which :func:`embcourse.data.data_dir` finds there.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

DATA = Path(__file__).resolve().parent / "data"


class build_py_with_data(build_py):
    def run(self):
        super().run()
        if not self.editable_mode:
            target = Path(self.build_lib) / "embcourse" / "data"
            shutil.copytree(DATA, target, dirs_exist_ok=True)


setup(cmdclass={"build_py": build_py_with_data})
