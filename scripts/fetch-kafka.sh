#!/usr/bin/env bash
# Fetches the Apache Kafka jars (version in scripts/kafka/pom.xml) from Maven Central into a cache
# dir and prints that dir. Reused when present, so only the first run downloads.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
pom="$here/kafka/pom.xml"
version=$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$pom")
cache="${ORDERFLOW_CACHE:-$HOME/.cache/orderflow}/kafka-$version"
libs="$cache/libs"

if [[ -f "$libs/.complete" ]]; then
  echo "$libs"
  exit 0
fi

echo "fetch-kafka: resolving Apache Kafka $version jars from Maven Central into $libs" >&2
rm -rf "$libs"
mkdir -p "$libs"
mvn -B -q -f "$pom" dependency:copy-dependencies \
  -DoutputDirectory="$libs" -DincludeScope=runtime >&2
# One slf4j binding only, or slf4j picks one at random and warns.
bindings=$(ls "$libs" | grep -cE '^slf4j-(reload4j|log4j12|simple|nop)-' || true)
if [[ "$bindings" != 1 ]]; then
  echo "fetch-kafka: expected exactly one slf4j binding in $libs, found $bindings" >&2
  exit 1
fi
touch "$libs/.complete"
echo "fetch-kafka: $(ls "$libs" | wc -l) jars" >&2
echo "$libs"
