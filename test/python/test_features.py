"""Rolling per-device features: exact values, window boundary, a refresh that resumes from the table."""

from __future__ import annotations

from datetime import datetime

import pytest

from helpers import at
from medallion.features import FeatureRefresher
from medallion.idempotent import BatchLog
from medallion.tables import resolve_tables

SILVER = "event_id string, device_id string, timestamp timestamp, temperature double, processed_at timestamp"
FIRST, SECOND = datetime(2026, 1, 1, 12, 0, 0), datetime(2026, 1, 1, 12, 0, 10)  # two silver batches' stamps


def test_features_are_exact_and_each_refresh_recomputes_only_new_devices(spark, iot_spec, tmp_path):
    tables = resolve_tables(iot_spec, None, str(tmp_path / "lake"))
    log = BatchLog(spark, "w1")

    def silver_batch(batch_id, rows):
        log.append(len(rows), lambda: spark.createDataFrame(rows, SILVER), tables.silver, batch_id)

    silver_batch(
        0,
        [
            ("a", "d1", at(0), 10.0, FIRST),  # exactly 5 minutes before the latest event: outside (t-5m, t]
            ("b", "d1", at(1), 12.0, FIRST),
            ("c", "d1", at(3), 16.0, FIRST),
            ("d", "d1", at(5), 20.0, FIRST),
            ("e", "d2", at(2), 7.0, FIRST),
        ],
    )

    def features():
        return {
            r.device: (r.as_of, r.temperature_avg, r.temperature_stddev, r.temperature_range, r.temperature_count)
            for r in tables.features.read(spark).collect()
        }

    refresher = FeatureRefresher(spark, iot_spec, tables)
    assert refresher.refresh() == 2
    first = features()
    assert first["d1"][:2] == (at(5), 16.0)
    assert first["d1"][2] == pytest.approx(4.0)  # sample stddev of 12, 16, 20
    assert first["d1"][3:] == (8.0, 3)
    assert first["d2"] == (at(2), 7.0, None, 0.0, 1)
    assert refresher.refresh() == 0  # nothing new in silver
    assert features() == first

    silver_batch(1, [("f", "d2", at(4), 9.0, SECOND)])
    # A restarted writer resumes from the newest processed_at the table holds: only d2 is recomputed.
    assert FeatureRefresher(spark, iot_spec, tables).refresh() == 1
    assert features() == {**first, "d2": (at(4), 8.0, pytest.approx(2**0.5), 2.0, 2)}
    assert [r.through_processed_at for r in tables.features.read(spark).orderBy("device").collect()] == [FIRST, SECOND]


class EndedQuery:
    """A pipeline query that has already ended (what `follow` sees after an availableNow run)."""

    id = "ended-query"

    def __init__(self):
        self.stopped = 0

    def awaitTermination(self, timeout):
        return True

    def stop(self):
        self.stopped += 1


def test_follow_refreshes_once_more_when_the_query_ends(spark, iot_spec, tmp_path, monkeypatch):
    refresher = FeatureRefresher(spark, iot_spec, resolve_tables(iot_spec, None, str(tmp_path / "lake")))
    calls = []
    monkeypatch.setattr(refresher, "refresh", lambda: calls.append("refresh") or 0)
    query = EndedQuery()
    refresher.follow(query).join()
    assert (calls, query.stopped) == (["refresh"], 0)


def test_a_failed_refresh_stops_the_query_and_join_raises_it(spark, iot_spec, tmp_path, monkeypatch):
    refresher = FeatureRefresher(spark, iot_spec, resolve_tables(iot_spec, None, str(tmp_path / "lake")))

    def fail():
        raise RuntimeError("features table unreachable")

    monkeypatch.setattr(refresher, "refresh", fail)
    query = EndedQuery()
    with pytest.raises(RuntimeError, match="^features table unreachable$"):
        refresher.follow(query).join()
    assert query.stopped == 1
