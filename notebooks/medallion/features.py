"""Features: rolling per-device statistics of one field over the spec's feature window, upserted by device.

For each device seen in a micro-batch the features are recomputed from silver over
(latest event - window, latest event], so they never depend on batch boundaries. The MERGE only moves a
device's row forward in event time (`as_of`), so a replayed or older batch cannot regress it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from pyspark.sql import DataFrame, SparkSession, Window
from pyspark.sql import functions as F

from . import durations, idempotent
from .spec import StreamSpec
from .tables import Tables


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
    """MERGEs the features of the devices of one batch of silver rows (silver already holds the batch)."""

    spark: SparkSession
    spec: StreamSpec
    tables: Tables

    def __call__(self, devices: Sequence[str], earliest: datetime | None) -> None:
        """The batch's devices and earliest event time (None: no rows, nothing to do)."""
        if earliest is None or not devices:
            return
        evt = self.spec.event_time_field
        # A device's window ends at its latest event, which is at or after its events in this batch, so rows
        # older than (earliest event of the batch - window) never count: Delta skips those files by their stats.
        window = timedelta(seconds=durations.to_seconds(self.spec.features.window))
        silver = self.tables.silver.read(self.spark).where(F.col(evt) > F.lit(earliest - window))
        features = rolling_features(silver, devices, self.spec).withColumn("updated_at", F.current_timestamp())
        # One row per device of the batch: computed once and MERGEd from the driver, so the MERGE's own passes
        # over its source do not recompute the window.
        local = self.spark.createDataFrame(features.collect(), features.schema)
        idempotent.upsert(self.spark, local, self.tables.features, ["device"], only_if="s.as_of >= t.as_of")
