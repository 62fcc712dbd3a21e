"""Streaming progress into Delta: one row per executed micro-batch of each query, in `<gold>.<table>_progress`.

A `StreamingQueryListener` (the session's listener bus calls it after every trigger) turns each progress
event into a row: input rate, processing rate, batch duration, rows dropped by the watermark, state size
and source backlog (Kafka/Event Hubs offsets behind latest, Delta files/bytes outstanding), so lag and late
data can be queried next to gold.

Idempotent and conflict-free: each row is a blind append with txnAppId = "progress:<run id>" and
txnVersion = batch id, so a replayed event (or a backfill from `recentProgress`) is skipped by Delta, and
the queries of a stream (the pipeline and its session windows) append to it concurrently without MERGE conflicts.
Idle triggers (no batch ran; Spark reports them with the id of the *next* batch) are not recorded: their
batch id would collide with the real batch that follows.
Reporting never fails a pipeline: a failed write is logged and the query goes on.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from pyspark.sql import SparkSession
from pyspark.sql import types as T
from pyspark.sql.streaming import StreamingQuery
from pyspark.sql.streaming.listener import StreamingQueryListener

from .tables import TableRef, Tables

log = logging.getLogger(__name__)

SUFFIX = "_progress"

SCHEMA = T.StructType(
    [
        T.StructField("query_name", T.StringType()),
        T.StructField("query_id", T.StringType()),
        T.StructField("run_id", T.StringType(), nullable=False),
        T.StructField("batch_id", T.LongType(), nullable=False),
        T.StructField("timestamp", T.TimestampType()),
        T.StructField("num_input_rows", T.LongType()),
        T.StructField("input_rows_per_second", T.DoubleType()),
        T.StructField("processed_rows_per_second", T.DoubleType()),
        T.StructField("batch_duration_ms", T.LongType()),
        T.StructField("num_rows_dropped_by_watermark", T.LongType()),
        T.StructField("state_rows_total", T.LongType()),
        T.StructField("state_memory_used_bytes", T.LongType()),
        T.StructField("max_offsets_behind_latest", T.LongType()),
        T.StructField("files_outstanding", T.LongType()),
        T.StructField("bytes_outstanding", T.LongType()),
        T.StructField("watermark", T.StringType()),
        T.StructField("progress_json", T.StringType()),
    ]
)


def progress_table(tables: Tables) -> TableRef:
    """`<catalog>.<gold schema>.<table>_progress`, or the same place under lake_root (tables.py's conventions)."""
    return tables._ref("gold", SUFFIX)


def app_id(run_id: str) -> str:
    return f"progress:{run_id}"


def _as_dict(progress: Any) -> dict[str, Any]:
    if isinstance(progress, dict):
        return progress
    if isinstance(progress, str):
        return json.loads(progress)
    return json.loads(progress.json)  # pyspark StreamingQueryProgress


def _timestamp(text: str | None) -> datetime | None:
    # Spark writes "2024-01-01T10:00:00.123Z" (UTC); rows hold naive UTC, like the session time zone.
    if not text:
        return None
    return datetime.strptime(text.rstrip("Z"), "%Y-%m-%dT%H:%M:%S.%f")


def _sum(items: Iterable[dict[str, Any]], key: str) -> int | None:
    values = [int(i[key]) for i in items if i.get(key) is not None]
    return sum(values) if values else None


def _source_metric(sources: Sequence[dict[str, Any]], key: str, combine=sum) -> int | None:
    values = [int(float(m[key])) for s in sources for m in [s.get("metrics") or {}] if m.get(key) not in (None, "")]
    return combine(values) if values else None


def _rate(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if number != number else number  # NaN (no time elapsed) -> null


def progress_row(progress: Any) -> dict[str, Any] | None:
    """The row of one progress event (dict, JSON or StreamingQueryProgress); None for an idle trigger."""
    p = _as_dict(progress)
    durations = p.get("durationMs") or {}
    if "addBatch" not in durations:
        return None
    state = p.get("stateOperators") or []
    sources = p.get("sources") or []
    return {
        "query_name": p.get("name"),
        "query_id": p.get("id"),
        "run_id": p["runId"],
        "batch_id": int(p["batchId"]),
        "timestamp": _timestamp(p.get("timestamp")),
        "num_input_rows": int(p.get("numInputRows") or 0),
        "input_rows_per_second": _rate(p.get("inputRowsPerSecond")),
        "processed_rows_per_second": _rate(p.get("processedRowsPerSecond")),
        "batch_duration_ms": durations.get("triggerExecution"),
        "num_rows_dropped_by_watermark": _sum(state, "numRowsDroppedByWatermark"),
        "state_rows_total": _sum(state, "numRowsTotal"),
        "state_memory_used_bytes": _sum(state, "memoryUsedBytes"),
        "max_offsets_behind_latest": _source_metric(sources, "maxOffsetsBehindLatest", max),
        "files_outstanding": _source_metric(sources, "numFilesOutstanding"),
        "bytes_outstanding": _source_metric(sources, "numBytesOutstanding"),
        "watermark": (p.get("eventTime") or {}).get("watermark"),
        "progress_json": json.dumps(p, sort_keys=True),
    }


def write_progress(spark: SparkSession, table: TableRef, progresses: Iterable[Any]) -> int:
    """Append the rows of these events (idempotent per run id + batch id); returns how many were offered."""
    rows = [r for r in (progress_row(p) for p in progresses) if r is not None]
    for row in sorted(rows, key=lambda r: (r["run_id"], r["batch_id"])):
        writer = (
            spark.createDataFrame([row], SCHEMA)
            .write.format("delta")
            .mode("append")
            .option("txnAppId", app_id(row["run_id"]))
            .option("txnVersion", str(row["batch_id"]))
        )
        table.save(writer)
    return len(rows)


class ProgressListener(StreamingQueryListener):
    """Writes the progress of the queries with these ids (all queries of the session when None)."""

    def __init__(self, spark: SparkSession, table: TableRef, query_ids: Iterable[str] | None = None):
        self._session = spark
        self.table = table
        self.query_ids = None if query_ids is None else {str(i) for i in query_ids}

    def onQueryStarted(self, event) -> None:
        pass

    def onQueryProgress(self, event) -> None:
        progress = _as_dict(event.progress)
        if self.query_ids is not None and progress.get("id") not in self.query_ids:
            return
        try:
            write_progress(self._session, self.table, [progress])
        except Exception:  # reporting must never stop the pipeline
            log.exception(
                "progress of %s batch %s not recorded in %s", progress.get("name"), progress.get("batchId"), self.table
            )

    def onQueryIdle(self, event) -> None:
        pass

    def onQueryTerminated(self, event) -> None:
        pass


def report(spark: SparkSession, tables: Tables, queries: list[StreamingQuery]) -> list[StreamingQuery]:
    """Records these queries' progress in the stream's progress table from now on (and what they already reported)."""
    table = progress_table(tables)
    spark.streams.addListener(ProgressListener(spark, table, [q.id for q in queries]))
    for q in queries:  # anything reported before the listener was added (usually nothing)
        try:
            write_progress(spark, table, q.recentProgress)
        except Exception:
            log.exception("earlier progress of %s not recorded in %s", q.name, table)
    return queries
