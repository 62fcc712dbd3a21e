"""Rolling per-device features: exact values, window boundary, and a replayed batch."""

from __future__ import annotations

import pytest

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
    silver = spark.createDataFrame(rows, SILVER)
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
