"""docker-compose.secure.yml, the Compose path's secure profile, checked without a Docker engine:
Debian's docker-compose 1.29 accepts it over docker-compose.yml and refuses it without the
secrets of scripts/compose-secure.sh; each container gets only its own principal's secrets; the
Kafka security settings are the native profile's; nothing is left PLAINTEXT or open. That the
nodes and the setup really start and authorise as these files say is
tests/integration/compose_secure (the same scripts run on this machine)."""
import os
import re
import shutil
import stat
import subprocess
import tempfile
import unittest

import yaml

import compose_files as files

SCRIPT = files.path("scripts", "compose-secure.sh")
# The secrets each service may name (ORDERFLOW_SECRET_<NAME>), and nothing else.
ALLOWED = {
    "kafka-1": {"SCRAM_USERS", "KAFKA_1_KEYSTORE"},
    "kafka-2": {"SCRAM_USERS", "KAFKA_2_KEYSTORE"},
    "kafka-3": {"SCRAM_USERS", "KAFKA_3_KEYSTORE"},
    "kafka-setup": {"ADMIN"},
    "redis": {"REDIS_ACL"},
    "redis-functions": {"ADMIN"},
    "registry": {"REGISTRY", "REGISTRY_USERS"},
    "consumer-auto": {"CONSUMER_AUTO"},
    "consumer-batch": {"CONSUMER_BATCH"},
    "producer": {"PRODUCER"},
    "gateway": {"GATEWAY", "GATEWAY_CLIENTS"},
    "kafka-ui": {"CONSOLE"},
    "redisinsight": {"CONSOLE"},
}
BASE_ENV = {"REDIS_PASSWORD": "compose-test", "KAFKA_UI_USER": "compose-test", "KAFKA_UI_PASSWORD": "compose-test"}


def native_node_security(work):
    """{key: value} that sasl_ssl_node_config (scripts/kafka/sasl-ssl.sh) writes natively."""
    scripts = files.path("scripts")
    out = subprocess.run(["bash", "-c", f'set -euo pipefail; source {scripts}/lib/proc.sh; source {scripts}/lib/secrets.sh; '
                          f'source {scripts}/lib/kafka-tls.sh; source {scripts}/kafka/sasl-ssl.sh; '
                          f'secrets={work}/native; sasl_ssl_node_config 1'], capture_output=True, text=True, check=True).stdout
    props = {}
    for line in out.splitlines():
        if line and not line.startswith("#"):
            key, value = line.split("=", 1)
            props[key] = value
    return props


