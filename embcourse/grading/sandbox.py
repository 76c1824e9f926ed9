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
- **Resources as a group** (:class:`KernelGroup`): a cgroup per kernel start (v2, or
  the v1 memory, pids and cpu controllers, whichever the grader can create children
  in) caps the memory of all its processes together, shared memory, memfd and tmpfs
  pages included, without swap; the number of processes; and its CPU to one core, so
  that a busy notebook cannot starve its neighbours. The kernel's first process joins
  the group before anything else runs, and sets its ``oom_score_adj`` to 1000 (as
  root, for good): the out-of-memory killer takes the kernel before the grader.
- **Resources per process** (rlimits, set by ``prlimit`` before the kernel starts, so
  it cannot raise them): data memory, address space, CPU seconds, size of any file
  written, open files, no core files, and the number of processes and threads. The
  process limit counts the processes of one user: the kernel's own uid as root, or
  (Linux 5.14 and later) the user inside its own user namespace; on an older kernel,
  as an ordinary user, it would count the instructor's own processes too, so it is
  left out there.
- **System calls**: a seccomp filter (:data:`RULES`) refuses the key-management calls
  (keys left in its uid's keyring for the next learner's kernel), ``ptrace``,
  ``perf_event_open``, ``bpf``, ``userfaultfd``, ``process_madvise``, a user namespace
  of its own (in which it could mount a tmpfs outside every limit), ``setns``,
  ``memfd_create``, and every system call of another architecture (x86-64 and arm64;
  elsewhere there is no filter).
- **Channels between kernels**: they share the host's read-only files. Locks on them
  are no-ops, evicting their pages is a no-op, and asking whether a page is cached
  without reading it is refused (all in the filter); :func:`warm_page_cache` caches
  the files a kernel can read at the start of grading (its own first, then /usr, up
  to 4 GB or a quarter of the memory available), so reading a page leaves nothing to
  time.
