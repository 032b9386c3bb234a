"""confluent-kafka's SchemaRegistryClient and Avro serdes against orderflow registry."""
import json

import pytest
import requests
from confluent_kafka import Consumer, Producer
from confluent_kafka.admin import AdminClient, NewTopic
from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext

from conftest import unique

ORDER_V1 = json.dumps({
    "type": "record", "name": "Order", "namespace": "com.acme",
    "fields": [{"name": "id", "type": "string"}, {"name": "amount", "type": "double"}],
})
ORDER_V2 = json.dumps({
    "type": "record", "name": "Order", "namespace": "com.acme",
    "fields": [{"name": "id", "type": "string"}, {"name": "amount", "type": "double"},
               {"name": "note", "type": "string", "default": ""}],
})
ORDER_BAD = json.dumps({
    "type": "record", "name": "Order", "namespace": "com.acme",
    "fields": [{"name": "id", "type": "string"}, {"name": "qty", "type": "int"}],
})


@pytest.fixture()
def client(registry_url):
    return SchemaRegistryClient({"url": registry_url})


def test_register_get_and_lookup(client):
    subject = unique("orders") + "-value"
    schema_id = client.register_schema(subject, Schema(ORDER_V1, "AVRO"))
    assert schema_id >= 1
    assert client.register_schema(subject, Schema(ORDER_V1, "AVRO")) == schema_id
    fetched = client.get_schema(schema_id)
    assert fetched.schema_type == "AVRO"
    assert json.loads(fetched.schema_str)["name"] == "Order"
    registered = client.lookup_schema(subject, Schema(ORDER_V1, "AVRO"))
    assert registered.schema_id == schema_id
    assert registered.version == 1
    latest = client.get_latest_version(subject)
    assert latest.schema_id == schema_id and latest.version == 1
    assert client.get_version(subject, 1).schema_id == schema_id
    assert subject in client.get_subjects()
    assert client.get_versions(subject) == [1]


def test_evolution_compatibility_and_config(client):
    subject = unique("evolve") + "-value"
    client.register_schema(subject, Schema(ORDER_V1, "AVRO"))
    assert client.test_compatibility(subject, Schema(ORDER_V2, "AVRO")) is True
    assert client.test_compatibility(subject, Schema(ORDER_BAD, "AVRO")) is False
    v2 = client.register_schema(subject, Schema(ORDER_V2, "AVRO"))
    assert client.get_latest_version(subject).schema_id == v2
    with pytest.raises(SchemaRegistryError) as incompatible:
        client.register_schema(subject, Schema(ORDER_BAD, "AVRO"))
    assert incompatible.value.http_status_code == 409
    assert incompatible.value.error_code in (409, 40901)
    assert client.set_compatibility(subject_name=subject, level="NONE")["compatibility"] == "NONE"
    assert client.get_compatibility(subject_name=subject) == "NONE"
    client.register_schema(subject, Schema(ORDER_BAD, "AVRO"))
    assert client.get_versions(subject) == [1, 2, 3]


def test_deletes_and_errors(client):
    subject = unique("del") + "-value"
    client.register_schema(subject, Schema(ORDER_V1, "AVRO"))
    with pytest.raises(SchemaRegistryError) as missing:
        client.get_version(subject, 7)
    assert missing.value.http_status_code == 404 and missing.value.error_code == 40402
    with pytest.raises(SchemaRegistryError) as unknown:
        client.get_latest_version(unique("nobody"))
    assert unknown.value.error_code == 40401
    with pytest.raises(SchemaRegistryError) as bad:
        client.register_schema(subject, Schema('{"type":"nope"}', "AVRO"))
    assert bad.value.http_status_code == 422 and bad.value.error_code == 42201
    with pytest.raises(SchemaRegistryError) as no_id:
        client.get_schema(987654)
    assert no_id.value.error_code == 40403
    assert client.delete_subject(subject) == [1]
    with pytest.raises(SchemaRegistryError) as gone:
        client.get_versions(subject)
    assert gone.value.error_code == 40401
    assert client.delete_subject(subject, permanent=True) == [1]
    assert subject not in client.get_subjects()


