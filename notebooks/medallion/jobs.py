"""Entry points of the notebooks: one function per notebook, taking the job parameters as they come.

Parameters (all strings, as Databricks passes them):
  spec             the stream spec JSON (required)
  catalog          Unity Catalog catalog (tables by name) -- exactly one of catalog / lake_root
  lake_root        abfss:// root (tables by path)     -- (catalog falls back to spec.target.catalog)
  checkpoint_root  root of the checkpoints; each query gets <root>/<stream>/<query>
  trigger          optional JSON override, '{"type": "availableNow"}' or processingTime + interval
bronze adds secret_scope + secret_key (the Event Hubs connection string) and optional
kafka_bootstrap_servers (a plaintext local broker instead of the Event Hubs endpoint);
silver adds optional reference_table + reference_keys; anomalies adds optional webhook_secret_key
(webhook URL read from secret_scope; without it alerts go to the driver log).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

from pyspark.sql import SparkSession
from pyspark.sql.streaming import StreamingQuery

from . import anomalies, bronze, features, gold, progress, silver, sources
from .alerts import AlertSink, LoggingSink, WebhookSink
from .spec import StreamSpec, load_spec
from .tables import Tables, checkpoint, resolve_tables
from .triggers import trigger_kwargs

log = logging.getLogger(__name__)
GetSecret = Callable[[str, str], str]


#: The parameters every notebook reads; each adds its own (see `job_parameters`).
COMMON_PARAMETERS = ("spec", "catalog", "lake_root", "checkpoint_root", "trigger")


def job_parameters(dbutils, *extra: str) -> dict[str, str]:
    """Declares the notebook's widgets (job parameters arrive through them) and returns their values by name."""
    names = (*COMMON_PARAMETERS, *extra)
    for name in names:
        dbutils.widgets.text(name, "")
    return {name: dbutils.widgets.get(name) for name in names}


def _started(
    spark: SparkSession, tables: Tables, queries: list[StreamingQuery], report_progress: bool | None, wait: bool
) -> list[StreamingQuery]:
    """Attaches progress reporting (default: on Databricks only; local runs and tests opt in), then waits."""
    if _on_databricks() if report_progress is None else report_progress:
        progress.report(spark, tables, queries)
    return _await(queries, wait)


def _await(queries: list[StreamingQuery], wait: bool) -> list[StreamingQuery]:
    if wait:
        for q in queries:
            q.awaitTermination()
    return queries


def _on_databricks() -> bool:
    return "DATABRICKS_RUNTIME_VERSION" in os.environ


def bronze_source(spark: SparkSession, spec: StreamSpec, connection_string: str, bootstrap_servers: str | None = None):
    src = spec.source
    group = src.consumer_groups["bronze"]
    if src.type == "eventhubs":
        options = sources.eventhubs_options(
            sources.with_entity_path(connection_string, src.event_hub_name),
            group,
            src.starting_position,
            src.max_events_per_trigger,
            encrypt=sources.databricks_encrypt(spark),
        )
        return sources.read_eventhubs(spark, options)
    options = sources.kafka_options(
        namespace="" if bootstrap_servers else sources.namespace_of(connection_string),
        topic=src.event_hub_name,
        connection_string=connection_string,
        starting_position=src.starting_position,
        max_offsets_per_trigger=src.max_events_per_trigger,
        shaded=_on_databricks(),
        bootstrap_servers=bootstrap_servers,
    )
    # Kafka consumer groups are managed by Spark per query; the spec's group names the Event Hubs side.
    return sources.read_kafka(spark, options)


