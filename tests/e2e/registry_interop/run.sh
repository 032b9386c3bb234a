#!/usr/bin/env bash
# Runs the registry interop tests: reads the shared stack's addresses, prepares the venv.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
if [[ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" && -f "${ORDERFLOW_TEST_STACK_ENV:-}" ]]; then
    KAFKA_BOOTSTRAP_SERVERS="$(sed -n 's/^KAFKA_BOOTSTRAP_SERVERS=//p' "$ORDERFLOW_TEST_STACK_ENV" | tr -d '"')"
    export KAFKA_BOOTSTRAP_SERVERS
fi
python="$("$root/scripts/python-env.sh")"
exec "$python" -m pytest -q -p no:cacheprovider "$here"
