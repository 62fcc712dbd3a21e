"""Gold: windowed aggregates of each measure per dimension value (device, location, ...).

Each silver row is exploded into one (dimension, dimension_value) row per dimension, so one groupBy covers
every dimension separately. A window is written once, when it is final, in one of two ways:
- tumbling and sliding windows are closed by the pipeline from the data: batch N writes the windows whose end
  is in (horizon before N, horizon after N], computed from silver. Every later row at or before the horizon
  is late (silver quarantines it), so those windows can no longer change; the horizons of consecutive
  batches do not overlap and a batch is appended at most once, so no window is written twice, across
  restarts too. These are the windows Spark's own append-mode aggregation emits (a test holds them equal),
  without a second query re-reading silver and keeping the rows in its state store.
- session windows (a session's end moves with every event, so it cannot be closed from a range of silver)
  are Spark's own streaming aggregation over silver, with the spec's watermark, one query and checkpoint
  each; the Delta sink commits each micro-batch exactly once.
"""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.streaming import StreamingQuery

from . import durations
from .spec import StreamSpec, WindowSpec
from .tables import Tables

#: Window types the pipeline closes itself; the others run as their own streaming query.
CLOSED_BY_PIPELINE = ("tumbling", "sliding")


def query_name(window: WindowSpec) -> str:
    return f"gold_{window.id}"


def _window_column(evt: str, window: WindowSpec) -> Column:
    if window.type == "tumbling":
        return F.window(evt, durations.to_spark_interval(window.duration))
    if window.type == "sliding":
        return F.window(evt, durations.to_spark_interval(window.duration), durations.to_spark_interval(window.slide))
    if window.type == "session":
        return F.session_window(evt, durations.to_spark_interval(window.gap))
    raise ValueError(f"unsupported window type {window.type}")


def by_dimension(silver: DataFrame, spec: StreamSpec) -> DataFrame:
    """One row per (event, dimension): columns dimension, dimension_value, event time, measures."""
    pairs = F.array(
        *[
            F.struct(F.lit(d).alias("dimension"), F.col(d).cast("string").alias("dimension_value"))
            for d in spec.dimensions
        ]
    )
    return silver.select(spec.event_time_field, *spec.measures, F.explode(pairs).alias("_d")).select(
        spec.event_time_field, *spec.measures, "_d.dimension", "_d.dimension_value"
    )


def _windowed(silver: DataFrame, spec: StreamSpec, window: WindowSpec) -> DataFrame:
    metrics = [F.count(F.lit(1)).alias("event_count")]
    for m in spec.measures:
        metrics += [
            F.avg(m).alias(f"{m}_avg"),
            F.min(m).alias(f"{m}_min"),
            F.max(m).alias(f"{m}_max"),
            F.stddev_samp(m).alias(f"{m}_stddev"),
            F.count(m).alias(f"{m}_count"),
        ]
    grouped = by_dimension(silver, spec).groupBy(
        _window_column(spec.event_time_field, window).alias("window"), "dimension", "dimension_value"
    )
    return grouped.agg(*metrics).select(
        F.col("window.start").alias("window_start"),
        F.col("window.end").alias("window_end"),
        "dimension",
        "dimension_value",
        "event_count",
        *[f"{m}_{stat}" for m in spec.measures for stat in ("avg", "min", "max", "stddev", "count")],
    )


def aggregate(silver: DataFrame, spec: StreamSpec, window: WindowSpec) -> DataFrame:
    """Spark's streaming aggregation of a silver stream (append mode emits each window once it is final)."""
    watermarked = silver.withWatermark(spec.event_time_field, durations.to_spark_interval(spec.watermark))
    return _windowed(watermarked, spec, window)


def _epoch_seconds(ts: datetime) -> float:
    return calendar.timegm(ts.utctimetuple()) + ts.microsecond / 1e6


def any_window_ends(window: WindowSpec, after: datetime | None, through: datetime | None) -> bool:
    """Whether a window of this tumbling/sliding spec ends in (after, through]: ends are multiples of the slide
    (the duration for tumbling) from the epoch, as Spark's window() aligns them."""
    if through is None:
        return False
    if after is None:
        return True
    step = durations.to_seconds(window.slide if window.type == "sliding" else window.duration)
    return _epoch_seconds(through) // step > _epoch_seconds(after) // step


def closed_windows(
    silver: DataFrame, spec: StreamSpec, window: WindowSpec, after: datetime | None, through: datetime | None
) -> DataFrame:
    """The tumbling/sliding windows whose end is in (after, through], from silver rows (a batch read).
    No `through` (no event seen yet): no window, only the table's schema."""
    evt = spec.event_time_field
    if through is None:
        return _windowed(silver.where(F.lit(False)), spec, window)
    rows = silver.where(F.col(evt) < F.lit(through))
    end = F.col("window_end") <= F.lit(through)
    if after is not None:
        # A window ending after `after` starts after `after - duration`: older files are skipped by their stats.
        rows = rows.where(F.col(evt) > F.lit(after - timedelta(seconds=durations.to_seconds(window.duration))))
        end = end & (F.col("window_end") > F.lit(after))
    return _windowed(rows, spec, window).where(end)


def start_session_gold(
    spark: SparkSession,
    spec: StreamSpec,
    tables: Tables,
    window: WindowSpec,
    checkpoint_location: str,
    trigger: dict[str, Any],
) -> StreamingQuery:
    windows = aggregate(tables.silver.read_stream(spark), spec, window)
    writer = (
        windows.writeStream.outputMode("append")
        .option("checkpointLocation", checkpoint_location)
        .trigger(**trigger)
        .queryName(f"{spec.name}-{query_name(window)}")
    )
    return tables.session_gold(window.id).start_stream(spark, writer, windows.schema)
