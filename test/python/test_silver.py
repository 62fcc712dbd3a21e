"""Silver validation rules, and its foreachBatch function called directly (retries)."""

from __future__ import annotations

import json

import pytest
from pyspark.sql import functions as F

from helpers import ROOT, at, event, iso
from medallion.idempotent import BatchLog, CheckpointBehindTable
from medallion.silver import SilverStage, validate_events
from medallion.sources import CANONICAL_SCHEMA
from medallion.spec import load_spec
from medallion.tables import resolve_tables


def bronze_rows(spark, bodies):
    rows = []
    for i, body in enumerate(bodies):
        text = body if isinstance(body, str) or body is None else json.dumps(body)
        rows.append((text, "file", "0", str(i), i, at(seconds=i)))
    return spark.createDataFrame(rows, CANONICAL_SCHEMA).withColumn("ingestion_time", F.current_timestamp())


CASES = [
    (event("a", "d1", at(0), 21.5), None),
    (event("b", "d1", at(0), 21), None),  # an integer is a valid double
    ("not json", "malformed_json"),
    ("[1, 2]", "malformed_json"),
    ('"just a string"', "malformed_json"),
    ("", "malformed_json"),
    (None, "malformed_json"),
    ("{}", "missing_required:event_id"),
    (event("c", "d1", at(0), None), "missing_required:temperature"),
    ({"event_id": "d", "device_id": "d1", "temperature": 1.0, "location": "x"}, "missing_required:timestamp"),
    (event("e", "d1", at(0), "hot"), "type_mismatch:temperature"),
    (event("f", "d1", at(0), True), "type_mismatch:temperature"),
    ({**event("g", "d1", at(0)), "timestamp": "yesterday"}, "type_mismatch:timestamp"),
    (event("h", "d1", at(0), 20.0, humidity="wet"), "type_mismatch:humidity"),
    (event("i", "d1", at(0), 150.0), None),  # max is inclusive
    (event("j", "d1", at(0), 150.01), "out_of_range:temperature"),
    (event("k", "d1", at(0), -60.0), None),
    (event("l", "d1", at(0), -60.5), "out_of_range:temperature"),
    (event("m", "d1", at(0), 20.0, status="critical"), None),
    (event("n", "d1", at(0), 20.0, status="CRITICAL"), "not_allowed:status"),
    # several problems: the first in the order missing > type > allowed > range is reported
    ({"event_id": "o", "device_id": "d1", "timestamp": "x", "temperature": 500}, "missing_required:location"),
]


def test_validation_reasons(spark, iot_spec):
    checked = validate_events(bronze_rows(spark, [body for body, _ in CASES]), iot_spec)
    got = {r.source_offset: r.reason for r in checked.select("source_offset", "reason").collect()}
    assert [got[str(i)] for i in range(len(CASES))] == [reason for _, reason in CASES]


def test_typed_values(spark, iot_spec):
    checked = validate_events(
        bronze_rows(spark, [event("a", "d1", at(0, 1.5), 21, humidity=40, status="normal")]), iot_spec
    )
    row = checked.first()
    assert (row.event_id, row.device_id, row.timestamp, row.temperature, row.humidity, row.status) == (
        "a",
        "d1",
        at(0, 1.5),
        21.0,
        40.0,
        "normal",
    )


def test_fahrenheit_is_standardized_before_the_range_check(spark):
    spec = load_spec(ROOT / "schema/examples/valid/manufacturing-sensors.json")

    def reading(eid, value, unit):
        return {
            "event_id": eid,
            "sensor_id": "s1",
            "device_type": "rtd",
            "timestamp": iso(at(0)),
            "value": value,
            "unit": unit,
            "location": "line-1",
        }

    bodies = [
        reading("a", 212.0, "fahrenheit"),
        reading("b", 100.0, "celsius"),
        reading("c", -76.0, "fahrenheit"),  # -60 C: below min -50 only after conversion
        reading("d", 10.0, "rankine"),
    ]
    got = sorted(
        (r.event_id, r.value, r.unit, r.reason)
        for r in validate_events(bronze_rows(spark, bodies), spec)
        .select("event_id", "value", "unit", "reason")
        .collect()
    )
    assert got == [
        ("a", 100.0, "celsius", None),
        ("b", 100.0, "celsius", None),
        ("c", -60.0, "celsius", "out_of_range:value"),
        ("d", 10.0, "rankine", "not_allowed:unit"),
    ]


@pytest.fixture
def tables(iot_spec, tmp_path):
    return resolve_tables(iot_spec, None, str(tmp_path / "lake"))


def stage(spark, spec, tables, writer="w1", log=None, **kwargs) -> SilverStage:
    """A silver stage as a (re)started pipeline has it: a fresh batch log, so it reads the tables once."""
    return SilverStage(spark, spec, tables, log or BatchLog(spark, writer), **kwargs)


def counts(spark, tables):
    return tables.silver.read(spark).count(), tables.quarantine.read(spark).count()


def test_replayed_batch_writes_nothing_twice(spark, iot_spec, tables):
    writer = stage(spark, iot_spec, tables)
    batch0 = bronze_rows(spark, [event("a", "d1", at(0)), event("b", "d1", at(1)), "bad", event("a", "d1", at(0))])
    writer(batch0, 0)
    assert counts(spark, tables) == (2, 2)
    writer(batch0, 0)  # foreachBatch retried with the same id
    assert counts(spark, tables) == (2, 2)
    stage(spark, iot_spec, tables)(batch0, 0)  # a new writer (restart) re-runs the last batch
    assert counts(spark, tables) == (2, 2)
    batch1 = bronze_rows(spark, [event("b", "d1", at(1)), event("c", "d2", at(2))])
    writer(batch1, 1)
    assert counts(spark, tables) == (3, 3)
    reasons = sorted(r.reason for r in tables.quarantine.read(spark).collect())
    assert reasons == ["duplicate", "duplicate", "malformed_json"]


