"""Hidden cases drawn for each learner: a leaked case helps nobody else.

    python -m embcourse.grading.learner_cases --new-secret ~/course-secret.txt
    python -m embcourse.grade 01 submissions/ --learner-secret ~/course-secret.txt

The course secret is 256 random bits, written once (readable by its owner only) and
kept for the whole course. A learner's hidden cases for a chapter are the shared ones
of the ``--hidden`` folder (edge cases every learner meets, so that the same mistake
costs everyone about the same) followed by cases drawn by the chapter's generators
(the same rules as ``make_cases``) from a seed that is the HMAC-SHA256 of the chapter
and the learner id under that secret: different for every learner and chapter, the
same at every re-grade, and not computable without the secret (which the grader's
sandbox cannot read). The learner id is the file name, so collect files under stable
names (the roster's ids): a renamed file draws other cases. The feedback never shows
hidden cases.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import secrets
import sys
from pathlib import Path

from embcourse.grading.make_cases import make_cases

SECRET_BYTES = 32


def new_secret(path: Path) -> None:
    """Write a new secret to ``path`` (owner-only), never over an existing file."""
    try:
        handle = os.open(
            path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600
        )
    except FileExistsError:
        raise SystemExit(
            f"error: {path} exists; a course keeps one secret (a new one would change "
            "every learner's cases). Use it, or choose another file name."
        ) from None
    with os.fdopen(handle, "w", encoding="utf-8") as file:
        file.write(secrets.token_hex(SECRET_BYTES) + "\n")


def read_secret(path: Path) -> bytes:
    """The secret in ``path``, or a clear error."""
    try:
        secret = bytes.fromhex(path.read_text(encoding="utf-8").strip())
    except (OSError, ValueError) as error:
        raise SystemExit(
            f"error: cannot read a course secret from {path} ({error}). Make one with "
            "'python -m embcourse.grading.learner_cases --new-secret FILE'."
        ) from None
    if len(secret) < 16:
        raise SystemExit(
            f"error: the secret in {path} has fewer than 128 bits; make a new one with "
            "--new-secret."
        )
    return secret


def fingerprint(secret: bytes) -> str:
    """A short public name of the secret, to tell gradings with different secrets
    apart without revealing it."""
    return hmac.new(secret, b"fingerprint", hashlib.sha256).hexdigest()[:16]


def learner_seed(secret: bytes, chapter: str, learner: str) -> int:
    """The seed of one learner's hidden cases for one chapter."""
    message = f"{chapter}\0{learner}".encode("utf-8", "surrogatepass")
    return int.from_bytes(hmac.new(secret, message, hashlib.sha256).digest(), "big")


#: Name prefix of the cases drawn for one learner (the shared ones keep their names).
DRAWN = "drawn for this learner"


def write_learner_cases(
    secret: bytes,
    chapter: str,
    learner: str,
    folder: Path,
    per_task: int = 12,
    shared: Path | None = None,
) -> Path:
    """Write the learner's hidden cases for ``chapter`` into ``folder/NN.json``: the
    shared cases of ``shared/NN.json`` (if given), which every learner meets, then
    ``per_task`` cases drawn for this learner."""
    seed = learner_seed(secret, chapter, learner)
    table = make_cases(seed, per_task, chapters={chapter})[chapter]
    for cases in table.values():
        for number, case in enumerate(cases, 1):
            case["name"] = f"{DRAWN} {number}"
    core = shared / f"{chapter}.json" if shared is not None else None
    if core is not None and core.exists():
        common = json.loads(core.read_text(encoding="utf-8"))
        table = {task: common.get(task, []) + table[task] for task in table}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{chapter}.json"
    path.write_text(json.dumps(table, indent=1) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m embcourse.grading.learner_cases",
        description="Make the course secret that per-learner hidden cases come from.",
    )
    parser.add_argument(
        "--new-secret", type=Path, required=True, help="file for the new secret"
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    new_secret(args.new_secret)
    print(
        f"wrote a new course secret to {args.new_secret} (readable by you only). "
        "Keep it private and keep it: re-grades need it."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
