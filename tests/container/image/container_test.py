"""The image built and run. `container_test.py build`: scripts/image.sh builds orderflow:local
from the Dockerfile. `container_test.py`: the registry, both consumers and the producer run as
containers of it on the host network against the shared test stack, with the commands,
environment and healthchecks of docker-compose.yml (read from it, so they cannot drift). Only
addresses, ports, the topic and group names (the test's own, so it cannot disturb other tests on
the stack) and the producer's count and pace are changed. Checked: the orders are stored by both
groups, each container's healthcheck command passes, and `stop` ends each container with exit 0
inside its grace period. Every container is removed at the end, whatever happened."""
import hashlib
import os
import shlex
import socket
import subprocess
import sys
import time
import unittest
import urllib.request
import uuid

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
IMAGE = os.environ.get("IMAGE_TAG", "orderflow:local")
# 20 orders make two whole batches for the batch consumer (BATCH_SIZE 10), and 250 ms apart the
# producer stays up long enough for its healthcheck.
ORDERS = 20
ORDER_INTERVAL = "250ms"
# Compose's default stop_grace_period; `stop` sends SIGKILL after it.
GRACE_SECONDS = 10
# Bounds on waiting for what must happen anyway; reaching one is a failure, not a measurement.
HEALTHY_DEADLINE = 120
STORED_DEADLINE = 120
# Every container of this test from this checkout is named so; a run killed by ctest's timeout
# leaves none behind for long: the next run removes them first (never another checkout's).
NAME_PREFIX = f"orderflow-container-test-{hashlib.sha256(ROOT.encode()).hexdigest()[:8]}-"


def stack_env():
    values = {}
    with open(os.environ["ORDERFLOW_TEST_STACK_ENV"], encoding="utf-8") as f:
        for line in f:
            if "=" in line:
                key, value = line.rstrip("\n").split("=", 1)
                values[key] = value.strip('"')
    return values


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args, check=True, **kwargs):
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if check and result.returncode != 0:
        raise AssertionError(f"{shlex.join(args)} exited {result.returncode}\n"
                             f"{result.stdout}{result.stderr}")
    return result


ENGINE = shlex.split(run([os.path.join(ROOT, "scripts", "image.sh"), "--print-engine"]).stdout)
# Explicit ulimits: podman's defaults cannot be applied on these machines (scripts/image.sh).
RUN_ARGS = ["--network", "host", "--ulimit", "nofile=4096:4096", "--ulimit", "nproc=1000:1000"]


def engine(*args, check=True, timeout=None):
    return run(ENGINE + list(args), check=check, timeout=timeout)


def build_image():
    """scripts/image.sh, its long output shown (the tail) only when it fails."""
    start = time.monotonic()
    build = subprocess.run([os.path.join(ROOT, "scripts", "image.sh")], text=True,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False)
    if build.returncode != 0:
        print(build.stdout[-8000:])
        print(f"scripts/image.sh exited {build.returncode}")
        return 1
    print(build.stdout.splitlines()[-1], f"({time.monotonic() - start:.0f} s)")
    return 0


def redis_count(port, pattern):
    keys = run(["redis-cli", "-p", str(port), "--scan", "--pattern", pattern]).stdout.split()
    return len(keys)


