"""docker-compose.yml must run what `make up` runs: the same Kafka cluster settings, topics,
consumer groups, host ports, setting names and registry URL. Each check reads both sides from
their files (scripts/kafka-cluster.sh, scripts/stack.sh, scripts/redis.sh, scripts/services.conf,
.env.example, `orderflow <command> --help`), so a change to one side alone fails here."""
import re
import unittest
from urllib.parse import urlparse

import compose_files as files

# What differs by design between the native nodes (one host, 127.0.0.1) and the containers
# (one host name each, two client listeners): topology and paths, checked separately below.
TOPOLOGY = {"node.id", "controller.quorum.voters", "listeners", "advertised.listeners",
            "listener.security.protocol.map", "inter.broker.listener.name", "log.dirs"}
# Variables the apache/kafka image reads itself rather than turning into properties.
IMAGE_VARIABLES = {"CLUSTER_ID", "KAFKA_HEAP_OPTS"}
KAFKA_NODES = ["kafka-1", "kafka-2", "kafka-3"]



# Native services the Compose file does not run yet, and why.
NATIVE_ONLY = {
    "console": "kafka-ui holds :8080 in Compose; the web console joins the Compose file later",
}

class ComposeMatchesNativeStack(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.compose = files.compose()
        cls.services = cls.compose["services"]
        cls.native = files.kafka_properties()
        cls.env_example = files.env_example()
        cls.conf = [entry for entry in files.services_conf() if entry[0] not in NATIVE_ONLY]

    def node_properties(self, node):
        env = self.services[node]["environment"]
        return {files.kafka_env_to_property(k): str(v) for k, v in env.items()
                if k.startswith("KAFKA_") and k not in IMAGE_VARIABLES}

    def test_kafka_cluster_settings_are_the_native_ones(self):
        native = {k: v for k, v in self.native.items() if k not in TOPOLOGY}
        for must in ["num.partitions", "default.replication.factor", "min.insync.replicas",
                     "unclean.leader.election.enable", "auto.create.topics.enable",
                     "offsets.topic.replication.factor", "transaction.state.log.replication.factor",
                     "transaction.state.log.min.isr"]:
            self.assertIn(must, native, "scripts/kafka-cluster.sh no longer sets " + must)
        for node in KAFKA_NODES:
            props = self.node_properties(node)
            ours = {k: v for k, v in props.items() if k not in TOPOLOGY}
            self.assertEqual(ours, native, f"{node}: cluster settings differ from scripts/kafka-cluster.sh")

    def test_kafka_heap_is_the_native_one(self):
        heap = files.script_default("kafka-cluster.sh", "KAFKA_HEAP")
        for node in KAFKA_NODES:
            self.assertEqual(self.services[node]["environment"]["KAFKA_HEAP_OPTS"], f"-Xms{heap} -Xmx{heap}")

    def test_kafka_image_is_the_native_version(self):
        version = re.search(r"<kafka.version>(.*)</kafka.version>", files.read("scripts", "kafka", "pom.xml")).group(1)
        for node in KAFKA_NODES:
            self.assertEqual(self.services[node]["image"], f"apache/kafka:{version}")

    def test_kraft_topology(self):
        ids = set()
        for n, node in enumerate(KAFKA_NODES, start=1):
            env = self.services[node]["environment"]
            props = self.node_properties(node)
            self.assertEqual(props["node.id"], str(n))
            self.assertEqual(props["process.roles"], "broker,controller")
            voters = props["controller.quorum.voters"].split(",")
            self.assertEqual([v.split("@")[0] for v in voters], ["1", "2", "3"])
            self.assertEqual([v.split("@")[1].split(":")[0] for v in voters], KAFKA_NODES)
            ids.add(env["CLUSTER_ID"])
            self.assertRegex(env["CLUSTER_ID"], r"^[A-Za-z0-9_-]{22}$")
        self.assertEqual(len(ids), 1, "the three nodes must share one CLUSTER_ID")

    def test_host_ports_and_advertised_addresses(self):
        native_ports = [int(p) for p in files.script_default("stack.sh", "KAFKA_BROKER_PORTS").split(",")]
        for node, host_port in zip(KAFKA_NODES, native_ports):
            props = self.node_properties(node)
            listeners = dict(l.split("://") for l in props["listeners"].split(","))
            advertised = dict(l.split("://") for l in props["advertised.listeners"].split(","))
            external_port = int(listeners["EXTERNAL"].rsplit(":", 1)[1])
            self.assertEqual(files.published(self.services[node]), [(host_port, external_port)], node)
            self.assertEqual(advertised["EXTERNAL"], f"localhost:{host_port}", node)
            self.assertEqual(advertised["INTERNAL"], f"{node}:{listeners['INTERNAL'].rsplit(':', 1)[1]}", node)
        redis_port = int(files.script_default("stack.sh", "REDIS_PORT"))
        self.assertEqual(files.published(self.services["redis"]), [(redis_port, 6379)])

    def test_redis_persistence_is_the_native_one(self):
        native = files.read("scripts", "redis.sh")
        command = self.services["redis"]["command"]
        for flag in ["--appendonly", "--appendfsync", "--save"]:
            value = re.search(flag + r' ("[^"]*"|\S+)', native).group(1).strip('"')
            self.assertEqual(command[command.index(flag) + 1], value, flag)
        self.assertRegex(self.services["redis"]["image"], r"^redis:7(\.|$)")

    def test_every_native_service_runs_with_the_same_settings(self):
        for name, health, args in self.conf:
            self.assertIn(name, self.services, f"{name} of scripts/services.conf is missing in docker-compose.yml")
            service = self.services[name]
            command, flags = args[0], args[1:]
            self.assertEqual(service["command"], [command], name)
            env = {k: str(v) for k, v in service["environment"].items()}
            names = files.flag_env_names(command)
            for flag, value in zip(flags[::2], flags[1::2]):
                self.assertIn(flag, names, f"{name}: {flag} has no environment name")
                setting = names[flag]
                if setting.endswith("_LISTEN"):
                    # Same port; containers listen on every interface (else the published port
                    # reaches nothing).
                    self.assertEqual(env[setting].rsplit(":", 1), ["0.0.0.0", value.rsplit(":", 1)[1]], name)
                elif setting == "FAILED_ORDERS_FILE":
                    self.assertIn(setting, env, name)  # a path in the container's volume
                else:
                    self.assertEqual(env.get(setting), value, f"{name}: {setting}")
            port = urlparse(health).port
            self.assertIn((port, port), files.published(service), f"{name}: {health} is not published")
            self.assertIn(f'"{port}"', str(service["healthcheck"]["test"]).replace("'", '"'), name)
            self.assertIn(urlparse(health).path, service["healthcheck"]["test"], name)

    def test_setting_names_exist_natively(self):
        for name, _, args in self.conf:
            known = set(files.flag_env_names(args[0]).values())
            for setting in self.services[name]["environment"]:
                self.assertIn(setting, known, f"{name}: `orderflow {args[0]}` has no setting {setting}")
                self.assertIn(setting, self.env_example, f"{name}: {setting} is not in .env.example")

    def test_topics_and_groups(self):
        groups = self.env_example["AUDIT_GROUPS"].split(",")
        settings = files.read("services", "consumer", "consumer_settings.cpp")
        auto, batch = re.search(r'CommitMode::kAuto \? "([^"]+)" : "([^"]+)"', settings).groups()
        self.assertEqual(sorted(groups), sorted([auto, batch]))
        seen = {}
        for name, _, args in self.conf:
            env = self.services[name]["environment"]
            if args[0] not in ("consume", "produce", "gateway"):
                continue
            self.assertEqual(env["ORDERS_TOPIC"], self.env_example["ORDERS_TOPIC"], name)
            self.assertEqual(env["DLQ_TOPIC"], self.env_example["DLQ_TOPIC"], name)
            if args[0] == "consume":
                group = env["CONSUMER_GROUP"]
                self.assertEqual(group, auto if env["AUTO_COMMIT"] == "true" else batch, name)
                seen[group] = name
        self.assertEqual(sorted(seen), sorted(groups), "both consumer groups run")
        # The gateway reads what those groups store, the native default first.
        self.assertEqual(self.services["gateway"]["environment"]["GATEWAY_GROUPS"], self.env_example["GATEWAY_GROUPS"])
        self.assertEqual(sorted(self.env_example["GATEWAY_GROUPS"].split(",")), sorted(seen))

    def test_registry_url_is_the_registrys_address(self):
        listen_port = None
        for name, _, args in self.conf:
            if args[0] == "registry":
                listen_port = int(args[args.index("--listen") + 1].rsplit(":", 1)[1])
        self.assertEqual(urlparse(self.env_example["SCHEMA_REGISTRY_URL"]).port, listen_port)
        expected = f"http://registry:{listen_port}"
        self.assertEqual(self.services["registry"]["environment"]["REGISTRY_ADVERTISED_URL"], expected)
        self.assertEqual(files.published(self.services["registry"]), [(listen_port, listen_port)])
        for name, _, args in self.conf:
            if args[0] in ("consume", "produce", "gateway"):
                self.assertEqual(self.services[name]["environment"]["SCHEMA_REGISTRY_URL"], expected, name)
        self.assertEqual(self.services["kafka-ui"]["environment"]["KAFKA_CLUSTERS_0_SCHEMAREGISTRY"], expected)

    def test_clients_use_the_internal_listeners_and_redis(self):
        internal = ",".join(f"{n}:{self.node_properties(n)['listeners'].split('INTERNAL://:')[1].split(',')[0]}"
                            for n in KAFKA_NODES)
        for name, _, args in self.conf:
            self.assertEqual(self.services[name]["environment"]["KAFKA_BOOTSTRAP_SERVERS"], internal, name)
            if args[0] in ("consume", "gateway"):
                self.assertEqual(self.services[name]["environment"]["REDIS_URL"],
                                 "redis://:" + files.REDIS_PASSWORD + "@redis:6379/0", name)
        self.assertEqual(self.services["kafka-ui"]["environment"]["KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS"], internal)

    def gateway_port(self):
        """The port `make up` runs the gateway on (scripts/services.conf)."""
        for _, _, args in self.conf:
            if args[0] == "gateway":
                return int(args[args.index("--listen") + 1].rsplit(":", 1)[1])
        self.fail("scripts/services.conf runs no gateway")

    def test_console_finds_the_gateway(self):
        port = self.gateway_port()
        # A console on the host (the native default) reaches the Compose gateway where it
        # reaches the native one: the same port, published on the host.
        self.assertEqual(self.env_example["CONSOLE_GATEWAY_URL"], f"http://127.0.0.1:{port}")
        self.assertEqual(files.published(self.services["gateway"]), [(port, port)])
        # A console inside the Compose network must name the gateway service, not 127.0.0.1
        # (its own container): checked once the console joins the file (NATIVE_ONLY).
        if "console" in self.services:
            self.assertEqual(self.services["console"]["environment"].get("CONSOLE_GATEWAY_URL"),
                             f"http://gateway:{port}")

    def test_gateway_stop_grace_covers_its_shutdown(self):
        # Answers in flight get the HTTP shutdown timeout, then Kafka's acknowledgements up to the
        # ack timeout, then one more second to purge: Compose must not kill it before.
        gateway = self.services["gateway"]
        settings = {**files.env_defaults("gateway"), **gateway["environment"]}
        needed = (files.seconds(settings["GATEWAY_HTTP_SHUTDOWN_TIMEOUT"])
                  + files.seconds(settings["GATEWAY_ACK_TIMEOUT"]) + 1)
        grace = files.seconds(gateway.get("stop_grace_period", "10s"))  # Compose's default
        self.assertGreater(grace, needed, "gateway: stop_grace_period")


if __name__ == "__main__":
    unittest.main(verbosity=2)
