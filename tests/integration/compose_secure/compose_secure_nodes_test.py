"""The secure Compose path's Kafka, run for real without a container engine.

No image can be pulled here, so the apache/kafka containers cannot run. What they would run can:
docker/kafka-secure-node.sh and docker/kafka-secure-setup.sh, started on this machine with the
environment `scripts/compose-secure.sh config` resolves for kafka-1..3 and kafka-setup (the
Compose files themselves, with the project's secrets), against the same Kafka release's jars.
Only what a container would change is changed: host names and ports (three nodes on one
loopback), file locations, and /opt/kafka/bin (small wrappers that start the same classes).
Then each principal does its job and is refused the others' with kcat, the healthcheck command
of each node passes, and anonymous or wrong-password clients are refused.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import yaml

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
READY_TIMEOUT = 180

# Kafka's command-line entry points, as /opt/kafka/bin names them in the image.
WRAPPERS = {
    "kafka-storage.sh": ("-Xmx128m", "kafka.tools.StorageTool"),
    "kafka-server-start.sh": ("$KAFKA_HEAP_OPTS", "kafka.Kafka"),
    "kafka-topics.sh": ("-Xmx128m", "org.apache.kafka.tools.TopicCommand"),
    "kafka-acls.sh": ("-Xmx128m", "kafka.admin.AclCommand"),
    "kafka-broker-api-versions.sh": ("-Xmx128m", "kafka.admin.BrokerApiVersionsCommand"),
}


def fail(message):
    print(f"FAIL: {message}", flush=True)
    sys.exit(1)


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def kafka_home(work):
    libs = subprocess.run([os.path.join(ROOT, "scripts", "fetch-kafka.sh")], capture_output=True,
                          text=True, check=True).stdout.strip()
    log4j = os.path.join(ROOT, "scripts", "kafka", "tools-log4j.properties")
    home = os.path.join(work, "kafka-home")
    os.makedirs(os.path.join(home, "bin"))
    for name, (heap, main) in WRAPPERS.items():
        path = os.path.join(home, "bin", name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(f'#!/bin/bash\nexec java {heap} -XX:TieredStopAtLevel=1 -cp "{libs}/*" '
                    f'-Dlog4j.configuration=file:{log4j} {main} "$@"\n')
        os.chmod(path, 0o755)
    return home


def resolved_compose(secrets):
    env = dict(os.environ, COMPOSE_SECRETS_DIR=secrets, REDIS_PASSWORD="compose-test",
               KAFKA_UI_USER="compose-test", KAFKA_UI_PASSWORD="compose-test")
    script = os.path.join(ROOT, "scripts", "compose-secure.sh")
    subprocess.run([script, "secrets"], env=env, check=True, capture_output=True)
    out = subprocess.run([script, "config"], env=env, check=True, capture_output=True, text=True).stdout
    return yaml.safe_load(out)["services"]


class Layout:
    """Where a container's names and paths land on this machine."""

    def __init__(self, work, secrets):
        self.work, self.secrets = work, secrets
        ports = free_ports(9)
        # (node, port inside Compose) -> port here
        self.port = {}
        for n in (1, 2, 3):
            for i, inside in enumerate((19092, 9092, 29093)):
                self.port[(n, inside)] = ports[(n - 1) * 3 + i]

    def text(self, value, node=None):
        value = str(value)
        value = re.sub(r"kafka-(\d):(\d+)",
                       lambda m: f"127.0.0.1:{self.port[(int(m.group(1)), int(m.group(2)))]}", value)
        value = value.replace("/etc/orderflow/ca.pem", os.path.join(self.secrets, "ca.pem"))
        value = value.replace("/etc/orderflow/acls.txt", os.path.join(ROOT, "scripts", "kafka", "acls.txt"))
        if node is not None:
            # A node's host port (9092-9094) is its container port 9092, published.
            value = re.sub(r"localhost:\d+", f"localhost:{self.port[(node, 9092)]}", value)
            value = re.sub(r"://:(\d+)", lambda m: f"://127.0.0.1:{self.port[(node, int(m.group(1)))]}", value)
            value = re.sub(r"/tmp/orderflow(?=/|$)", self.node_dir(node), value)
            value = value.replace("/var/lib/kafka/data", os.path.join(self.work, f"data-{node}"))
        return value

    def node_dir(self, node):
        return os.path.join(self.work, f"run-{node}")

    def bootstrap(self):
        return ",".join(f"127.0.0.1:{self.port[(n, 19092)]}" for n in (1, 2, 3))


