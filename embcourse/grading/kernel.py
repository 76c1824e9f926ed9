"""One learner's kernel, in the sandbox, driven over Jupyter's messaging protocol.

:class:`KernelSession` starts ``ipykernel`` through :mod:`embcourse.grading.sandbox`,
sends it code to execute and waits for the *reply to that request*, matched by message
id on the shell channel. Nothing the kernel prints is read: its stdout and stderr go to
``/dev/null``, and the IOPub channel (where printed output travels) is never connected.
The grader learns results only from replies to its own requests, signed with the
session key, each at most :data:`MAX_MESSAGE_BYTES` long (larger ones are dropped by
ZeroMQ before they reach Python).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import zmq
from jupyter_client.session import Session

from embcourse.grading import sandbox

#: Messages a kernel may send that answer no request, before it counts as flooding.
MAX_DROPPED = 100
#: Largest reply accepted from a kernel.
MAX_MESSAGE_BYTES = 8 * 1024 * 1024  # per frame: ZeroMQ drops larger ones
#: Seconds a kernel gets to start, and to answer an interrupt; a request may wait to be
#: sent.
STARTUP_SECONDS, INTERRUPT_SECONDS, SEND_SECONDS = 60, 5, 5

OK, ERROR, TIMEOUT, DEAD = "ok", "error", "timeout", "dead"


@dataclass
class Reply:
    """What came of one execute request."""

    kind: str  # OK, ERROR, TIMEOUT or DEAD
    error_name: str = ""  # the exception's class name when kind is ERROR
    expressions: dict | None = None  # user_expressions, as the kernel evaluated them


class KernelSession:
    """A sandboxed kernel that can be started, asked to execute code, and restarted."""

    def __init__(
        self,
        exchange_dir: Path,
        slot: int,
        limits: sandbox.SandboxLimits,
        sandboxed: bool = True,
    ):
        self.exchange_dir = exchange_dir
        self.slot = slot
        self.limits = limits
        self.sandboxed = sandboxed
        self.process: subprocess.Popen | None = None
        self.context = zmq.Context()
        self.context.setsockopt(zmq.MAXMSGSIZE, MAX_MESSAGE_BYTES)
        self.context.setsockopt(zmq.LINGER, 0)
        # A kernel can break its own connection (a frame over MAXMSGSIZE ends the
        # session for good); a send must then fail, not wait for ever.
        self.context.setsockopt(zmq.SNDTIMEO, SEND_SECONDS * 1000)
        self.shell = self.control = None
        self.session: Session | None = None
        self.starts = 0
        self.group: sandbox.KernelGroup | None = None
        self.oom_kills = 0  # processes the cgroup's memory limit killed, all starts

    # --- life cycle -------------------------------------------------------------------

    def start(self) -> None:
        """Start a fresh kernel and wait until it answers; raise RuntimeError if it
        cannot.

        Each start gets a new exchange folder, created by the grader, with the
        connection file written by the grader (never through a link) and readable, not
        writable, by the kernel; the folder is handed to the kernel's uid only for the
        kernel to create its sockets, and sealed again as soon as it answers.
        """
        self.stop()
        self.starts += 1
        folder = self.exchange_dir / f"kernel-{self.starts}"
        folder.mkdir(mode=0o700)
        key = uuid.uuid4().hex
        # The kernel sees the folder at sandbox.EXCHANGE_DIR, the grader at its host
        # path: the same sockets under two names.
        inside = Path(sandbox.EXCHANGE_DIR if self.sandboxed else folder)
        info = {
            "transport": "ipc",
            "ip": str(inside / "kernel"),
            "key": key,
            "signature_scheme": "hmac-sha256",
            "kernel_name": "",
            "shell_port": 1,
            "iopub_port": 2,
            "stdin_port": 3,
            "control_port": 4,
            "hb_port": 5,
        }
        handle = os.open(
            folder / "connection.json",
            os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW,
            0o644,
        )
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(info, file)
        sandbox.unseal_exchange(folder, self.slot)
        program = [
            sys.executable,
            "-m",
            "ipykernel_launcher",
            "-f",
            str(inside / "connection.json"),
            "--IPKernelApp.parent_handle=0",
            "--HistoryManager.enabled=False",
        ]
        filter_fd = sandbox.seccomp_fd() if self.sandboxed else None
        self.group = sandbox.KernelGroup.create(self.slot, self.limits)
        argv = sandbox.command(
            program,
            folder,
            self.slot,
            self.limits,
            self.sandboxed,
            seccomp_fd=filter_fd,
            group=self.group,
        )
        environment, cwd = None, str(folder)
        if not self.sandboxed:  # no sandbox folders: a home beside the exchange folder
            home = self.exchange_dir.parent / "home"
            home.mkdir(exist_ok=True)
            environment = sandbox.kernel_environment(str(home), str(home))
            environment["PATH"] = os.environ.get("PATH", "/usr/bin:/bin")
            cwd = str(home)
        try:
            self.process = subprocess.Popen(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                close_fds=True,
                start_new_session=True,
                env=environment,
                cwd=cwd,
                pass_fds=() if filter_fd is None else (filter_fd,),
            )
        finally:
            if filter_fd is not None:
                os.close(filter_fd)
        self.session = Session(key=key.encode(), username="grader")
        self.shell = self._connect(zmq.DEALER, folder, info["shell_port"])
        self.control = self._connect(zmq.DEALER, folder, info["control_port"])
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline and self.alive():
            try:
                request = self.session.send(self.shell, "kernel_info_request", {})
            except zmq.ZMQError:  # not listening yet: try again
                time.sleep(0.2)
                continue
            if (
                self._wait_reply(self.shell, request["header"]["msg_id"], 1.0)
                is not None
            ):
                sandbox.seal_exchange(folder)
                return
        self.stop()
        raise RuntimeError("the kernel did not start")

    def _connect(self, kind: int, folder: Path, port: int):
        socket = self.context.socket(kind)
        socket.connect(f"ipc://{folder / 'kernel'}-{port}")
        return socket

    def alive(self) -> bool:
        """True while the kernel's process runs."""
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        """Kill the kernel and everything in its sandbox (its PID namespace dies with
        it)."""
        for socket in (self.shell, self.control):
            if socket is not None:
                socket.close(linger=0)
        self.shell = self.control = None
        if self.process is not None:
            if self.process.poll() is None:
                try:
                    os.killpg(self.process.pid, 9)
                except ProcessLookupError:
                    pass
            self.process.wait()
            self.process = None
            # The namespace's processes die with it, a moment later: wait for them (and
            # kill any left), so that nothing of this kernel outlives it.
            sandbox.end_processes(self.slot)
        if self.group is not None:
            self.oom_kills += self.group.oom_kills()
            self.group.remove()
            self.group = None

    def out_of_memory(self) -> bool:
        """True if the cgroup's memory limit has killed a process of this kernel."""
        return self.oom_kills > 0 or (
            self.group is not None and self.group.oom_kills() > 0
        )

    def close(self) -> None:
        """Stop the kernel and release the messaging context."""
        self.stop()
        self.context.term()

    # --- requests ---------------------------------------------------------------------

    def execute(
        self, code: str, seconds: float, expressions: dict[str, str] | None = None
    ) -> Reply:
        """Run ``code`` and wait at most ``seconds`` for the reply to this very
        request."""
        if not self.alive():
            return Reply(DEAD)
        try:
            request = self._send_execute(code, expressions)
        except zmq.ZMQError:  # the connection is broken: the kernel is no use any more
            self.stop()
            return Reply(DEAD)
        reply = self._wait_reply(self.shell, request["header"]["msg_id"], seconds)
        if reply is None:
            return Reply(DEAD if not self.alive() else TIMEOUT)
        content = reply.get("content")
        if not isinstance(content, dict):
            return Reply(ERROR, "malformed reply")
        if content.get("status") == "ok":
            raw = content.get("user_expressions")
            return Reply(OK, expressions=raw if isinstance(raw, dict) else {})
        return Reply(ERROR, str(content.get("ename", ""))[:100])

    def _send_execute(self, code: str, expressions: dict[str, str] | None) -> dict:
        return self.session.send(
            self.shell,
            "execute_request",
            {
                "code": code,
                "silent": False,
                "store_history": False,
                "user_expressions": expressions or {},
                "allow_stdin": False,
                "stop_on_error": False,
            },
        )

    def interrupt(self) -> bool:
        """Ask the kernel to interrupt what it runs; True if it is ready again in
        time."""
        if not self.alive():
            return False
        try:
            request = self.session.send(self.control, "interrupt_request", {})
        except zmq.ZMQError:
            return False
        self._wait_reply(self.control, request["header"]["msg_id"], INTERRUPT_SECONDS)
        return self.execute("pass", INTERRUPT_SECONDS).kind == OK

    def _wait_reply(self, socket, msg_id: str, seconds: float) -> dict | None:
        """The reply whose parent is ``msg_id``; other messages are dropped.

        A kernel that sends more than :data:`MAX_DROPPED` messages nobody asked for is
        flooding the grader (whose work on them counts against no limit of the
        kernel's): it is stopped, and counts as dead.
        """
        deadline = time.monotonic() + seconds
        poller = zmq.Poller()
        poller.register(socket, zmq.POLLIN)
        dropped = 0
        while True:
            left = deadline - time.monotonic()
            if dropped > MAX_DROPPED:
                self.stop()
                return None
            if left <= 0 or not self.alive():
                return None
            if not poller.poll(min(left, 0.5) * 1000):
                continue
            try:
                _, message = self.session.recv(socket, mode=zmq.NOBLOCK, content=True)
            except zmq.Again:  # nothing after all
                continue
            except Exception:  # unsigned, malformed or oversized: not a reply to us
                dropped += 1
                continue
            parent = message.get("parent_header") if isinstance(message, dict) else None
            if isinstance(parent, dict) and parent.get("msg_id") == msg_id:
                return message
            dropped += 1


def expression_text(
    reply: Reply, name: str, limit: int = MAX_MESSAGE_BYTES
) -> str | None:
    """The value of a string-valued user expression, or None if it is not there."""
    value = (reply.expressions or {}).get(name)
    if not isinstance(value, dict) or value.get("status") != "ok":
        return None
    text = (
        value.get("data", {}).get("text/plain")
        if isinstance(value.get("data"), dict)
        else None
    )
    if not isinstance(text, str) or len(text) > limit:
        return None
    try:
        parsed = ast.literal_eval(text)
    except Exception:  # whatever the kernel sent, it is not a result
        return None
    return parsed if isinstance(parsed, str) else None
