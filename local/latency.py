"""Produce time -> readable time of each event, in silver and in gold, from the tables' Delta logs.

Produce time: the Kafka record timestamp (CreateTime, set by the producer), kept as `enqueued_time`.
Readable in silver: the commit timestamp of the silver version that added the row's data file. Readable in
gold: the commit timestamp of the gold version (first tumbling window) holding the window and device of the
event; gold appends a window once the watermark has passed its end, so that latency includes the window
length and the watermark (in event time, compressed by the producer).
"""

from __future__ import annotations

import json
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from medallion.spec import StreamSpec
from medallion.tables import Tables


def commit_ms_by_file(table_path: str) -> dict[str, int]:
    """Data file name -> commit timestamp (ms) of the Delta version that added it."""
    out: dict[str, int] = {}
    for f in sorted(Path(table_path, "_delta_log").glob("*.json")):
        stamp, files = None, []
        for line in f.read_text().splitlines():
            action = json.loads(line)
            if "commitInfo" in action:
                stamp = action["commitInfo"]["timestamp"]
            elif "add" in action:
                files.append(Path(action["add"]["path"]).name)
        out |= {name: stamp for name in files if stamp is not None}
    return out


def _with_commit_ms(spark: SparkSession, table) -> DataFrame | None:
    """The table's rows with the commit time of the version that made them readable (None: no commit yet)."""
    by_file = commit_ms_by_file(table.path)
    if not by_file:
        return None
    files = spark.createDataFrame(list(by_file.items()), "file string, commit_ms long")
    return table.read(spark).withColumn("file", F.element_at(F.split(F.input_file_name(), "/"), -1)).join(files, "file")


def silver_latencies(spark: SparkSession, spec: StreamSpec, tables: Tables, since_ms: int = 0) -> list[float]:
    return commit_latencies(spark, tables.silver, since_ms)


def commit_latencies(spark: SparkSession, table, since_ms: int = 0) -> list[float]:
    """Produce -> readable of each row of a table that keeps the source's `enqueued_time` (bronze, silver),
    for the rows produced at or after `since_ms` (epoch ms)."""
    rows = _with_commit_ms(spark, table)
    if rows is None:
        return []
    rows = rows.where(F.unix_millis("enqueued_time") >= since_ms)
    return [
        float(r["ms"]) for r in rows.select((F.col("commit_ms") - F.unix_millis("enqueued_time")).alias("ms")).collect()
    ]


def gold_latencies(spark: SparkSession, spec: StreamSpec, tables: Tables, since_ms: int = 0) -> list[float]:
    window = next((w for w in spec.windows if w.type == "tumbling"), None)
    if window is None or not tables.gold(window.id).exists(spark):
        return []
    dimension = spec.dimensions[0]
    gold = _with_commit_ms(spark, tables.gold(window.id))
    if gold is None:
        return []
    gold = gold.where(F.col("dimension") == dimension).select(
        "window_start", "window_end", "dimension_value", "commit_ms"
    )
    evt = spec.event_time_field
    silver = (
        tables.silver.read(spark)
        .where(F.unix_millis("enqueued_time") >= since_ms)
        .select(F.col(dimension).cast("string").alias("dimension_value"), F.col(evt).alias("evt"), "enqueued_time")
    )
    joined = silver.join(gold, "dimension_value").where(
        (F.col("evt") >= F.col("window_start")) & (F.col("evt") < F.col("window_end"))
    )
    rows = joined.select((F.col("commit_ms") - F.unix_millis("enqueued_time")).alias("ms")).collect()
    return [float(r["ms"]) for r in rows]


def percentiles(values: list[float]) -> dict[str, float | int | None]:
    """p50/p95/p99 (nearest rank) and the count, in ms."""
    if not values:
        return {"n": 0, "p50": None, "p95": None, "p99": None}
    s = sorted(values)

    def rank(q: float) -> float:
        return round(s[min(len(s) - 1, max(0, int(q * len(s) + 0.999999) - 1))], 1)

    return {"n": len(s), "p50": rank(0.50), "p95": rank(0.95), "p99": rank(0.99)}
