#!/usr/bin/env bash
# Runs the gateway's OpenAPI fuzz test in the venv of scripts/python-env.sh; the test reads the
# shared stack's addresses from ORDERFLOW_TEST_STACK_ENV itself.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="$("$here/../../../scripts/python-env.sh")"
exec "$python" -m pytest -q -p no:cacheprovider "$here"
