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
}


def run_in_sandbox(
    code: str, tmp_path: Path, seconds: int = 120
) -> subprocess.CompletedProcess:
    """Run ``code`` in the sandbox as a kernel would be, with a sealed exchange
    folder."""
    exchange = tmp_path / "exchange"
    sandbox.prepare_exchange(exchange)
    folder = exchange / "kernel-1"
    folder.mkdir()
    (folder / "connection.json").write_text("{}")
    sandbox.seal_exchange(folder)
    slot, lock = sandbox.claim_slot()  # a uid no grader running at the same time uses
    filter_fd = sandbox.seccomp_fd()
    command = sandbox.command(
        [sys.executable, "-"],
        folder,
        slot,
        sandbox.SandboxLimits(cpu_seconds=seconds),
        seccomp_fd=filter_fd,
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
