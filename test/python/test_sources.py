"""Source option builders: exact dicts, both sources, shaded and unshaded; secrets never in repr."""

from __future__ import annotations

import json

import pytest

from medallion import sources
from medallion.kafka_auth import ConnectionString, OAuthClient, ServiceCredential

# Obviously fake, built at runtime: no secret-looking literal in the repo.
FAKE_KEY = "<" + "redacted" + ">"
CONNECTION = f"Endpoint=sb://ns-demo.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey={FAKE_KEY}"
HUB_CONNECTION = CONNECTION + ";EntityPath=evh-iot"
CLIENT_SECRET = "client" + "-secret-for-tests"
EARLIEST = {"offset": "-1", "seqNo": -1, "enqueuedTime": None, "isInclusive": True}
LATEST = {"offset": "@latest", "seqNo": -1, "enqueuedTime": None, "isInclusive": True}


def fake_encrypt(text: str) -> str:
    return f"encrypted({len(text)})"


@pytest.mark.parametrize(("position", "expected"), [("earliest", EARLIEST), ("latest", LATEST)])
def test_eventhubs_options(position, expected):
    options = sources.eventhubs_options(HUB_CONNECTION, "cg-bronze", position, 4000, encrypt=fake_encrypt)
    assert dict(options) == {
        "eventhubs.connectionString": f"encrypted({len(HUB_CONNECTION)})",
        "eventhubs.consumerGroup": "cg-bronze",
        "eventhubs.startingPosition": json.dumps(expected),
        "maxEventsPerTrigger": "4000",
        "eventhubs.receiverTimeout": "PT60S",
        "eventhubs.operationTimeout": "PT60S",
    }


def test_eventhubs_connection_string_goes_through_encrypt():
    seen = []
    sources.eventhubs_options(HUB_CONNECTION, "$Default", "earliest", 1, encrypt=lambda s: seen.append(s) or "x")
    assert seen == [HUB_CONNECTION]


def jaas(module: str) -> str:
    return f'{module} required username="$ConnectionString" password="{CONNECTION}";'


@pytest.mark.parametrize(
    ("shaded", "module"),
    [
        (True, "kafkashaded.org.apache.kafka.common.security.plain.PlainLoginModule"),
        (False, "org.apache.kafka.common.security.plain.PlainLoginModule"),
    ],
)
def test_kafka_options_against_event_hubs(shaded, module):
    options = sources.kafka_options("ns-demo", "evh-iot", ConnectionString(CONNECTION), "earliest", 8000, shaded=shaded)
    assert dict(options) == {
        "kafka.bootstrap.servers": "ns-demo.servicebus.windows.net:9093",
        "subscribe": "evh-iot",
        "kafka.security.protocol": "SASL_SSL",
        "kafka.sasl.mechanism": "PLAIN",
        "kafka.sasl.jaas.config": jaas(module),
        "startingOffsets": "earliest",
        "maxOffsetsPerTrigger": "8000",
        "failOnDataLoss": "true",
        "kafka.request.timeout.ms": "60000",
        "kafka.session.timeout.ms": "30000",
        "kafka.metadata.max.age.ms": "180000",
        "kafka.connections.max.idle.ms": "180000",
    }


EVENTHUBS_KAFKA = {
    "kafka.bootstrap.servers": "ns-demo.servicebus.windows.net:9093",
    "subscribe": "evh-iot",
    "startingOffsets": "latest",
    "maxOffsetsPerTrigger": "500",
    "failOnDataLoss": "true",
    "kafka.request.timeout.ms": "60000",
    "kafka.session.timeout.ms": "30000",
    "kafka.metadata.max.age.ms": "180000",
    "kafka.connections.max.idle.ms": "180000",
}


def test_kafka_options_with_a_unity_catalog_service_credential():
    options = sources.kafka_options(
        "ns-demo", "evh-iot", ServiceCredential("stream_prod_eventhubs"), "latest", 500, shaded=True
    )
    assert dict(options) == EVENTHUBS_KAFKA | {"databricks.serviceCredential": "stream_prod_eventhubs"}


