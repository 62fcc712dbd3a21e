"""The pipeline's exactly-once guarantees, on its foreachBatch function called directly with hand-made batches.

A clean run is the reference; a crash between two appends of one batch (then a restart: Spark runs the
batch again) and a new writer re-running the last batch must each leave every table exactly as the clean
run does. The pipeline's own gold windows must equal Spark's streaming aggregation over the same silver rows.
"""

from __future__ import annotations

import json

import pytest
from pyspark.sql import functions as F

from helpers import at, event
from medallion import gold, idempotent
from medallion.alerts import InMemorySink
from medallion.pipeline import StreamPipeline
from medallion.sources import CANONICAL_SCHEMA
from medallion.tables import resolve_tables

BATCHES = [
    [
        event("e1", "d1", at(0), 20.0),
        event("e2", "d1", at(0, 30), 22.0, humidity=40.0),
        event("e1", "d1", at(0), 20.0),  # duplicate
        '{"event_id": "e4"',  # malformed
        event("e5", "d2", at(1), 150.5, location="yard"),  # out of range
        event("e6", "d2", at(1), 101.0, location="yard"),  # high temperature
        event("e7", "d1", at(20), 25.0),  # horizon -> 10:10
    ],
    [
        event("e8", "d1", at(16), 23.0),  # out of order, accepted
        event("e9", "d2", at(5), 31.0, location="yard"),  # late
        event("e7", "d1", at(20), 25.0),  # duplicate of batch 0
        event("e10", "d3", at(40), 12.0, location="roof"),  # horizon -> 10:30; d1 and d2 silent
    ],
    [event("e11", "d3", at(90), 14.0, location="roof")],  # closes every window up to 11:20
]


def canonical(spark, bodies, first_offset: int):
    rows = []
    for i, body in enumerate(bodies, start=first_offset):
        text = body if isinstance(body, str) else json.dumps(body)
        rows.append((text, "kafka", "0", str(i), i, at(seconds=i)))
    return spark.createDataFrame(rows, CANONICAL_SCHEMA)


def batch(spark, i: int):
    return canonical(spark, BATCHES[i], sum(len(b) for b in BATCHES[:i]))


def pipeline(spark, spec, tables, sink, writer="w1") -> StreamPipeline:
    return StreamPipeline(spark, spec, tables, sink, writer_id=writer)


def state(spark, spec, tables) -> dict:
    """Every table of the stream, without the columns that hold wall-clock times."""

    def rows(table, *columns):
        return sorted(tuple(r) for r in table.read(spark).select(*columns).collect()) if table.exists(spark) else []

    metrics = ["window_start", "window_end", "dimension", "dimension_value", "event_count"]
    metrics += [f"{m}_{s}" for m in spec.measures for s in ("avg", "min", "max", "count")]
    return {
        "bronze": rows(tables.bronze, "body", "source_offset", "bronze_batch_id"),
        "silver": rows(tables.silver, "event_id", "device_id", "timestamp", "temperature", "silver_batch_id"),
        "quarantine": rows(tables.quarantine, "reason", "source_offset", "batch_id"),
        "gold": {w.id: rows(tables.gold(w.id), *metrics) for w in spec.windows if w.type != "session"},
        "alerts": rows(tables.alerts, "alert_id", "rule_id", "device", "event_time", "dispatched"),
        "features": rows(tables.features, "device", "as_of", "temperature_avg", "temperature_count", "event_count"),
    }


@pytest.fixture(scope="module")
def clean(spark, iot_spec, tmp_path_factory):
    tables = resolve_tables(iot_spec, None, str(tmp_path_factory.mktemp("clean") / "lake"))
    sink = InMemorySink()
    run = pipeline(spark, iot_spec, tables, sink)
    for i in range(len(BATCHES)):
        run(batch(spark, i), i)
    return {"state": state(spark, iot_spec, tables), "sent": sorted(a.alert_id for a in sink.sent), "tables": tables}


def test_the_clean_run_holds_what_the_events_say(clean):
    s = clean["state"]
    assert [r[0] for r in s["silver"]] == ["e1", "e10", "e11", "e2", "e6", "e7", "e8"]
    assert [r[0] for r in s["quarantine"]] == [
        "duplicate",
        "duplicate",
        "late",
        "malformed_json",
        "out_of_range:temperature",
    ]
    assert len(s["bronze"]) == sum(len(b) for b in BATCHES)
    assert {r[1] for r in s["alerts"]} == {"high_temperature", "device_silent"}
    assert [r[:2] for r in s["features"]] == [("d1", at(20)), ("d2", at(1)), ("d3", at(90))]
    assert clean["sent"] == sorted(r[0] for r in s["alerts"])


