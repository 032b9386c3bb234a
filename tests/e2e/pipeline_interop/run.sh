#!/usr/bin/env bash
# Runs the pipeline interop tests with the shared stack's addresses in the venv of
# scripts/python-env.sh.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
if [[ -f "${ORDERFLOW_TEST_STACK_ENV:-}" ]]; then
    for name in KAFKA_BOOTSTRAP_SERVERS REDIS_URL; do
        if [[ -z "${!name:-}" ]]; then
            export "$name=$(sed -n "s/^$name=//p" "$ORDERFLOW_TEST_STACK_ENV" | tr -d '"')"
        fi
    done
fi
python="$("$root/scripts/python-env.sh")"
exec "$python" -m pytest -q -p no:cacheprovider "$here"