@pytest.mark.parametrize(("shaded", "prefix"), [(True, "kafkashaded."), (False, "")])
def test_kafka_options_with_an_entra_application(shaded, prefix):
    client = OAuthClient("11111111-2222-3333-4444-555555555555", "app-id", CLIENT_SECRET)
    options = sources.kafka_options("ns-demo", "evh-iot", client, "latest", 500, shaded=shaded)
    assert dict(options) == EVENTHUBS_KAFKA | {
        "kafka.security.protocol": "SASL_SSL",
        "kafka.sasl.mechanism": "OAUTHBEARER",
        "kafka.sasl.jaas.config": (
            f"{prefix}org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required "
            f'clientId="app-id" clientSecret="{CLIENT_SECRET}" scope="https://ns-demo.servicebus.windows.net/.default";'
        ),
        "kafka.sasl.oauthbearer.token.endpoint.url": (
            "https://login.microsoftonline.com/11111111-2222-3333-4444-555555555555/oauth2/v2.0/token"
        ),
        "kafka.sasl.login.callback.handler.class": (
            f"{prefix}org.apache.kafka.common.security.oauthbearer.secured.OAuthBearerLoginCallbackHandler"
        ),
    }
    for text in (repr(options), repr(client)):
        assert CLIENT_SECRET not in text


def test_kafka_options_need_an_auth_for_event_hubs():
    with pytest.raises(ValueError, match="needs an auth: ConnectionString, ServiceCredential or OAuthClient"):
        sources.kafka_options("ns-demo", "evh-iot", None, "latest", 1, shaded=True)


def test_kafka_options_for_a_local_broker():
    options = sources.kafka_options("", "evh-iot", None, "latest", 10, shaded=False, bootstrap_servers="127.0.0.1:9092")
    assert dict(options) == {
        "kafka.bootstrap.servers": "127.0.0.1:9092",
        "kafka.security.protocol": "PLAINTEXT",
        "subscribe": "evh-iot",
        "startingOffsets": "latest",
        "maxOffsetsPerTrigger": "10",
        "failOnDataLoss": "true",
    }


@pytest.mark.parametrize("shaded", [True, False])
def test_options_repr_never_shows_the_connection_string(shaded):
    kafka = sources.kafka_options("ns-demo", "evh-iot", ConnectionString(CONNECTION), "earliest", 1, shaded=shaded)
    eventhubs = sources.eventhubs_options(HUB_CONNECTION, "cg", "earliest", 1, encrypt=lambda s: s)
    for options in (kafka, eventhubs):
        for text in (repr(options), str(options), f"{options}"):
            assert "SharedAccessKey" not in text
            assert "<redacted>" in text


def test_starting_position_must_be_known():
    with pytest.raises(ValueError, match="allowed: earliest, latest"):
        sources.kafka_options("ns", "t", ConnectionString(CONNECTION), "beginning", 1, shaded=True)
    with pytest.raises(ValueError, match="allowed: earliest, latest"):
        sources.eventhubs_options(CONNECTION, "cg", "beginning", 1, encrypt=lambda s: s)


def test_namespace_and_entity_path_helpers():
    assert sources.namespace_of(CONNECTION) == "ns-demo"
    assert sources.with_entity_path(CONNECTION, "evh-iot") == HUB_CONNECTION
    assert sources.with_entity_path(HUB_CONNECTION, "other") == HUB_CONNECTION
    with pytest.raises(ValueError) as caught:
        sources.namespace_of("SharedAccessKey=" + FAKE_KEY)
    assert FAKE_KEY not in str(caught.value)


def test_both_sources_normalize_to_the_canonical_schema(spark):
    from datetime import datetime

    eventhubs_raw = spark.createDataFrame(
        [(bytearray(b'{"a":1}'), "3", "1024", 17, datetime(2024, 1, 1, 10, 0))],
        "body binary, partition string, offset string, sequenceNumber long, enqueuedTime timestamp",
    )
    kafka_raw = spark.createDataFrame(
        [(None, bytearray(b'{"a":1}'), "evh-iot", 3, 17, datetime(2024, 1, 1, 10, 0), 0)],
        "key binary, value binary, topic string, partition int, offset long, timestamp timestamp, timestampType int",
    )
    eh = sources.normalize_eventhubs(eventhubs_raw)
    kf = sources.normalize_kafka(kafka_raw)
    canonical = [(f.name, f.dataType) for f in sources.CANONICAL_SCHEMA.fields]
    assert [(f.name, f.dataType) for f in eh.schema.fields] == canonical
    assert [(f.name, f.dataType) for f in kf.schema.fields] == canonical
    assert tuple(eh.first()) == ('{"a":1}', "eventhubs", "3", "1024", 17, datetime(2024, 1, 1, 10, 0))
    assert tuple(kf.first()) == ('{"a":1}', "kafka", "3", "17", 17, datetime(2024, 1, 1, 10, 0))
