#!/usr/bin/env bash
# Installs the console's npm packages (web/package-lock.json: uPlot, served under /vendor/, and
# Playwright for the browser test) into web/node_modules with `npm ci`, only when they are
# missing or the lock file changed since the last successful install. Quiet; prints the
# node_modules path on stdout. Playwright's own browser download is always skipped: the browser
# test drives Debian's chromium (/usr/bin/chromium, from scripts/install-deps.sh).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
web="$root/web"
modules="$web/node_modules"
stamp="$modules/.package-lock.sha256"

command -v npm >/dev/null || { echo "node-env: npm not found (scripts/install-deps.sh installs it)" >&2; exit 1; }
want="$(sha256sum "$web/package-lock.json" | cut -d' ' -f1)"
if [[ ! -f "$stamp" || "$(cat "$stamp")" != "$want" || ! -f "$modules/uplot/dist/uPlot.esm.js" ]]; then
    (cd "$web" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error >&2)
    echo "$want" > "$stamp"
fi
echo "$modules"
