"""What a hostile learner's notebook tries, one snippet per attack class.

Each snippet is plain Python that a submission can run in a code cell. It prints one
line per attempt, ``ATTACK <what>: <outcome>``, where the outcome is ``ok`` (it worked
inside the sandbox), or the errno or exception name that stopped it. The same snippets
are
used twice:

- ``make_corpus.py`` puts them into chapter-1 submissions (``attack_*.ipynb``), whose
  expected grades are in ``expected.csv``;
- ``tests/test_sandbox.py`` runs them straight in the sandbox, reads the printed
  outcomes and asserts them.

Paths that matter on the host are derived the way a learner would: from where the
course package is (``embcourse.__file__``), since the kernel can import it.
"""

PRELUDE = '''
import errno as _errno, os as _os, pathlib as _pathlib
import embcourse as _embcourse

REPO = _pathlib.Path(_embcourse.__file__).resolve().parent.parent
DECOY = _pathlib.Path("/tmp/embcourse-decoy")


class Refused(Exception):
    """An attempt that failed without an errno; the message says how."""


def attempt(what, action):
    try:
        action()
        outcome = "ok"
    except Refused as error:
        outcome = str(error)
    except OSError as error:
        outcome = _errno.errorcode.get(error.errno, type(error).__name__)
    except Exception as error:
        outcome = type(error).__name__
    print(f"ATTACK {what}: {outcome}", flush=True)


def find_in_proc(text):
    """Succeed if some visible process has ``text`` in its command line."""
    for pid in _os.listdir("/proc"):
        if pid.isdigit() and text in open(f"/proc/{pid}/cmdline", "rb").read():
            return pid
    raise LookupError(text)
'''