class CrashBefore(BatchLog):
    """A batch log whose process dies just before appending to one table (once)."""

    def __init__(self, spark, writer_id: str, table):
        super().__init__(spark, writer_id)
        self.table = table

    def append(self, rows, df, table, batch_id):
        if str(table) == str(self.table):
            raise RuntimeError("crash")
        return super().append(rows, df, table, batch_id)


def test_crash_between_silver_and_quarantine_then_restart_classifies_the_same(spark, iot_spec, tables):
    """The restarted writer must not call the batch's own silver rows duplicates, nor write them twice."""
    batch = bronze_rows(spark, [event("a", "d1", at(0)), "bad", event("b", "d1", at(1))])
    with pytest.raises(RuntimeError, match="crash"):
        stage(spark, iot_spec, tables, log=CrashBefore(spark, "w1", tables.quarantine))(batch, 0)
    assert tables.silver.read(spark).count() == 2
    assert not tables.quarantine.exists(spark)
    stage(spark, iot_spec, tables)(batch, 0)
    assert counts(spark, tables) == (2, 1)
    assert tables.quarantine.read(spark).first().reason == "malformed_json"


def test_a_new_checkpoint_is_a_new_writer(spark, iot_spec, tables):
    """Batch ids restart at 0 with a new checkpoint: its batch 0 is new work, checked against silver's rows."""
    stage(spark, iot_spec, tables, writer="w1")(bronze_rows(spark, [event("a", "d1", at(0))]), 0)
    stage(spark, iot_spec, tables, writer="w2")(
        bronze_rows(spark, [event("a", "d1", at(0)), event("b", "d1", at(1))]), 0
    )
    assert sorted(r.event_id for r in tables.silver.read(spark).collect()) == ["a", "b"]
    assert [r.reason for r in tables.quarantine.read(spark).collect()] == ["duplicate"]


def test_a_table_ahead_of_the_checkpoint_is_an_error(spark, iot_spec, tables):
    writer = stage(spark, iot_spec, tables)
    writer(bronze_rows(spark, [event("a", "d1", at(0))]), 0)
    writer(bronze_rows(spark, [event("b", "d1", at(1))]), 1)
    with pytest.raises(CheckpointBehindTable) as error:
        stage(spark, iot_spec, tables)(bronze_rows(spark, [event("a", "d1", at(0))]), 0)
    assert str(error.value) == (
        f"{tables.silver} holds batch 1 of writer w1 but the checkpoint is running batch 0: the checkpoint was "
        "restored from an older copy; start from a new checkpoint location"
    )


def commits(table) -> int:
    """Delta versions of a path table: one JSON file per commit in its log."""
    from pathlib import Path

    return len(list(Path(table.path, "_delta_log").glob("*.json")))


def test_first_batch_creates_every_table_and_later_empty_writes_are_skipped(spark, iot_spec, tables):
    writer = stage(spark, iot_spec, tables)
    writer(bronze_rows(spark, [event("a", "d1", at(0))]), 0)
    # Nothing was quarantined, yet the table exists: readers and dashboards need it from the start.
    # A table is created (one commit, with its layout) before its first append.
    assert counts(spark, tables) == (1, 0)
    assert (commits(tables.silver), commits(tables.quarantine)) == (2, 1)
    writer(bronze_rows(spark, [event("b", "d1", at(1))]), 1)
    assert (commits(tables.silver), commits(tables.quarantine)) == (3, 1)
    # Only rejects: silver is not written.
    writer(bronze_rows(spark, ["bad", event("b", "d1", at(1))]), 2)
    assert (commits(tables.silver), commits(tables.quarantine)) == (3, 2)
    assert sorted(r.reason for r in tables.quarantine.read(spark).collect()) == ["duplicate", "malformed_json"]


def test_tables_collect_statistics_only_on_the_columns_reads_skip_by(spark, iot_spec, tables):
    stage(spark, iot_spec, tables)(bronze_rows(spark, [event("a", "d1", at(0)), "bad"]), 0)
    properties = {
        str(t): spark.sql(f"SHOW TBLPROPERTIES {t}").where("key = 'delta.dataSkippingStatsColumns'").first().value
        for t in (tables.silver, tables.quarantine)
    }
    assert properties == {str(tables.silver): "timestamp,silver_batch_id", str(tables.quarantine): "batch_id,reason"}


def test_horizon_is_the_same_after_a_restart_and_on_a_retry(spark, iot_spec, tables):
    """The running maximum is kept in memory; a new writer (restart) derives it from silver's rows."""
    watermark = 10  # minutes, the iot spec's
    writer = stage(spark, iot_spec, tables)
    writer(bronze_rows(spark, [event("a", "d1", at(30)), event("b", "d1", at(20))]), 0)
    writer(bronze_rows(spark, [event("c", "d1", at(25))]), 1)  # older than batch 0's max: the max stays
    writer(bronze_rows(spark, [event("d", "d1", at(45))]), 2)
    assert writer.horizon(2) == at(30 - watermark)  # a retry of batch 2 excludes batch 2 itself
    assert writer.horizon(3) == at(45 - watermark)
    restarted = stage(spark, iot_spec, tables)
    assert restarted.horizon(2) == at(30 - watermark)
    assert restarted.horizon(3) == at(45 - watermark)
    assert stage(spark, iot_spec, tables).horizon(1) == at(30 - watermark)
    assert stage(spark, iot_spec, tables).horizon(0) is None
    # A new checkpoint (another writer) starts from everything silver holds.
    assert stage(spark, iot_spec, tables, writer="w2").horizon(0) == at(45 - watermark)
