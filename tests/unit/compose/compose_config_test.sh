#!/usr/bin/env bash
# Debian's docker-compose (1.29, no Docker engine needed) must accept docker-compose.yml, and
# reject a file with a v2-only key. scripts/install-deps.sh installs it
# (with python3-yaml for the other compose tests) when it is missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
if ! command -v docker-compose >/dev/null 2>&1; then
  "$root/scripts/install-deps.sh"
fi
version="$(docker-compose version --short)"
echo "docker-compose $version"
[[ "$version" == 1.29.* ]] || { echo "expected Debian 12's docker-compose 1.29, got $version"; exit 1; }
cd "$root"
docker-compose -f docker-compose.yml config -q
services="$(docker-compose -f docker-compose.yml config --services | sort | tr '\n' ' ')"
echo "services: $services"
for s in kafka-1 kafka-2 kafka-3 redis registry consumer-auto consumer-batch producer kafka-ui redisinsight; do
  grep -qw -- "$s" <<<"$services" || { echo "service $s missing"; exit 1; }
done
# A broken file must fail here, or the check above proves nothing.
broken="$(mktemp)"
trap 'rm -f "$broken"' EXIT
sed 's/^services:/services:\n  bad:\n    healthcheck: {start_interval: 1s, test: ["CMD", "true"]}\n    image: x/' docker-compose.yml >"$broken"
if docker-compose -f "$broken" config -q 2>/dev/null; then
  echo "docker-compose accepted a file with healthcheck.start_interval: this check cannot tell"
  exit 1
fi
echo "docker-compose config: accepted (and rejects start_interval)"
