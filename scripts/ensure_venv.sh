#!/usr/bin/env bash
# Make sure .venv exists, works, and matches requirements.txt, constraints.txt (every
# transitive dependency pinned) and pyproject.toml.
# Called by every make target; a no-op (a fraction of a second) when all is in order.
# Where it cannot fix things itself it says what to run, and changes nothing else.
set -euo pipefail

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}
root=$(pwd)
stamp="$VENV/.course-requirements.sha256"
want=$(cat requirements.txt constraints.txt pyproject.toml | sha256sum | cut -d' ' -f1)

fail() { printf 'error: %s\n' "$*" >&2; exit 1; }

if ! command -v "$PYTHON" >/dev/null 2>&1; then
    fail "'$PYTHON' was not found. Install Python 3.11 (the course is tested with 3.11),
       or name another interpreter: make test PYTHON=/path/to/python3.11"
fi

if [ -d "$VENV" ] && ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
    echo "note: $VENV is broken (its python does not start, e.g. the interpreter it was made from is gone); rebuilding it."
    rm -rf "$VENV"
fi

if [ ! -d "$VENV" ]; then
    if ! "$PYTHON" -c 'import venv, ensurepip' >/dev/null 2>&1; then
        fail "'$PYTHON -m venv' is not available here, so the course cannot make its .venv.
       On Debian or Ubuntu: sudo apt-get install python3-venv   (then run make again)
       Or name a Python that has it: make test PYTHON=/path/to/python3.11"
    fi
    echo "Creating $VENV with $("$PYTHON" --version 2>&1) ..."
    "$PYTHON" -m venv "$VENV" || fail "'$PYTHON -m venv $VENV' failed (see above). Remove $VENV and run make again."
fi

# The stamp says which requirements the venv was built from; the import says the
# course package in it is this checkout's (a moved or copied checkout needs a reinstall).
have=$(cat "$stamp" 2>/dev/null || true)
package_home=$("$VENV/bin/python" -c 'import embcourse, pathlib; print(pathlib.Path(embcourse.__file__).resolve().parent.parent)' 2>/dev/null || true)
if [ "$have" != "$want" ] || [ "$package_home" != "$root" ]; then
    if [ -n "$have" ] && [ "$have" != "$want" ]; then
        echo "requirements.txt, constraints.txt or pyproject.toml changed since $VENV was built; updating it."
    fi
    echo "Installing requirements into $VENV (a few minutes the first time) ..."
    rm -f "$stamp"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements.txt -c constraints.txt \
        || fail "pip could not install requirements.txt (with constraints.txt) into $VENV (see above). Check your network
       or package index, then run make again; to start from scratch: rm -rf $VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e . \
        || fail "pip could not install the course package (embcourse) into $VENV (see above)."
    echo "$want" > "$stamp"
fi
