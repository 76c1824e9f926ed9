"""What a killed grader leaves behind is removed by the next one: job folders (which
hold learners' code and results) and cgroups."""

from __future__ import annotations

import fcntl
import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from embcourse.grading import cli, sandbox


def _job_folder(locked: bool):
    folder = Path(tempfile.mkdtemp(prefix=cli.JOB_PREFIX))
    (folder / "job.json").write_text('{"cells": ["secret code"]}')
    lock = open(folder / "owner.lock", "w")  # noqa: SIM115 (closed by the test)
    if locked:
        fcntl.flock(lock, fcntl.LOCK_EX)
    return folder, lock


def test_stale_job_folders_are_removed_and_live_ones_kept():
    stale, stale_lock = _job_folder(locked=False)
    stale_lock.close()  # as if its grader had been killed: nobody holds the lock
    live, live_lock = _job_folder(locked=True)
    try:
        assert cli.remove_stale_jobs() >= 1
        assert not stale.exists(), "the killed grader's folder is gone"
        assert (live / "job.json").exists(), "a running grader's folder is kept"
    finally:
        live_lock.close()
        cli.remove_stale_jobs()
    assert not live.exists()


def test_a_grader_killed_mid_job_leaves_nothing_after_the_next_start(tmp_path):
    """A real grader process killed with signal 9 while it holds a job folder."""
    script = (
        "import time, tempfile, fcntl, pathlib\n"
        f"folder = pathlib.Path(tempfile.mkdtemp(prefix={cli.JOB_PREFIX!r}))\n"
        "lock = open(folder / 'owner.lock', 'w')\n"
        "fcntl.flock(lock, fcntl.LOCK_EX)\n"
        "print(folder, flush=True)\n"
        "time.sleep(600)\n"
    )
    process = subprocess.Popen(
        ["python3", "-c", script], stdout=subprocess.PIPE, text=True
    )
    folder = Path(process.stdout.readline().strip())
    assert folder.is_dir()
    cli.remove_stale_jobs()
    assert folder.is_dir(), "not removed while its grader runs"
    process.kill()
    process.wait()
    cli.remove_stale_jobs()
    assert not folder.exists()


@pytest.mark.skipif(
    sandbox.cgroup_parents()[0] == "none", reason="no cgroup can be created here"
)
def test_stale_groups_are_removed():
    slot, lock = sandbox.claim_slot()
    try:
        group = sandbox.KernelGroup.create(slot, sandbox.SandboxLimits())
        assert group is not None
        dead = subprocess.Popen(["true"])
        dead.wait()
        renamed = []
        for folder in group.folders.values():
            target = folder.with_name(f"{sandbox.GROUP_PREFIX}{dead.pid}-0-1")
            os.rename(folder, target)
            renamed.append(target)
        assert sandbox.remove_stale_groups() >= len(renamed)
        assert not any(folder.exists() for folder in renamed)
    finally:
        lock.close()
