"""Orders between confluent-kafka's Avro serdes and orderflow's producer and consumers."""
import datetime
import os
import pathlib
import socket
import subprocess
import tempfile
import time
import uuid

import pytest
import requests
from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient, NewTopic
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext, StringSerializer

ROOT = pathlib.Path(__file__).resolve().parents[3]
ORDER_SCHEMA = (ROOT / "libs/serde/order.avsc").read_text()
BINARY = os.environ.get("ORDERFLOW_BINARY", str(ROOT / "build/default/apps/orderflow/orderflow"))


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:12]}"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Pipeline:
    """One test's topics and groups, and `orderflow` runs against them."""

    def __init__(self, registry_url):
        self.topic = unique("orders")
        self.env = dict(os.environ)
        self.env.update({
            "SCHEMA_REGISTRY_URL": registry_url,
            "ORDERS_TOPIC": self.topic,
            "DLQ_TOPIC": self.topic + ".dlq",
            "AUDIT_GROUPS": f"{self.topic}-auto,{self.topic}-batch",
            "FAILED_ORDERS_FILE": os.path.join(tempfile.gettempdir(), self.topic + "-failed.jsonl"),
            "ORDERFLOW_ENV_FILE": "/nonexistent",
        })
        self.processes = []

    def run(self, *args, timeout=120):
        return subprocess.run([BINARY, *args], env=self.env, capture_output=True, text=True,
                              timeout=timeout)

    def start_consumer(self, auto_commit):
        env = dict(self.env)
        env["AUTO_COMMIT"] = "true" if auto_commit else "false"
        env["CONSUMER_GROUP"] = f"{self.topic}-{'auto' if auto_commit else 'batch'}"
        log = tempfile.NamedTemporaryFile(prefix=env["CONSUMER_GROUP"], suffix=".log", delete=False)
        process = subprocess.Popen([BINARY, "consume"], env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
        self.processes.append((process, log.name))
        return process

    def audit_until_clean(self, timeout=120):
        deadline = time.time() + timeout
        result = None
        while time.time() < deadline:
            result = self.run("audit", "--timeout", "20s")
            if result.returncode == 0:
                return result
            time.sleep(1)
        logs = "".join(open(name).read() for _, name in self.processes)
        pytest.fail(f"audit never clean:\n{result.stdout}{result.stderr}\n{logs}")

    def stop(self):
        for process, _ in self.processes:
            process.terminate()
        for process, _ in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture(scope="module")
def bootstrap_servers():
    servers = os.environ.get("KAFKA_BOOTSTRAP_SERVERS")
    if not servers:
        pytest.fail("KAFKA_BOOTSTRAP_SERVERS is not set: run through ctest (fixture `stack`)")
    return servers


@pytest.fixture(scope="module")
def registry_url(bootstrap_servers):
    port = free_port()
    env = dict(os.environ)
    env.update({"REGISTRY_LISTEN": f"127.0.0.1:{port}", "REGISTRY_TOPIC": unique("_schemas"),
                "REGISTRY_GROUP": unique("registry"), "ORDERFLOW_ENV_FILE": "/nonexistent"})
    url = f"http://127.0.0.1:{port}"
    log = tempfile.NamedTemporaryFile(prefix="pipeline-interop-registry-", suffix=".log",
                                      delete=False)
    process = subprocess.Popen([BINARY, "registry"], env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.time() + 60
    while time.time() < deadline and process.poll() is None:
        try:
            if requests.get(f"{url}/ready", timeout=2).status_code == 200:
                break
        except requests.RequestException:
            pass
        time.sleep(0.2)
    if process.poll() is not None:
        pytest.fail("orderflow registry did not start: " + open(log.name).read())
    yield url
    process.terminate()
    try:
        code = process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail("orderflow registry did not exit within 5 s of SIGTERM: " +
                    open(log.name).read())
    assert code == 0, "orderflow registry exited with %d: %s" % (code, open(log.name).read())


def make_order(index):
    items = [{"sku": "SKU-1001", "name": "Espresso beans 1 kg", "quantity": 1 + index % 3,
              "unit_price_cents": 1899},
             {"sku": "SKU-2001", "name": "Ceramic mug", "quantity": 2, "unit_price_cents": 1250}]
    return {
        "order_id": str(uuid.uuid4()),
        "customer_id": f"py-cust-{index % 4}",
        "items": items,
        "total_cents": sum(i["quantity"] * i["unit_price_cents"] for i in items),
        "currency": "EUR",
        "created_at": datetime.datetime.now(tz=datetime.timezone.utc),
        "status": "PLACED",
        "payment_method": "paypal",
        "shipping_country": "NL",
    }


def test_orders_cross_between_confluent_kafka_and_orderflow(bootstrap_servers, registry_url):
    pipeline = Pipeline(registry_url)
    admin = AdminClient({"bootstrap.servers": bootstrap_servers})
    futures = admin.create_topics([
        NewTopic(pipeline.topic, 5, 3, config={"min.insync.replicas": "2"}),
        NewTopic(pipeline.topic + ".dlq", 1, 3, config={"min.insync.replicas": "2"})])
    for future in futures.values():
        future.result(timeout=30)
    try:
        pipeline.start_consumer(True)
        pipeline.start_consumer(False)

        # confluent-kafka's AvroSerializer -> our consumers.
        registry = SchemaRegistryClient({"url": registry_url})
        serializer = AvroSerializer(registry, ORDER_SCHEMA)
        producer = Producer({"bootstrap.servers": bootstrap_servers, "enable.idempotence": True})
        python_orders = [make_order(i) for i in range(20)]
        for order in python_orders:
            producer.produce(
                pipeline.topic, key=StringSerializer()(order["customer_id"]),
                value=serializer(order, SerializationContext(pipeline.topic, MessageField.VALUE)))
        assert producer.flush(30) == 0

        # Our producer -> confluent-kafka's AvroDeserializer (below).
        produced = pipeline.run("produce", "--count", "10", "--interval", "10ms", "--seed", "5")
        assert produced.returncode == 0, produced.stdout + produced.stderr

        audit = pipeline.audit_until_clean()
        assert "30 distinct order(s), 0 invalid" in audit.stdout, audit.stdout

        deserializer = AvroDeserializer(registry)
        consumer = Consumer({"bootstrap.servers": bootstrap_servers, "group.id": unique("py"),
                             "auto.offset.reset": "earliest"})
        consumer.subscribe([pipeline.topic])
        decoded = []
        deadline = time.time() + 60
        while len(decoded) < 30 and time.time() < deadline:
            message = consumer.poll(1.0)
            if message is None or message.error():
                continue
            decoded.append(deserializer(message.value(),
                                        SerializationContext(pipeline.topic, MessageField.VALUE)))
        consumer.close()
        assert len(decoded) == 30
        python_ids = {order["order_id"] for order in python_orders}
        ours = [order for order in decoded if order["order_id"] not in python_ids]
        assert len(ours) == 10
        for order in ours:
            uuid.UUID(order["order_id"])
            assert order["customer_id"].startswith("cust-")
            assert order["total_cents"] == sum(i["quantity"] * i["unit_price_cents"]
                                               for i in order["items"])
            assert order["currency"] == "EUR"
            assert isinstance(order["created_at"], datetime.datetime)  # timestamp-millis
            assert order["status"] == "PLACED"
    finally:
        pipeline.stop()
