"""The whole medallion pipeline on hand-made events, run as streams from files, in two phases.

Phase 1 processes the first file with availableNow; phase 2 adds a second file and restarts the queries
from the same checkpoints (the restart test). Each layer is then compared with exact expected rows.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyspark.sql import functions as F

from helpers import EventFiles, at, event, run_available_now
from medallion import sources
from medallion.alerts import InMemorySink
from medallion.tables import resolve_tables

PHASE_1 = [
    event("e1", "d1", at(0), 20.0),
    event("e2", "d1", at(0, 30), 22.0, humidity=40.0),
    event("e1", "d1", at(0), 20.0),  # duplicate of e1 inside the batch
    '{"event_id": "e4", "device_id": ',  # malformed
    event("e5", "d1", at(0, 40), None),  # temperature missing
    event("e6", "d1", at(0, 45), "hot"),  # temperature mistyped
    event("e7", "d1", at(0, 50), 200.0),  # above max 150
    event("e8", "d1", at(0, 55), 21.0, status="exploded"),  # not an allowed status
    event("e9", "d2", at(1), 30.0, location="yard"),  # exactly at a window boundary
    event("e10", "d1", at(20), 25.0),  # advances the event-time high-water mark to 10:20
    event(None, "d1", at(0, 5), 20.0),  # no event id
]
PHASE_2 = [
    event("e12", "d1", at(16), 23.0),  # out of order, inside the 10 minute watermark (horizon 10:10)
    event("e13", "d2", at(5), 31.0, location="yard"),  # outside the watermark
    event("e14", "d2", at(10), 32.0, location="yard"),  # exactly at the horizon: late
    event("e10", "d1", at(20), 25.0),  # duplicate of a row of phase 1
    event("e15", "d3", at(60), 10.0, location="roof"),  # an hour later: closes the earlier windows
]


def run_all(spark, spec_json: str, spec, root: Path, sink: InMemorySink) -> None:
    """The pipeline and the session-window query with availableNow (a second call is a restart)."""
    run_available_now(spark, spec_json, root, root / "input", sink)


def snapshot(spark, spec, root: Path) -> dict:
    tables = resolve_tables(spec, None, str(root / "lake"))
    return {
        "bronze": tables.bronze.read(spark).count(),
        "silver": sorted(
            (r.event_id, r.device_id, r.timestamp, r.temperature)
            for r in tables.silver.read(spark).select("event_id", "device_id", "timestamp", "temperature").collect()
        ),
        "quarantine": sorted(
            (r.reason, r.source_offset)
            for r in tables.quarantine.read(spark).select("reason", "source_offset").collect()
        ),
        "gold": {
            w.id: sorted(
                tuple(r)
                for r in tables.gold(w.id)
                .read(spark)
                .select(
                    "window_start",
                    "window_end",
                    "dimension",
                    "dimension_value",
                    "event_count",
                    "temperature_avg",
                    "temperature_min",
                    "temperature_max",
                    "temperature_count",
                    "humidity_count",
                )
                .collect()
            )
            for w in spec.windows
        },
        "alerts": sorted((r.rule_id, r.device, r.event_time) for r in tables.alerts.read(spark).collect())
        if tables.alerts.exists(spark)
        else [],
        "features": {
            r.device: (r.as_of, r.temperature_avg, r.temperature_stddev, r.temperature_range, r.temperature_count)
            for r in tables.features.read(spark).collect()
        },
    }


@pytest.fixture(scope="module")
def pipeline(spark, iot_spec, iot_spec_json, tmp_path_factory):
    root = tmp_path_factory.mktemp("pipeline")
    files = EventFiles(root / "input")
    sink = InMemorySink()
    files.write("001", PHASE_1)
    run_all(spark, iot_spec_json, iot_spec, root, sink)
    first = snapshot(spark, iot_spec, root)
    files.write("002", PHASE_2)
    run_all(spark, iot_spec_json, iot_spec, root, sink)
    second = snapshot(spark, iot_spec, root)
    run_all(spark, iot_spec_json, iot_spec, root, sink)  # nothing new: a re-run changes nothing
    third = snapshot(spark, iot_spec, root)
    return {"first": first, "second": second, "third": third, "sink": sink, "root": root}


D = "device_id"
L = "location"


def row(start, end, dim, value, n, avg, lo, hi, humidity_count=0):
    return (start, end, dim, value, n, avg, lo, hi, n, humidity_count)


def both(start, end, device, location, n, avg, lo, hi, humidity_count=0):
    return [
        row(start, end, D, device, n, avg, lo, hi, humidity_count),
        row(start, end, L, location, n, avg, lo, hi, humidity_count),
    ]


def windows_of(starts, length, device, location, n, avg, lo, hi, humidity_count=0):
    out = []
    for start in starts:
        out += both(start, start + length, device, location, n, avg, lo, hi, humidity_count)
    return out


MINUTE = at(1) - at(0)
# Expected gold once everything is final (after phase 2, whose 11:00 event moves the watermark to 10:50).
TUMBLING = (
    both(at(0), at(1), "d1", "lab", 2, 21.0, 20.0, 22.0, 1)
    # e9 at exactly 10:01:00 belongs to [10:01, 10:02), not to [10:00, 10:01)
    + both(at(1), at(2), "d2", "yard", 1, 30.0, 30.0, 30.0)
    + both(at(16), at(17), "d1", "lab", 1, 23.0, 23.0, 23.0)
    + both(at(20), at(21), "d1", "lab", 1, 25.0, 25.0, 25.0)
)
SLIDING = (
    windows_of([at(m) for m in (-4, -3, -2, -1, 0)], 5 * MINUTE, "d1", "lab", 2, 21.0, 20.0, 22.0, 1)
    # 10:01:00 is the end of [09:56, 10:01): d2 starts in the window after it
    + windows_of([at(m) for m in (-3, -2, -1, 0, 1)], 5 * MINUTE, "d2", "yard", 1, 30.0, 30.0, 30.0)
    + windows_of([at(m) for m in (12, 13, 14, 15)], 5 * MINUTE, "d1", "lab", 1, 23.0, 23.0, 23.0)
    + windows_of([at(16)], 5 * MINUTE, "d1", "lab", 2, 24.0, 23.0, 25.0)
    + windows_of([at(m) for m in (17, 18, 19, 20)], 5 * MINUTE, "d1", "lab", 1, 25.0, 25.0, 25.0)
)
SESSION = (
    both(at(0), at(10, 30), "d1", "lab", 2, 21.0, 20.0, 22.0, 1)
    + both(at(1), at(11), "d2", "yard", 1, 30.0, 30.0, 30.0)
    # 10:20 came in phase 1, 10:16 (out of order) in phase 2: one session [10:16, 10:20 + 10 min)
    + both(at(16), at(30), "d1", "lab", 2, 24.0, 23.0, 25.0)
)
WATERMARK_AFTER_PHASE_1 = at(10)

SILVER_1 = [
    ("e1", "d1", at(0), 20.0),
    ("e10", "d1", at(20), 25.0),
    ("e2", "d1", at(0, 30), 22.0),
    ("e9", "d2", at(1), 30.0),
]
QUARANTINE_1 = [
    ("duplicate", "2"),
    ("malformed_json", "3"),
    ("missing_required:event_id", "10"),
    ("missing_required:temperature", "4"),
    ("not_allowed:status", "7"),
    ("out_of_range:temperature", "6"),
    ("type_mismatch:temperature", "5"),
]


def test_bronze_keeps_every_event(pipeline):
    assert pipeline["first"]["bronze"] == len(PHASE_1)
    assert pipeline["second"]["bronze"] == len(PHASE_1) + len(PHASE_2)


def test_bronze_rows_are_raw_with_ingestion_metadata(spark, pipeline, iot_spec):
    table = resolve_tables(iot_spec, None, str(pipeline["root"] / "lake")).bronze
    df = table.read(spark)
    assert df.columns == [
        *sources.CANONICAL_COLUMNS,
        "ingestion_time",
        "ingestion_date",
        "writer_id",
        "bronze_batch_id",
    ]
    malformed = df.where(F.col("source_offset") == "3").first()
    assert malformed.body == '{"event_id": "e4", "device_id": '
    assert malformed.source_type == "file"
    assert df.where(F.col("ingestion_date").isNull() | F.col("ingestion_time").isNull()).count() == 0
    partition_dirs = {p.name for p in Path(table.path).iterdir() if p.name.startswith("ingestion_date=")}
    assert len(partition_dirs) >= 1


def test_silver_and_quarantine_after_phase_1(pipeline):
    assert pipeline["first"]["silver"] == SILVER_1
    assert pipeline["first"]["quarantine"] == QUARANTINE_1


def test_silver_after_restart_has_no_loss_and_no_double(pipeline):
    assert pipeline["second"]["silver"] == sorted([*SILVER_1, ("e12", "d1", at(16), 23.0), ("e15", "d3", at(60), 10.0)])
    assert pipeline["second"]["quarantine"] == sorted(
        [*QUARANTINE_1, ("late", "12"), ("late", "13"), ("duplicate", "14")]
    )


@pytest.mark.parametrize("phase", ["first", "second", "third"])
def test_nothing_is_dropped_silently(pipeline, phase):
    snap = pipeline[phase]
    assert snap["bronze"] == len(snap["silver"]) + len(snap["quarantine"])


def test_gold_after_phase_1_has_only_final_windows(pipeline):
    gold = pipeline["first"]["gold"]
    assert gold["tumbling_1m"] == sorted(r for r in TUMBLING if r[1] <= WATERMARK_AFTER_PHASE_1)
    assert gold["sliding_5m_1m"] == sorted(r for r in SLIDING if r[1] <= WATERMARK_AFTER_PHASE_1)
    assert gold["session_10m"] == []  # both sessions end after 10:10


def test_gold_after_restart_is_exact(pipeline):
    gold = pipeline["second"]["gold"]
    assert gold["tumbling_1m"] == sorted(TUMBLING)
    assert gold["sliding_5m_1m"] == sorted(SLIDING)
    assert gold["session_10m"] == sorted(SESSION)


def test_rerun_without_new_input_changes_nothing(pipeline):
    assert pipeline["third"] == pipeline["second"]


def test_missing_device_alerts(pipeline):
    expected_1 = [("device_silent", "d1", at(5, 30)), ("device_silent", "d2", at(6))]
    assert pipeline["first"]["alerts"] == expected_1
    assert pipeline["second"]["alerts"] == sorted([*expected_1, ("device_silent", "d1", at(25))])


def test_each_alert_dispatched_once(pipeline):
    sent = [(a.rule_id, a.device, a.event_time) for a in pipeline["sink"].sent]
    assert sorted(sent) == pipeline["third"]["alerts"]
    assert len(set(a.alert_id for a in pipeline["sink"].sent)) == len(sent)


def test_features_per_device(pipeline):
    features = pipeline["second"]["features"]
    # d1: window (10:15, 10:20] holds 23.0 (10:16) and 25.0 (10:20); 10:00 and 10:00:30 are outside
    assert features["d1"][:2] == (at(20), 24.0)
    assert features["d1"][2] == pytest.approx(2**0.5)
    assert features["d1"][3:] == (2.0, 2)
    assert features["d2"] == (at(1), 30.0, None, 0.0, 1)
    assert features["d3"] == (at(60), 10.0, None, 0.0, 1)


def test_a_stream_without_anomalies_or_features_writes_neither_table(spark, iot_spec_json, tmp_path):
    """Optional sections: without `anomalies` and `features` the pipeline runs every other layer exactly and
    creates no alerts and no features table (nothing for a dashboard or a reader to find empty)."""
    import json

    from medallion.spec import load_spec

    doc = json.loads(iot_spec_json)
    doc.pop("features")
    doc["anomalies"] = []
    spec_json = json.dumps(doc)
    spec = load_spec(spec_json)
    files = EventFiles(tmp_path / "input")
    files.write("001", PHASE_1)
    run_all(spark, spec_json, spec, tmp_path, InMemorySink())
    tables = resolve_tables(spec, None, str(tmp_path / "lake"))
    assert [t.exists(spark) for t in (tables.alerts, tables.features)] == [False, False]
    silver = tables.silver.read(spark).select("event_id", "device_id", "timestamp", "temperature").collect()
    assert sorted(tuple(r) for r in silver) == SILVER_1
    quarantine = tables.quarantine.read(spark).select("reason", "source_offset").collect()
    assert sorted(tuple(r) for r in quarantine) == QUARANTINE_1