class ContainersOfTheImage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        leftovers = engine("ps", "--all", "--quiet", "--filter", f"name={NAME_PREFIX}").stdout
        for container in leftovers.split():
            engine("rm", "--force", container, check=False)
        with open(os.path.join(ROOT, "docker-compose.yml"), encoding="utf-8") as f:
            cls.compose = yaml.safe_load(f)["services"]
        cls.stack = stack_env()
        cls.run_id = uuid.uuid4().hex[:10]
        cls.containers = []

    @classmethod
    def tearDownClass(cls):
        for name in cls.containers:
            engine("rm", "--force", name, check=False)

    def container_name(self, service):
        return f"{NAME_PREFIX}{self.run_id}-{service}"

    def test_the_pipeline_runs_in_containers(self):
        version = engine("run", "--rm", *RUN_ARGS, IMAGE, "--version").stdout.strip()
        native = run([os.environ["ORDERFLOW_BINARY"], "--version"]).stdout.strip()
        self.assertEqual(version, native, "orderflow --version in the image")

        # The runtime stage's packages are still exactly what the binary links (the same check
        # the build stage makes, here in the image that ships: no library "not found").
        engine("run", "--rm", *RUN_ARGS, "--volume", f"{ROOT}/docker:/check:ro",
               "--entrypoint", "/bin/bash", IMAGE, "/check/runtime-packages.sh", "--check",
               "/check/runtime-packages.txt", "/usr/local/bin/orderflow")

        topic = f"orders-container-{self.run_id}"
        registry_port = free_port()
        registry_url = f"http://127.0.0.1:{registry_port}"
        overrides = {
            "registry": {"REGISTRY_LISTEN": f"127.0.0.1:{registry_port}",
                         "REGISTRY_ADVERTISED_URL": registry_url,
                         "REGISTRY_TOPIC": f"_schemas-{topic}",
                         "REGISTRY_GROUP": f"registry-{topic}"},
            "consumer-auto": {"CONSUMER_GROUP": f"{topic}-auto"},
            "consumer-batch": {"CONSUMER_GROUP": f"{topic}-batch"},
            "producer": {"PRODUCE_COUNT": str(ORDERS), "PRODUCE_INTERVAL": ORDER_INTERVAL},
        }
        pipeline = {"SCHEMA_REGISTRY_URL": registry_url,
                    "REDIS_URL": self.stack["REDIS_URL"],
                    "ORDERS_TOPIC": topic, "DLQ_TOPIC": f"{topic}.dlq",
                    "METRICS_HOST": "127.0.0.1"}
        health = {}
        for service in ["registry", "consumer-auto", "consumer-batch", "producer"]:
            spec = self.compose[service]
            env = dict(spec["environment"])
            env["KAFKA_BOOTSTRAP_SERVERS"] = self.stack["KAFKA_BOOTSTRAP_SERVERS"]
            env.update({k: v for k, v in pipeline.items() if k in env})
            env.update(overrides[service])
            check = list(spec["healthcheck"]["test"])
            self.assertEqual(check[:2], ["CMD", "orderflow-health"], service)
            if service != "registry":
                self.assertEqual(check[2], env["METRICS_PORT"], f"{service}: health port")
                env["METRICS_PORT"] = str(free_port())
                check[2] = env["METRICS_PORT"]
            else:
                self.assertEqual(check[2], "8081", "registry: health port")
                check[2] = str(registry_port)
            health[service] = check[1:]
            # Compose's ${REDIS_PASSWORD:?...} never reaches a container here: REDIS_URL is ours.
            for key, value in env.items():
                self.assertNotIn("${", str(value), f"{service}: {key} left uninterpolated")

            name = self.container_name(service)
            self.containers.append(name)
            env_args = [arg for key, value in env.items() for arg in ("--env", f"{key}={value}")]
            engine("run", "--detach", "--name", name, *RUN_ARGS, *env_args, IMAGE,
                   *spec["command"])
            # Compose's start order: everything the next one depends on is healthy first.
            self.wait_healthy(service, health[service])

        producer = self.container_name("producer")
        exit_code = engine("wait", producer, timeout=STORED_DEADLINE).stdout.strip()
        self.assertEqual(exit_code, "0", "producer exit\n" + self.logs("producer"))

        redis_port = self.stack["REDIS_PORT"]
        groups = [overrides["consumer-auto"]["CONSUMER_GROUP"],
                  overrides["consumer-batch"]["CONSUMER_GROUP"]]
        deadline = time.monotonic() + STORED_DEADLINE
        counts = {}
        while time.monotonic() < deadline:
            # every partition's orders: order:{g:p:n}:<id> (libs/redis/key_names.h)
            counts = {g: redis_count(redis_port, f"order:{{{g}:*") for g in groups}
            if all(c >= ORDERS for c in counts.values()):
                break
            time.sleep(1)
        self.assertEqual(counts, {g: ORDERS for g in groups},
                         "orders stored per group\n" + self.logs("consumer-batch"))
        print(f"orders stored per group: {counts}", flush=True)

        for service in ["registry", "consumer-auto", "consumer-batch"]:
            self.assertEqual(self.health_check(service, health[service]), 0, f"{service} health")

        # The console is not in docker-compose.yml, but its pages ship in the image: served?
        console_port = free_port()
        self.containers.append(self.container_name("console"))
        engine("run", "--detach", "--name", self.container_name("console"), *RUN_ARGS,
               "--env", f"KAFKA_BOOTSTRAP_SERVERS={self.stack['KAFKA_BOOTSTRAP_SERVERS']}",
               "--env", f"REDIS_URL={self.stack['REDIS_URL']}",
               "--env", f"CONSOLE_LISTEN=127.0.0.1:{console_port}", IMAGE, "console")
        self.wait_healthy("console", ["orderflow-health", str(console_port), "/health"])
        for page in ["/", "/static/js/main.js"]:
            url = f"http://127.0.0.1:{console_port}{page}"
            with urllib.request.urlopen(url, timeout=10) as answer:
                self.assertEqual(answer.status, 200, url)

        # Consumers first (they commit and leave their group), the registry last.
        for service in ["consumer-auto", "consumer-batch", "registry"]:
            name = self.container_name(service)
            engine("stop", "--time", str(GRACE_SECONDS), name)
            state = engine("inspect", "--format", "{{.State.ExitCode}}", name).stdout.strip()
            # SIGKILL after the grace period would be 137.
            self.assertEqual(state, "0", f"{service} after stop\n" + self.logs(service))
            print(f"{service}: stopped, exit {state}", flush=True)

    def health_check(self, service, check):
        return engine("exec", self.container_name(service), *check, check=False).returncode

    def wait_healthy(self, service, check):
        name = self.container_name(service)
        deadline = time.monotonic() + HEALTHY_DEADLINE
        while time.monotonic() < deadline:
            if self.health_check(service, check) == 0:
                print(f"{service}: healthy ({shlex.join(check)})", flush=True)
                return
            running = engine("inspect", "--format", "{{.State.Running}}", name).stdout.strip()
            if running != "true":
                self.fail(f"{service} exited before it was healthy\n{self.logs(service)}")
            time.sleep(1)
        self.fail(f"{service} not healthy ({shlex.join(check)})\n{self.logs(service)}")

    def logs(self, service):
        result = engine("logs", self.container_name(service), check=False)
        return (result.stdout + result.stderr)[-4000:]


if __name__ == "__main__":
    if sys.argv[1:] == ["build"]:
        sys.exit(build_image())
    unittest.main(testRunner=unittest.TextTestRunner(stream=sys.stdout, verbosity=2))