def test_delete_version(client):
    subject = unique("ver") + "-value"
    client.register_schema(subject, Schema(ORDER_V1, "AVRO"))
    client.register_schema(subject, Schema(ORDER_V2, "AVRO"))
    assert client.delete_version(subject, 1) == 1
    assert client.get_versions(subject) == [2]
    with pytest.raises(SchemaRegistryError) as soft:
        client.delete_version(subject, 1)
    assert soft.value.error_code == 40406
    assert client.delete_version(subject, 1, permanent=True) == 1


def test_avro_serializer_round_trip(client, registry_url):
    topic = unique("orders")
    serializer = AvroSerializer(client, ORDER_V2)
    deserializer = AvroDeserializer(client)
    ctx = SerializationContext(topic, MessageField.VALUE)
    order = {"id": "o-1", "amount": 12.5, "note": "first"}
    payload = serializer(order, ctx)
    assert payload[0] == 0  # Confluent wire format, magic byte 0
    schema_id = int.from_bytes(payload[1:5], "big")
    assert client.get_latest_version(f"{topic}-value").schema_id == schema_id
    assert deserializer(payload, ctx) == order
    # A fresh client (no cache) resolves the id through GET /schemas/ids/{id}.
    fresh = AvroDeserializer(SchemaRegistryClient({"url": registry_url}))
    assert fresh(payload, ctx) == order


def test_avro_round_trip_through_kafka(client, registry_url, bootstrap_servers):
    topic = unique("interop")
    admin = AdminClient({"bootstrap.servers": bootstrap_servers})
    admin.create_topics([NewTopic(topic, num_partitions=1, replication_factor=3)])[topic].result(30)
    serializer = AvroSerializer(client, ORDER_V1)
    producer = Producer({"bootstrap.servers": bootstrap_servers})
    orders = [{"id": f"o-{i}", "amount": float(i)} for i in range(5)]
    for order in orders:
        producer.produce(topic, value=serializer(order, SerializationContext(topic, MessageField.VALUE)))
    assert producer.flush(30) == 0
    consumer = Consumer({"bootstrap.servers": bootstrap_servers, "group.id": unique("g"),
                         "auto.offset.reset": "earliest"})
    consumer.subscribe([topic])
    deserializer = AvroDeserializer(SchemaRegistryClient({"url": registry_url}))
    received = []
    for _ in range(300):
        msg = consumer.poll(0.2)
        if msg is None or msg.error():
            continue
        received.append(deserializer(msg.value(), SerializationContext(topic, MessageField.VALUE)))
        if len(received) == len(orders):
            break
    consumer.close()
    assert received == orders


def test_raw_http_shapes(registry_url):
    assert requests.get(f"{registry_url}/config").json() == {"compatibilityLevel": "BACKWARD"}
    assert sorted(requests.get(f"{registry_url}/schemas/types").json()) == ["AVRO", "JSON", "PROTOBUF"]
    not_found = requests.get(f"{registry_url}/no/such/route")
    assert not_found.status_code == 404
    assert not_found.json() == {"error_code": 404, "message": "HTTP 404 Not Found"}
    assert requests.get(f"{registry_url}/associations/resources/default/t").json() == []
    assert requests.get(f"{registry_url}/mode").json() == {"mode": "READWRITE"}


def test_basic_auth_user_info(auth_registry_url):
    subject = unique("orders") + "-value"
    writer = SchemaRegistryClient({"url": auth_registry_url,
                                   "basic.auth.user.info": "alice:alice-secret"})
    schema_id = writer.register_schema(subject, Schema(ORDER_V1, "AVRO"))
    reader = SchemaRegistryClient({"url": auth_registry_url,
                                   "basic.auth.user.info": "bob:bob-secret"})
    assert json.loads(reader.get_schema(schema_id).schema_str)["name"] == "Order"
    assert reader.lookup_schema(subject, Schema(ORDER_V1, "AVRO")).schema_id == schema_id
    with pytest.raises(SchemaRegistryError) as refused:
        reader.register_schema(subject, Schema(ORDER_V2, "AVRO"))
    assert (refused.value.http_status_code, refused.value.error_code) == (403, 40301)
    with pytest.raises(SchemaRegistryError) as anonymous:
        SchemaRegistryClient({"url": auth_registry_url}).get_subjects()
    assert (anonymous.value.http_status_code, anonymous.value.error_code) == (401, 40101)
