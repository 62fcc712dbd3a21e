"""Progress reporting: a real local query, its progress rows in Delta, idempotent on replay."""

from __future__ import annotations

import json
import os
import time

from helpers import at, iso
from medallion import progress
from medallion.tables import resolve_tables

# One file per batch (maxFilesPerTrigger 1). Spark 3.5 drops late rows with the watermark of the batch before.
FILES = [
    [at(0), at(0, 30)],
    [at(30), at(31), at(32)],  # watermark from the next batch on: 10:32 - 10 min = 10:22
    [at(33)],
    [at(1)],  # 10:01 < 10:22: dropped by the watermark
]


def _query(spark, tmp_path, name):
    source = tmp_path / "in"
    source.mkdir()
    for i, stamps in enumerate(FILES):
        path = source / f"{i}.json"
        path.write_text("".join(json.dumps({"ts": iso(t)}) + "\n" for t in stamps))
        os.utime(path, (1_700_000_000 + i, 1_700_000_000 + i))  # the file source takes files oldest first
    events = (
        spark.readStream.schema("ts timestamp")
        .option("maxFilesPerTrigger", 1)
        .json(str(source))
        .withWatermark("ts", "10 minutes")
        .dropDuplicates(["ts"])
    )
    return (
        events.writeStream.format("noop")
        .queryName(name)
        .option("checkpointLocation", str(tmp_path / "chk"))
        .trigger(availableNow=True)
    )


def _rows(spark, table, expected, timeout=180):
    # The listener bus is asynchronous: wait until the last event has been written.
    deadline = time.monotonic() + timeout
    while True:
        rows = table.read(spark).orderBy("batch_id").collect() if table.exists(spark) else []
        if len(rows) >= expected or time.monotonic() > deadline:
            return rows
        time.sleep(0.5)


def test_progress_table_follows_the_table_conventions(iot_spec):
    assert progress.progress_table(resolve_tables(iot_spec, "main", "")).name == "main.gold.iot_telemetry_progress"
    assert progress.progress_table(resolve_tables(iot_spec, "", "/lake")).path == "/lake/gold/iot_telemetry_progress"


def test_idle_trigger_is_not_a_row():
    idle = {"id": "q", "runId": "r", "batchId": 3, "numInputRows": 0, "durationMs": {"triggerExecution": 1}}
    assert progress.progress_row(idle) is None
    ran = dict(
        idle, durationMs={"addBatch": 5, "triggerExecution": 9}, sources=[{"metrics": {"maxOffsetsBehindLatest": "7"}}]
    )
    row = progress.progress_row(ran)
    assert (row["batch_id"], row["batch_duration_ms"], row["max_offsets_behind_latest"]) == (3, 9, 7)


def test_listener_records_each_batch_exactly_once(spark, tmp_path, iot_spec):
    tables = resolve_tables(iot_spec, "", str(tmp_path / "lake"))
    table = progress.progress_table(tables)
    # No extra no-data batches (they would only advance the watermark): exactly one batch per file.
    spark.conf.set("spark.sql.streaming.noDataMicroBatches.enabled", "false")
    try:
        query = _query(spark, tmp_path, "progress-test").start()
        progress.report(spark, tables, [query])
        query.awaitTermination()
    finally:
        spark.conf.unset("spark.sql.streaming.noDataMicroBatches.enabled")

    rows = _rows(spark, table, len(FILES))
    assert [(r.query_name, r.run_id, r.batch_id, r.num_input_rows) for r in rows] == [
        ("progress-test", str(query.runId), 0, 2),
        ("progress-test", str(query.runId), 1, 3),
        ("progress-test", str(query.runId), 2, 1),
        ("progress-test", str(query.runId), 3, 1),
    ]
    assert [r.num_rows_dropped_by_watermark for r in rows] == [0, 0, 0, 1]
    assert all(r.state_memory_used_bytes > 0 and r.batch_duration_ms >= 0 for r in rows)
    assert all(r.timestamp is not None and r.processed_rows_per_second is not None for r in rows)
    assert [r.state_rows_total for r in rows] == [2, 5, 4, 4]  # ids older than the watermark are evicted
    assert [r.watermark for r in rows] == [
        "1970-01-01T00:00:00.000Z",
        "2024-01-01T09:50:30.000Z",  # 10:00:30 - 10 minutes
        "2024-01-01T10:22:00.000Z",
        "2024-01-01T10:23:00.000Z",
    ]
    assert json.loads(rows[0].progress_json)["batchId"] == 0

    # Replaying every event (a listener retry, or a backfill) adds nothing.
    assert progress.write_progress(spark, table, query.recentProgress) == len(FILES)
    again = table.read(spark).orderBy("batch_id").collect()
    assert [(r.run_id, r.batch_id, r.num_input_rows) for r in again] == [
        (r.run_id, r.batch_id, r.num_input_rows) for r in rows
    ]
