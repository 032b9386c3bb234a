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
# The secrets have no defaults: without them Compose must refuse, naming the first one missing.
# (--project-directory on an empty dir, so a developer's own .env cannot supply them.)
empty="$(mktemp -d)"
trap 'rm -rf "$empty"' EXIT
if out="$(env -u REDIS_PASSWORD -u KAFKA_UI_USER -u KAFKA_UI_PASSWORD \
            docker-compose --project-directory "$empty" -f docker-compose.yml config -q 2>&1)"; then
  echo "docker-compose accepted the file without REDIS_PASSWORD/KAFKA_UI_*: the secrets have defaults"
  exit 1
fi
grep -Eq 'set (REDIS_PASSWORD|KAFKA_UI_USER|KAFKA_UI_PASSWORD) in .env' <<<"$out" ||
  { echo "unexpected refusal: $out"; exit 1; }
echo "docker-compose without the secrets: refused ($out)"
export REDIS_PASSWORD=compose-test-redis KAFKA_UI_USER=compose-test KAFKA_UI_PASSWORD=compose-test-ui
docker-compose --project-directory "$empty" -f docker-compose.yml config -q
# Interpolated: every port on 127.0.0.1 unless BIND_ADDRESS says otherwise, the password in place.
resolved="$(docker-compose --project-directory "$empty" -f docker-compose.yml config)"
grep -q 'host_ip: 127.0.0.1\|127.0.0.1:6379:6379' <<<"$resolved" ||
  { echo "ports are not bound to 127.0.0.1 by default"; exit 1; }
grep -q 'redis://:compose-test-redis@redis:6379/0' <<<"$resolved" ||
  { echo "the consumers' REDIS_URL does not carry REDIS_PASSWORD"; exit 1; }
services="$(docker-compose --project-directory "$empty" -f docker-compose.yml config --services | sort | tr '\n' ' ')"
echo "services: $services"
for s in kafka-1 kafka-2 kafka-3 redis registry consumer-auto consumer-batch producer gateway kafka-ui redisinsight; do
  grep -qw -- "$s" <<<"$services" || { echo "service $s missing"; exit 1; }
done
# A broken file must fail here, or the check above proves nothing.
broken="$(mktemp)"
trap 'rm -f "$broken"; rm -rf "$empty"' EXIT
sed 's/^services:/services:\n  bad:\n    healthcheck: {start_interval: 1s, test: ["CMD", "true"]}\n    image: x/' docker-compose.yml >"$broken"
if docker-compose -f "$broken" config -q 2>/dev/null; then
  echo "docker-compose accepted a file with healthcheck.start_interval: this check cannot tell"
  exit 1
fi
echo "docker-compose config: accepted (and rejects start_interval)"
