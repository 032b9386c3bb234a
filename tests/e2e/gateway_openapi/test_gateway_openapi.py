"""schemathesis against `orderflow gateway`: every operation of services/gateway/openapi.json,
with requests made from the document itself (its coverage, fuzzing and stateful phases; settings
in schemathesis.toml beside this file), on a gateway started on a free port against the shared
test stack, with a consumer that stores its orders so that reads can find them.

Fails when schemathesis finds a 5xx the document does not name, an answer whose status, content
type, headers or body the document does not describe, or when the gateway exits on its own or
stops with a non-zero code."""
import os
import pathlib
import signal
import socket
import subprocess
import sys
import time
import uuid

import pytest
import requests

HERE = pathlib.Path(__file__).resolve().parent
# The consumer group the gateway reads from (GATEWAY_GROUPS); fixed so that schemathesis.toml
# can offer it as a value of ?group=.
GROUP = "openapi-fuzz"
# schemathesis's whole run: a bound well above its 20-60 s on two busy cores.
SCHEMATHESIS_TIMEOUT_S = 300


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stack_env():
    """KAFKA_BOOTSTRAP_SERVERS and REDIS_URL: from the environment, else the shared stack's file."""
    values = {}
    path = os.environ.get("ORDERFLOW_TEST_STACK_ENV", "")
    if path and os.path.isfile(path):
        for line in open(path):
            name, _, value = line.strip().partition("=")
            values[name] = value.strip('"')
    found = {}
    for name in ("KAFKA_BOOTSTRAP_SERVERS", "REDIS_URL"):
        found[name] = os.environ.get(name) or values.get(name)
        if not found[name]:
            pytest.fail(f"{name} is not set: run through ctest (fixture `stack`)")
    return found


class Service:
    """One `orderflow` command as a child process, its output in a log file."""

    def __init__(self, name, args, env, work_dir):
        self.name = name
        self.log_path = work_dir / f"{name}.log"
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen([os.environ["ORDERFLOW_BINARY"], *args], env=env,
                                            stdout=log, stderr=subprocess.STDOUT)

    def log(self):
        return self.log_path.read_text(errors="replace")

    def wait_ready(self, url, timeout_s=90):
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                if requests.get(url, timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.2)
        self.stop()
        pytest.fail(f"{self.name} did not become ready at {url}:\n{self.log()}")

    def stop(self):
        """SIGTERM, then the exit code (SIGKILL after 30 s: reported as -9)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


@pytest.fixture
def services():
    started = []
    yield started
    for service in reversed(started):
        service.stop()


def test_gateway_answers_as_its_openapi_document_says(services, tmp_path):
    name = f"openapi-{uuid.uuid4().hex[:12]}"
    env = dict(os.environ)
    env.update(stack_env())
    env.update({
        "ORDERFLOW_ENV_FILE": str(tmp_path / "none.env"),
        "ORDERS_TOPIC": name,
        "DLQ_TOPIC": f"{name}.dlq",
        "LOG_LEVEL": "info",
    })

    registry_port = free_port()
    registry = Service("registry", ["registry"], {
        **env,
        "REGISTRY_LISTEN": f"127.0.0.1:{registry_port}",
        "REGISTRY_TOPIC": f"_schemas-{name}",
        "REGISTRY_GROUP": f"registry-{name}",
    }, tmp_path)
    services.append(registry)
    registry.wait_ready(f"http://127.0.0.1:{registry_port}/ready")
    env["SCHEMA_REGISTRY_URL"] = f"http://127.0.0.1:{registry_port}"

    # The gateway neither creates nor checks the topic: without it every order is a 503 at the
    # ack deadline. Created as the consumers would (5 partitions, RF 3, min.insync.replicas=2).
    created = subprocess.run(
        [os.environ["ORDERFLOW_BINARY"], "admin", "create-topic", name, "-p", "5", "-r", "3",
         "-c", "min.insync.replicas=2"], env=env, capture_output=True, text=True, timeout=120)
    assert created.returncode == 0, created.stdout + created.stderr

    services.append(Service("consumer", ["consume"], {
        **env, "CONSUMER_GROUP": GROUP, "AUTO_COMMIT": "true"}, tmp_path))

    gateway_port = free_port()
    gateway = Service("gateway", ["gateway"], {
        **env,
        "GATEWAY_LISTEN": f"127.0.0.1:{gateway_port}",
        "GATEWAY_GROUPS": GROUP,
        # Reads may wait at most this long (a longer ?wait= is a 400): keeps the run short.
        "GATEWAY_MAX_WAIT": "1s",
    }, tmp_path)
    services.append(gateway)
    url = f"http://127.0.0.1:{gateway_port}"
    gateway.wait_ready(f"{url}/health")

    st = pathlib.Path(sys.executable).with_name("st")
    command = [str(st), "--config-file", str(HERE / "schemathesis.toml"), "run", "--no-color",
               f"{url}/v1/openapi.json", "--url", url]
    report = tmp_path / "schemathesis.log"
    started = time.monotonic()
    with open(report, "wb") as out:
        try:
            code = subprocess.run(command, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT,
                                  timeout=SCHEMATHESIS_TIMEOUT_S).returncode
        except subprocess.TimeoutExpired:
            code = f"killed after {SCHEMATHESIS_TIMEOUT_S} s"
    print(report.read_text(errors="replace"))
    print(f"{' '.join(command)}\nexit {code} after {time.monotonic() - started:.0f} s")

    crashed = gateway.process.poll()
    exit_code = gateway.stop()
    assert crashed is None, f"the gateway exited during the run ({crashed}):\n{gateway.log()}"
    assert exit_code == 0, f"the gateway stopped with {exit_code}:\n{gateway.log()}"
    assert code == 0, (f"schemathesis found problems (exit {code}); its report is above. "
                       f"The gateway's log ends:\n{gateway.log()[-4000:]}")
