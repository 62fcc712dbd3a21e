"""Entry point of the pipeline notebook, taking the job parameters as they come.

Parameters (all strings, as Databricks passes them):
  spec             the stream spec JSON (required)
  catalog          Unity Catalog catalog (tables by name) -- exactly one of catalog / lake_root
  lake_root        abfss:// root (tables by path)     -- (catalog falls back to spec.target.catalog)
  checkpoint_root  root of the checkpoints; each query gets <root>/<stream>/<query>
  trigger          optional JSON override, '{"type": "availableNow"}' or processingTime + interval
  source_auth      how the source authenticates: '' or 'connection_string' (secret_key holds a SAS connection
                   string), 'service_credential' (a Unity Catalog service credential named by service_credential),
                   'oauth' (an Entra application: oauth_tenant_id, oauth_client_id, its secret under secret_key)
  secret_scope + secret_key   the connection string, or the application's client secret
  eventhubs_namespace         the namespace, for Entra ID (a connection string names its own)
  kafka_bootstrap_servers     optional: a plaintext local broker instead of the Event Hubs endpoint
  webhook_secret_key          optional: webhook URL in secret_scope (without it alerts go to the driver log)
  join_specs       the specs of the streams the spec's joins name, a JSON object by stream name
The backfill notebook's own (run_backfill):
  capture_url      the Capture container's URL (abfss://capture@<account>.dfs.core.windows.net/)
  eventhubs_namespace, capture_name_format (default: Event Hubs' own), from_time and to_time (ISO 8601, UTC,
  [from, to) by the time in a file's name), run_id (the same id finishes a failed run)
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from datetime import datetime, UTC

from pyspark.sql import SparkSession
from pyspark.sql.streaming import StreamingQuery

from pyspark.sql import DataFrame

from . import backfill, gold, joins, pipeline, progress, sources
from .kafka_auth import ConnectionString, KafkaAuth, OAuthClient, ServiceCredential
from .alerts import AlertSink, LoggingSink, WebhookSink
from .idempotent import BatchLog
from .silver import SilverStage
from .spec import StreamSpec, load_spec
from .tables import Tables, checkpoint, resolve_tables
from .triggers import trigger_kwargs

log = logging.getLogger(__name__)
GetSecret = Callable[[str, str], str]


#: The parameters every notebook reads, the stream and where its tables are; each adds its own (`job_parameters`).
COMMON_PARAMETERS = ("spec", "catalog", "lake_root")
#: The pipeline notebook's own parameters.
PIPELINE_PARAMETERS = (
    "checkpoint_root",
    "trigger",
    "source_auth",
    "secret_scope",
    "secret_key",
    "service_credential",
    "eventhubs_namespace",
    "oauth_tenant_id",
    "oauth_client_id",
    "kafka_bootstrap_servers",
    "webhook_secret_key",
    "join_specs",
)

#: The backfill notebook's own parameters.
BACKFILL_PARAMETERS = ("capture_url", "eventhubs_namespace", "capture_name_format", "from_time", "to_time", "run_id")


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


SOURCE_AUTHS = ("connection_string", "service_credential", "oauth")


def source_credential(
    source_auth: str,
    secret_scope: str,
    secret_key: str,
    get_secret: GetSecret | None,
    service_credential: str = "",
    oauth_tenant_id: str = "",
    oauth_client_id: str = "",
) -> KafkaAuth:
    """The source's credential from the job parameters; a missing parameter is named, a secret never shown."""
    kind = source_auth or "connection_string"
    if kind not in SOURCE_AUTHS:
        raise ValueError(f"source_auth: got {source_auth!r}; allowed: {', '.join(SOURCE_AUTHS)}")
    if kind == "service_credential":
        if not service_credential:
            raise ValueError("service_credential (the Unity Catalog service credential's name) is required")
        return ServiceCredential(service_credential)
    if get_secret is None or not secret_scope or not secret_key:
        what = "the Event Hubs connection string" if kind == "connection_string" else "the client secret"
        raise ValueError(f"secret_scope and secret_key ({what}) are required")
    secret = get_secret(secret_scope, secret_key)
    if kind == "connection_string":
        return ConnectionString(secret)
    missing = [
        name
        for name, value in (("oauth_tenant_id", oauth_tenant_id), ("oauth_client_id", oauth_client_id))
        if not value
    ]
    if missing:
        raise ValueError(f"{' and '.join(missing)} required with source_auth 'oauth'")
    return OAuthClient(oauth_tenant_id, oauth_client_id, secret)


def bronze_source(
    spark: SparkSession,
    spec: StreamSpec,
    auth: KafkaAuth | None,
    namespace: str = "",
    bootstrap_servers: str | None = None,
):
    src = spec.source
    group = src.consumer_groups["bronze"]
    if src.type == "eventhubs":
        if not isinstance(auth, ConnectionString):
            # Said at synth time too; a hand-made job gets the same answer.
            raise ValueError(
                "source type 'eventhubs' needs source_auth 'connection_string' (the connector takes no Entra ID token)"
            )
        options = sources.eventhubs_options(
            sources.with_entity_path(auth.value, src.event_hub_name),
            group,
            src.starting_position,
            src.max_events_per_trigger,
            encrypt=sources.databricks_encrypt(spark),
        )
        return sources.read_eventhubs(spark, options)
    if not bootstrap_servers and not namespace:
        if not isinstance(auth, ConnectionString):
            raise ValueError(
                "eventhubs_namespace is required with Entra ID (source_auth 'service_credential' or 'oauth')"
            )
        namespace = sources.namespace_of(auth.value)
    options = sources.kafka_options(
        namespace=namespace,
        topic=src.event_hub_name,
        auth=auth,
        starting_position=src.starting_position,
        max_offsets_per_trigger=src.max_events_per_trigger,
        shaded=_on_databricks(),
        bootstrap_servers=bootstrap_servers,
    )
    # Kafka consumer groups are managed by Spark per query; the spec's group names the Event Hubs side.
    return sources.read_kafka(spark, options)


