"""Gold: windowed aggregates of each measure per dimension value (device, location, ...).

One query per window (tumbling, sliding or session), one checkpoint each. Each silver row is exploded into
one (dimension, dimension_value) row per dimension, so one groupBy covers every dimension separately.
Append mode with the spec's watermark emits each window once, when it is final, and the Delta sink commits
each micro-batch exactly once: re-runs and restarts neither lose nor double a window.
"""

from __future__ import annotations

from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.streaming import StreamingQuery

from . import durations
from .spec import StreamSpec, WindowSpec
from .tables import Tables


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


def aggregate(silver: DataFrame, spec: StreamSpec, window: WindowSpec) -> DataFrame:
    evt = spec.event_time_field
    watermarked = silver.withWatermark(evt, durations.to_spark_interval(spec.watermark))
    metrics = [F.count(F.lit(1)).alias("event_count")]
    for m in spec.measures:
        metrics += [
            F.avg(m).alias(f"{m}_avg"),
            F.min(m).alias(f"{m}_min"),
            F.max(m).alias(f"{m}_max"),
            F.stddev_samp(m).alias(f"{m}_stddev"),
            F.count(m).alias(f"{m}_count"),
        ]
    grouped = by_dimension(watermarked, spec).groupBy(
        _window_column(evt, window).alias("window"), "dimension", "dimension_value"
    )
    return grouped.agg(*metrics).select(
        F.col("window.start").alias("window_start"),
        F.col("window.end").alias("window_end"),
        "dimension",
        "dimension_value",
        "event_count",
        *[f"{m}_{stat}" for m in spec.measures for stat in ("avg", "min", "max", "stddev", "count")],
    )


def start_gold(
    spark: SparkSession,
    spec: StreamSpec,
    tables: Tables,
    window: WindowSpec,
    checkpoint_location: str,
    trigger: dict[str, Any],
) -> StreamingQuery:
    writer = (
        aggregate(tables.silver.read_stream(spark), spec, window)
        .writeStream.outputMode("append")
        .option("checkpointLocation", checkpoint_location)
        .trigger(**trigger)
        .queryName(f"{spec.name}-{query_name(window)}")
    )
    return tables.gold(window.id).start_stream(writer)
