"""What the compose tests read: docker-compose.yml and the native stack's own settings files,
parsed from the files themselves so that a change to either side shows up as a difference."""
import os
import re
import subprocess

import yaml

# How docker-compose.yml names the Redis password: required from .env, no default.
REDIS_PASSWORD = "${REDIS_PASSWORD:?set REDIS_PASSWORD in .env}"

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


def path(*parts):
    return os.path.join(ROOT, *parts)


def read(*parts):
    with open(path(*parts), encoding="utf-8") as f:
        return f.read()


def compose():
    return yaml.safe_load(read("docker-compose.yml"))


def kafka_properties():
    """The properties scripts/kafka-cluster.sh writes for every node, as {key: value}."""
    script = read("scripts", "kafka-cluster.sh")
    body = re.search(r'server-\$n\.properties" <<PROPS\n(.*?)\nPROPS\n', script, re.S)
    assert body, "the server.properties heredoc of scripts/kafka-cluster.sh was not found"
    props = {}
    for line in body.group(1).splitlines():
        if line and not line.startswith("#"):
            key, value = line.split("=", 1)
            props[key] = value
    return props


def script_default(script, variable):
    """VALUE of `NAME=${VARIABLE:-VALUE}` in a scripts/ file."""
    match = re.search(r"\$\{" + variable + r":-([^}]*)\}", read("scripts", script))
    assert match, f"no default for {variable} in scripts/{script}"
    return match.group(1)


def services_conf():
    """scripts/services.conf as [(name, health URL, [arguments])] (the restart policy left out)."""
    entries = []
    for line in read("scripts", "services.conf").splitlines():
        if line and not line.startswith("#"):
            name, health, args = line.split("|")[:3]
            entries.append((name, health, args.split()))
    return entries


def env_example():
    """Every setting .env.example names (set or commented out), as {NAME: value}."""
    settings, commented = {}, {}
    for line in read(".env.example").splitlines():
        match = re.match(r"^(# )?([A-Z][A-Z0-9_]+)=(\S*)$", line)
        if match:
            (commented if match.group(1) else settings).setdefault(match.group(2), match.group(3))
    return {**commented, **settings}


def _help_options(command):
    """[(--flag, default or None, ENV_NAME)] from `orderflow COMMAND --help` (CLI11 prints
    `--flag TYPE=DEFAULT (Env:NAME)`)."""
    binary = os.environ.get("ORDERFLOW_BINARY", path("build", "default", "apps", "orderflow", "orderflow"))
    out = subprocess.run([binary, command, "--help"], capture_output=True, text=True, check=True).stdout
    options = []
    for line in out.splitlines():
        match = re.search(r"^\s+(?:-\w,)?(--[a-z0-9-]+)\b(?: [A-Z]+(?:=(\S+))?)?.*\(Env:([A-Z0-9_]+)\)", line)
        if match:
            options.append(match.groups())
    assert options, f"no (Env:NAME) in `orderflow {command} --help`"
    return options


def flag_env_names(command):
    """{--flag: ENV_NAME} from `orderflow COMMAND --help`."""
    return {flag: env for flag, _, env in _help_options(command)}


def env_defaults(command):
    """{ENV_NAME: default} of `orderflow COMMAND` (the settings --help shows a default for)."""
    return {env: default for _, default, env in _help_options(command) if default is not None}


def seconds(duration):
    """`250ms`, `5s`, `2m`, `1h` (orderflow's and Compose's durations) in seconds."""
    match = re.fullmatch(r"(\d+)(ms|s|m|h)", duration)
    assert match, f"not a duration: {duration}"
    return int(match.group(1)) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600}[match.group(2)]


def kafka_env_to_property(name):
    """The apache/kafka image's rule: KAFKA_X_Y -> x.y, `__` -> `_`, `___` -> `-`."""
    rest = name[len("KAFKA_"):].lower()
    return rest.replace("___", "\0").replace("__", "\1").replace("_", ".").replace("\0", "-").replace("\1", "_")


def published(service):
    """Short-form ports of a compose service as [(host port, container port)]."""
    result = []
    for spec in service.get("ports", []):
        parts = str(spec).split(":")
        result.append((int(parts[-2]), int(parts[-1])))
    return result
