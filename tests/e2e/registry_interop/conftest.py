"""Fixtures: an `orderflow registry` process on a free port against the shared test stack
(or SCHEMA_REGISTRY_URL when given), with its own schemas topic and election group."""
import os
import socket
import subprocess
import tempfile
import time
import uuid

import pytest
import requests


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def bootstrap_servers():
    servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if not servers:
        pytest.fail("KAFKA_BOOTSTRAP_SERVERS is not set: run through ctest (fixture `stack`)")
    return servers


def run_registry(bootstrap_servers, extra_env=None):
    """Yields the URL of an `orderflow registry` process ready on a free port; stops it after."""
    binary = os.environ["ORDERFLOW_BINARY"]
    port = free_port()
    env = dict(os.environ)
    env.update({
        "KAFKA_BOOTSTRAP_SERVERS": bootstrap_servers,
        "REGISTRY_LISTEN": f"127.0.0.1:{port}",
        "REGISTRY_TOPIC": unique("_schemas"),
        "REGISTRY_GROUP": unique("registry"),
        "ORDERFLOW_ENV_FILE": "/nonexistent",
    })
    env.update(extra_env or {})
    log = tempfile.NamedTemporaryFile(prefix="registry-interop-", suffix=".log", delete=False)
    process = subprocess.Popen([binary, "registry"], env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            if requests.get(f"{url}/ready", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.2)
    else:
        process.kill()
        pytest.fail("orderflow registry did not become ready: " + open(log.name).read())
    if process.poll() is not None:
        pytest.fail("orderflow registry exited: " + open(log.name).read())
    yield url
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
    os.unlink(log.name)


@pytest.fixture(scope="session")
def registry_url(bootstrap_servers):
    external = os.environ.get("SCHEMA_REGISTRY_URL")
    if external:
        yield external
        return
    yield from run_registry(bootstrap_servers)


@pytest.fixture(scope="session")
def auth_registry_url(bootstrap_servers, tmp_path_factory):
    """A registry with REGISTRY_AUTH_FILE: alice writes, bob reads."""
    users = tmp_path_factory.mktemp("auth") / "users.properties"
    users.write_text("alice: alice-secret,writer\nbob: bob-secret,reader\n")
    users.chmod(0o600)
    yield from run_registry(bootstrap_servers, {"REGISTRY_AUTH_FILE": str(users)})
