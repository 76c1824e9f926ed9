"""The kernel a learner's notebook runs in when it is graded.

``python -m embcourse.sandbox --workdir DIR --memory-mb N --cpu-seconds N --read DIR ... -- -f CONNECTION_FILE``
starts an IPython kernel (ipykernel) after putting limits on its own process:

- resource limits: data memory (``RLIMIT_DATA``), CPU time, the size of any file it
  writes, no core dumps;
- a Python audit hook (PEP 578), installed before any learner code runs, that refuses:
  opening a file for writing outside ``--workdir``; reading or listing anything outside
  ``--workdir`` and the ``--read`` folders (the Python installation, the course package
  and its public data); starting processes (``subprocess``, ``os.system``, ``fork``,
  ``exec``); and network connections other than Unix sockets.

The grader also runs the kernel in a network namespace of its own where the system allows
it (``unshare``). An audit hook is not a complete sandbox (C extensions can go around
it), but it stops everything a notebook does through Python: reading the hidden cases,
other learners' files or the course's solutions, writing outside its folder, reaching the
network, or spawning processes.
"""

from __future__ import annotations

import argparse
import os
import resource
import socket
import sys

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_PROCESS_EVENTS = {"os.system", "subprocess.Popen", "os.exec", "os.posix_spawn", "os.spawn",
                   "os.fork", "os.forkpty", "pty.spawn", "os.startfile"}
_MODIFY_EVENTS = {"os.remove", "os.rename", "os.rmdir", "os.mkdir", "os.chmod", "os.chown",
                  "os.symlink", "os.link", "os.truncate", "shutil.rmtree", "shutil.move",
                  "os.utime"}
_LIST_EVENTS = {"os.listdir", "os.scandir", "glob.glob", "os.walk"}
_NETWORK_EVENTS = {"socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"}


def _real(path) -> str | None:
    if isinstance(path, int):
        return None  # an already open file descriptor
    if isinstance(path, bytes):
        path = os.fsdecode(path)
    return os.path.realpath(os.fspath(path))


def _inside(path: str, roots: list[str]) -> bool:
    return any(path == root or path.startswith(root.rstrip(os.sep) + os.sep) for root in roots)


def make_audit_hook(workdir: str, readable: list[str]):
    """Return the audit hook that keeps a notebook inside ``workdir``."""
    workdir = os.path.realpath(workdir)
    read_roots = [workdir] + [os.path.realpath(path) for path in readable]
    write_roots = [workdir, "/dev/null"]

    def refuse(what: str):
        raise PermissionError(f"grading sandbox: {what} is not allowed while grading")

    def hook(event: str, args: tuple) -> None:
        if event == "open":
            path = _real(args[0])
            if path is None:
                return
            mode, flags = args[1], args[2]
            writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
                isinstance(flags, int) and flags & _WRITE_FLAGS)
            if writing and not _inside(path, write_roots):
                refuse(f"writing {path}")
            if not writing and not _inside(path, read_roots):
                refuse(f"reading {path}")
        elif event in _LIST_EVENTS:
            path = _real(args[0] if args and args[0] is not None else ".")
            if path is not None and not _inside(path, read_roots):
                refuse(f"listing {path}")
        elif event == "shutil.copyfile":
            source, target = _real(args[0]), _real(args[1])
            if not _inside(source, read_roots):
                refuse(f"reading {source}")
            if not _inside(target, write_roots):
                refuse(f"writing {target}")
        elif event in _MODIFY_EVENTS:
            for arg in args[:2]:
                if isinstance(arg, (str, bytes, os.PathLike)) and not _inside(_real(arg), write_roots):
                    refuse(f"changing {_real(arg)}")
        elif event in _PROCESS_EVENTS:
            refuse("starting another process")
        elif event in _NETWORK_EVENTS:
            sock = args[0]
            if getattr(sock, "family", None) != socket.AF_UNIX:
                refuse("network access")

    return hook


def limit_resources(memory_mb: int, cpu_seconds: int, file_mb: int = 64) -> None:
    """Cap this process's data memory, CPU time and written file size."""
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_DATA, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_FSIZE, (file_mb * 1024 * 1024,) * 2)
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    split = argv.index("--") if "--" in argv else len(argv)
    parser = argparse.ArgumentParser(prog="python -m embcourse.sandbox")
    parser.add_argument("--workdir", required=True)
    parser.add_argument("--memory-mb", type=int, default=2048)
    parser.add_argument("--cpu-seconds", type=int, default=600)
    parser.add_argument("--read", action="append", default=[])
    args = parser.parse_args(argv[:split])
    os.chdir(args.workdir)
    limit_resources(args.memory_mb, args.cpu_seconds)
    # What the kernel needs before learner code runs is imported before the hook.
    from ipykernel.kernelapp import IPKernelApp

    sys.addaudithook(make_audit_hook(args.workdir, args.read))
    sys.argv = [sys.argv[0]] + argv[split + 1:]
    IPKernelApp.launch_instance()


if __name__ == "__main__":
    main()