def run_bronze(
    spark: SparkSession,
    spec: str,
    checkpoint_root: str,
    secret_scope: str,
    secret_key: str,
    get_secret: GetSecret,
    catalog: str = "",
    lake_root: str = "",
    trigger: str = "",
    kafka_bootstrap_servers: str = "",
    wait: bool = True,
    report_progress: bool | None = None,
) -> list[StreamingQuery]:
    stream = load_spec(spec)
    tables = resolve_tables(stream, catalog, lake_root)
    connection_string = get_secret(secret_scope, secret_key) if not kafka_bootstrap_servers else ""
    source = bronze_source(spark, stream, connection_string, kafka_bootstrap_servers or None)
    query = bronze.start_bronze(
        source,
        tables.bronze,
        checkpoint(checkpoint_root, stream, bronze.QUERY),
        trigger_kwargs(stream, trigger),
        query_name=f"{stream.name}-{bronze.QUERY}",
    )
    return _started(spark, tables, [query], report_progress, wait)


def run_silver(
    spark: SparkSession,
    spec: str,
    checkpoint_root: str,
    catalog: str = "",
    lake_root: str = "",
    trigger: str = "",
    reference_table: str = "",
    reference_keys: str = "",
    wait: bool = True,
    report_progress: bool | None = None,
) -> list[StreamingQuery]:
    stream = load_spec(spec)
    tables = resolve_tables(stream, catalog, lake_root)
    reference = None
    keys: list[str] = [k.strip() for k in reference_keys.split(",") if k.strip()]
    if reference_table:
        if not keys:
            raise ValueError("reference_keys is required with reference_table")
        reference = spark.read.table(reference_table)
    query = silver.start_silver(
        spark,
        stream,
        tables,
        checkpoint(checkpoint_root, stream, silver.QUERY),
        trigger_kwargs(stream, trigger),
        reference=reference,
        reference_keys=keys,
    )
    return _started(spark, tables, [query], report_progress, wait)


def run_gold(
    spark: SparkSession,
    spec: str,
    checkpoint_root: str,
    catalog: str = "",
    lake_root: str = "",
    trigger: str = "",
    wait: bool = True,
    report_progress: bool | None = None,
) -> list[StreamingQuery]:
    stream = load_spec(spec)
    tables = resolve_tables(stream, catalog, lake_root)
    kwargs = trigger_kwargs(stream, trigger)
    queries = [
        gold.start_gold(spark, stream, tables, w, checkpoint(checkpoint_root, stream, gold.query_name(w)), kwargs)
        for w in stream.windows
    ]
    return _started(spark, tables, queries, report_progress, wait)


def alert_sink(secret_scope: str, webhook_secret_key: str, get_secret: GetSecret | None) -> AlertSink:
    if webhook_secret_key:
        if get_secret is None or not secret_scope:
            raise ValueError("webhook_secret_key needs secret_scope")
        return WebhookSink(get_secret(secret_scope, webhook_secret_key))
    return LoggingSink()


def run_anomalies(
    spark: SparkSession,
    spec: str,
    checkpoint_root: str,
    catalog: str = "",
    lake_root: str = "",
    trigger: str = "",
    secret_scope: str = "",
    webhook_secret_key: str = "",
    get_secret: GetSecret | None = None,
    sink: AlertSink | None = None,
    wait: bool = True,
    report_progress: bool | None = None,
) -> list[StreamingQuery]:
    stream = load_spec(spec)
    tables = resolve_tables(stream, catalog, lake_root)
    query = anomalies.start_anomalies(
        spark,
        stream,
        tables,
        checkpoint(checkpoint_root, stream, anomalies.QUERY),
        trigger_kwargs(stream, trigger),
        sink or alert_sink(secret_scope, webhook_secret_key, get_secret),
    )
    return _started(spark, tables, [query], report_progress, wait)


def run_features(
    spark: SparkSession,
    spec: str,
    checkpoint_root: str,
    catalog: str = "",
    lake_root: str = "",
    trigger: str = "",
    wait: bool = True,
    report_progress: bool | None = None,
) -> list[StreamingQuery]:
    stream = load_spec(spec)
    tables = resolve_tables(stream, catalog, lake_root)
    query = features.start_features(
        spark, stream, tables, checkpoint(checkpoint_root, stream, features.QUERY), trigger_kwargs(stream, trigger)
    )
    return _started(spark, tables, [query], report_progress, wait)
