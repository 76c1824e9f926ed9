"""scripts/ensure_venv.sh says what to do when it cannot set up .venv."""

from __future__ import annotations

import os
import subprocess

from conftest import ROOT


def ensure(tmp_path, **env):
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / "ensure_venv.sh")],
        cwd=ROOT,
        env={**os.environ, "VENV": str(tmp_path / "venv"), **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_missing_python_names_what_to_install(tmp_path):
    result = ensure(tmp_path, PYTHON="/nonexistent/python3.11")
    assert result.returncode == 1
    assert "was not found" in result.stderr and "PYTHON=" in result.stderr
    assert not (tmp_path / "venv").exists()


def test_python_without_venv_module_says_to_install_python3_venv(tmp_path):
    fake = tmp_path / "python-without-venv"
    fake.write_text(
        "#!/bin/sh\n# a python whose venv/ensurepip modules are missing\nexit 1\n"
    )
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
    assert not (tmp_path / "venv" / "bin" / "python").exists(), (
        "the broken venv was removed"
    )
    assert "apt-get install python3-venv" in result.stderr


def test_the_github_workflow_is_the_ci_and_least_privileged():
    """One CI: the workflow runs .ci/run (nothing else decides what is tested), and
    only the deploy job, only on main, may write Pages."""
    import yaml

    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert [path.name for path in workflows] == ["ci.yml"], (
        "one workflow, calling .ci/run"
    )
    workflow = yaml.safe_load(workflows[0].read_text(encoding="utf-8"))
    assert workflow["permissions"] == {"contents": "read"}
    runs = [step.get("run", "") for step in workflow["jobs"]["test"]["steps"]]
    assert "bash .ci/run" in runs and not any("make" in run for run in runs)
    for name, job in workflow["jobs"].items():
        assert "timeout-minutes" in job, f"job {name} has no timeout"
        if name != "deploy":
            assert "permissions" not in job, (
                f"only the deploy job widens permissions, not {name}"
            )
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert "refs/heads/main" in deploy["if"] and "push" in deploy["if"]


def test_the_version_is_written_once_and_the_changelog_has_it():
    import re

    import embcourse

    written = [
        path
        for path in [*ROOT.glob("*.toml"), *ROOT.joinpath("embcourse").rglob("*.py")]
        if re.search(
            r"^\s*(__version__|version)\s*=\s*[\"']\d",
            path.read_text(encoding="utf-8"),
            re.MULTILINE,
        )
    ]
    assert written == [ROOT / "embcourse" / "__init__.py"], (
        f"the version is written in {written}"
    )
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## [{embcourse.__version__}]" in changelog, (
        "say in CHANGELOG.md what this version changed"
    )
