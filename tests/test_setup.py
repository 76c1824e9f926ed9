"""scripts/ensure_venv.sh says what to do when it cannot set up .venv."""

from __future__ import annotations

import os
import subprocess

from conftest import ROOT


def ensure(tmp_path, **env):
    return subprocess.run(["bash", str(ROOT / "scripts" / "ensure_venv.sh")], cwd=ROOT,
                          env={**os.environ, "VENV": str(tmp_path / "venv"), **env},
                          capture_output=True, text=True, timeout=60)


def test_missing_python_names_what_to_install(tmp_path):
    result = ensure(tmp_path, PYTHON="/nonexistent/python3.11")
    assert result.returncode == 1
    assert "was not found" in result.stderr and "PYTHON=" in result.stderr
    assert not (tmp_path / "venv").exists()


def test_python_without_venv_module_says_to_install_python3_venv(tmp_path):
    fake = tmp_path / "python-without-venv"
    fake.write_text("#!/bin/sh\n# a python whose venv/ensurepip modules are missing\nexit 1\n")
    fake.chmod(0o755)
    result = ensure(tmp_path, PYTHON=str(fake))
    assert result.returncode == 1
    assert "apt-get install python3-venv" in result.stderr
    assert not (tmp_path / "venv").exists()


def test_broken_venv_is_rebuilt_not_trusted(tmp_path):
    broken = tmp_path / "venv" / "bin"
    broken.mkdir(parents=True)
    (broken / "python").write_text("#!/bin/sh\nexit 1\n")
    (broken / "python").chmod(0o755)
    fake = tmp_path / "python-without-venv"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    result = ensure(tmp_path, PYTHON=str(fake))
    assert "is broken" in result.stdout
    assert not (tmp_path / "venv" / "bin" / "python").exists(), "the broken venv was removed"
    assert "apt-get install python3-venv" in result.stderr
