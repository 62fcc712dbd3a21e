"""Change data feed (spec target.changeDataFeed): which tables get it, and the documented downstream read of
the features MERGE's inserts and updates through readChangeFeed, exact rows."""

from __future__ import annotations

import json

from helpers import ROOT, EventFiles, at, event, run_available_now
from medallion.change_feed import read_changes
from medallion.spec import parse_spec
from medallion.tables import resolve_tables

CHANGE_DATA_FEED = "delta.enableChangeDataFeed"


def cdf_spec_json() -> str:
    data = json.loads((ROOT / "schema/examples/valid/iot-telemetry.json").read_text())
    data["target"]["changeDataFeed"] = True
    # One tumbling window keeps the run short; the session window's table is checked by its own test below.
    data["windows"] = [w for w in data["windows"] if w["id"] in ("tumbling_1m", "session_10m")]
    return json.dumps(data)


def run(spark, spec_json, root, files):
    run_available_now(spark, spec_json, root, files.directory)


def properties(spark, table) -> dict[str, str]:
    detail = table.delta(spark).detail().select("properties").first()
    return dict(detail["properties"])


def changes(spark, table, columns):
    """Every change of `table` so far, read the way a downstream streaming job reads it (availableNow)."""
    seen = []
    query = (
        read_changes(spark, table, starting_version=0)
        .writeStream.foreachBatch(lambda batch, _: seen.extend(batch.select(*columns).collect()))
        .trigger(availableNow=True)
        .start()
    )
    query.awaitTermination()
    return sorted(tuple(r) for r in seen)


def test_silver_and_gold_tables_get_a_change_data_feed_and_features_updates_stream_downstream(spark, tmp_path):
    spec_json = cdf_spec_json()
    spec = parse_spec(json.loads(spec_json))
    files = EventFiles(tmp_path / "input")
    files.write("001", [event("a", "d1", at(0), 10.0), event("b", "d1", at(1), 20.0)])
    run(spark, spec_json, tmp_path, files)
    files.write("002", [event("c", "d1", at(2), 30.0)])
    run(spark, spec_json, tmp_path, files)
    tables = resolve_tables(spec, None, str(tmp_path / "lake"))

    # THEN every silver and gold table has the feed, bronze does not
    on = [tables.silver, tables.quarantine, tables.gold("tumbling_1m"), tables.gold("session_10m"), tables.features]
    assert [properties(spark, t).get(CHANGE_DATA_FEED) for t in on] == ["true"] * 5
    assert CHANGE_DATA_FEED not in properties(spark, tables.bronze)
    # AND silver's appends stream as inserts
    assert changes(spark, tables.silver, ["event_id", "_change_type"]) == [
        ("a", "insert"),
        ("b", "insert"),
        ("c", "insert"),
    ]
    # AND the features MERGE streams its insert, then the update as a pre- and a post-image
    assert changes(spark, tables.features, ["_commit_version", "device", "_change_type", "temperature_count"]) == [
        (1, "d1", "insert", 2),
        (2, "d1", "update_postimage", 3),
        (2, "d1", "update_preimage", 2),
    ]


def test_without_the_switch_no_table_has_a_change_data_feed(spark, iot_spec, tmp_path):
    tables = resolve_tables(iot_spec, None, str(tmp_path / "lake"))
    assert all(CHANGE_DATA_FEED not in t.layout.properties() for t in (tables.silver, tables.features))
