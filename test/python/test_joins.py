"""Stream-to-stream joins into gold: matches inside the bound, none outside it, the left-outer row once the
watermark passes, a restart from the checkpoint doubling nothing, and the pair's problems named; exact rows."""

from __future__ import annotations

import json

import pytest
from pyspark.sql import functions as F

from helpers import ROOT, at, event
from medallion import jobs
from medallion.idempotent import BatchLog
from medallion.joins import start_join
from medallion.silver import SilverStage
from medallion.sources import CANONICAL_SCHEMA
from medallion.spec import parse_spec
from medallion.tables import resolve_tables

IOT = json.loads((ROOT / "schema/examples/valid/iot-telemetry.json").read_text())


def impressions_spec(join_type: str) -> dict:
    """The owner: iot events standing for ad impressions, joined to the clicks on the same device within 5 minutes."""
    data = json.loads(json.dumps(IOT))
    data["name"] = "impressions"
    data["target"]["table"] = "impressions"
    data["windows"] = [data["windows"][0]]
    join = {"id": "clicked", "stream": "clicks", "keys": ["device_id"], "within": "5 minutes", "columns": ["click_id"]}
    data["joins"] = [{**join, "type": join_type}]
    return data


def clicks_spec() -> dict:
    data = json.loads(json.dumps(IOT))
    data["name"] = "clicks"
    data["target"]["table"] = "clicks"
    data["windows"] = [data["windows"][0]]
    data["schema"]["fields"].append({"name": "click_id", "type": "string", "required": False})
    return data


def write_silver(spark, spec, tables, bodies, batch_id):
    rows = [(json.dumps(body), "file", "0", str(i), i, at(seconds=i)) for i, body in enumerate(bodies)]
    bronze = spark.createDataFrame(rows, CANONICAL_SCHEMA).withColumn("ingestion_time", F.current_timestamp())
    SilverStage(spark, spec, tables, BatchLog(spark, "w1"))(bronze, batch_id)


@pytest.fixture
def pair(spark, tmp_path):
    def make(join_type):
        mine, other = parse_spec(impressions_spec(join_type)), parse_spec(clicks_spec())
        lake = str(tmp_path / "lake")
        tables, other_tables = resolve_tables(mine, None, lake), resolve_tables(other, None, lake)

        def run():
            location = str(tmp_path / "checkpoints" / "join_clicked")
            trigger = {"availableNow": True}
            query = start_join(spark, mine, tables, other, other_tables, mine.joins[0], location, trigger)
            query.awaitTermination()
            table = tables.join("clicked")
            return sorted((r.event_id, r.device_id, r.click_id) for r in table.read(spark).collect())

        def batch(batch_id, impressions, clicks):
            write_silver(spark, mine, tables, impressions, batch_id)
            write_silver(spark, other, other_tables, clicks, batch_id)

        return run, batch

    return make


FIRST_IMPRESSIONS = [event("i1", "d1", at(0)), event("i2", "d2", at(0)), event("i3", "d3", at(0))]
FIRST_CLICKS = [
    {**event("c1", "d1", at(-1)), "click_id": "k1"},  # a minute before the impression: outside
    {**event("c2", "d2", at(3)), "click_id": "k2"},  # 3 minutes after: inside
    {**event("c3", "d3", at(7)), "click_id": "k3"},  # 7 minutes after: outside
]
# An hour later: both watermarks pass 10:05, the end of the first impressions' bound.
LATER = ([event("i4", "d4", at(60))], [{**event("c4", "d4", at(61)), "click_id": "k4"}])


def test_inner_matches_inside_the_bound_only_and_a_restart_doubles_nothing(pair):
    run, batch = pair("inner")
    batch(0, FIRST_IMPRESSIONS, FIRST_CLICKS)
    assert run() == [("i2", "d2", "k2")]
    batch(1, *LATER)
    assert run() == [("i2", "d2", "k2"), ("i4", "d4", "k4")]
    # WHEN the query restarts from its checkpoint with nothing new
    assert run() == [("i2", "d2", "k2"), ("i4", "d4", "k4")]


def test_left_outer_writes_the_unmatched_impressions_once_the_watermark_passes(pair):
    run, batch = pair("leftOuter")
    batch(0, FIRST_IMPRESSIONS, FIRST_CLICKS)
    # i1 and i3 may still be matched by a click to come: not written yet
    assert run() == [("i2", "d2", "k2")]
    batch(1, *LATER)
    expected = [("i1", "d1", None), ("i2", "d2", "k2"), ("i3", "d3", None), ("i4", "d4", "k4")]
    assert run() == expected
    assert run() == expected


def test_the_pairs_problems_are_named_together_before_anything_starts(spark, tmp_path):
    mine = impressions_spec("inner")
    other = clicks_spec()
    other["schema"]["fields"] = [f for f in other["schema"]["fields"] if f["name"] != "click_id"]
    other["schema"]["fields"][1]["type"] = "long"  # device_id
    common = {"spec": json.dumps(mine), "checkpoint_root": str(tmp_path / "cp"), "lake_root": str(tmp_path / "lake")}
    with pytest.raises(ValueError) as wrong:
        jobs.run_pipeline(spark, **common, join_specs=json.dumps({"clicks": other}), kafka_bootstrap_servers="x:1")
    fields = ", ".join(f["name"] for f in other["schema"]["fields"])
    assert str(wrong.value) == (
        "impressions: joins[0].keys[0]: 'device_id' is string here but long in stream clicks; "
        f"impressions: joins[0].columns[0]: 'click_id' is not a field of stream clicks; it has {fields}"
    )
    with pytest.raises(ValueError) as missing:
        jobs.run_pipeline(spark, **common, kafka_bootstrap_servers="x:1")
    assert str(missing.value) == "impressions: joins[0] names stream clicks, whose spec join_specs does not hold"
