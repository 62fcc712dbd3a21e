"""Readers for Event Hubs (eventhubs-spark connector or its Kafka endpoint), normalized to one bronze schema.

Everything after bronze is source-agnostic: both sources map to CANONICAL_COLUMNS.
The option dicts carry the connection string or client secret: they are SecretOptions, whose repr redacts them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.types import LongType, StringType, StructField, StructType, TimestampType

from . import durations
from .kafka_auth import KAFKA_PORT, KafkaAuth

# The canonical raw event: what bronze stores (plus ingestion metadata added by bronze).
CANONICAL_SCHEMA = StructType(
    [
        StructField("body", StringType()),
        StructField("source_type", StringType()),
        StructField("source_partition", StringType()),
        StructField("source_offset", StringType()),
        StructField("source_sequence", LongType()),
        StructField("enqueued_time", TimestampType()),
    ]
)
CANONICAL_COLUMNS = [f.name for f in CANONICAL_SCHEMA.fields]

# Microsoft's recommended Kafka client settings for Event Hubs
# (learn.microsoft.com/azure/event-hubs/apache-kafka-configurations): Azure closes idle TCP at 240 s.
EVENTHUBS_KAFKA_TIMEOUTS = {
    "kafka.request.timeout.ms": "60000",
    "kafka.session.timeout.ms": "30000",
    "kafka.metadata.max.age.ms": "180000",
    "kafka.connections.max.idle.ms": "180000",
}
RECEIVER_TIMEOUT_SECONDS = 60
OPERATION_TIMEOUT_SECONDS = 60
SECRET_KEYS = frozenset({"eventhubs.connectionString", "kafka.sasl.jaas.config"})
_NAMESPACE = re.compile(r"Endpoint=sb://([^./;]+)\.servicebus\.windows\.net", re.IGNORECASE)


class SecretOptions(dict):
    """Reader options whose repr/str never show the secret values (safe to log by accident)."""

    def __repr__(self) -> str:
        shown = {k: ("<redacted>" if k in SECRET_KEYS else v) for k, v in self.items()}
        return f"SecretOptions({shown!r})"

    __str__ = __repr__


def _starting_position(position: str) -> str:
    if position not in ("earliest", "latest"):
        raise ValueError(f"startingPosition: got {position!r}; allowed: earliest, latest")
    offset = "-1" if position == "earliest" else "@latest"
    return json.dumps({"offset": offset, "seqNo": -1, "enqueuedTime": None, "isInclusive": True})


def eventhubs_options(
    connection_string: str,
    consumer_group: str,
    starting_position: str,
    max_events_per_trigger: int,
    encrypt: Callable[[str], str],
) -> SecretOptions:
    """Options of the azure-eventhubs-spark connector. `encrypt` is EventHubsUtils.encrypt on Databricks."""
    return SecretOptions(
        {
            "eventhubs.connectionString": encrypt(connection_string),
            "eventhubs.consumerGroup": consumer_group,
            "eventhubs.startingPosition": _starting_position(starting_position),
            "maxEventsPerTrigger": str(max_events_per_trigger),
            # The connector parses these with java.time.Duration: ISO-8601.
            "eventhubs.receiverTimeout": durations.to_iso8601(RECEIVER_TIMEOUT_SECONDS),
            "eventhubs.operationTimeout": durations.to_iso8601(OPERATION_TIMEOUT_SECONDS),
        }
    )


def kafka_options(
    namespace: str,
    topic: str,
    auth: KafkaAuth | None,
    starting_position: str,
    max_offsets_per_trigger: int,
    shaded: bool,
    bootstrap_servers: str | None = None,
) -> SecretOptions:
    """Options of Spark's Kafka source against the Event Hubs Kafka endpoint of `namespace` (or a local broker)."""
    if starting_position not in ("earliest", "latest"):
        raise ValueError(f"startingPosition: got {starting_position!r}; allowed: earliest, latest")
    options = {
        "subscribe": topic,
        "startingOffsets": starting_position,
        "maxOffsetsPerTrigger": str(max_offsets_per_trigger),
        # Offsets can expire with the hub's retention; fail loudly rather than skip silently.
        "failOnDataLoss": "true",
    }
    if bootstrap_servers:
        # A local broker stands in for the Event Hubs endpoint: plaintext, no SASL.
        options |= {"kafka.bootstrap.servers": bootstrap_servers, "kafka.security.protocol": "PLAINTEXT"}
        return SecretOptions(options)
    if auth is None:
        raise ValueError(
            "the Event Hubs Kafka endpoint needs an auth: ConnectionString, ServiceCredential or OAuthClient"
        )
    options |= {
        "kafka.bootstrap.servers": f"{namespace}.servicebus.windows.net:{KAFKA_PORT}",
        **auth.options(namespace, shaded),
        **EVENTHUBS_KAFKA_TIMEOUTS,
    }
    return SecretOptions(options)