def alert_sink(secret_scope: str, webhook_secret_key: str, get_secret: GetSecret | None) -> AlertSink:
    if webhook_secret_key:
        if get_secret is None or not secret_scope:
            raise ValueError("webhook_secret_key needs secret_scope")
        return WebhookSink(get_secret(secret_scope, webhook_secret_key))
    return LoggingSink()


def run_pipeline(
    spark: SparkSession,
    spec: str,
    checkpoint_root: str,
    source_auth: str = "",
    secret_scope: str = "",
    secret_key: str = "",
    service_credential: str = "",
    eventhubs_namespace: str = "",
    oauth_tenant_id: str = "",
    oauth_client_id: str = "",
    get_secret: GetSecret | None = None,
    catalog: str = "",
    lake_root: str = "",
    trigger: str = "",
    kafka_bootstrap_servers: str = "",
    webhook_secret_key: str = "",
    join_specs: str = "",
    sink: AlertSink | None = None,
    source: DataFrame | None = None,
    wait: bool = True,
    report_progress: bool | None = None,
) -> list[StreamingQuery]:
    """The stream's pipeline query, then one Spark query per session window and per join (they read silver).

    `source`: a canonical source stream instead of the spec's (tests, replays); `sink` overrides the alert sink;
    `join_specs`: a JSON object of the specs of the streams the spec's joins name, by stream name.
    """
    stream = load_spec(spec)
    tables = resolve_tables(stream, catalog, lake_root)
    others = _joined_streams(stream, join_specs)  # before anything starts: a bad pair stops nothing midway
    if source is None:
        auth = None
        if not kafka_bootstrap_servers:
            auth = source_credential(
                source_auth, secret_scope, secret_key, get_secret, service_credential, oauth_tenant_id, oauth_client_id
            )
        source = bronze_source(spark, stream, auth, eventhubs_namespace, kafka_bootstrap_servers or None)
    kwargs = trigger_kwargs(stream, trigger)
    main = pipeline.start_pipeline(
        spark,
        stream,
        tables,
        source,
        sink or alert_sink(secret_scope, webhook_secret_key, get_secret),
        checkpoint(checkpoint_root, stream, pipeline.QUERY),
        kwargs,
    )
    sessions = [w for w in stream.windows if w.type not in gold.CLOSED_BY_PIPELINE]
    if not sessions and not stream.joins:
        return _started(spark, tables, [main], report_progress, wait)
    # availableNow reads what its source holds when it starts: the pipeline fills silver first.
    _started(spark, tables, [main], report_progress, wait="availableNow" in kwargs)
    # A Delta stream needs its table's schema: create silver empty if the pipeline has not yet (and the other
    # stream's of a join, the same schema its own writer gives it).
    SilverStage(spark, stream, tables, BatchLog(spark, "")).create_table()
    downstream = [
        gold.start_session_gold(
            spark, stream, tables, w, checkpoint(checkpoint_root, stream, gold.query_name(w)), kwargs
        )
        for w in sessions
    ]
    for join, other in zip(stream.joins, others, strict=True):
        other_tables = resolve_tables(other, catalog, lake_root)
        SilverStage(spark, other, other_tables, BatchLog(spark, "")).create_table()
        location = checkpoint(checkpoint_root, stream, joins.query_name(join))
        downstream.append(joins.start_join(spark, stream, tables, other, other_tables, join, location, kwargs))
    _started(spark, tables, downstream, report_progress, wait)
    return _await([main], wait) + downstream


def _joined_streams(stream: StreamSpec, join_specs: str) -> list[StreamSpec]:
    """The spec of each join's other stream, in the joins' order; every problem of the pair at once."""
    if not stream.joins:
        return []
    given = json.loads(join_specs) if join_specs.strip() else {}
    others, problems = [], []
    for i, join in enumerate(stream.joins):
        if join.stream not in given:
            problems.append(
                f"{stream.name}: joins[{i}] names stream {join.stream}, whose spec join_specs does not hold"
            )
            continue
        other = load_spec(json.dumps(given[join.stream]))
        others.append(other)
        problems += joins.cross_stream_problems(stream, other, join, i)
    if problems:
        raise ValueError("; ".join(problems))
    return others


def _utc_time(name: str, value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{name}: got {value!r}; expected an ISO 8601 time such as 2026-12-04T17:00:00Z") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return parsed


def run_backfill(
    spark: SparkSession,
    spec: str,
    capture_url: str,
    eventhubs_namespace: str,
    from_time: str,
    to_time: str,
    run_id: str,
    capture_name_format: str = "",
    catalog: str = "",
    lake_root: str = "",
) -> backfill.BackfillReport:
    """Backfill the stream's tables from its hub's Capture files in [from_time, to_time) (medallion/backfill.py):
    a batch job, so it has no checkpoint and no trigger."""
    stream = load_spec(spec)
    tables = resolve_tables(stream, catalog, lake_root)
    start, end = _utc_time("from_time", from_time), _utc_time("to_time", to_time)
    if end <= start:
        raise ValueError(f"to_time {to_time} is not after from_time {from_time}")
    location = backfill.CaptureLocation(
        capture_url,
        eventhubs_namespace,
        stream.source.event_hub_name,
        capture_name_format.strip() or backfill.DEFAULT_NAME_FORMAT,
    )
    report = backfill.backfill(spark, stream, tables, backfill.read_capture(spark, location, start, end), run_id)
    log.info("backfill %s of %s: %s", run_id, stream.name, report)
    return report
