"""The security boundary of grading: how a learner's kernel is started, and what it can
reach.

Everything that keeps a submission from the rest of the machine is in this file. The
isolation comes from the operating system, through bubblewrap (``bwrap``), never from
code running inside the learner's own process:

- **Namespaces.** The kernel gets its own mount, PID, IPC, UTS, network and cgroup
  namespaces. Its network has only a loopback interface that is down: no connection
  leaves it. In its PID namespace it sees only its own processes, so it cannot signal
  the grader or any other submission, and every process it starts dies with it
  (``--die-with-parent``; when the namespace's first process ends, the kernel kills
  the rest). ``--new-session`` keeps it off the grader's terminal.
- **Files.** Its root is an empty in-memory folder. Read-only, it sees only what a
  submission needs: the system's ``/usr`` (with ``/lib``, ``/bin`` links), the Python
  installation and the virtual environment, the course package ``embcourse/`` and the
  public ``data/`` folder. Writable, it has ``/work`` (its working folder and ``$HOME``)
  and ``/tmp``, both in memory and size-capped, plus the one *exchange folder* that
  holds the kernel's connection file and sockets. It never sees the repository's other
  files, the hidden cases, the other submissions, the gradebook or feedback folders, or
  the grader's home.
- **Who it runs as.** When the grader runs as root, the kernel runs as an unprivileged
  user of its own, ``UID_BASE + slot`` (one per parallel job, claimed with a lock so
  that two graders running at once never share one), with no capabilities, an
  empty bounding set and ``no_new_privs``; the exchange folder is made read-only to it
  once the kernel has opened its sockets. When the grader is an ordinary user,
  bubblewrap adds a user namespace in which the kernel is uid/gid 65534 with every
  capability dropped; on the host it is still the instructor's own user.
- **Resources** (rlimits, set by ``prlimit`` before the kernel starts, so it cannot
  raise them): data memory, address space (which also bounds shared memory), CPU
  seconds, size of any file written, open files, no core files, and the number of
  processes and threads. The process limit counts the
  processes of one user: the kernel's own uid as root, or (Linux 5.14 and later) the
  user inside its own user namespace; on an older kernel, as an ordinary user, it would
  count the instructor's own processes too, so it is left out there.
  cgroup limits are not used (see the instructors page).
- **System calls**: a seccomp filter refuses, with EPERM, the key-management calls (a
  kernel could otherwise leave keys in its uid's keyring for the next learner's kernel),
  ``ptrace``, ``perf_event_open``, ``bpf`` and ``userfaultfd``, and every system call of
  another architecture (x86-64 and arm64; elsewhere there is no filter).

:func:`check_available` says, with what to do, when bubblewrap is missing or the
system does not allow namespaces. Graders can then pass ``--unsandboxed`` and get the
same rlimits without any isolation, which the gradebook records.
"""

from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from embcourse.progress import NO_PROGRESS_ENV

#: Host uid of the kernel of parallel job ``slot`` when the grader runs as root.
UID_BASE = 60_100
#: The uid/gid inside the user namespace when the grader is an ordinary user.
SANDBOX_UID = 65534
#: Inside the sandbox: the kernel's working folder (also its $HOME) and its temp folder.
WORK_DIR, TEMP_DIR = "/work", "/tmp"
#: Inside the sandbox: where the exchange folder (connection file, sockets) appears.
EXCHANGE_DIR = "/exchange"


class SandboxUnavailable(RuntimeError):
    """The system cannot run the sandbox; the message says how to fix it."""


@dataclass(frozen=True)
class SandboxLimits:
    """What one kernel may use."""

    memory_mb: int = 2048  # RLIMIT_DATA (heap, private mappings); RLIMIT_AS is twice it
    cpu_seconds: int = 600  # RLIMIT_CPU
    file_mb: int = 64  # RLIMIT_FSIZE: the largest file it may write
    disk_mb: int = 256  # size of /work; /tmp gets a quarter of it
    processes: int = 64  # RLIMIT_NPROC (threads count too), see process_limit_applies
    open_files: int = 256  # RLIMIT_NOFILE


#: How many kernels may run at once on one machine, over every grader running there.
SLOTS = 64


