"""The grader's side of the messaging protocol trusts no reply: every message from a
kernel is checked for its types before use, whatever its signature says (a kernel
holds the key, so it can sign anything)."""

from __future__ import annotations

from pathlib import Path

import pytest

from embcourse.grading import kernel, sandbox


class FakeProcess:
    def poll(self):
        return None


class FakeSession:
    """Hands out the given messages, as Session.recv would after checking signatures."""

    def __init__(self, messages):
        self.messages = list(messages)

    def recv(self, socket, mode=0, content=True):
        if not self.messages:
            raise RuntimeError("no message")
        return [], self.messages.pop(0)


class FakeSocket:
    pass


@pytest.fixture
def session(monkeypatch, tmp_path):
    made = kernel.KernelSession(tmp_path, 0, sandbox.SandboxLimits())
    made.process = FakeProcess()

    class Poller:
        def register(self, *args):
            pass

        def poll(self, timeout):
            return [1] if made.session.messages else []

    monkeypatch.setattr(kernel.zmq, "Poller", Poller)
    yield made
    made.process = None
    made.context.term()


HOSTILE = [
    "not a message",
    ["a", "list"],
    {"parent_header": ["msg-1"]},
    {"parent_header": "msg-1"},
    {"parent_header": None},
    {"parent_header": {"msg_id": ["msg-1"]}},
    {"parent_header": {"msg_id": "another request"}},
]


@pytest.mark.parametrize("message", HOSTILE, ids=range(len(HOSTILE)))
def test_a_malformed_or_foreign_reply_is_dropped_not_a_crash(session, message):
    session.session = FakeSession([message])
    assert session._wait_reply(FakeSocket(), "msg-1", 0.3) is None


def test_the_reply_to_the_request_is_found_after_hostile_ones(session):
    good = {"parent_header": {"msg_id": "msg-1"}, "content": {"status": "ok"}}
    session.session = FakeSession([*HOSTILE, good])
    assert session._wait_reply(FakeSocket(), "msg-1", 2.0) is good


@pytest.mark.parametrize(
    "content",
    [None, [], "ok", {"status": "ok", "user_expressions": ["x"]}, {"status": 1}],
    ids=range(5),
)
def test_execute_reads_only_well_typed_content(session, monkeypatch, content):
    monkeypatch.setattr(
        session, "_wait_reply", lambda *args: {"content": content}, raising=True
    )

    class Sender:
        def send(self, *args, **kwargs):
            return {"header": {"msg_id": "msg-1"}}

    session.session = Sender()
    reply = session.execute("1", 1.0, {"result": "x"})
    assert reply.kind in (kernel.OK, kernel.ERROR)
    assert kernel.expression_text(reply, "result") is None


def test_stop_without_a_start_is_harmless(tmp_path):
    made = kernel.KernelSession(Path(tmp_path), 0, sandbox.SandboxLimits())
    made.close()


def test_a_kernel_flooding_the_grader_is_stopped(session, monkeypatch):
    """Messages nobody asked for cost the grader's time, outside the kernel's limits:
    past MAX_DROPPED of them the kernel counts as dead."""
    stopped = []
    monkeypatch.setattr(session, "stop", lambda: stopped.append(True))
    junk = [{"parent_header": {"msg_id": f"junk-{n}"}} for n in range(150)]
    good = {"parent_header": {"msg_id": "msg-1"}, "content": {"status": "ok"}}
    session.session = FakeSession([*junk, good])
    assert session._wait_reply(FakeSocket(), "msg-1", 5.0) is None
    assert stopped == [True]
    session.session = FakeSession([*junk[: kernel.MAX_DROPPED], good])
    assert session._wait_reply(FakeSocket(), "msg-1", 5.0) is good, "a few are fine"
