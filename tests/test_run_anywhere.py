"""Notebooks run outside a clone: Colab, Binder, a downloaded notebook.

Every chapter, solution and exercise notebook starts with the setup cell that
scripts/setup_cells.py writes from _config.yml. The end-to-end test plays Colab without
a network: a fresh virtual environment without the course package (it sees the course's
libraries through a .pth file, as Colab has its own), a chapter and an exercise notebook
alone in an empty folder, the setup cell pointed at a wheel built from this checkout by
EMBCOURSE_SOURCE, and pip forbidden to use any index.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import nbformat
import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "scripts"))
import setup_cells

NOTEBOOKS = sorted(
    p
    for folder in ("book", "solutions", "exercises")
    for p in (ROOT / folder).glob("[0-9][0-9]_*.ipynb")
)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_notebook_starts_with_the_setup_cell(path):
    nb = nbformat.read(path, as_version=4)
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert first_code.source == setup_cells.setup_source(), (
        f"{path.name}: the first code cell is not the setup cell of _config.yml's "
        "repository. Run: .venv/bin/python scripts/setup_cells.py, then make exercises."
    )
    assert first_code.get("outputs", []) == [], (
        "in a clone the setup cell prints nothing"
    )


def test_setup_cells_and_exercise_links_are_current():
    assert setup_cells.main(["--check"]) == 0


def test_each_chapter_links_its_exercise_notebook():
    url = setup_cells.repository()[0].replace(
        "github.com", "colab.research.google.com/github"
    )
    for path in sorted((ROOT / "book").glob("[0-9][0-9]_*.ipynb")):
        text = path.read_text(encoding="utf-8")
        assert f"<../exercises/{path.name}>" in text, f"{path.name}: no download link"
        assert f"{url}/blob/" in text and f"/exercises/{path.name})" in text, path.name
        assert (ROOT / "exercises" / path.name).is_file()


def test_binder_installs_only_what_the_notebooks_need_at_the_course_pins():
    pins = dict(
        re.findall(
            r"^([A-Za-z0-9_.-]+)==(\S+)",
            (ROOT / "requirements.txt").read_text(encoding="utf-8"),
            re.MULTILINE,
        )
    )
    binder = (ROOT / "binder" / "requirements.txt").read_text(encoding="utf-8")
    binder_pins = dict(re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", binder, re.MULTILINE))
    assert binder_pins, "binder/requirements.txt pins nothing"
    for name, version in binder_pins.items():
        assert pins.get(name) == version, (
            f"binder pins {name}=={version}, the course {pins.get(name)}"
        )
    for tool in ("jupyter-book", "pytest", "playwright", "nbval", "pip-tools"):
        assert tool not in binder_pins, f"Binder does not need {tool}"
    assert (ROOT / "binder" / "runtime.txt").read_text().strip() == "python-3.11"
    assert "pip install --no-deps -e ." in (ROOT / "binder" / "postBuild").read_text()


def _errors(nb):
    """(cell index, error name) of every error output, and the cells that expect one."""
    found, expected = [], set()
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if "raises-exception" in cell.metadata.get("tags", []):
            expected.add(index)
        for output in cell.outputs:
            if output.output_type == "error":
                found.append((index, output.ename))
    return found, expected


@pytest.mark.slow
def test_a_downloaded_chapter_and_exercise_run_in_an_environment_without_the_course(
    tmp_path,
):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        cwd=tmp_path,
    )
    (wheel,) = wheels.glob("embcourse-*.whl")
    env_dir = tmp_path / "colab"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True
    )
    python = env_dir / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # The environment's libraries (as Colab has its own); not the course package, whose
    # editable install works through a .pth file that a path listed here does not run.
    Path(site, "libraries.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    folder = tmp_path / "downloads"
    folder.mkdir()
    env = {
        **os.environ,
        "EMBCOURSE_SOURCE": str(wheel),
        "PIP_NO_INDEX": "1",  # no network: everything must come from the wheel
        "PYTHONPATH": "",
        "PYTHONNOUSERSITE": "1",
    }
    before = subprocess.run(
        [python, "-c", "import embcourse"],
        cwd=folder,
        env=env,
        capture_output=True,
        check=False,
    )
    assert before.returncode != 0, "the fresh environment must not have embcourse yet"

    for source in (
        ROOT / "book" / "01_one_hot.ipynb",
        ROOT / "exercises" / "02_dense_embeddings.ipynb",
    ):
        target = folder / source.name
        target.write_bytes(source.read_bytes())
        nb = nbformat.read(target, as_version=4)
        run_in = subprocess.run(
            [python, "-c", _RUNNER, str(target)],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=False,
        )
        assert run_in.returncode == 0, run_in.stderr[-3000:]
        nb = nbformat.read(target, as_version=4)
        found, expected = _errors(nb)
        unexpected = [(i, name) for i, name in found if i not in expected]
        assert not unexpected, f"{source.name}: errors in cells {unexpected}"
        code = [c for c in nb.cells if c.cell_type == "code"]
        assert all(c.execution_count for c in code), (
            f"{source.name} did not run to the end"
        )

    where = subprocess.run(
        [
            python,
            "-c",
            "import embcourse.data as d; print(d.__file__); print(d.data_dir())",
        ],
        cwd=folder,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    assert all(line.startswith(site) for line in where), where


# Runs inside the fresh environment: execute the notebook in a kernel of that
# environment and save it, errors included.
_RUNNER = """
import sys, nbformat
from nbclient import NotebookClient
path = sys.argv[1]
nb = nbformat.read(path, as_version=4)
NotebookClient(nb, timeout=600, kernel_name="python3",
               resources={"metadata": {"path": "."}}).execute()
nbformat.write(nb, path)
"""
