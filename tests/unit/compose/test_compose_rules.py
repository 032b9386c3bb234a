"""docker-compose.yml must be read alike by Debian's docker-compose 1.29 and by `docker compose`
v2, and its healthchecks and start order must mean what they say. The features 1.29 rejects
(see the list in docker-compose.yml's header) are looked for in the parsed file and the text."""
import re
import unittest

import compose_files as files

KAFKA_NODES = ["kafka-1", "kafka-2", "kafka-3"]


class ComposeReadByBothVersions(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # Whole-line comments may name what is avoided; only the rest counts.
        cls.text = "\n".join(l for l in files.read("docker-compose.yml").splitlines()
                             if not l.lstrip().startswith("#"))
        cls.compose = files.compose()
        cls.services = cls.compose["services"]

    def test_no_top_level_keys_that_1_29_rejects(self):
        allowed = {"services", "volumes", "networks", "configs", "secrets"}
        for key in self.compose:
            self.assertTrue(key in allowed or key.startswith("x-"), f"top-level {key}:")
        self.assertNotIn("version", self.compose, "v2 warns about version:, 1.29 needs none")

    def test_no_v2_only_interpolation(self):
        for match in re.finditer(r"\$\{[^}]*\}", self.text):
            self.assertNotRegex(match.group(0), r":?\+", "${VAR:+x} / ${VAR+x} are v2 only")

    def test_no_v2_only_service_keys(self):
        for name, service in self.services.items():
            self.assertNotIn("develop", service, name)
            self.assertNotEqual(service.get("pull_policy"), "missing", name)
            self.assertNotIn("start_interval", service.get("healthcheck", {}), name)
            env_file = service.get("env_file", [])
            for entry in env_file if isinstance(env_file, list) else [env_file]:
                self.assertIsInstance(entry, str, f"{name}: long-form env_file")
            for port in service.get("ports", []):
                self.assertIsInstance(port, str, f"{name}: long-form ports")
            depends = service.get("depends_on", {})
            if isinstance(depends, dict):
                for target, condition in depends.items():
                    self.assertEqual(set(condition), {"condition"}, f"{name} -> {target}")
                    self.assertIn(condition["condition"],
                                  {"service_started", "service_healthy", "service_completed_successfully"})
        self.assertNotIn("start_interval", self.text)

    def test_kafka_nodes_check_only_themselves_and_never_wait_on_each_other(self):
        for n, node in enumerate(KAFKA_NODES, start=1):
            service = self.services[node]
            self.assertFalse(set(service.get("depends_on", {})) & set(KAFKA_NODES), node)
            test = service["healthcheck"]["test"]
            self.assertEqual(test[0], "CMD-SHELL", node)
            command = test[1]
            self.assertIn(f"--bootstrap-server {node}:19092", command, node)
            # The tool exits 0 even when a broker fails: the node's own line, with its APIs
            # ("-> (") rather than "-> ERROR", must be there.
            self.assertIn(f"grep -Eq '^{node}:19092 \\(id: {n} .*\\) -> \\('", command, node)
            self.assertIn("| grep", command, node)

    def orderflow_services(self):
        """The services of our own image, whatever their number."""
        return [n for n, s in self.services.items() if s["image"] == "orderflow:local"]

    def test_every_long_running_service_has_a_healthcheck(self):
        self.assertIn("gateway", self.orderflow_services())
        for name in KAFKA_NODES + ["redis"] + self.orderflow_services():
            self.assertIn("test", self.services[name].get("healthcheck", {}), name)

    def assertWaitsForHealth(self, name, dependency):
        condition = self.services[name].get("depends_on", {}).get(dependency, {}).get("condition")
        self.assertEqual(condition, "service_healthy", f"{name} must wait for {dependency} to be healthy")

    def test_start_order_waits_for_health(self):
        for name in ["registry", "kafka-ui"]:
            for node in KAFKA_NODES:
                self.assertWaitsForHealth(name, node)
        for name in self.orderflow_services():
            if name == "registry":
                continue
            for dep in ["registry", "redis"]:
                self.assertWaitsForHealth(name, dep)
        # The consumers create the topics before they are healthy; the producer and the gateway
        # send to them (the gateway never creates the topic: an order would wait for its ack
        # timeout and get 503).
        for name in ["producer", "gateway"]:
            for dep in ["consumer-auto", "consumer-batch"]:
                self.assertWaitsForHealth(name, dep)
        self.assertWaitsForHealth("redisinsight", "redis")

    def test_data_lives_in_named_volumes(self):
        volumes = set(self.compose["volumes"])
        for name in KAFKA_NODES + ["redis"]:
            mounts = self.services[name]["volumes"]
            self.assertEqual(len(mounts), 1, name)
            self.assertIn(mounts[0].split(":")[0], volumes, name)

    def test_ui_tools_are_preconfigured(self):
        ui = self.services["kafka-ui"]
        self.assertRegex(ui["image"], r"^ghcr\.io/kafbat/kafka-ui:")
        self.assertEqual(ui["environment"]["KAFKA_CLUSTERS_0_NAME"], "kraft")
        self.assertEqual(files.published(ui), [(8080, 8080)])
        self.assertNotEqual(str(ui["environment"].get("DYNAMIC_CONFIG_ENABLED", "false")).lower(), "true")
        ri = self.services["redisinsight"]
        image, tag = ri["image"].split(":")
        self.assertEqual(image, "redis/redisinsight")
        self.assertGreaterEqual(tuple(int(p) for p in tag.split(".")[:2]), (2, 70))
        self.assertEqual(files.published(ri), [(5540, 5540)])
        env = ri["environment"]
        self.assertEqual(env["RI_REDIS_HOST"], "redis")
        self.assertEqual(env["RI_REDIS_PORT"], "6379")
        self.assertTrue(env["RI_REDIS_ALIAS"])
        self.assertEqual(env["RI_ACCEPT_TERMS_AND_CONDITIONS"], "true")

    def test_dockerfile_is_multi_stage_debian_12_and_non_root(self):
        dockerfile = files.read("Dockerfile")
        stages = re.findall(r"^FROM (\S+)", dockerfile, re.M)
        self.assertGreaterEqual(len(stages), 2)
        self.assertTrue(all(s.startswith("debian:12") for s in stages), stages)
        final = dockerfile.split("\nFROM ")[-1]
        self.assertRegex(final, r"\nUSER (?!root)\S+")
        self.assertNotIn("-dev", final, "the runtime stage installs no -dev packages")
        self.assertIn("COPY --from=build", final)


class ComposeIsNotOpenToTheNetwork(unittest.TestCase):
    """Published ports on BIND_ADDRESS (loopback by default), secrets only from .env, Redis and
    kafka-ui behind a password, and every image pinned to one exact version."""

    SECRETS = ["REDIS_PASSWORD", "KAFKA_UI_USER", "KAFKA_UI_PASSWORD"]

    @classmethod
    def setUpClass(cls):
        cls.text = files.read("docker-compose.yml")
        cls.services = files.compose()["services"]

    def test_every_published_port_binds_bind_address_defaulting_to_loopback(self):
        count = 0
        for name, service in self.services.items():
            for port in service.get("ports", []):
                self.assertRegex(port, r"^\$\{BIND_ADDRESS:-127\.0\.0\.1\}:\d+:\d+$", name)
                count += 1
        self.assertGreaterEqual(count, 10)

    def test_secrets_are_required_from_env_and_never_given_a_value(self):
        for secret in self.SECRETS:
            uses = re.findall(r"\$\{" + secret + r"([^}]*)\}", self.text)
            self.assertTrue(uses, f"{secret} is not used")
            for rest in uses:
                self.assertTrue(rest.startswith(":?"), f"${{{secret}{rest}}}: must be ${{{secret}:?...}}")
        for name, service in self.services.items():
            env = service.get("environment", {})
            for key, value in env.items():
                if re.search(r"PASSWORD|SECRET|TOKEN|_USER_NAME", key):
                    self.assertRegex(str(value), r"^\$\{[A-Z_]+:\?[^}]*\}$", f"{name}: {key} has a value")
            for value in list(env.values()) + service.get("command", []):
                self.assertNotRegex(str(value), r"redis://[^@\s]*:(?!\$\{)[^@\s]+@", f"{name}: a literal Redis password")

    def test_redis_has_a_password_protected_mode_and_every_client_uses_it(self):
        redis = self.services["redis"]
        command = redis["command"]
        self.assertEqual(command[command.index("--requirepass") + 1], files.REDIS_PASSWORD)
        self.assertEqual(command[command.index("--protected-mode") + 1], "yes")
        self.assertIn("REDISCLI_AUTH", redis["healthcheck"]["test"][1])
        users = [n for n, s in self.services.items() if "REDIS_URL" in s.get("environment", {})]
        self.assertEqual(sorted(users), ["consumer-auto", "consumer-batch", "gateway"])
        for name in users:
            self.assertIn(":" + files.REDIS_PASSWORD + "@redis:", self.services[name]["environment"]["REDIS_URL"])
        self.assertEqual(self.services["redisinsight"]["environment"]["RI_REDIS_PASSWORD"], files.REDIS_PASSWORD)

    def test_kafka_ui_has_a_login_and_is_read_only(self):
        env = self.services["kafka-ui"]["environment"]
        self.assertEqual(env["AUTH_TYPE"], "LOGIN_FORM")
        self.assertTrue(env["SPRING_SECURITY_USER_NAME"].startswith("${KAFKA_UI_USER:?"))
        self.assertTrue(env["SPRING_SECURITY_USER_PASSWORD"].startswith("${KAFKA_UI_PASSWORD:?"))
        self.assertEqual(env["KAFKA_CLUSTERS_0_READONLY"], "true")

    def test_images_are_pinned_to_exact_versions(self):
        for name, service in self.services.items():
            image = service["image"]
            if image == "orderflow:local":  # built here from the Dockerfile
                continue
            self.assertRegex(image, r":v?\d+\.\d+\.\d+$", f"{name}: {image} floats")
        for stage in re.findall(r"^FROM (\S+)", files.read("Dockerfile"), re.M):
            self.assertRegex(stage, r"^debian:12(-slim)?$|^debian:\d+\.\d+", stage)

    def test_env_example_names_each_secret_and_says_to_change_it(self):
        example = files.read(".env.example")
        for secret in self.SECRETS + ["BIND_ADDRESS"]:
            self.assertRegex(example, r"(?m)^(# )?" + secret + "=", secret)
        self.assertRegex(example, r"(?i)change")


if __name__ == "__main__":
    unittest.main(verbosity=2)
