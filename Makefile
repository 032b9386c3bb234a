# orderflow: `make up` runs everything, `make test` tests everything (both from a clean clone).
SHELL := /bin/bash
.DEFAULT_GOAL := help
BINARY := build/default/apps/orderflow/orderflow

.PHONY: help deps kafka build up down status logs hosts-up hosts-down test test-asan bench chaos fuzz format format-check clean image

help: ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

deps: ## install missing Debian packages, fetch the Kafka jars and the console's npm packages (cached)
	@scripts/install-deps.sh
	@scripts/fetch-kafka.sh >/dev/null
	@scripts/node-env.sh >/dev/null

build: deps ## configure and build (RelWithDebInfo, warnings as errors)
	@cmake --preset default >/dev/null
	@cmake --build --preset default

up: deps ## build, start Kafka, Redis and the services (under supervisord), wait until healthy; SECURE=1: the secure profile; REDIS_CLUSTER=1: also a 6-node Redis Cluster on :7001-7006
	@cmake --preset default >/dev/null
	@cmake --build --preset default --target orderflow
	@scripts/stack.sh up

down: deps ## stop every process of the stack (services, supervisord, Kafka, Redis)
	@scripts/stack.sh down

status: deps ## each process: pid, address, health, restarts, last exit reason
	@scripts/stack.sh status

# `make logs` follows everything; `make logs producer` (or kafka-1, redis, supervisord, ...) one process.
logs: ## follow logs: make logs [NAME]
	@scripts/stack.sh logs $(filter-out logs,$(MAKECMDGOALS))

# The same stack as separate hosts (root): one network namespace per host on a private bridge,
# links cut with `scripts/hosts-stack.sh cut A B` (README, "The stack as hosts").
hosts-up: deps ## the stack as 9 hosts with their own addresses (3 Kafka, Redis, 2 registries, 2 consumer hosts, producer)
	@cmake --preset default >/dev/null
	@cmake --build --preset default --target orderflow
	@scripts/hosts-stack.sh up

hosts-down: deps ## stop the hosts layout, remove its namespaces, veths and bridge
	@scripts/hosts-stack.sh down

test: deps format-check build ## build and run every test (unit ... e2e), then unit+component under ASan
	@scripts/test.sh

# Docker where an engine answers, else podman; debian:12-slim is made with debootstrap when it
# cannot be pulled. The container test (`make test`) builds the same image.
image: deps ## build the orderflow:local image from the Dockerfile; prints its size and build time
	@scripts/image.sh

# Not part of `make test`: ~10-15 min on 2 cores; BENCH_QUICK=1 make bench is a 3-minute smoke run.
bench: deps ## benchmarks vs Kafka's and Redis's own tools on a private cluster (bench/results/)
	@cmake --preset default >/dev/null
	@cmake --build --preset default --target orderflow
	@scripts/bench.sh

# Every fault case on a private cluster of its own (free ports; not part of `make test`, which
# runs a short version). CHAOS_CASES=leader,redis-rollback picks cases; CHAOS_CASES=net runs the
# network cases on the stack as hosts instead (root), net-NAME one of them; both kinds may mix.
comma := ,
space := $(subst ,, )
chaos_cases := $(subst $(comma), ,$(CHAOS_CASES))
net_chaos_cases := $(filter net net-%,$(chaos_cases))
process_chaos_cases := $(filter-out net net-%,$(chaos_cases))
chaos: deps ## fault tests: kill/pause brokers, consumers, Redis (and a Redis Cluster), registry, cut links; loses nothing?
	@cmake --preset default >/dev/null
ifneq ($(process_chaos_cases)$(if $(net_chaos_cases),,all),)
	@cmake --build --preset default --target orderflow robustness_chaos
	@CHAOS_FULL=1 CHAOS_CASES="$(subst $(space),$(comma),$(strip $(process_chaos_cases)))" \
	  build/default/tests/robustness/chaos/robustness_chaos
endif
ifneq ($(net_chaos_cases),)
	@cmake --build --preset default --target orderflow
	@tests/robustness/hosts/net_chaos.sh $(net_chaos_cases)
endif

# libFuzzer targets (fuzz/) in build/fuzz with clang-14; not part of `make test`, which replays
# each target's corpus briefly. FUZZ_SECONDS=60 make fuzz; FUZZ_TARGETS="http_request" picks.
fuzz: deps ## fuzz every parser of outside bytes for FUZZ_SECONDS each (default 300)
	@scripts/fuzz.sh run $(FUZZ_TARGETS)

format: deps ## clang-format every C++ file in place
	@set -euo pipefail; git ls-files -z '*.cpp' '*.h' | xargs -0 -r clang-format-14 -i

# pipefail + `command -v` first: a missing clang-format-14 or git fails here, never prints "clean".
format-check: deps ## fail if any C++ file is not clang-formatted
	@set -euo pipefail; command -v clang-format-14 >/dev/null || { echo "format-check: clang-format-14 not found" >&2; exit 1; }; \
	  files=$$(git ls-files '*.cpp' '*.h' | wc -l); \
	  [[ $$files -gt 0 ]] || { echo "format-check: git ls-files found no C++ files" >&2; exit 1; }; \
	  git ls-files -z '*.cpp' '*.h' | xargs -0 -r clang-format-14 --dry-run --Werror; \
	  echo "format-check: clean ($$files files)"

clean: deps ## stop the stack and remove build output and .run/ (data and logs)
	@scripts/stack.sh down || true
	rm -rf build .run

# Lets `make logs NAME` take NAME as an argument rather than a target.
ifeq (logs,$(firstword $(MAKECMDGOALS)))
%:
	@:
endif
