"""The grading sandbox itself: each attack of tests/grading_corpus/attacks.py, run
straight in the sandbox, is answered by the operating system with the errno asserted
here.

Run with ``-s`` to see the outcomes printed (they are the table in the instructors
page).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from embcourse.grading import sandbox

sys.path.insert(0, str(ROOT / "tests" / "grading_corpus"))
from attacks import ATTACKS, snippet

pytestmark = pytest.mark.slow  # runs the grader; left out by make test-fast

#: Writing where the repository would be: as root, the kernel's uid may not write the
#: folders above the read-only binds; as an ordinary user they belong to the sandbox's
#: own user, and the write lands in the sandbox's memory. Either way the host is
#: untouched, which every test below checks.
#: Whether this machine gives each kernel a cgroup (memory, processes, CPU as a group).
GROUPS = sandbox.cgroup_parents()[0] != "none"
IN_REPOSITORY = "EACCES|EROFS" if sandbox.running_as_root() else "EACCES|EROFS|ok"
HOST_PATHS = [
    ROOT / "escape.txt",
    ROOT / "escape.db",
    ROOT / "escape-from-c.txt",
    ROOT / "escape-raw.txt",
    Path("/tmp/embcourse-grading-escape.txt"),
]

#: What the sandbox must answer, attack by attack ("ok" where the attempt works but
#: only inside the sandbox). Alternatives are separated by "|".
EXPECTED = {
    "forge_result": {
        "write to the inherited stdout": "ok",
        "kill the parent": "EPERM|ok",
    },
    "read_hidden": {
        "read the hidden cases": "ENOENT",
        "read the solutions": "ENOENT",
        "list the repository's tests": "ENOENT",
        "open with dir_fd": "ENOENT",
        "find the hidden folder in a command line": "LookupError",
        "read the grader's home": "ENOENT",
    },
    "touch_others": {
        "list the decoy folder": "ENOENT",
        "change a decoy file": "ENOENT",
        "delete a decoy file": "ENOENT",
        "write the host's /tmp (sandbox only)": "ok",
        "write into the repository": IN_REPOSITORY,
        "append to the course package": "EACCES|EROFS",
        "sqlite3 database in the repository": "OperationalError"
        if sandbox.running_as_root()
        else "OperationalError|ok",
    },
    "c_code": {
        "libc system() writing the repository": (
            "the shell command failed (wait status 256)"
        )
        if sandbox.running_as_root()
        else "the shell command failed (wait status 256)|ok",
        "setns into another network namespace": "EACCES|EPERM",
        "libc open() for writing in the repository": IN_REPOSITORY,
    },
    "survive_and_kill": {
        "start a detached process": "ok",
        "double fork": "ok",
        "find the grader's process": "LookupError",
    },
    "host_state": {
        "leave a key in the uid's keyring": "EPERM",
        "write the connection file": "EACCES"
        if sandbox.running_as_root()
        else "EACCES|ok",
        "create a file in the exchange folder": "EACCES"
        if sandbox.running_as_root()
        else "ok",
        "map 5 GB of shared memory": "ENOMEM",
    },
    "kill_everything": {"kill every process it can": "ESRCH|ok"},
    "network": {
        "connect to the internet": "ENETUNREACH",
        "connect to the host's loopback": "ECONNREFUSED|ENETUNREACH",
    },
    "resources": {
        "write a 1 GB file": "EFBIG",
        "fill the work folder": "ENOSPC",
        "fork 500 processes": "EAGAIN" if sandbox.process_limit_applies() else "ok",
    },
    "memory_outside_rlimits": {
        "create a memfd": "EPERM",
        "write 10 files of 60 MB into /dev/shm": "ENOSPC",
        "a user namespace of its own": "EPERM",
        "clone3, whose flags a filter cannot see": "ENOSYS",
        "hold 1.2 GB in 4 processes of 300 MB": "killed by the group's memory limit"
        if GROUPS
        else "ok",
    },
    "channels_between_kernels": {
        "a lock on a shared file, seen by another process": "not seen",
        "a record lock, seen by another process": "not seen",
        "evict a shared file's pages (it does nothing)": "ok",
        "read only if cached (RWF_NOWAIT)": "ENOSYS|ENOTSUP",
        "mincore": "ENOSYS",
        "io_uring_setup": "ENOSYS",
        "cachestat": "ENOSYS",
        "read the hidden cases' generators": "ENOENT",
        "watch shared files for another kernel's reads (inotify)": "ENOSYS",
        "read the host's count of open files": "EACCES",
    },
    "cpu_hog": {
        "4 busy processes take more than one core": "held to one core"
        if GROUPS and (os.cpu_count() or 1) > 1
        else "ok|held to one core",
    },
}


def run_in_sandbox(
    code: str,
    tmp_path: Path,
    seconds: int = 120,
    memory_mb: int = 1024,
    guarded: bool = True,
) -> subprocess.CompletedProcess:
    """Run ``code`` in the sandbox as a kernel would be: a sealed exchange folder, the
    seccomp filter, and a cgroup where the machine allows one (``guarded=False``: the
    namespaces only, without the filter and the cgroup)."""
    exchange = tmp_path / "exchange"
    tmp_path.mkdir(exist_ok=True)
    sandbox.prepare_exchange(exchange)
    folder = exchange / "kernel-1"
    folder.mkdir()
    (folder / "connection.json").write_text("{}")
    sandbox.seal_exchange(folder)
    slot, lock = sandbox.claim_slot()  # a uid no grader running at the same time uses
    filter_fd = sandbox.seccomp_fd() if guarded else None
    limits = sandbox.SandboxLimits(cpu_seconds=seconds, memory_mb=memory_mb)
    group = sandbox.KernelGroup.create(slot, limits) if guarded else None
    command = sandbox.command(
        [sys.executable, "-"],
        folder,
        slot,
        limits,
        seccomp_fd=filter_fd,
        group=group,
    )
    try:
        return subprocess.run(
            command,
            input=code,
            capture_output=True,
            text=True,
            timeout=seconds,
            pass_fds=() if filter_fd is None else (filter_fd,),
            check=False,
        )
    finally:
        if group is not None:
            group.remove()
        lock.close()
        if filter_fd is not None:
            os.close(filter_fd)


@pytest.fixture(autouse=True)
def _needs_the_sandbox(grading_sandbox):
    """Every test here runs the sandbox (CI installs bubblewrap: .ci/run)."""


def test_every_attack_has_expectations():
    assert sorted(EXPECTED) == sorted(ATTACKS)


@pytest.mark.parametrize("name", sorted(ATTACKS))
def test_the_sandbox_answers_each_attack(name, tmp_path):
    for path in HOST_PATHS:
        path.unlink(missing_ok=True)
    result = run_in_sandbox(snippet(name), tmp_path)
    assert [path for path in HOST_PATHS if path.exists()] == [], "the host was written"
    outcomes = dict(
        line[len("ATTACK ") :].split(": ", 1)
        for line in result.stdout.splitlines()
        if line.startswith("ATTACK ")
    )
    print(
        f"\n{name}:",
        *(f"  {what}: {outcome}" for what, outcome in outcomes.items()),
        sep="\n",
    )
    assert sorted(outcomes) == sorted(EXPECTED[name]), result.stderr[-2000:]
    for what, allowed in EXPECTED[name].items():
        assert outcomes[what] in allowed.split("|"), (what, outcomes[what])


def _outcomes(result: subprocess.CompletedProcess) -> dict[str, str]:
    return dict(
        line[len("ATTACK ") :].split(": ", 1)
        for line in result.stdout.splitlines()
        if line.startswith("ATTACK ")
    )


def test_the_round_two_attacks_work_without_the_filter_and_the_cgroup(tmp_path):
    """The attacks above can fail: without the filter and the cgroup they succeed."""
    channels = _outcomes(
        run_in_sandbox(
            snippet("channels_between_kernels"), tmp_path / "a", guarded=False
        )
    )
    assert channels["a lock on a shared file, seen by another process"] == "ok"
    assert channels["a record lock, seen by another process"] == "ok"
    assert channels["mincore"] != "ENOSYS"
    assert channels["watch shared files for another kernel's reads (inotify)"] == "ok"
    memory = _outcomes(
        run_in_sandbox(snippet("memory_outside_rlimits"), tmp_path / "b", guarded=False)
    )
    assert memory["create a memfd"] == "ok"
    assert memory["hold 1.2 GB in 4 processes of 300 MB"] == "ok"
    if (os.cpu_count() or 1) > 1:
        hog = _outcomes(
            run_in_sandbox(snippet("cpu_hog"), tmp_path / "c", guarded=False)
        )
        assert hog["4 busy processes take more than one core"] == "ok"


@pytest.mark.skipif(not GROUPS, reason="no cgroup can be created on this machine")
def test_a_group_is_removed_with_everything_in_it(tmp_path):
    slot, lock = sandbox.claim_slot()
    try:
        group = sandbox.KernelGroup.create(slot, sandbox.SandboxLimits())
        assert group is not None and all(f.is_dir() for f in group.folders.values())
        sleeper = subprocess.Popen(
            sandbox._enter(group) + ["sleep", "987652"], start_new_session=True
        )
        deadline = time.monotonic() + 5
        while sleeper.pid not in group.pids() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert sleeper.pid in group.pids(), "the kernel's first process joins"
        assert Path(f"/proc/{sleeper.pid}/oom_score_adj").read_text().strip() == "1000"
        group.remove()
        assert sleeper.wait(timeout=5) == -9
        assert not any(f.exists() for f in group.folders.values())
    finally:
        lock.close()


def test_the_kernel_runs_unprivileged_with_nothing_of_the_host(tmp_path):
    code = (
        "import os\nprint(os.getuid(), os.getgid(), os.getgroups())\n"
        "print(open('/proc/self/status').read().split('CapEff:')[1].split()[0])\n"
        "print(sorted(os.listdir('/')))\nprint(sorted(os.environ))\n"
        "print(open('/proc/self/status').read().split('NoNewPrivs:')[1].split()[0])\n"
    )
    lines = run_in_sandbox(code, tmp_path).stdout.splitlines()
    uids = (
        range(sandbox.UID_BASE, sandbox.UID_BASE + sandbox.SLOTS)
        if sandbox.running_as_root()
        else [sandbox.SANDBOX_UID]
    )
    assert any(
        lines[0] in (f"{uid} {uid} []", f"{uid} {uid} [{uid}]") for uid in uids
    ), lines[0]
    assert lines[1] == "0000000000000000", "no capabilities"
    allowed = {
        "bin",
        "dev",
        "etc",
        "exchange",
        "lib",
        "lib64",
        "proc",
        "sbin",
        "tmp",
        "usr",
        "work",
    } | {Path(root).parts[1] for root in sandbox._readable_roots()}
    assert set(eval(lines[2])) <= allowed, (
        "only the system, Python and the course's folders"
    )
    assert eval(lines[3]) == sorted({*sandbox.kernel_environment(), "PWD"}), (
        "no grader variable"
    )
    assert lines[4] == "1", "no_new_privs: no setuid program can give privileges back"


def test_the_repository_shows_only_the_package_data_and_python(tmp_path):
    code = f"import os\nprint(sorted(os.listdir({str(ROOT)!r})))\n"
    shown = eval(run_in_sandbox(code, tmp_path).stdout)
    assert set(shown) <= {"embcourse", "data", ".venv"} and {
        "embcourse",
        "data",
    } <= set(shown)
