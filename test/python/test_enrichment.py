"""Enrichment: silver rows joined with a reference table as it is when the batch runs (hits, misses kept or
quarantined, a dimension updated between two batches), exact rows."""

from __future__ import annotations

import json

import pytest
from pyspark.sql import functions as F

from helpers import ROOT, at, event
from medallion.idempotent import BatchLog
from medallion.silver import SilverStage
from medallion.sources import CANONICAL_SCHEMA
from medallion.spec import parse_spec
from medallion.tables import resolve_tables

DEVICES = "silver.devices"


def enriched_spec(on_missing: str, **enrichment):
    data = json.loads((ROOT / "schema/examples/valid/iot-telemetry.json").read_text())
    data["enrichment"] = [
        {"table": DEVICES, "keys": ["device_id"], "columns": ["site", "model"], "onMissing": on_missing, **enrichment}
    ]
    return parse_spec(data)


def bronze(spark, bodies):
    rows = [(json.dumps(body), "file", "0", str(i), i, at(seconds=i)) for i, body in enumerate(bodies)]
    return spark.createDataFrame(rows, CANONICAL_SCHEMA).withColumn("ingestion_time", F.current_timestamp())


def write_devices(spark, tables, rows, mode="overwrite"):
    frame = spark.createDataFrame(rows, "device_id string, site string, model string, installed int")
    frame.write.format("delta").mode(mode).save(tables.reference(DEVICES).path)


def silver_rows(spark, tables):
    return sorted((r.event_id, r.device_id, r.site, r.model) for r in tables.silver.read(spark).collect())


def quarantine_rows(spark, tables):
    return sorted((json.loads(r.raw_body)["event_id"], r.reason) for r in tables.quarantine.read(spark).collect())


def run(spark, spec, tables, bodies, batch_id, writer="w1"):
    return SilverStage(spark, spec, tables, BatchLog(spark, writer))(bronze(spark, bodies), batch_id)


@pytest.fixture
def setup(spark, tmp_path):
    def make(on_missing):
        spec = enriched_spec(on_missing)
        tables = resolve_tables(spec, None, str(tmp_path / "lake"))
        write_devices(spark, tables, [("d1", "Plant A", "T-100", 2021), ("d2", "Plant B", "T-200", 2022)])
        return spec, tables

    return make


def test_the_reference_table_sits_in_its_layer_beside_the_streams_tables(tmp_path):
    spec = enriched_spec("keep")
    lake = resolve_tables(spec, None, str(tmp_path / "lake"))
    assert lake.reference(DEVICES).path == f"{tmp_path}/lake/silver/devices"
    assert str(resolve_tables(spec, "stream_prod", None).reference(DEVICES)) == "stream_prod.silver.devices"


def test_a_hit_gets_the_columns_and_a_kept_miss_gets_nulls(spark, setup):
    spec, tables = setup("keep")
    result = run(spark, spec, tables, [event("a", "d1", at(0)), event("b", "d2", at(0)), event("c", "d9", at(0))], 0)
    assert silver_rows(spark, tables) == [
        ("a", "d1", "Plant A", "T-100"),
        ("b", "d2", "Plant B", "T-200"),
        ("c", "d9", None, None),
    ]
    # AND only the named columns are joined
    assert "installed" not in tables.silver.read(spark).columns
    assert (result.valid_rows, result.quarantined_rows) == (3, 0)


def test_a_miss_with_quarantine_goes_to_quarantine_with_its_reason_and_is_counted(spark, setup):
    spec, tables = setup("quarantine")
    bodies = [event("a", "d1", at(0)), event("c", "d9", at(0)), event("d", "d9", at(0), "hot")]
    result = run(spark, spec, tables, bodies, 0)
    assert silver_rows(spark, tables) == [("a", "d1", "Plant A", "T-100")]
    # AND a row already rejected keeps its first reason
    assert quarantine_rows(spark, tables) == [
        ("c", "unknown_reference:silver.devices"),
        ("d", "type_mismatch:temperature"),
    ]
    assert (result.valid_rows, result.quarantined_rows) == (1, 2)


def test_a_dimension_updated_between_two_batches_is_seen_by_the_next_batch_without_a_restart(spark, setup):
    spec, tables = setup("quarantine")
    stage = SilverStage(spark, spec, tables, BatchLog(spark, "w1"))
    stage(bronze(spark, [event("a", "d1", at(0)), event("b", "d3", at(0))]), 0)
    # WHEN d1 moves and d3 is added
    write_devices(spark, tables, [("d1", "Plant C", "T-100", 2021), ("d3", "Plant D", "T-300", 2024)])
    stage(bronze(spark, [event("c", "d1", at(1)), event("d", "d3", at(1))]), 1)
    # THEN the first batch kept what it joined, the second joined the new version
    assert silver_rows(spark, tables) == [
        ("a", "d1", "Plant A", "T-100"),
        ("c", "d1", "Plant C", "T-100"),
        ("d", "d3", "Plant D", "T-300"),
    ]
    assert quarantine_rows(spark, tables) == [("b", "unknown_reference:silver.devices")]


def test_a_key_held_twice_joins_its_smallest_row(spark, setup):
    spec, tables = setup("keep")
    write_devices(spark, tables, [("d1", "Plant B", "T-100", 2021), ("d1", "Plant A", "T-900", 2020)])
    run(spark, spec, tables, [event("a", "d1", at(0))], 0)
    # Not whichever row a shuffle meets first: a replay against the same version joins the same values.
    assert silver_rows(spark, tables) == [("a", "d1", "Plant A", "T-900")]


def test_a_missing_table_or_column_is_named(spark, tmp_path):
    spec = enriched_spec("keep")
    tables = resolve_tables(spec, None, str(tmp_path / "lake"))
    with pytest.raises(ValueError) as missing_table:
        run(spark, spec, tables, [event("a", "d1", at(0))], 0)
    assert str(missing_table.value) == (
        f"enrichment[0].table: reference table silver.devices ({tables.reference(DEVICES)}) does not exist; "
        "create it before the stream starts"
    )
    spark.createDataFrame([("d1", "Plant A")], "device_id string, site string").write.format("delta").save(
        tables.reference(DEVICES).path
    )
    with pytest.raises(ValueError) as missing_column:
        run(spark, spec, tables, [event("a", "d1", at(0))], 0)
    assert str(missing_column.value) == (
        f"enrichment[0]: reference table silver.devices ({tables.reference(DEVICES)}) has no column model; "
        "it has device_id, site"
    )