def namespace_of(connection_string: str) -> str:
    match = _NAMESPACE.search(connection_string)
    if match is None:
        # Never echo the connection string: it holds the key.
        raise ValueError("connection string has no 'Endpoint=sb://<namespace>.servicebus.windows.net'")
    return match.group(1)


def with_entity_path(connection_string: str, event_hub: str) -> str:
    """The eventhubs connector needs EntityPath; a namespace-level connection string lacks it."""
    if re.search(r"(^|;)\s*EntityPath=", connection_string, re.IGNORECASE):
        return connection_string
    return connection_string.rstrip(";") + f";EntityPath={event_hub}"


def databricks_encrypt(spark: SparkSession) -> Callable[[str], str]:
    """EventHubsUtils.encrypt (needs the connector jar and a single-user cluster)."""
    return spark.sparkContext._jvm.org.apache.spark.eventhubs.EventHubsUtils.encrypt


# ----------------------------------------------------------------------------- normalization


def normalize_eventhubs(raw: DataFrame) -> DataFrame:
    """eventhubs-spark columns (body binary, partition, offset, sequenceNumber, enqueuedTime, ...)."""
    return raw.select(
        F.col("body").cast("string").alias("body"),
        F.lit("eventhubs").alias("source_type"),
        F.col("partition").cast("string").alias("source_partition"),
        F.col("offset").cast("string").alias("source_offset"),
        F.col("sequenceNumber").cast("long").alias("source_sequence"),
        F.col("enqueuedTime").cast("timestamp").alias("enqueued_time"),
    )


def normalize_kafka(raw: DataFrame) -> DataFrame:
    """Kafka source columns (key, value binary, topic, partition, offset, timestamp, ...)."""
    return raw.select(
        F.col("value").cast("string").alias("body"),
        F.lit("kafka").alias("source_type"),
        F.col("partition").cast("string").alias("source_partition"),
        F.col("offset").cast("string").alias("source_offset"),
        F.col("offset").cast("long").alias("source_sequence"),
        F.col("timestamp").cast("timestamp").alias("enqueued_time"),
    )


def normalize_files(raw: DataFrame) -> DataFrame:
    """JSON-lines files already in the canonical shape (tests, replays, local runs)."""
    return raw.select(
        F.col("body"),
        F.coalesce(F.col("source_type"), F.lit("file")).alias("source_type"),
        *[F.col(c) for c in CANONICAL_COLUMNS[2:]],
    )


def read_eventhubs(spark: SparkSession, options: Mapping[str, Any]) -> DataFrame:
    return normalize_eventhubs(spark.readStream.format("eventhubs").options(**options).load())


def read_kafka(spark: SparkSession, options: Mapping[str, Any]) -> DataFrame:
    return normalize_kafka(spark.readStream.format("kafka").options(**options).load())


def read_files(spark: SparkSession, path: str, max_files_per_trigger: int | None = None) -> DataFrame:
    reader = spark.readStream.schema(CANONICAL_SCHEMA)
    if max_files_per_trigger:
        reader = reader.option("maxFilesPerTrigger", str(max_files_per_trigger))
    return normalize_files(reader.json(path))
