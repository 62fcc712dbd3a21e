"""Rolling per-device features: exact values, window boundary, a replayed batch, the refresh interval and recovery."""

from __future__ import annotations

import time

import pytest
from pyspark.sql import functions as F

from helpers import at
from medallion.features import FeatureWriter
from medallion.idempotent import BatchLog
from medallion.tables import resolve_tables

SILVER = "event_id string, device_id string, timestamp timestamp, temperature double"


def test_features_are_exact_and_a_replay_changes_nothing(spark, iot_spec, tmp_path):
    tables = resolve_tables(iot_spec, None, str(tmp_path / "lake"))
    rows = [
        ("a", "d1", at(0), 10.0),  # exactly 5 minutes before the latest event: outside (window is (t-5m, t])
        ("b", "d1", at(1), 12.0),
        ("c", "d1", at(3), 16.0),
        ("d", "d1", at(5), 20.0),
        ("e", "d2", at(2), 7.0),
    ]
    silver = spark.createDataFrame(rows, SILVER).withColumn("processed_at", F.current_timestamp())
    BatchLog(spark, "w1").append(len(rows), lambda: silver, tables.silver, 0)
    writer = FeatureWriter(spark, iot_spec, tables)
    devices, earliest = ["d1", "d2"], at(1)  # the batch: rows b-e

    def features():
        return {
            r.device: (r.as_of, r.temperature_avg, r.temperature_stddev, r.temperature_range, r.temperature_count)
            for r in tables.features.read(spark).collect()
        }

    writer(devices, earliest)
    first = features()
    assert first["d1"][:2] == (at(5), 16.0)
    assert first["d1"][2] == pytest.approx(4.0)  # sample stddev of 12, 16, 20
    assert first["d1"][3:] == (8.0, 3)
    assert first["d2"] == (at(2), 7.0, None, 0.0, 1)
    writer(devices, earliest)  # a replay of the batch
    assert features() == first
    assert tables.features.read(spark).count() == 2


def _features(spark, tables) -> dict:
    if not tables.features.exists(spark):
        return {}
    return {r.device: (r.as_of, r.temperature_avg, r.temperature_count) for r in tables.features.read(spark).collect()}


def _silver(spark, tables, batch_id: int, rows: list[tuple]) -> None:
    def frame():
        return spark.createDataFrame(rows, SILVER).withColumn("processed_at", F.current_timestamp())

    BatchLog(spark, "w1").append(len(rows), frame, tables.silver, batch_id)


def test_a_continuous_stream_refreshes_features_at_most_every_interval(spark, iot_spec, tmp_path):
    """A writer's first batch refreshes; the batches inside the interval after it wait in memory, and the next
    refresh MERGEs all their devices at once, exact."""
    tables = resolve_tables(iot_spec, None, str(tmp_path / "lake"))
    writer = FeatureWriter(spark, iot_spec, tables, refresh_seconds=3600)
    _silver(spark, tables, 0, [("a", "d1", at(0), 10.0)])
    writer(["d1"], at(0))
    assert _features(spark, tables) == {"d1": (at(0), 10.0, 1)}
    _silver(spark, tables, 1, [("b", "d1", at(1), 14.0), ("c", "d2", at(1), 7.0)])
    writer(["d1", "d2"], at(1))
    _silver(spark, tables, 2, [("d", "d2", at(2), 9.0)])
    writer(["d2"], at(2))
    assert _features(spark, tables) == {"d1": (at(0), 10.0, 1)}
    writer.flush()
    assert _features(spark, tables) == {"d1": (at(1), 12.0, 2), "d2": (at(2), 8.0, 2)}


def test_a_quiet_stream_gets_its_features_one_interval_after_its_last_batch(spark, iot_spec, tmp_path):
    tables = resolve_tables(iot_spec, None, str(tmp_path / "lake"))
    writer = FeatureWriter(spark, iot_spec, tables, refresh_seconds=15)
    writer([], None)  # the writer's first batch, with no rows: nothing to MERGE, so the interval does not start
    _silver(spark, tables, 0, [("a", "d1", at(0), 10.0)])
    writer(["d1"], at(0))  # the first batch with rows refreshes at once
    assert _features(spark, tables) == {"d1": (at(0), 10.0, 1)}
    _silver(spark, tables, 1, [("b", "d1", at(0, 30), 20.0)])
    writer(["d1"], at(0, 30))  # well within the interval: kept for the quiet-stream timer
    assert _features(spark, tables) == {"d1": (at(0), 10.0, 1)}
    deadline = time.monotonic() + 90
    while _features(spark, tables) == {"d1": (at(0), 10.0, 1)} and time.monotonic() < deadline:
        time.sleep(0.5)
    assert _features(spark, tables) == {"d1": (at(0, 30), 15.0, 2)}


def test_a_new_writer_refreshes_the_devices_an_earlier_writer_left_pending(spark, iot_spec, tmp_path):
    """A writer that stopped between refreshes loses its memory: the next one finds each device with silver
    rows written after its features (an older, out-of-order event included) and leaves the others as they are."""
    tables = resolve_tables(iot_spec, None, str(tmp_path / "lake"))
    _silver(spark, tables, 0, [("a", "d1", at(0), 10.0), ("b", "d2", at(0), 7.0)])
    stopped = FeatureWriter(spark, iot_spec, tables, refresh_seconds=3600)
    stopped(["d1", "d2"], at(0))
    _silver(spark, tables, 1, [("c", "d1", at(2), 20.0), ("d", "d3", at(2), 5.0), ("e", "d2", at(-1), 9.0)])
    stopped(["d1", "d2", "d3"], at(-1))  # pending in memory when this writer stops
    assert _features(spark, tables) == {"d1": (at(0), 10.0, 1), "d2": (at(0), 7.0, 1)}
    FeatureWriter(spark, iot_spec, tables)([], None)  # the next writer's first batch holds no rows
    assert _features(spark, tables) == {
        "d1": (at(2), 15.0, 2),
        "d2": (at(0), 8.0, 2),  # the out-of-order event: as_of stays, the statistics change
        "d3": (at(2), 5.0, 1),
    }
    recovered = {r.device: r.updated_at for r in tables.features.read(spark).collect()}
    _silver(spark, tables, 2, [("f", "d3", at(3), 7.0)])
    FeatureWriter(spark, iot_spec, tables, refresh_seconds=3600)([], None)  # one more writer start
    assert _features(spark, tables)["d3"] == (at(3), 6.0, 2)
    refreshed = {r.device: r.updated_at for r in tables.features.read(spark).collect()}
    assert [refreshed[d] == recovered[d] for d in ("d1", "d2", "d3")] == [True, True, False]