class Crash(Exception):
    pass


def crash_on(monkeypatch, table):
    """The process dies just before its next append to `table` (once)."""
    original = idempotent.BatchLog.append
    armed = {"on": True}

    def append(self, rows, df, target, batch_id):
        if armed["on"] and str(target) == str(table):
            armed["on"] = False
            raise Crash(str(target))
        return original(self, rows, df, target, batch_id)

    monkeypatch.setattr(idempotent.BatchLog, "append", append)


def test_crash_between_two_appends_of_a_batch_then_restart(spark, iot_spec, tmp_path, clean, monkeypatch):
    tables = resolve_tables(iot_spec, None, str(tmp_path / "lake"))
    sink = InMemorySink()
    first = pipeline(spark, iot_spec, tables, sink)
    first(batch(spark, 0), 0)
    crash_on(monkeypatch, tables.quarantine)  # batch 1: bronze and silver committed, quarantine not
    with pytest.raises(Crash):
        first(batch(spark, 1), 1)
    assert tables.silver.read(spark).where("silver_batch_id = 1").count() == 2
    restarted = pipeline(spark, iot_spec, tables, sink)  # Spark re-runs batch 1, then goes on
    for i in (1, 2):
        restarted(batch(spark, i), i)
    assert state(spark, iot_spec, tables) == clean["state"]
    assert sorted(a.alert_id for a in sink.sent) == clean["sent"]


def test_crash_after_gold_before_the_alerts_then_restart(spark, iot_spec, tmp_path, clean, monkeypatch):
    """Batch 1: bronze, silver, quarantine and gold committed, its alerts not: the restart re-runs batch 1."""
    tables = resolve_tables(iot_spec, None, str(tmp_path / "lake"))
    sink = InMemorySink()
    first = pipeline(spark, iot_spec, tables, sink)
    first(batch(spark, 0), 0)
    sent_before = len(sink.sent)
    crash_on(monkeypatch, tables.alerts)
    with pytest.raises(Crash):
        first(batch(spark, 1), 1)
    assert tables.gold("tumbling_1m").read(spark).where("gold_batch_id = 1").count() > 0
    batch_1_alerts = {a.alert_id for a in sink.sent[sent_before:]}
    restarted = pipeline(spark, iot_spec, tables, sink)
    for i in (1, 2):
        restarted(batch(spark, i), i)
    assert state(spark, iot_spec, tables) == clean["state"]
    # Alerts are sent, then stored: the crash fell between the two, so batch 1's alerts went out again, with
    # the same idempotency key (the alert id); nothing else was sent twice.
    sent = [a.alert_id for a in sink.sent]
    assert sorted(set(sent)) == clean["sent"]
    assert {i for i in sent if sent.count(i) > 1} == batch_1_alerts != set()


def test_a_new_writer_rerunning_the_last_batch_changes_nothing(spark, iot_spec, clean):
    sink = InMemorySink()
    rerun = pipeline(spark, iot_spec, clean["tables"], sink)
    rerun(batch(spark, 2), 2)
    assert state(spark, iot_spec, clean["tables"]) == clean["state"]
    assert sink.sent == []


def test_pipeline_gold_equals_sparks_streaming_aggregation(spark, iot_spec, clean, tmp_path):
    tables = clean["tables"]
    for window in (w for w in iot_spec.windows if w.type != "session"):
        out = str(tmp_path / window.id)
        query = (
            gold.aggregate(tables.silver.read_stream(spark), iot_spec, window)
            .writeStream.format("delta")
            .outputMode("append")
            .option("checkpointLocation", out + "_checkpoint")
            .trigger(availableNow=True)
            .start(out)
        )
        query.awaitTermination()
        columns = spark.read.format("delta").load(out).columns

        def rows(df):
            # Floating-point sums may be added in another order: equal to 9 decimals.
            return sorted(tuple(round(v, 9) if isinstance(v, float) else v for v in r) for r in df.collect())

        sparks = rows(spark.read.format("delta").load(out).select(*columns))
        ours = rows(tables.gold(window.id).read(spark).select(*columns))
        assert ours == sparks, window.id
        assert len(ours) > 0
        # Each window once: no (window, dimension value) twice.
        keys = tables.gold(window.id).read(spark).groupBy("window_start", "dimension", "dimension_value").count()
        assert keys.where(F.col("count") > 1).count() == 0
