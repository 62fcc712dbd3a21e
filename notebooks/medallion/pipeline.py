"""The pipeline of one stream: each micro-batch read from the source once, each table committed at most once.

One foreachBatch per stream, on the same cached batch:
  1. the bronze append, side by side with silver + quarantine (validate, late, dedup);
  2. once silver is committed, side by side: the gold tumbling/sliding windows that this batch's horizon
     closes, the anomaly rules and alerts, and the features MERGE of the batch's devices (a continuous
     stream's features at most every features.REFRESH_SECONDS: features.py says why).
Side by side because a small batch spends most of its time in per-job and per-commit overhead on the driver,
which overlaps; the batch returns to Spark (which then commits it to the checkpoint) once all are done.
Session windows are Spark's own streaming aggregation over silver (gold.py says why): `jobs.run_pipeline`
starts them next to this query, on the same cluster.

Why one pass: a micro-batch's cost on a small cluster is its fixed work (Spark jobs, Delta commits, table
state), not its rows. Seven chained queries per stream paid it about ten times per event and each re-read
its input; here the source is read once, no layer re-reads the layer before it as a stream, and no state
table is written per batch (the watermark and the device state are derived from silver on start).

Exactly-once: each table's append carries the batch id and the writer id (idempotent.BatchLog). The writer
id is the streaming query's id, which the checkpoint keeps; it is bound right after the query starts.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.streaming import StreamingQuery

from . import gold
from .alerts import AlertSink
from .anomalies import AnomalyDetector
from .bronze import with_ingestion_metadata
from .features import REFRESH_SECONDS, FeatureWriter
from .idempotent import BatchLog
from .silver import SilverStage
from .spec import StreamSpec
from .tables import Tables

QUERY = "pipeline"
#: How long a batch waits for the query id (bound right after start) before it fails the query.
BIND_TIMEOUT_SECONDS = 120


@dataclass
class StreamPipeline:
    """The foreachBatch function of a stream (callable with a batch of canonical source rows and its id)."""

    spark: SparkSession
    spec: StreamSpec
    tables: Tables
    sink: AlertSink
    writer_id: str | None = None
    features_refresh_seconds: float = 0.0
    _bound: threading.Event = field(default_factory=threading.Event, init=False, repr=False)
    log: BatchLog = field(init=False, repr=False)
    silver: SilverStage = field(init=False, repr=False)
    anomalies: AnomalyDetector = field(init=False, repr=False)
    features: FeatureWriter = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.writer_id:
            self.bind(self.writer_id)

    def bind(self, writer_id: str) -> None:
        self.writer_id = writer_id
        self.log = BatchLog(self.spark, writer_id)
        self.silver = SilverStage(self.spark, self.spec, self.tables, self.log)
        self.anomalies = AnomalyDetector(self.spark, self.spec, self.tables, self.log, self.sink)
        self.features = FeatureWriter(self.spark, self.spec, self.tables, self.features_refresh_seconds)
        self._bound.set()

    def __call__(self, batch: DataFrame, batch_id: int) -> None:
        if not self._bound.wait(BIND_TIMEOUT_SECONDS):
            raise RuntimeError(f"stream {self.spec.name}: the pipeline's writer id was never bound")
        # Cached: the source is read once, for bronze and for silver.
        bronze = with_ingestion_metadata(batch).persist()
        try:
            # Gold, anomalies and features read silver, so they start once silver has committed.
            with ThreadPoolExecutor(max_workers=3, thread_name_prefix=f"{self.spec.name}-batch") as pool:
                wrote_bronze = pool.submit(self.log.append, None, lambda: bronze, self.tables.bronze, batch_id)
                result = self.silver(bronze, batch_id, pool)
                try:
                    valid = result.valid
                    steps = [pool.submit(self._close_windows, batch_id)]
                    if self.spec.anomalies:
                        steps.append(pool.submit(self.anomalies, valid, batch_id, self.silver.horizon(batch_id)))
                    if self.spec.features is not None:
                        steps.append(pool.submit(self.features, sorted(result.devices), result.min_event_time))
                    for step in [wrote_bronze, *steps]:
                        step.result()
                finally:
                    result.checked.unpersist()
        finally:
            bronze.unpersist()

    def _close_windows(self, batch_id: int) -> None:
        after, through = self.silver.horizon(batch_id), self.silver.horizon(batch_id + 1)
        for window in self.spec.windows:
            if window.type not in gold.CLOSED_BY_PIPELINE:
                continue
            rows = None if gold.any_window_ends(window, after, through) else 0

            def closed(window=window) -> DataFrame:
                return gold.closed_windows(self.tables.silver.read(self.spark), self.spec, window, after, through)

            self.log.append(rows, closed, self.tables.gold(window.id), batch_id)


def start_pipeline(
    spark: SparkSession,
    spec: StreamSpec,
    tables: Tables,
    source: DataFrame,
    sink: AlertSink,
    checkpoint_location: str,
    trigger: dict[str, Any],
) -> StreamingQuery:
    # A scheduled (availableNow) run ends after its last batch: its features are refreshed with every batch.
    refresh = 0.0 if trigger.get("availableNow") else REFRESH_SECONDS
    pipeline = StreamPipeline(spark, spec, tables, sink, features_refresh_seconds=refresh)
    query = (
        source.writeStream.foreachBatch(pipeline)
        .option("checkpointLocation", checkpoint_location)
        .trigger(**trigger)
        .queryName(f"{spec.name}-{QUERY}")
        .start()
    )
    pipeline.bind(str(query.id))
    return query
