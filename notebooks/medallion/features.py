"""Features: rolling per-device statistics of one field over the spec's feature window, upserted by device.

For each device seen in a micro-batch the features are recomputed from silver over
(latest event - window, latest event], so they never depend on batch boundaries. The MERGE only moves a
device's row forward in event time (`as_of`), so a replayed or older batch cannot regress it.

Refreshed on a writer's first batch, then at most every `refresh_seconds` on a continuous stream: the
devices of the batches in between are kept in memory and MERGEd together (the MERGE is a batch's costliest
step and its cost hardly depends on its rows), and a quiet stream is refreshed `refresh_seconds` after its
last batch. So the features lag silver by up to that interval. Devices held in memory when a writer stops
are found again when the next writer starts: every device with silver rows written after its features.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from . import durations, idempotent
from .spec import StreamSpec
from .tables import Tables

log = logging.getLogger(__name__)

#: The features refresh interval of a continuous stream, in wall-clock seconds.
REFRESH_SECONDS = 30.0


def rolling_features(silver: DataFrame, devices: Sequence[str], spec: StreamSpec) -> DataFrame:
    feature = spec.features
    dev, evt, value = spec.entity_field, spec.event_time_field, feature.field
    window_seconds = durations.to_seconds(feature.window)
    rows = silver.select(
        F.col(dev).cast("string").alias("device"), F.col(evt).alias("event_time"), F.col(value).alias("v")
    ).where(F.col("device").isin(list(devices)))
    # The window's end per device, then the rows inside it: one shuffle by device serves both steps.
    as_of = F.max("event_time").over(Window.partitionBy("device"))
    in_window = rows.withColumn("as_of", as_of).where(
        F.col("event_time").cast("double") > F.col("as_of").cast("double") - F.lit(float(window_seconds))
    )
    return (
        in_window.groupBy("device", "as_of")
        .agg(
            F.avg("v").alias(f"{value}_avg"),
            F.stddev_samp("v").alias(f"{value}_stddev"),
            (F.max("v") - F.min("v")).alias(f"{value}_range"),
            F.count("v").alias(f"{value}_count"),
            F.count(F.lit(1)).alias("event_count"),
        )
        .select(
            "device",
            "as_of",
            F.lit(feature.window).alias("feature_window"),
            f"{value}_avg",
            f"{value}_stddev",
            f"{value}_range",
            f"{value}_count",
            "event_count",
        )
    )


@dataclass
class FeatureWriter:
    """MERGEs the features of the devices of silver's batches (silver already holds them), at most every
    `refresh_seconds` (0: after every batch)."""

    spark: SparkSession
    spec: StreamSpec
    tables: Tables
    refresh_seconds: float = 0.0
    _pending: dict[str, datetime] = field(default_factory=dict, init=False, repr=False)
    _refreshed_at: float = field(default=float("-inf"), init=False, repr=False)  # -inf: before the first MERGE
    _recovered: bool = field(default=False, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _quiet: threading.Timer | None = field(default=None, init=False, repr=False)

    def __call__(self, devices: Sequence[str], earliest: datetime | None) -> None:
        """A batch's devices and earliest event time (None: no rows)."""
        with self._lock:
            if self._quiet is not None:
                self._quiet.cancel()
            if not self._recovered:  # the writer's first batch: recover, then refresh
                self._pending.update(self._unrefreshed())
                self._recovered = True
            if earliest is not None:
                for device in devices:
                    self._pending[device] = min(earliest, self._pending.get(device, earliest))
            if time.monotonic() - self._refreshed_at >= self.refresh_seconds:
                self._refresh()
            elif self._pending:
                self._quiet = threading.Timer(self.refresh_seconds, self._flush_quiet)
                self._quiet.daemon = True
                self._quiet.start()

    def flush(self) -> None:
        """MERGE what is pending now (the quiet-stream timer calls it)."""
        with self._lock:
            self._refresh()

    def _flush_quiet(self) -> None:
        try:
            self.flush()
        except Exception as error:  # a timer thread: the devices stay pending for the next batch
            log.warning("stream %s: features refresh failed, retried with the next batch: %s", self.spec.name, error)

    def _refresh(self) -> None:
        # Only a MERGE starts the interval: a batch with no rows (a stream's first, often) leaves the next
        # batch with rows free to refresh at once.
        if not self._pending:
            return
        self._refreshed_at = time.monotonic()
        devices, earliest = sorted(self._pending), min(self._pending.values())
        evt = self.spec.event_time_field
        # A device's window ends at its latest event, which is at or after its pending events, so rows older
        # than (earliest pending event - window) never count: Delta skips those files by their stats.
        window = timedelta(seconds=durations.to_seconds(self.spec.features.window))
        silver = self.tables.silver.read(self.spark).where(F.col(evt) > F.lit(earliest - window))
        features = rolling_features(silver, devices, self.spec).withColumn("updated_at", F.current_timestamp())
        # One row per device: computed once and MERGEd from the driver, so the MERGE's own passes over its
        # source do not recompute the window.
        local = self.spark.createDataFrame(features.collect(), features.schema)
        idempotent.upsert(self.spark, local, self.tables.features, ["device"], only_if="s.as_of >= t.as_of")
        self._pending.clear()

    def _unrefreshed(self) -> dict[str, datetime]:
        """The silver rows written after their device's features were (or with no features yet), as each
        device's earliest event time among them: what an earlier writer held in memory when it stopped.
        `processed_at` and `updated_at` are both the driver's clock. One pass over silver per writer start."""
        silver = self.tables.silver
        if not silver.exists(self.spark):
            return {}
        rows = silver.read(self.spark).select(
            F.col(self.spec.entity_field).cast("string").alias("device"),
            F.col(self.spec.event_time_field).alias("event_time"),
            "processed_at",
        )
        if self.tables.features.exists(self.spark):
            refreshed = self.tables.features.read(self.spark).select("device", "updated_at")
            rows = rows.join(refreshed, "device", "left").where(
                F.col("updated_at").isNull() | (F.col("processed_at") > F.col("updated_at"))
            )
        earliest = rows.where(F.col("event_time").isNotNull()).groupBy("device").agg(F.min("event_time").alias("t"))
        return {r["device"]: r["t"] for r in earliest.collect()}
