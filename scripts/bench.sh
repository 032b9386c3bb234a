#!/usr/bin/env bash
# `make bench` (not part of `make test`): orderflow against Kafka's ProducerPerformance,
# ConsumerPerformance and EndToEndLatency, redis-benchmark and wrk, on a private cluster on free
# ports. Prints progress and a table; writes bench/results/<date>.json, .md and PNG charts.
# BENCH_QUICK=1: a smoke run (10 000 orders, 1 repetition). See bench/run.py for the rest.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
for tool in java redis-benchmark redis-server; do
  command -v "$tool" >/dev/null || { echo "bench: $tool missing: run scripts/install-deps.sh" >&2; exit 1; }
done
python=$("$here/python-env.sh")  # the project's venv, with matplotlib for the charts
cd "$root/bench"
exec "$python" run.py "$@"
