"""Features: rolling per-device statistics of one field over the spec's feature window, upserted by device.

The features follow silver on their own clock (the spec's `features.refreshInterval`), off the pipeline's
batch path: a MERGE per micro-batch cost as much as silver itself, and an ML feature table does not need
second-by-second freshness. Each refresh takes the devices of the silver rows processed since the last
one, recomputes their features from silver over (latest event - window, latest event], so they never
depend on batch or refresh boundaries, and MERGEs them. The MERGE only moves a device's row forward in
event time (`as_of`), so a replay cannot regress it.

What a refresh has covered is in the data: each row carries `through_processed_at`, the newest silver
`processed_at` its refresh saw. Silver's batches stamp `processed_at` in order, so a restarted writer
resumes from the table's highest value and a refresh lost in a crash is redone, never skipped.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql.streaming import StreamingQuery
from pyspark.sql import functions as F

from . import durations, idempotent
from .spec import StreamSpec
from .tables import PROCESSED_AT, Tables

log = logging.getLogger(__name__)
THROUGH = "through_processed_at"
#: The refresher following each pipeline query (by query id), for whoever stops the query and waits for it.
_FOLLOWING: dict[str, FeatureRefresher] = {}


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
class FeatureRefresher:
    """Keeps a stream's features table current with silver: `refresh()` once, or `follow(query)` to refresh
    every `features.refreshInterval` while the pipeline query runs and once more when it ends."""

    spark: SparkSession
    spec: StreamSpec
    tables: Tables
    _through: datetime | None = field(default=None, init=False, repr=False)
    _resumed: bool = field(default=False, init=False, repr=False)
    _thread: threading.Thread | None = field(default=None, init=False, repr=False)
    _error: BaseException | None = field(default=None, init=False, repr=False)

    def refresh(self) -> int:
        """One refresh; returns how many devices it recomputed."""
        evt, dev = self.spec.event_time_field, self.spec.entity_field
        silver = self.tables.silver.read(self.spark)
        through = self._resume()
        new = silver if through is None else silver.where(F.col(PROCESSED_AT) > F.lit(through))
        changed = new.agg(
            F.collect_set(F.col(dev).cast("string")).alias("devices"),
            F.min(evt).alias("earliest"),
            F.max(PROCESSED_AT).alias("through"),
        ).first()
        if not changed.devices:
            return 0
        # A device's window ends at its latest event, at or after its new rows, so rows older than
        # (earliest new event - window) never count: Delta skips those files by their stats.
        window = timedelta(seconds=durations.to_seconds(self.spec.features.window))
        recent = silver.where(F.col(evt) > F.lit(changed.earliest - window))
        features = rolling_features(recent, sorted(changed.devices), self.spec).select(
            "*", F.lit(changed.through).alias(THROUGH), F.current_timestamp().alias("updated_at")
        )
        # One row per device: computed once and MERGEd from the driver, so the MERGE's own passes over its
        # source do not recompute the window.
        local = self.spark.createDataFrame(features.collect(), features.schema)
        idempotent.upsert(self.spark, local, self.tables.features, ["device"], only_if="s.as_of >= t.as_of")
        self._through = changed.through
        return len(changed.devices)

    def _resume(self) -> datetime | None:
        if not self._resumed:
            table = self.tables.features
            if table.exists(self.spark):
                self._through = table.read(self.spark).agg(F.max(THROUGH)).first()[0]
            self._resumed = True
        return self._through

    def follow(self, query: StreamingQuery) -> FeatureRefresher:
        """Refreshes in a daemon thread while `query` is active, then once more; a failed refresh stops the
        query, and `join()` raises it."""
        interval = durations.to_seconds(self.spec.features.refresh_interval)

        def loop() -> None:
            try:
                while True:
                    ended = self._ended(query, interval)
                    self.refresh()
                    if ended:
                        return
            except BaseException as e:
                log.exception("stream %s: features refresh failed; stopping the pipeline", self.spec.name)
                self._error = e
                query.stop()

        self._thread = threading.Thread(target=loop, name=f"{self.spec.name}-features", daemon=True)
        self._thread.start()
        _FOLLOWING[str(query.id)] = self
        return self

    @staticmethod
    def _ended(query: StreamingQuery, interval: float) -> bool:
        """Waits up to `interval`, returning early (True) when the query ends, so the last refresh follows at once."""
        try:
            return bool(query.awaitTermination(interval))
        except Exception:
            return True

    def join(self) -> None:
        """Waits for the following thread's last refresh; raises what stopped it."""
        if self._thread is not None:
            self._thread.join()
        if self._error is not None:
            raise self._error


def following(query: StreamingQuery) -> FeatureRefresher | None:
    """The refresher that follows a pipeline query, if its stream has features."""
    return _FOLLOWING.get(str(query.id))