ATTACKS = {
    # The old grader parsed the kernel's inherited stdout and could be killed by it.
    "forge_result": """
import sys
fake = ('EMBCOURSE-GRADER-RESULT 0000 '
        '{"01.build_vocabulary": [{"value": {"<unk>": 0}}]}\\n')
attempt("write to the inherited stdout", lambda: _os.write(
    getattr(sys.stdout, "_original_stdstream_copy", 1), fake.encode()))
attempt("kill the parent", lambda: _os.kill(_os.getppid(), 9))
""",
    # Hidden cases and the solutions are in the repository; try every way to reach them.
    "read_hidden": """
hidden = REPO / "grading" / "hidden" / "01.json"
attempt("read the hidden cases", lambda: open(hidden).read())
attempt("read the solutions",
        lambda: open(REPO / "solutions" / "01_one_hot.ipynb").read())
attempt("list the repository's tests", lambda: _os.listdir(REPO / "tests"))
usr = _os.open("/usr", _os.O_RDONLY)
_os.chdir("/usr")
attempt("open with dir_fd",
        lambda: _os.open("../" + str(hidden).lstrip("/"), _os.O_RDONLY, dir_fd=usr))
_os.chdir("/work")
attempt("find the hidden folder in a command line", lambda: find_in_proc(b"hidden"))
attempt("read the grader's home", lambda: _os.listdir(_os.path.expanduser("~root")))
""",
    # Other learners' notebooks, the gradebook and the host's temporary folder.
    "touch_others": """
attempt("list the decoy folder", lambda: _os.listdir(DECOY))
attempt("change a decoy file", lambda: open(DECOY / "file.txt", "r+").write("changed"))
attempt("delete a decoy file", lambda: _os.remove(DECOY / "file.txt"))
attempt("write the host's /tmp (sandbox only)", lambda: open(
    "/tmp/embcourse-grading-escape.txt", "w").write("x"))
attempt("write into the repository", lambda: open(REPO / "escape.txt", "w").write("x"))
attempt("append to the course package", lambda: open(
    REPO / "embcourse" / "__init__.py", "a").write("\\nprint('owned')\\n"))
import sqlite3
attempt("sqlite3 database in the repository", lambda: sqlite3.connect(
    str(REPO / "escape.db")).execute("create table t (x)"))
""",
    # C code goes around anything inside Python; only the operating system stops it.
    "c_code": """
import ctypes
libc = ctypes.CDLL(None, use_errno=True)
def system(command):
    status = libc.system(command)
    if status != 0:
        raise Refused(f"the shell command failed (wait status {status})")
attempt("libc system() writing the repository", lambda: system(
    f"touch {REPO}/escape-from-c.txt".encode()))
def setns_net():
    handle = _os.open("/proc/1/ns/net", _os.O_RDONLY)
    if libc.setns(handle, 0) != 0:
        raise OSError(ctypes.get_errno(), "setns")
attempt("setns into another network namespace", setns_net)
def raw_write():
    fd = libc.open(str(REPO / "escape-raw.txt").encode(), 0o101, 0o644)
    if fd < 0:
        raise OSError(ctypes.get_errno(), "open")
attempt("libc open() for writing in the repository", raw_write)
""",
    # Processes that try to outlive grading, or take down everything they can see.
    "survive_and_kill": """
import subprocess, time
attempt("start a detached process", lambda: subprocess.Popen(
    ["sleep", "987654"], start_new_session=True))
def double_fork():
    if _os.fork() == 0:
        _os.setsid()
        if _os.fork() == 0:
            _os.execv("/bin/sleep", ["sleep", "987653"])
        _os._exit(0)
attempt("double fork", double_fork)
time.sleep(0.5)
attempt("find the grader's process", lambda: find_in_proc(b"embcourse.grad"))
""",
    # State left in the host's kernel for the next learner, and files on the host's
    # disk.
    "host_state": """
import ctypes, mmap
libc = ctypes.CDLL(None, use_errno=True)
def add_key():
    if libc.syscall(248, b"user", b"embcourse-left", b"x", 1, ctypes.c_int(-4)) < 0:
        raise OSError(ctypes.get_errno(), "add_key")
attempt("leave a key in the uid's keyring", add_key)
attempt("write the connection file",
        lambda: open("/exchange/connection.json", "r+").write("x"))
attempt("create a file in the exchange folder",
        lambda: open("/exchange/left.bin", "w").write("x"))
attempt("map 5 GB of shared memory", lambda: mmap.mmap(-1, 5 << 30))
""",
    "kill_everything": """
attempt("kill every process it can", lambda: _os.kill(-1, 9))
""",
    "network": """
import socket
attempt("connect to the internet",
        lambda: socket.create_connection(("1.1.1.1", 80), timeout=3))
attempt("connect to the host's loopback",
        lambda: socket.create_connection(("127.0.0.1", 22), timeout=3))
""",
    "resources": """
def fill(path, megabytes):
    with open(path, "wb") as file:
        for _ in range(megabytes):
            file.write(b"x" * 1024 * 1024)
attempt("write a 1 GB file", lambda: fill("/work/big.bin", 1024))
_os.remove("/work/big.bin") if _os.path.exists("/work/big.bin") else None
def many_files():
    for number in range(10):
        fill(f"/work/part{number}.bin", 60)
attempt("fill the work folder", many_files)
for number in range(10):
    if _os.path.exists(f"/work/part{number}.bin"):
        _os.remove(f"/work/part{number}.bin")
import time
children = []
def fork_bomb():
    for _ in range(500):
        pid = _os.fork()
        if pid == 0:
            time.sleep(30)
            _os._exit(0)
        children.append(pid)
attempt("fork 500 processes", fork_bomb)
for pid in children:
    _os.kill(pid, 9)
    _os.waitpid(pid, 0)
""",
    # Round 2: memory outside every per-process limit (memfd, /dev/shm, many processes,
    # a user namespace of its own to mount a tmpfs in).
    "memory_outside_rlimits": """
import ctypes, time
libc = ctypes.CDLL(None, use_errno=True)
attempt("create a memfd", lambda: _os.memfd_create("hold"))
def fill_shm():
    for number in range(10):
        with open(f"/dev/shm/fill{number}", "wb") as file:
            for _ in range(60):
                file.write(b"x" * 1024 * 1024)
attempt("write 10 files of 60 MB into /dev/shm", fill_shm)
for name in _os.listdir("/dev/shm"):
    _os.remove(f"/dev/shm/{name}")
def own_user_namespace():
    if libc.unshare(0x10000000) != 0:
        raise OSError(ctypes.get_errno(), "unshare")
attempt("a user namespace of its own", own_user_namespace)
def clone3():
    if libc.syscall(435, None, 0) < 0:
        raise OSError(ctypes.get_errno(), "clone3")
attempt("clone3, whose flags a filter cannot see", clone3)
def spread():
    children = []
    for _ in range(4):
        pid = _os.fork()
        if pid == 0:
            block = bytearray(300 << 20)
            block[::4096] = b"x" * len(range(0, len(block), 4096))
            time.sleep(0.5)
            _os._exit(0)
        children.append(pid)
    statuses = [_os.waitpid(pid, 0)[1] for pid in children]
    if any(_os.WIFSIGNALED(status) for status in statuses):
        raise Refused("killed by the group's memory limit")
attempt("hold 1.2 GB in 4 processes of 300 MB", spread)
""",
    # Round 2: channels between kernels through the host's shared read-only files.
    "channels_between_kernels": """
import ctypes, fcntl
libc = ctypes.CDLL(None, use_errno=True)
shared = str(REPO / "embcourse" / "__init__.py")
def lock_seen():
    mine = open(shared)
    fcntl.flock(mine, fcntl.LOCK_EX | fcntl.LOCK_NB)
    pid = _os.fork()
    if pid == 0:
        try:
            fcntl.flock(open(shared), fcntl.LOCK_EX | fcntl.LOCK_NB)
            _os._exit(0)
        except OSError:
            _os._exit(1)
    if _os.WEXITSTATUS(_os.waitpid(pid, 0)[1]) == 0:
        raise Refused("not seen")
attempt("a lock on a shared file, seen by another process", lock_seen)
def record_lock_seen():
    mine = open(shared)
    fcntl.lockf(mine, fcntl.LOCK_SH | fcntl.LOCK_NB)
    query = ctypes.create_string_buffer(32)  # struct flock: F_WRLCK over the file
    ctypes.memmove(query, (1).to_bytes(2, "little"), 2)
    pid = _os.fork()
    if pid == 0:
        other = _os.open(shared, _os.O_RDONLY)
        libc.fcntl(other, 5, query)  # F_GETLK: 2 (F_UNLCK) means nothing holds it
        _os._exit(int.from_bytes(query.raw[:2], "little"))
    if _os.WEXITSTATUS(_os.waitpid(pid, 0)[1]) != 0:  # F_RDLCK (0): seen
        raise Refused("not seen")
attempt("a record lock, seen by another process", record_lock_seen)
def evict():
    handle = _os.open(shared, _os.O_RDONLY)
    _os.posix_fadvise(handle, 0, 0, _os.POSIX_FADV_DONTNEED)
attempt("evict a shared file's pages (it does nothing)", evict)
def nowait_read():
    handle = _os.open(shared, _os.O_RDONLY)
    _os.preadv(handle, [bytearray(4096)], 0, _os.RWF_NOWAIT)
attempt("read only if cached (RWF_NOWAIT)", nowait_read)
def syscall(number, *args):
    def call():
        if libc.syscall(number, *args) < 0:
            raise OSError(ctypes.get_errno(), str(number))
    return call
machine = _os.uname().machine
numbers = {"x86_64": (27, 425, 451), "aarch64": (232, 425, 451)}.get(machine)
if numbers:
    page = ctypes.create_string_buffer(16)
    attempt("mincore", syscall(numbers[0], ctypes.c_void_p(0), 4096, page))
    attempt("io_uring_setup", syscall(numbers[1], 8, ctypes.create_string_buffer(120)))
    attempt("cachestat", syscall(numbers[2], 0, None, None, 0))
attempt("read the hidden cases' generators", lambda: open(
    REPO / "embcourse" / "grading" / "case_generators.py").read())
def watch():
    fd = libc.inotify_init1(0)
    if fd < 0:
        raise OSError(ctypes.get_errno(), "inotify_init1")
attempt("watch shared files for another kernel's reads (inotify)", watch)
attempt("read the host's count of open files",
        lambda: open("/proc/sys/fs/file-nr").read())
""",
    # Round 2: a CPU hog that would starve its neighbour.
    "cpu_hog": """
import time
def busy():
    children = []
    started = time.monotonic()
    for _ in range(4):
        pid = _os.fork()
        if pid == 0:
            _os.setsid()
            while time.monotonic() - started < 2:
                pass
            _os._exit(0)
        children.append(pid)
    for pid in children:
        _os.waitpid(pid, 0)
    used = _os.times().children_user + _os.times().children_system
    if used < 1.3 * (time.monotonic() - started):
        raise Refused("held to one core")
attempt("4 busy processes take more than one core", busy)
""",
}


def snippet(name: str) -> str:
    """The full code of one attack, prelude included."""
    return PRELUDE + ATTACKS[name]