def claim_slot():
    """Claim a slot no other grader on this machine is using; return (slot, lock).

    As root each slot is a host uid, and a grader kills whatever runs as its uid when a
    kernel stops, so two graders running at once must never share one. The claim is an
    exclusive ``flock`` on a file per slot, held until ``lock`` is closed (or the grader
    ends, however it ends). Raises RuntimeError when every slot is taken.
    """
    import fcntl
    import tempfile

    folder = (
        Path("/run/lock")
        if running_as_root() and Path("/run/lock").is_dir()
        else Path(tempfile.gettempdir())
    )
    for slot in range(SLOTS):
        # Held open (and locked) for the whole grading run, so not in a with-block.
        lock = open(folder / f"embcourse-grade-slot-{slot}.lock", "a")  # noqa: SIM115
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            lock.close()
            continue
        return slot, lock
    raise RuntimeError(f"all {SLOTS} grading slots of this machine are in use")


def running_as_root() -> bool:
    """True when the grader runs as root (the kernel then gets an unprivileged uid)."""
    return os.geteuid() == 0


def kernel_uid(slot: int) -> int:
    """The host uid of the kernel run by parallel job ``slot``."""
    return UID_BASE + slot if running_as_root() else os.geteuid()


def check_available() -> None:
    """Raise :class:`SandboxUnavailable` unless bubblewrap can start a sandbox here."""
    fix = (
        "Grade on Linux with bubblewrap installed (Debian/Ubuntu: 'sudo apt-get "
        "install bubblewrap'; Fedora: 'sudo dnf install bubblewrap'), where user "
        "namespaces are allowed (inside Docker: run the container with '--security-opt "
        "seccomp=unconfined' or grade outside it). Or pass --unsandboxed to grade "
        "without isolation: only for notebooks you trust; the gradebook will say so."
    )
    if sys.platform != "linux":
        raise SandboxUnavailable(
            f"the grading sandbox needs Linux; this is {sys.platform}. {fix}"
        )
    if shutil.which("bwrap") is None or shutil.which("prlimit") is None:
        raise SandboxUnavailable(
            f"bubblewrap ('bwrap') or util-linux's 'prlimit' is not installed. {fix}"
        )
    probe = _bwrap_prefix(
        Path("/nonexistent-exchange"), 0, SandboxLimits(), exchange=False
    )
    try:
        result = subprocess.run(
            probe + ["--", "/usr/bin/true"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SandboxUnavailable(
            f"bubblewrap could not start ({error}). {fix}"
        ) from None
    if result.returncode != 0:
        message = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise SandboxUnavailable(
            f"bubblewrap could not create a sandbox here ({message}). {fix}"
        )


def prepare_exchange(folder: Path) -> None:
    """Create the grader's exchange folder; each kernel start gets a new folder inside
    it."""
    folder.mkdir(mode=0o700)


def unseal_exchange(folder: Path, slot: int) -> None:
    """Before a start: let the kernel's uid create its sockets in this new folder (as
    root)."""
    if running_as_root():
        os.chown(folder, kernel_uid(slot), kernel_uid(slot), follow_symlinks=False)


def seal_exchange(folder: Path) -> None:
    """Once the kernel's sockets exist: make the folder read-only to the kernel (as
    root).

    Connecting to a socket needs no write permission on its folder, so the grader still
    talks to the kernel; the kernel can no longer create files on the host's disk.
    As an ordinary user this is not possible (the kernel is the same host user), and the
    folder stays writable, capped per file by the file-size limit.
    """
    if running_as_root():
        os.chown(folder, 0, 0, follow_symlinks=False)
        os.chmod(folder, 0o755, follow_symlinks=False)


def end_processes(slot: int, seconds: float = 5.0) -> None:
    """As root: kill every process still running as the kernel's uid, and wait until
    none is.

    The uid belongs to this job's kernels alone, so this ends exactly what the kernel
    left (its PID namespace dies with it, but a moment later). As an ordinary user the
    kernel shares the instructor's uid, and the namespace is left to end by itself.
    """
    if not running_as_root():
        return
    uid = kernel_uid(slot)
    deadline = time.monotonic() + seconds
    while True:
        left = processes_of(uid)
        if not left or time.monotonic() > deadline:
            return
        for pid in left:
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
        time.sleep(0.02)


def processes_of(uid: int) -> list[int]:
    """The ids of the processes whose real uid is ``uid``."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/status", encoding="utf-8") as file:
                for line in file:
                    if line.startswith("Uid:"):
                        if int(line.split()[1]) == uid:
                            found.append(int(entry))
                        break
        except (OSError, ValueError):
            continue
    return found


# --- a seccomp filter: system calls no submission needs, refused with EPERM -----------
# The key-management calls would let a kernel leave keys in its uid's keyring for the
# next learner's kernel; the others reach into other processes or the kernel's
# internals.
_BLOCKED = {  # machine: (audit arch, {name: number})
    "x86_64": (
        0xC000003E,
        {
            "add_key": 248,
            "request_key": 249,
            "keyctl": 250,
            "ptrace": 101,
            "perf_event_open": 298,
            "bpf": 321,
            "userfaultfd": 323,
        },
    ),
    "aarch64": (
        0xC00000B7,
        {
            "add_key": 217,
            "request_key": 218,
            "keyctl": 219,
            "ptrace": 117,
            "perf_event_open": 241,
            "bpf": 280,
            "userfaultfd": 282,
        },
    ),
}


def seccomp_program() -> bytes | None:
    """The classic BPF program bubblewrap loads (``--seccomp``), or None on other
    machines."""
    machine = os.uname().machine
    if machine not in _BLOCKED:
        return None
    arch, numbers = _BLOCKED[machine]
    load, jump_eq, jump_ge, ret = 0x20, 0x15, 0x35, 0x06
    allow, refuse = (
        0x7FFF0000,
        0x00050000 | 1,
    )  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EPERM
    blocked = sorted(numbers.values())
    checks = (
        [(jump_ge, 0x40000000)] if machine == "x86_64" else []
    )  # no x32 system calls
    checks += [(jump_eq, number) for number in blocked]
    program = [(load, 0, 0, 4), (jump_eq, 0, len(checks) + 2, arch), (load, 0, 0, 0)]
    for index, (code, value) in enumerate(checks):
        program.append((code, len(checks) - index, 0, value))  # true: jump to refuse
    program += [(ret, 0, 0, allow), (ret, 0, 0, refuse)]
    return b"".join(struct.pack("=HBBI", *instruction) for instruction in program)


def seccomp_fd() -> int | None:
    """A file descriptor holding :func:`seccomp_program`, for
    ``command(seccomp_fd=...)``."""
    program = seccomp_program()
    if program is None:
        return None
    handle = os.memfd_create("embcourse-seccomp", 0)
    os.write(handle, program)
    os.lseek(handle, 0, os.SEEK_SET)
    return handle


def _readable_roots() -> list[str]:
    """Host folders the kernel may read: Python, the venv, the course package and
    data."""
    import embcourse

    package = Path(embcourse.__file__).resolve().parent
    roots = {
        sys.base_prefix,
        sys.prefix,
        sys.exec_prefix,
        str(package),
        str(package.parent / "data"),
    }
    executable = Path(sys.executable)
    roots.add(str(executable.resolve().parent.parent))  # a venv's python is a symlink
    return sorted(os.path.realpath(root) for root in roots if os.path.isdir(root))


def _bwrap_prefix(
    exchange_dir: Path, slot: int, limits: SandboxLimits, exchange: bool = True
) -> list[str]:
    """The bubblewrap part of the command line, up to (not including) ``--``."""
    disk = limits.disk_mb * 1024 * 1024
    argv = [
        "bwrap",
        "--die-with-parent",
        "--new-session",
        "--unshare-pid",
        "--unshare-net",
        "--unshare-ipc",
        "--unshare-uts",
        "--unshare-cgroup-try",
        "--hostname",
        "grading",
    ]
    if not running_as_root():  # an ordinary user needs the user namespace for the rest
        argv += [
            "--unshare-user",
            "--uid",
            str(SANDBOX_UID),
            "--gid",
            str(SANDBOX_UID),
            "--disable-userns",
            "--cap-drop",
            "ALL",
        ]
    argv += ["--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev"]
    for link in ("bin", "lib", "lib64", "sbin"):
        target = Path("/") / link
        if target.is_symlink():
            argv += ["--symlink", os.readlink(target), f"/{link}"]
        elif target.is_dir():
            argv += ["--ro-bind", str(target), f"/{link}"]
    for name in ("ld.so.cache", "localtime", "fonts"):
        if (Path("/etc") / name).exists():
            argv += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
    # The writable folders first, so that a read-only folder below them (a checkout in
    # /tmp, say) is mounted on top and stays visible.
    argv += [
        "--perms",
        "1777",
        "--size",
        str(disk),
        "--tmpfs",
        WORK_DIR,
        "--perms",
        "1777",
        "--size",
        str(disk // 4),
        "--tmpfs",
        TEMP_DIR,
    ]
    for root in _readable_roots():
        argv += ["--perms", "0755", "--dir", root, "--ro-bind", root, root]
    if exchange:
        argv += ["--bind", str(exchange_dir), EXCHANGE_DIR]
    argv += ["--chdir", WORK_DIR, "--clearenv"]
    for key, value in kernel_environment().items():
        argv += ["--setenv", key, value]
    return argv


def kernel_environment(
    work_dir: str = WORK_DIR, temp_dir: str = TEMP_DIR
) -> dict[str, str]:
    """The whole environment of the kernel: nothing of the grader's is passed on."""
    return {
        "HOME": work_dir,
        "TMPDIR": temp_dir,
        "PATH": "/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "MPLBACKEND": "agg",
        "MPLCONFIGDIR": f"{temp_dir}/mpl",
        "IPYTHONDIR": f"{temp_dir}/ipython",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        NO_PROGRESS_ENV: "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
    }


def _rlimits(limits: SandboxLimits, with_processes: bool) -> list[str]:
    # RLIMIT_DATA does not count shared memory (an anonymous shared mapping, memfd), so
    # the address space is capped too, with room for the libraries' mappings (about 0.9
    # GB of address space with numpy, torch, matplotlib and ipykernel loaded).
    argv = [
        "prlimit",
        f"--data={limits.memory_mb * 1024 * 1024}",
        f"--as={2 * limits.memory_mb * 1024 * 1024}",
        f"--cpu={limits.cpu_seconds}",
        f"--fsize={limits.file_mb * 1024 * 1024}",
        f"--nofile={limits.open_files}",
        "--core=0",
    ]
    if with_processes:
        argv.append(f"--nproc={limits.processes}")
    return argv + ["--"]


def command(
    program: list[str],
    exchange_dir: Path,
    slot: int,
    limits: SandboxLimits,
    sandboxed: bool = True,
    seccomp_fd: int | None = None,
) -> list[str]:
    """The full command line that runs ``program`` (e.g. a kernel) in the sandbox.

    ``seccomp_fd`` (from :func:`seccomp_fd`, passed on to the process) adds the filter.
    With ``sandboxed=False`` (the grader's ``--unsandboxed``), only the rlimits apply.
    """
    if not sandboxed:
        return _rlimits(limits, with_processes=False) + program
    argv = _bwrap_prefix(exchange_dir, slot, limits)
    if seccomp_fd is not None:
        argv += ["--seccomp", str(seccomp_fd)]
    argv += ["--"]
    if running_as_root():
        uid = str(kernel_uid(slot))
        argv += [
            "setpriv",
            f"--reuid={uid}",
            f"--regid={uid}",
            "--clear-groups",
            "--inh-caps=-all",
            "--bounding-set=-all",
            "--no-new-privs",
        ]
    return argv + _rlimits(limits, with_processes=process_limit_applies()) + program


def process_limit_applies() -> bool:
    """True where RLIMIT_NPROC counts only the sandbox's processes (see the module
    doc)."""
    if running_as_root():
        return True
    release = os.uname().release.split(".")
    try:
        return (int(release[0]), int(release[1].split("-")[0])) >= (5, 14)
    except (IndexError, ValueError):
        return False
