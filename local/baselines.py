"""The two pipelines the streaming benchmark holds this project's against, on the same broker and events.

- `limit`: the machine's limit, Kafka -> one Delta append per batch, nothing else (one query).
- `peer`: a plain multi-hop pipeline written the way the seeds write it: bronze `writeStream` to Delta; silver
  `writeStream` with `from_json`, the spec's checks as filters, `withWatermark` + `dropDuplicatesWithinWatermark`;
  gold `writeStream`, one windowed aggregation per tumbling/sliding window. It drops late, duplicated and
  invalid events silently (no quarantine), and has no anomalies or features.
Not part of the package: benchmark baselines only. Tables sit where the project's do (same names), so the
latency code reads all three the same way.
"""

from __future__ import annotations

from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.streaming import StreamingQuery

from medallion import durations, gold, sources
from medallion.bronze import with_ingestion_metadata
from medallion.spec import StreamSpec
from medallion.tables import Tables, checkpoint

PIPELINES = ("project", "peer", "limit")
#: Spark SQL type of each spec field type.
_TYPES = {"string": "string", "double": "double", "long": "long", "integer": "int", "boolean": "boolean"}
_TYPES |= {"timestamp": "timestamp"}


def _kafka(spark: SparkSession, spec: StreamSpec, bootstrap: str) -> DataFrame:
    src = spec.source
    options = sources.kafka_options(
        "",
        src.event_hub_name,
        None,
        src.starting_position,
        src.max_events_per_trigger,
        shaded=False,
        bootstrap_servers=bootstrap,
    )
    return sources.read_kafka(spark, options)


def _sink(df: DataFrame, location: str, trigger: dict[str, Any], name: str, path: str, **partition) -> StreamingQuery:
    writer = df.writeStream.format("delta").outputMode("append").option("checkpointLocation", location)
    if partition:
        writer = writer.partitionBy(*partition["by"])
    return writer.trigger(**trigger).queryName(name).start(path)


def _silver(spark: SparkSession, spec: StreamSpec, tables: Tables) -> DataFrame:
    schema = ", ".join(f"`{f.name}` {_TYPES[f.type]}" for f in spec.fields)
    events = tables.bronze.read_stream(spark).select(F.from_json("body", schema).alias("e"), "enqueued_time")
    events = events.select("e.*", "enqueued_time")
    keep = F.lit(True)
    for f in spec.fields:
        if f.required or f.name in spec.implicitly_required:
            keep = keep & F.col(f.name).isNotNull()
        if f.min is not None:
            keep = keep & ~(F.col(f.name) < F.lit(f.min))
        if f.max is not None:
            keep = keep & ~(F.col(f.name) > F.lit(f.max))
        if f.allowed:
            keep = keep & (F.col(f.name).isNull() | F.col(f.name).isin(*f.allowed))
    watermark = durations.to_spark_interval(spec.watermark)
    return (
        events.where(keep)
        .withWatermark(spec.event_time_field, watermark)
        .dropDuplicatesWithinWatermark([spec.event_id_field])
    )


def start(
    spark: SparkSession,
    pipeline: str,
    spec: StreamSpec,
    tables: Tables,
    bootstrap: str,
    checkpoint_root: str,
    trigger: dict[str, Any],
    running: dict[str, StreamingQuery],
) -> None:
    """Start the queries of `pipeline` that are not in `running` yet and whose source table exists."""
    name = spec.name
    if "bronze" not in running:
        raw = _kafka(spark, spec, bootstrap)
        location = checkpoint(checkpoint_root, spec, "bronze")
        if pipeline == "limit":
            running["bronze"] = _sink(raw, location, trigger, f"{name}-limit", tables.bronze.path)
            return
        running["bronze"] = _sink(
            with_ingestion_metadata(raw), location, trigger, f"{name}-bronze", tables.bronze.path, by=["ingestion_date"]
        )
    if pipeline == "peer" and "silver" not in running and tables.bronze.exists(spark):
        running["silver"] = _sink(
            _silver(spark, spec, tables),
            checkpoint(checkpoint_root, spec, "silver"),
            trigger,
            f"{name}-silver",
            tables.silver.path,
        )
    if pipeline == "peer" and "silver" in running and tables.silver.exists(spark):
        for w in spec.windows:
            if f"gold_{w.id}" not in running:
                running[f"gold_{w.id}"] = _sink(
                    gold.aggregate(tables.silver.read_stream(spark), spec, w),
                    checkpoint(checkpoint_root, spec, gold.query_name(w)),
                    trigger,
                    f"{name}-gold_{w.id}",
                    tables.gold(w.id).path,
                )


def complete(pipeline: str, spec: StreamSpec, running: dict[str, StreamingQuery]) -> bool:
    """Every query of the pipeline is running."""
    names = {"bronze"} if pipeline == "limit" else {"bronze", "silver", *(f"gold_{w.id}" for w in spec.windows)}
    return names <= set(running)