def base_env(home):
    return {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"), "KAFKA_HOME": home}


def start_nodes(services, layout, home, logs):
    nodes = []
    for n in (1, 2, 3):
        env = base_env(home)
        for key, value in services[f"kafka-{n}"]["environment"].items():
            env[key] = layout.text(value, n)
        env["KAFKA_HEAP_OPTS"] = "-Xms256m -Xmx256m"  # three nodes and the tests on two cores
        env["ORDERFLOW_NODE_DIR"] = layout.node_dir(n)
        command = services[f"kafka-{n}"]["command"]
        assert command[-1] == "/etc/orderflow/kafka-secure-node.sh", command
        log = open(os.path.join(logs, f"kafka-{n}.log"), "w", encoding="utf-8")
        nodes.append(subprocess.Popen(["bash", os.path.join(ROOT, "docker", "kafka-secure-node.sh")],
                                      env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
    return nodes


def healthcheck(services, layout, home, n):
    test = services[f"kafka-{n}"]["healthcheck"]["test"]
    assert test[0] == "CMD-SHELL", test
    command = layout.text(test[1], n).replace("/opt/kafka", home)
    return subprocess.run(["bash", "-c", command], env=base_env(home), capture_output=True).returncode == 0


def kcat_props(layout, service_env, work, name):
    """The librdkafka properties a service's KAFKA_EXTRA names, as a kcat -F file."""
    path = os.path.join(work, f"{name}.properties")
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"bootstrap.servers={layout.bootstrap()}\n")
        for pair in layout.text(service_env["KAFKA_EXTRA"]).split(";"):
            f.write(pair + "\n")
    os.chmod(path, 0o600)
    return path


def kcat(props, *args, data=None):
    return subprocess.run(["kcat", "-F", props, "-m", "15", *args], input=data, capture_output=True,
                          text=True, timeout=60)


def expect(what, ok, result):
    detail = (result.stderr or result.stdout).strip().splitlines()[-1:] if result is not None else []
    print(f"{'ok  ' if ok else 'FAIL'} {what} {detail}", flush=True)
    if not ok:
        sys.exit(1)


def check_principals(services, layout, work):
    admin_pw = services["kafka-setup"]["environment"]["ORDERFLOW_ADMIN_PASSWORD"]
    extra = "security.protocol=SASL_SSL;sasl.mechanisms=SCRAM-SHA-512;ssl.ca.location=/etc/orderflow/ca.pem"
    producer = kcat_props(layout, services["producer"]["environment"], work, "producer")
    auto = kcat_props(layout, services["consumer-auto"]["environment"], work, "consumer-auto")
    admin = kcat_props(layout, {"KAFKA_EXTRA": f"{extra};sasl.username=admin;sasl.password={admin_pw}"},
                       work, "admin")
    wrong = kcat_props(layout, {"KAFKA_EXTRA": f"{extra};sasl.username=producer;sasl.password=0"}, work, "wrong")

    r = kcat(admin, "-L", "-t", "orders")
    expect("admin sees orders with 5 partitions", r.returncode == 0 and "5 partitions" in r.stdout, r)
    r = kcat(producer, "-P", "-t", "orders", "-k", "c1", data="first\n")
    expect("producer writes orders", r.returncode == 0, r)
    r = kcat(auto, "-X", "auto.offset.reset=earliest", "-G", "orders-auto", "orders", "-c", "1")
    expect("consumer-auto reads orders in its group", r.returncode == 0 and "first" in r.stdout, r)
    r = kcat(auto, "-P", "-t", "orders", data="x\n")
    expect("consumer-auto is refused writing orders", r.returncode != 0 and "authoriz" in r.stderr.lower(), r)
    r = kcat(auto, "-P", "-t", "orders.dlq", data="dead\n")
    expect("consumer-auto writes orders.dlq", r.returncode == 0, r)
    r = kcat(auto, "-X", "auto.offset.reset=earliest", "-G", "orders-batch", "orders", "-c", "1")
    expect("consumer-auto is refused the other group", r.returncode != 0 and "authoriz" in r.stderr.lower(), r)
    r = kcat(producer, "-C", "-t", "orders", "-c", "1", "-o", "beginning", "-e")
    expect("producer is refused reading orders", r.returncode != 0 and "authoriz" in r.stderr.lower(), r)
    r = kcat(wrong, "-L")
    expect("a wrong password is refused", r.returncode != 0 and "authentication" in r.stderr.lower(), r)
    r = subprocess.run(["kcat", "-b", layout.bootstrap(), "-m", "10", "-L"], capture_output=True, text=True,
                       timeout=60)
    expect("a client without TLS and SASL gets nothing", r.returncode != 0, r)


def main():
    if not all(shutil.which(tool) for tool in ("java", "kcat", "docker-compose", "openssl")):
        subprocess.run([os.path.join(ROOT, "scripts", "install-deps.sh")], check=True)
    work = tempfile.mkdtemp(prefix="orderflow-compose-secure-")
    secrets = os.path.join(work, "secrets")
    nodes = []
    try:
        services = resolved_compose(secrets)
        layout = Layout(work, secrets)
        home = kafka_home(work)
        nodes = start_nodes(services, layout, home, work)
        deadline = time.monotonic() + READY_TIMEOUT
        waiting = {1, 2, 3}
        while waiting and time.monotonic() < deadline:
            for n in sorted(waiting):
                if nodes[n - 1].poll() is not None:
                    fail(f"kafka-{n} exited {nodes[n - 1].returncode}: see {work}/kafka-{n}.log")
                if healthcheck(services, layout, home, n):
                    print(f"kafka-{n}: its Compose healthcheck passes", flush=True)
                    waiting.discard(n)
            time.sleep(2)
        if waiting:
            fail(f"kafka nodes {sorted(waiting)} not healthy after {READY_TIMEOUT} s (logs in {work})")

        env = base_env(home)
        for key, value in services["kafka-setup"]["environment"].items():
            env[key] = layout.text(value)
        env["ORDERFLOW_NODE_DIR"] = os.path.join(work, "run-setup")
        setup = subprocess.run(["bash", os.path.join(ROOT, "docker", "kafka-secure-setup.sh")], env=env,
                               capture_output=True, text=True, timeout=600)
        print(setup.stdout.strip(), flush=True)
        if setup.returncode != 0:
            fail(f"kafka-setup exited {setup.returncode}: {setup.stderr.strip()[-2000:]}")
        check_principals(services, layout, work)
        print("ok: the secure Compose Kafka nodes and setup work as their files say", flush=True)
    finally:
        for node in nodes:
            if node.poll() is None:
                os.killpg(node.pid, signal.SIGKILL)
                node.wait()
        if os.environ.get("KEEP_WORK") != "1":
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
