# orderflow: `make up` runs everything, `make test` tests everything (both from a clean clone).
SHELL := /bin/bash
.DEFAULT_GOAL := help
BINARY := build/default/apps/orderflow/orderflow

.PHONY: help deps kafka build up down status logs test test-asan format format-check clean

help: ## this list
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-13s %s\n", $$1, $$2}'

deps: ## install missing Debian packages and fetch the Kafka jars (cached)
	@scripts/install-deps.sh
	@scripts/fetch-kafka.sh >/dev/null

build: deps ## configure and build (RelWithDebInfo, warnings as errors)
	@cmake --preset default >/dev/null
	@cmake --build --preset default

up: deps ## build, start Kafka, Redis and the services, wait until healthy, print addresses
	@cmake --preset default >/dev/null
	@cmake --build --preset default --target orderflow
	@scripts/stack.sh up

down: ## stop every process of the stack
	@scripts/stack.sh down

status: ## each process: pid, address, health
	@scripts/stack.sh status

# `make logs` follows everything; `make logs producer` (or kafka-1, redis, ...) one process.
logs: ## follow logs: make logs [NAME]
	@scripts/stack.sh logs $(filter-out logs,$(MAKECMDGOALS))

test: format-check build ## build and run every test (unit ... e2e), then unit+component under ASan
	@scripts/test.sh

format: ## clang-format every C++ file in place
	@git ls-files '*.cpp' '*.h' | xargs clang-format-14 -i

format-check: ## fail if any C++ file is not clang-formatted
	@git ls-files '*.cpp' '*.h' | xargs clang-format-14 --dry-run --Werror
	@echo "format-check: clean"

clean: ## stop the stack and remove build output and .run/ (data and logs)
	@scripts/stack.sh down || true
	rm -rf build .run

# Lets `make logs NAME` take NAME as an argument rather than a target.
ifeq (logs,$(firstword $(MAKECMDGOALS)))
%:
	@:
endif
