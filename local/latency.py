"""Produce time -> readable time of each event, in silver and in gold, from the tables' Delta logs.

Produce time: the Kafka record timestamp (CreateTime, set by the producer), kept as `enqueued_time`.
Readable in silver: the commit timestamp of the silver version written by the row's batch (txn version =
silver_batch_id). Readable in gold: the commit timestamp of the first gold version (first tumbling window)
holding the window and device of the event; gold appends a window once the watermark has passed its end, so
that latency includes the window length and the watermark (in event time, compressed by the producer).
"""

from __future__ import annotations

import json
from pathlib import Path

from pyspark.sql import SparkSession
from pyspark.sql import functions as F

from medallion.spec import StreamSpec
from medallion.tables import Tables


def delta_commits(table_path: str) -> list[dict]:
    """One dict per commit: version, timestamp (ms), txn version (or None), added file paths."""
    commits = []
    for f in sorted(Path(table_path, "_delta_log").glob("*.json")):
        entry = {"version": int(f.stem), "timestamp": None, "txn": None, "files": []}
        for line in f.read_text().splitlines():
            action = json.loads(line)
            if "commitInfo" in action:
                entry["timestamp"] = action["commitInfo"]["timestamp"]
            elif "txn" in action:
                entry["txn"] = action["txn"]["version"]
            elif "add" in action:
                entry["files"].append(action["add"]["path"])
        commits.append(entry)
    return commits


def silver_latencies(spark: SparkSession, spec: StreamSpec, tables: Tables) -> list[float]:
    commits = [(c["txn"], c["timestamp"]) for c in delta_commits(tables.silver.path) if c["txn"] is not None]
    if not commits:
        return []
    committed = spark.createDataFrame(commits, "silver_batch_id long, commit_ms long")
    rows = (
        tables.silver.read(spark)
        .join(committed, "silver_batch_id")
        .select((F.col("commit_ms") - F.unix_millis("enqueued_time")).alias("ms"))
        .collect()
    )
    return [float(r["ms"]) for r in rows]


def gold_latencies(spark: SparkSession, spec: StreamSpec, tables: Tables) -> list[float]:
    window = next((w for w in spec.windows if w.type == "tumbling"), None)
    if window is None or not tables.gold(window.id).exists(spark):
        return []
    table = tables.gold(window.id)
    by_file = {Path(p).name: c["timestamp"] for c in delta_commits(table.path) for p in c["files"] if c["timestamp"]}
    if not by_file:
        return []
    files = spark.createDataFrame(list(by_file.items()), "file string, commit_ms long")
    dimension = spec.dimensions[0]
    gold = (
        table.read(spark)
        .where(F.col("dimension") == dimension)
        .withColumn("file", F.element_at(F.split(F.input_file_name(), "/"), -1))
        .join(files, "file")
        .select("window_start", "window_end", "dimension_value", "commit_ms")
    )
    evt = spec.event_time_field
    silver = tables.silver.read(spark).select(
        F.col(dimension).cast("string").alias("dimension_value"), F.col(evt).alias("evt"), "enqueued_time"
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
