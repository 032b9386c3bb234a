#!/usr/bin/env bash
# Runs the console's browser test (Playwright) with the shared stack's addresses. Playwright
# and uPlot come from web/node_modules (scripts/node-env.sh); the browser is Debian's chromium.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if [[ -f "${ORDERFLOW_TEST_STACK_ENV:-}" ]]; then
    for name in KAFKA_BOOTSTRAP_SERVERS REDIS_URL; do
        if [[ -z "${!name:-}" ]]; then
            export "$name=$(sed -n "s/^$name=//p" "$ORDERFLOW_TEST_STACK_ENV" | tr -d '"')"
        fi
    done
fi
[[ -x /usr/bin/chromium ]] || { echo "browser test: /usr/bin/chromium missing (scripts/install-deps.sh installs it)" >&2; exit 1; }
modules="$("$root/scripts/node-env.sh")"
export NODE_PATH="$modules"  # the spec's require('@playwright/test') resolves from web/
export BROWSER_ARTIFACTS="${BROWSER_ARTIFACTS:-$root/build/default/tests/browser/browser-artifacts}"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
rm -rf "$BROWSER_ARTIFACTS"
mkdir -p "$BROWSER_ARTIFACTS"
exec "$modules/.bin/playwright" test --config "$here/playwright.config.js"