class SecureOverride(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.text = files.read("docker-compose.secure.yml")
        cls.override = yaml.safe_load(cls.text)
        cls.work = tempfile.mkdtemp(prefix="orderflow-compose-secure-")
        cls.secrets = os.path.join(cls.work, "secrets")
        cls.env = dict(os.environ, COMPOSE_SECRETS_DIR=cls.secrets, **BASE_ENV)
        subprocess.run([SCRIPT, "secrets"], env=cls.env, check=True, capture_output=True)
        out = subprocess.run([SCRIPT, "config"], env=cls.env, check=True, capture_output=True, text=True).stdout
        cls.resolved = yaml.safe_load(out)["services"]
        cls.passwords = {}
        for name in os.listdir(cls.secrets):
            if name.endswith(".password"):
                with open(os.path.join(cls.secrets, name), encoding="utf-8") as f:
                    cls.passwords[name[: -len(".password")]] = f.read().strip()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.work, ignore_errors=True)

    def test_compose_refuses_the_override_without_the_scripts_secrets(self):
        env = {k: v for k, v in self.env.items() if not k.startswith("ORDERFLOW_")}
        result = subprocess.run(["docker-compose", "--project-directory", self.work, "-f", files.path("docker-compose.yml"),
                                 "-f", files.path("docker-compose.secure.yml"), "config", "-q"],
                                env=env, capture_output=True, text=True)
        self.assertNotEqual(result.returncode, 0, "accepted without the secrets")
        self.assertIn("run scripts/compose-secure.sh", result.stderr)

    def test_each_service_names_only_its_own_secrets(self):
        for name, service in self.override["services"].items():
            named = set(re.findall(r"\$\{ORDERFLOW_SECRET_([A-Z0-9_]+):\?", yaml.safe_dump(service)))
            self.assertEqual(named, ALLOWED[name], name)
            self.assertNotIn("ports", service, f"{name}: the override publishes nothing of its own")

    def test_no_password_lands_in_a_service_that_is_not_its_principal(self):
        owners = {"consumer-auto": "consumer-auto", "consumer-batch": "consumer-batch", "producer": "producer",
                  "gateway": "gateway",
                  "registry": "registry", "kafka-ui": "console", "redisinsight": "console",
                  "redis-functions": "admin", "kafka-setup": "admin"}
        for service, principal in owners.items():
            text = yaml.safe_dump(self.resolved[service])
            for other, password in self.passwords.items():
                if other != principal:
                    self.assertNotIn(password, text, f"{service} holds {other}'s password")
            self.assertIn(self.passwords[principal], text, f"{service} lacks {principal}'s password")

    def test_override_holds_no_literal_secret(self):
        self.assertNotRegex(self.text, r"[0-9a-f]{32}", "a secret-looking value in the file")
        for match in re.finditer(r'(password=|PASSWORD: |redis://[a-z-]+:)(\S{0,4})', self.text):
            after = match.group(2).lstrip('\\"')
            self.assertTrue(after.startswith("${"), f"a literal password: {match.group(0)}")

    def test_kafka_listeners_are_sasl_ssl_and_mtls_with_the_native_settings(self):
        native = native_node_security(self.work)
        for n in (1, 2, 3):
            env = self.resolved[f"kafka-{n}"]["environment"]
            protocols = dict(p.split(":") for p in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
            self.assertEqual(protocols, {"CONTROLLER": "SSL", "INTERNAL": "SASL_SSL", "EXTERNAL": "SASL_SSL"})
            props = {files.kafka_env_to_property(k): str(v) for k, v in env.items() if k.startswith("KAFKA_")}
            for key in ("sasl.enabled.mechanisms", "sasl.mechanism.inter.broker.protocol", "ssl.keystore.type",
                        "ssl.truststore.type", "listener.name.controller.ssl.client.auth", "authorizer.class.name",
                        "allow.everyone.if.no.acl.found", "super.users"):
                self.assertEqual(props[key], native[key], f"kafka-{n}: {key}")
            self.assertEqual(self.resolved[f"kafka-{n}"]["command"][-1], "/etc/orderflow/kafka-secure-node.sh")
            self.assertIn("--command-config", self.resolved[f"kafka-{n}"]["healthcheck"]["test"][1])

    def test_one_shots_run_once_and_their_dependents_wait_for_them(self):
        node_image = self.resolved["kafka-1"]["image"]
        self.assertEqual(self.resolved["kafka-setup"]["image"], node_image)
        for one_shot in ("kafka-setup", "redis-functions"):
            self.assertEqual(self.resolved[one_shot]["restart"], "no", one_shot)
        for name in ("registry", "consumer-auto", "consumer-batch", "kafka-ui"):
            self.assertEqual(self.resolved[name]["depends_on"]["kafka-setup"]["condition"],
                             "service_completed_successfully", name)
        for name in ("consumer-auto", "consumer-batch"):
            self.assertEqual(self.resolved[name]["depends_on"]["redis-functions"]["condition"],
                             "service_completed_successfully", name)

    def test_redis_runs_with_acl_users_and_no_shared_password(self):
        command = " ".join(self.resolved["redis"]["command"])
        self.assertIn("--aclfile /tmp/users.acl", command)
        self.assertNotIn("--requirepass", command)
        self.assertIn("exec docker-entrypoint.sh redis-server", command, "redis-server must drop root")
        self.assertNotIn("REDISCLI_AUTH", self.resolved["redis"]["healthcheck"]["test"][1])
        with open(os.path.join(self.secrets, "redis-users.acl"), encoding="utf-8") as f:
            self.assertRegex(f.read(), r"(?m)^user default off ")
        for name in ("consumer-auto", "consumer-batch", "gateway"):
            self.assertTrue(self.resolved[name]["environment"]["REDIS_URL"].startswith(f"redis://{name}:"))

    def test_the_gateway_needs_client_tokens_and_holds_none(self):
        gateway = self.resolved["gateway"]
        self.assertIn("/tmp/gateway-clients", " ".join(gateway["entrypoint"]))
        self.assertEqual(gateway["environment"]["GATEWAY_CLIENTS_FILE"], "/tmp/gateway-clients")
        text = yaml.safe_dump(gateway)
        for name in os.listdir(self.secrets):
            if name.startswith("gateway-") and name.endswith(".token"):
                with open(os.path.join(self.secrets, name), encoding="utf-8") as f:
                    self.assertNotIn(f.read().strip(), text, f"{name} reached the gateway's settings")

    def test_secrets_are_private_but_the_ca_certificate(self):
        self.assertEqual(stat.S_IMODE(os.stat(self.secrets).st_mode), 0o700)
        for name in os.listdir(self.secrets):
            mode = stat.S_IMODE(os.stat(os.path.join(self.secrets, name)).st_mode)
            self.assertEqual(mode, 0o644 if name == "ca.pem" else 0o600, name)

    def test_node_certificates_name_the_compose_hosts(self):
        for n in (1, 2, 3):
            out = subprocess.run(["openssl", "x509", "-noout", "-ext", "subjectAltName", "-in",
                                  os.path.join(self.secrets, f"kafka-node-{n}.keystore.pem")],
                                 capture_output=True, text=True, check=True).stdout
            self.assertIn(f"DNS:kafka-{n}", out)
            self.assertIn("DNS:localhost", out)


if __name__ == "__main__":
    unittest.main(verbosity=2)
