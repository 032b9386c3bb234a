#!/usr/bin/env bash
# Creates (or reuses) the Python virtualenv the e2e tests and `make bench` run in and installs
# tests/e2e/requirements.txt into it, every package at the version tests/e2e/requirements.lock
# pins. Prints the venv's python path on stdout.
#   scripts/python-env.sh   -> ~/.cache/orderflow/venv (ORDERFLOW_CACHE or VENV_DIR override),
#   outside the work tree like the Kafka jars, so clones share it and git never sees it
# Reinstalls only when requirements.txt or the lock changed since the last successful install.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${VENV_DIR:-${ORDERFLOW_CACHE:-$HOME/.cache/orderflow}/venv}"
requirements="${REQUIREMENTS:-$root/tests/e2e/requirements.txt}"
# Every transitive package pinned: the lock file beside the requirements.
lock="${requirements%.txt}.lock"
python="${PYTHON:-python3}"

if [[ ! -x "$venv/bin/python" ]]; then
    mkdir -p "$(dirname "$venv")"
    "$python" -m venv "$venv" >&2
fi

stamp="$venv/.requirements.sha256"
want="$(cat "$requirements" "$lock" | sha256sum | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" ]]; then
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" -c "$lock" >&2
    echo "$want" > "$stamp"
fi
echo "$venv/bin/python"