- **The grading code** (this folder, with the hidden cases' generators) is covered by
  an empty folder: the kernel cannot read it.

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
import threading
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
    cpus: float = 1.0  # the cgroup's CPU quota, in cores


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


# --- a seccomp filter: system calls no submission needs -------------------------------
# Each rule: (name, action, condition). The condition, when there is one, is on one
# argument's low 32 bits: ("set", index, mask) matches when any bit of mask is set,
# ("in", index, values) when the argument is one of values.
EPERM, ENOSYS, NO_OP = (
    1,
    38,
    0,
)  # errno returned; NO_OP: the call "succeeds", does nothing
CLONE_NEWUSER = 0x10000000
#: fcntl's record-lock commands: F_GETLK, F_SETLK, F_SETLKW and the OFD ones.
LOCK_COMMANDS = (5, 6, 7, 36, 37, 38)
MADV_COLD, MADV_PAGEOUT = 20, 21
RULES = [
    # State left in the host's kernel: keys in the uid's keyring for the next kernel.
    ("add_key", EPERM, None),
    ("request_key", EPERM, None),
    ("keyctl", EPERM, None),
    # Reaching into other processes or the kernel's internals.
    ("ptrace", EPERM, None),
    ("perf_event_open", EPERM, None),
    ("bpf", EPERM, None),
    ("userfaultfd", EPERM, None),
    ("process_madvise", EPERM, None),
    # A user namespace of its own would give it capabilities there (mounting a tmpfs
    # outside every limit); clone3 hides its flags from the filter, so it is refused
    # with ENOSYS, and the C library falls back to clone.
    ("unshare", EPERM, ("set", 0, CLONE_NEWUSER)),
    ("clone", EPERM, ("set", 0, CLONE_NEWUSER)),
    ("clone3", ENOSYS, None),
    ("setns", EPERM, None),
    # Memory that belongs to no process.
    ("memfd_create", EPERM, None),
    # Channels between kernels through the host's shared read-only files: locks (on a
    # file another kernel can open) and the page cache (evicting a page, or asking
    # whether it is cached without reading it). Locks and advice "succeed" and do
    # nothing, so that libraries taking a lock on their own files keep working.
    ("flock", NO_OP, None),
    ("fcntl", NO_OP, ("in", 1, LOCK_COMMANDS)),
    ("fadvise64", NO_OP, None),
    ("madvise", NO_OP, ("in", 2, (MADV_COLD, MADV_PAGEOUT))),
    ("mincore", ENOSYS, None),
    ("cachestat", ENOSYS, None),
    ("preadv2", ENOSYS, None),  # RWF_NOWAIT reads only what is cached
    ("pwritev2", ENOSYS, None),
    ("io_uring_setup", ENOSYS, None),
    ("io_uring_enter", ENOSYS, None),
    ("io_uring_register", ENOSYS, None),
    # Watching the host's shared files tells a kernel when another one opens or reads
    # them: a channel between kernels graded at once.
    ("inotify_init", ENOSYS, None),
    ("inotify_init1", ENOSYS, None),
    ("inotify_add_watch", ENOSYS, None),
    ("fanotify_init", ENOSYS, None),
]
_SYSCALLS = {  # machine: (audit arch, {name: number})
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
            "process_madvise": 440,
            "unshare": 272,
            "clone": 56,
            "clone3": 435,
            "setns": 308,
            "memfd_create": 319,
            "flock": 73,
            "fcntl": 72,
            "fadvise64": 221,
            "madvise": 28,
            "mincore": 27,
            "cachestat": 451,
            "preadv2": 327,
            "pwritev2": 328,
            "io_uring_setup": 425,
            "io_uring_enter": 426,
            "io_uring_register": 427,
            "inotify_init": 253,
            "inotify_init1": 294,
            "inotify_add_watch": 254,
            "fanotify_init": 300,
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
            "process_madvise": 440,
            "unshare": 97,
            "clone": 220,
            "clone3": 435,
            "setns": 268,
            "memfd_create": 279,
            "flock": 32,
            "fcntl": 25,
            "fadvise64": 223,
            "madvise": 233,
            "mincore": 232,
            "cachestat": 451,
            "preadv2": 286,
            "pwritev2": 287,
            "io_uring_setup": 425,
            "io_uring_enter": 426,
            "io_uring_register": 427,
            "inotify_init1": 26,
            "inotify_add_watch": 27,
            "fanotify_init": 262,
        },
    ),
}


def seccomp_program() -> bytes | None:
    """The classic BPF program bubblewrap loads (``--seccomp``), or None on other
    machines.

    Every call of another architecture (and x86-64's x32 calls) is refused; each rule
    is one block: load the call's number, compare, test the argument, return.
    """
    machine = os.uname().machine
    if machine not in _SYSCALLS:
        return None
    arch, numbers = _SYSCALLS[machine]
    load, ja, jeq, jge, jset, ret = 0x20, 0x05, 0x15, 0x35, 0x45, 0x06
    allow, refuse = 0x7FFF0000, 0x00050000  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | n
    blocks: list[list[tuple]] = []  # ("next") in a jump: to the next block
    for name, errno, condition in RULES:
        if (
            name not in numbers
        ):  # not a system call on this machine (arm64's inotify_init)
            continue
        action = (ret, 0, 0, refuse | errno)
        block = [(load, 0, 0, 0), (jeq, 0, "next", numbers[name])]
        if condition is None:
            block.append(action)
        else:
            kind, index, value = condition
            block.append((load, 0, 0, 16 + 8 * index))  # low half of args[index]
            if kind == "set":
                block += [(jset, 0, "next", value), action]
            else:
                for position, item in enumerate(value):
                    block.append((jeq, len(value) - position, 0, item))
                block += [(ja, 0, 0, 1), action]
        blocks.append(block)
    program = [(load, 0, 0, 4), (jeq, 1, 0, arch), (ret, 0, 0, refuse | EPERM)]
    if machine == "x86_64":  # no x32 system calls
        program += [
            (load, 0, 0, 0),
            (jge, 0, 1, 0x40000000),
            (ret, 0, 0, refuse | EPERM),
        ]
    for block in blocks:
        for position, (code, jt, jf, k) in enumerate(block):
            to_next = len(block) - position - 1
            program.append(
                (
                    code,
                    to_next if jt == "next" else jt,
                    to_next if jf == "next" else jf,
                    k,
                )
            )
    program.append((ret, 0, 0, allow))
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


