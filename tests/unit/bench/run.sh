#!/usr/bin/env bash
# Runs the report generator's tests in the project's venv (scripts/python-env.sh).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
python="$("$root/scripts/python-env.sh")"
exec "$python" -m pytest -q -p no:cacheprovider "$here"
