"""embcourse.models: all-MiniLM-L6-v2 from the wheel, with no network at all."""

from __future__ import annotations

import os
import subprocess
import sys

from embcourse.models import OFFLINE_SWITCHES, minilm_dir

NO_NETWORK = r"""
import socket

def refuse(*args, **kwargs):
    raise OSError("test: this process may not open network connections")

socket.socket.connect = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
"""


def test_model_files_are_in_the_wheel():
    folder = minilm_dir()
    for name in ["model.safetensors", "tokenizer.json", "vocab.txt", "config.json"]:
        assert (folder / name).is_file(), name
    for switch, value in OFFLINE_SWITCHES.items():
        assert os.environ[switch] == value


def test_full_model_loads_and_encodes_with_sockets_forbidden():
    code = NO_NETWORK + (
        "from embcourse.models import load_minilm\n"
        "model = load_minilm()\n"
        "vectors = model.encode(['a river bank', 'a bank loan'])\n"
        "print(vectors.shape)\n"
    )
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("HF_", "TRANSFORMERS_"))
    }
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip() == "(2, 384)"