#: Host-wide counters in /proc that a kernel moves by opening files or starting work,
#: and another reads: covered in the sandbox (reading them fails).
GLOBAL_COUNTERS = (
    "/proc/sys/fs/file-nr",
    "/proc/sys/fs/inode-nr",
    "/proc/sys/fs/inode-state",
    "/proc/sys/fs/dentry-state",
    "/proc/sys/fs/aio-nr",
    "/proc/loadavg",
)


def _grading_package() -> Path:
    """This folder: the grader, the case generators, and this file."""
    return Path(__file__).resolve().parent


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
    for counter in GLOBAL_COUNTERS:  # the host's counters every kernel could move
        if Path(counter).exists():
            argv += ["--ro-bind", "/dev/null", counter]
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
    # The grading code (the hidden cases' generators among it) is not for the kernel:
    # an empty read-only folder covers it.
    argv += ["--perms", "0555", "--size", "4096", "--tmpfs", str(_grading_package())]
    argv += ["--remount-ro", str(_grading_package())]
    # /dev's shared-memory folder, a tmpfs too, gets the size of /tmp.
    argv += ["--perms", "1777", "--size", str(disk // 4), "--tmpfs", "/dev/shm"]
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
    group: KernelGroup | None = None,
) -> list[str]:
    """The full command line that runs ``program`` (e.g. a kernel) in the sandbox.

    ``seccomp_fd`` (from :func:`seccomp_fd`, passed on to the process) adds the filter;
    ``group`` (from :meth:`KernelGroup.create`) puts the kernel in its cgroup. With
    ``sandboxed=False`` (the grader's ``--unsandboxed``), only the rlimits, the cgroup
    and the OOM preference apply.
    """
    enter = _enter(group)
    if not sandboxed:
        return enter + _rlimits(limits, with_processes=False) + program
    argv = enter + _bwrap_prefix(exchange_dir, slot, limits)
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


#: Run by the kernel's first process, before anything of the learner's: make it the
#: first the out-of-memory killer picks (as root, a score it cannot lower again), join
#: the cgroup's folders given as arguments, then run the rest of the command.
_ENTER_SCRIPT = (
    'echo 1000 > /proc/self/oom_score_adj || exit 125; n="$1"; shift; '
    'while [ "$n" -gt 0 ]; do echo "$$" > "$1" || exit 125; shift; n=$((n - 1)); '
    'done; exec "$@"'
)


def _enter(group: KernelGroup | None) -> list[str]:
    files = group.procs_files if group is not None else []
    return ["/bin/sh", "-c", _ENTER_SCRIPT, "sh", str(len(files)), *files]


def protect_grader() -> None:
    """As root: make the out-of-memory killer pass over the grader and its runners."""
    if running_as_root():
        try:
            Path("/proc/self/oom_score_adj").write_text("-900")
        except OSError:
            pass


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


# --- cgroups: memory, processes and CPU of one kernel as a group ----------------------
# rlimits are per process: memory held in memfd or tmpfs pages, or spread over many
# processes, escapes them. A cgroup counts every page the kernel's processes charge
# (shared memory, memfd and tmpfs included) and every process, and shares the CPU.

#: Where the grader creates its groups, inside its own cgroup.
GROUP_PREFIX = "embcourse-kernel-"
_V1_CONTROLLERS = ("memory", "pids", "cpu")


def _own_cgroups() -> dict[str, str]:
    """This process's cgroup path per v1 controller, and ``""`` for the v2 one."""
    paths = {}
    with open("/proc/self/cgroup", encoding="utf-8") as file:
        for line in file:
            _, controllers, path = line.rstrip("\n").split(":", 2)
            for name in controllers.split(",") if controllers else [""]:
                paths[name] = path
    return paths


def _cgroup_mounts() -> dict[str, Path]:
    """Mount points: each v1 controller by name, the v2 hierarchy as ``""``."""
    mounts = {}
    with open("/proc/self/mountinfo", encoding="utf-8") as file:
        for line in file:
            before, after = line.split(" - ", 1)
            kind, _, options = after.split()[:3]
            point = Path(before.split()[4])
            if kind == "cgroup2":
                mounts.setdefault("", point)
            elif kind == "cgroup":
                for name in options.split(","):
                    if name in _V1_CONTROLLERS:
                        mounts.setdefault(name, point)
    return mounts


def _writable_folder(path: Path) -> bool:
    return path.is_dir() and os.access(path, os.W_OK)


def cgroup_parents() -> tuple[str, dict[str, Path]]:
    """Which cgroup version the grader can use and the folder each group goes into.

    ``("v2", {"": folder})`` where this process's cgroup-v2 folder can hold child groups
    with the memory, pids and cpu controllers; ``("v1", {"memory": ..., "pids": ...,
    "cpu": ...})`` where those v1 controllers are mounted and writable; otherwise
    ``("none", {})``.
    """
    try:
        mounts, own = _cgroup_mounts(), _own_cgroups()
    except (OSError, ValueError):
        return "none", {}
    if "" in mounts and "" in own:
        parent = mounts[""] / own[""].lstrip("/")
        try:
            available = (parent / "cgroup.controllers").read_text().split()
            enabled = (parent / "cgroup.subtree_control").read_text().split()
            missing = [name for name in _V1_CONTROLLERS if name not in enabled]
            if set(_V1_CONTROLLERS) <= set(available) and _writable_folder(parent):
                if missing:
                    (parent / "cgroup.subtree_control").write_text(
                        " ".join(f"+{name}" for name in missing)
                    )
                return "v2", {"": parent}
        except OSError:
            pass  # not delegated to us (or processes in it): try v1
    parents = {}
    for name in _V1_CONTROLLERS:
        if name not in mounts:
            return "none", {}
        parent = mounts[name] / own.get(name, "/").lstrip("/")
        if not _writable_folder(parent):
            return "none", {}
        parents[name] = parent
    return "v1", parents


class KernelGroup:
    """The cgroup(s) of one kernel start: created before it, removed after it.

    v2: one group with ``memory.max`` (and no swap), ``pids.max``, ``cpu.max`` and
    ``memory.oom.group`` (an out-of-memory kill takes the whole kernel). v1: one group
    per controller with the same limits (``memory.limit_in_bytes`` and
    ``memory.memsw.limit_in_bytes``, ``pids.max``, ``cpu.cfs_quota_us``).
    ``procs_files`` are written by the kernel's first process (see :func:`command`), so
    everything it starts is inside from the beginning.
    """

    def __init__(self, version: str, parents: dict[str, Path], name: str):
        self.version = version
        self.folders = {key: parent / name for key, parent in parents.items()}

    @classmethod
    def create(cls, slot: int, limits: SandboxLimits) -> KernelGroup | None:
        """A new group for ``slot`` with ``limits``, or None where none can be had."""
        version, parents = cgroup_parents()
        if version == "none":
            return None
        name = f"{GROUP_PREFIX}{os.getpid()}-{slot}-{time.monotonic_ns()}"
        group = cls(version, parents, name)
        memory = limits.memory_mb * 1024 * 1024
        quota = int(100_000 * limits.cpus)
        settings = (
            [
                ("", "memory.max", memory),
                ("", "memory.swap.max", 0),
                ("", "memory.oom.group", 1),
                ("", "pids.max", limits.processes),
                ("", "cpu.max", f"{quota} 100000"),
            ]
            if version == "v2"
            else [
                ("memory", "memory.limit_in_bytes", memory),
                ("memory", "memory.memsw.limit_in_bytes", memory),
                ("pids", "pids.max", limits.processes),
                ("cpu", "cpu.cfs_period_us", 100_000),
                ("cpu", "cpu.cfs_quota_us", quota),
            ]
        )
        try:
            for folder in group.folders.values():
                folder.mkdir()
            for key, setting, value in settings:
                path = group.folders[key] / setting
                if path.exists() or setting != "memory.memsw.limit_in_bytes":
                    path.write_text(str(value))  # (no swap accounting: no memsw file)
        except OSError:
            group.remove()
            return None
        return group

    @property
    def procs_files(self) -> list[str]:
        """The files the kernel's first process writes its pid into to join."""
        return [str(folder / "cgroup.procs") for folder in self.folders.values()]

    def pids(self) -> list[int]:
        """The processes in the group."""
        found = set()
        for folder in self.folders.values():
            try:
                found |= {int(x) for x in (folder / "cgroup.procs").read_text().split()}
            except (OSError, ValueError):
                pass
        return sorted(found)

    def oom_kills(self) -> int:
        """How many processes the group's memory limit has killed."""
        folder = self.folders.get("" if self.version == "v2" else "memory")
        name = "memory.events" if self.version == "v2" else "memory.oom_control"
        try:
            for line in (folder / name).read_text().splitlines():
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
        except (OSError, ValueError, TypeError):
            pass
        return 0

    def kill(self, seconds: float = 5.0) -> None:
        """Kill every process in the group and wait until none is left."""
        deadline = time.monotonic() + seconds
        while True:
            left = self.pids()
            if not left or time.monotonic() > deadline:
                return
            for pid in left:
                try:
                    os.kill(pid, 9)
                except (ProcessLookupError, PermissionError):
                    pass
            time.sleep(0.02)

    def remove(self) -> None:
        """Kill what is left and remove the group's folders."""
        self.kill()
        for folder in self.folders.values():
            try:
                folder.rmdir()
            except OSError:
                pass


def remove_stale_groups() -> int:
    """Remove the groups a grader that was killed left behind; return how many."""
    version, parents = cgroup_parents()
    removed = 0
    for key, parent in parents.items():
        for folder in parent.glob(f"{GROUP_PREFIX}*"):
            owner = folder.name[len(GROUP_PREFIX) :].split("-", 1)[0]
            if owner.isdigit() and Path(f"/proc/{owner}").exists():
                continue  # its grader still runs
            KernelGroup(version, {key: parent}, folder.name).remove()
            removed += not folder.exists()
    return removed


# --- the page cache of the files every kernel reads -----------------------------------
_WARMED: list[threading.Thread] = []


#: At most this much is read ahead: the kernels' own files, and the start of /usr.
WARM_BYTES = 4 * 1024**3


def _warm_budget() -> int:
    """Bytes worth caching: a quarter of the memory available now, and at most
    WARM_BYTES (a machine with a large /usr, such as a CI runner's, is not made to read
    all of it, nor the grading slowed by reading)."""
    try:
        with open("/proc/meminfo", encoding="utf-8") as file:
            for line in file:
                if line.startswith("MemAvailable:"):
                    return min(WARM_BYTES, int(line.split()[1]) * 1024 // 4)
    except (OSError, ValueError, IndexError):
        pass
    return WARM_BYTES


def warm_page_cache() -> threading.Thread:
    """Start reading every file the kernel can read into the page cache, in the
    background, once per grader process.

    Kernels share the host's read-only files, and so which of their pages are cached:
    a kernel that reads a rarely used page, and a later one that times its own read of
    it, could pass bits between them. Evicting a page or asking whether it is cached
    without reading it is refused by the seccomp filter; with every page cached from
    the start of grading (where memory allows), reading one changes nothing another
    kernel can see.
    """

    def warm() -> None:
        budget = _warm_budget()
        for root in [*_readable_roots(), "/usr"]:  # what kernels read most, first
            for folder, _, names in os.walk(root):
                for name in names:
                    try:
                        handle = os.open(
                            os.path.join(folder, name),
                            os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK,
                        )
                    except OSError:
                        continue
                    try:
                        budget -= os.fstat(handle).st_size
                        if budget < 0:
                            return  # more than memory holds: the rest stays as it is
                        os.posix_fadvise(handle, 0, 0, os.POSIX_FADV_WILLNEED)
                    except OSError:
                        pass
                    finally:
                        os.close(handle)

    if not _WARMED:
        _WARMED.append(threading.Thread(target=warm, name="warm-cache", daemon=True))
        _WARMED[0].start()
    return _WARMED[0]
