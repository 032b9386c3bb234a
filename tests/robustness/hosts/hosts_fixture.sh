#!/usr/bin/env bash
# ctest fixture `hosts`: scripts/hosts-stack.sh up on a layout and a directory of its own
# (HOSTS_NAME, HOSTS_SUBNET, HOSTS_DIR from ctest), with no producer service: the cases produce
# from the producer host themselves. Exit 77 (skipped) when not root.
#
#   hosts_fixture.sh up           remove what an earlier run left, start the layout
#   hosts_fixture.sh topic TOPIC  the consumers again, on TOPIC (hosts-stack.sh topic), with
#                                 the settings `up` gave them
#   hosts_fixture.sh down         stop it and remove every namespace, veth and the bridge (logs stay)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)

if [[ $(id -u) -ne 0 ]]; then
  echo "hosts fixture: needs root (network namespaces); skipped"
  exit 77
fi
: "${HOSTS_DIR:?HOSTS_DIR names the directory of the fixture}"

# A partial batch is written a second after orders stop, and Redis or commit trouble is retried
# within seconds, so each case drains without stopping a consumer.
with_settings() {
  HOSTS_PRODUCER=off BATCH_TIMEOUT=1s REDIS_TIMEOUT=1s REDIS_RETRY_MAX_BACKOFF=1s \
    COMMIT_TIMEOUT=5s REGISTRY_TIMEOUT=10s "$@"
}

case "${1:-}" in
  up)
    # An earlier run's layout of the same name goes first, then its data.
    "$root/scripts/hosts-stack.sh" down >/dev/null 2>&1 || true
    rm -rf "$HOSTS_DIR"
    with_settings "$root/scripts/hosts-stack.sh" up
    ;;
  topic)
    [[ $# -eq 2 ]] || { echo "usage: hosts_fixture.sh topic TOPIC" >&2; exit 2; }
    with_settings "$root/scripts/hosts-stack.sh" topic "$2"
    ;;
  down) "$root/scripts/hosts-stack.sh" down ;;
  *)
    echo "usage: hosts_fixture.sh up|topic TOPIC|down" >&2
    exit 2
    ;;
esac
