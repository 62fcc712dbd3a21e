"""Backfill from Event Hubs Capture: Avro files in Capture's own layout and record schema, written here, replayed
over a range that overlaps what the live pipeline read. Exact rows in every table, and re-runs change nothing."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from pyspark.sql import Row
from pyspark.sql.types import (
    BinaryType,
    DoubleType,
    LongType,
    MapType,
    StringType,
    StructField,
    StructType,
)

from helpers import ROOT, at, event, iso, run_available_now
from medallion import backfill, jobs
from medallion.backfill import CaptureLocation
from medallion.tables import resolve_tables

NAMESPACE, HUB = "evhns-test", "evh-iot-telemetry"
# Capture's record schema (Microsoft.ServiceBus.Messaging.EventData), field for field.
CAPTURE_AVRO_SCHEMA = json.dumps(
    {
        "type": "record",
        "name": "EventData",
        "namespace": "Microsoft.ServiceBus.Messaging",
        "fields": [
            {"name": "SequenceNumber", "type": "long"},
            {"name": "Offset", "type": "string"},
            {"name": "EnqueuedTimeUtc", "type": "string"},
            {"name": "SystemProperties", "type": {"type": "map", "values": ["long", "double", "string", "bytes"]}},
            {"name": "Properties", "type": {"type": "map", "values": ["long", "double", "string", "bytes", "null"]}},
            {"name": "Body", "type": ["null", "bytes"]},
        ],
    }
)
_UNION = StructType(
    [
        StructField("member0", LongType()),
        StructField("member1", DoubleType()),
        StructField("member2", StringType()),
        StructField("member3", BinaryType()),
    ]
)
CAPTURE_SPARK_SCHEMA = StructType(
    [
        StructField("SequenceNumber", LongType(), False),
        StructField("Offset", StringType(), False),
        StructField("EnqueuedTimeUtc", StringType(), False),
        StructField("SystemProperties", MapType(StringType(), _UNION, False), False),
        StructField("Properties", MapType(StringType(), _UNION, True), False),
        StructField("Body", BinaryType()),
    ]
)
MALFORMED = "{not json"


def spec_json() -> str:
    data = json.loads((ROOT / "schema/examples/valid/iot-telemetry.json").read_text())
    data["windows"] = [w for w in data["windows"] if w["id"] == "tumbling_1m"]
    data["anomalies"] = []
    return json.dumps(data)


def minute_event(i: int, event_id: str | None = None) -> dict:
    return event(event_id or f"e{i:02d}", "d1", at(minutes=i, seconds=30), temperature=20.0 + i)


def dotnet_time(ts: datetime) -> str:
    """EnqueuedTimeUtc as Capture writes it: .NET's invariant text, 12-hour clock."""
    return f"{ts.month}/{ts.day}/{ts.year} {(ts.hour % 12) or 12}:{ts:%M:%S} {'AM' if ts.hour < 12 else 'PM'}"


def write_live(directory: Path, name: str, events: list[tuple[int, object]]) -> None:
    """Canonical rows as the live source reads them: partition 0, the sequence number as offset (as Kafka's)."""
    directory.mkdir(parents=True, exist_ok=True)
    lines = [
        json.dumps(
            {
                "body": body if isinstance(body, str) else json.dumps(body),
                "source_type": "kafka",
                "source_partition": "0",
                "source_offset": str(seq),
                "source_sequence": seq,
                "enqueued_time": iso(at(seconds=seq)),
            }
        )
        for seq, body in events
    ]
    (directory / f"{name}.json").write_text("\n".join(lines) + "\n")


def write_capture(spark, root: Path, window_start: datetime, events: list[tuple[int, object]], partition="0"):
    """One Capture file: <namespace>/<hub>/<partition>/<yyyy>/<MM>/<dd>/<HH>/<mm>/<ss>.avro."""
    rows = [
        Row(
            SequenceNumber=seq,
            Offset=str(seq * 120),
            EnqueuedTimeUtc=dotnet_time(at(seconds=seq)),
            SystemProperties={"x-opt-sequence-number": (seq, None, None, None)},
            Properties={},
            Body=(body if isinstance(body, str) else json.dumps(body)).encode(),
        )
        for seq, body in events
    ]
    scratch = root / "_scratch"
    spark.createDataFrame(rows, CAPTURE_SPARK_SCHEMA).coalesce(1).write.format("avro").option(
        "avroSchema", CAPTURE_AVRO_SCHEMA
    ).mode("overwrite").save(str(scratch))
    target = root / NAMESPACE / HUB / partition / f"{window_start:%Y/%m/%d/%H/%M/%S}.avro"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(next(scratch.glob("part-*.avro"))), target)
    shutil.rmtree(scratch)


def run_live(spark, root: Path) -> None:
    run_available_now(spark, spec_json(), root, root / "input")


def run_backfill(spark, root: Path, run_id: str) -> backfill.BackfillReport:
    return jobs.run_backfill(
        spark,
        spec=spec_json(),
        capture_url=f"file://{root / 'capture'}",
        eventhubs_namespace=NAMESPACE,
        from_time="2024-01-01T10:00:00Z",
        to_time="2024-01-01T11:00:00Z",
        run_id=run_id,
        lake_root=str(root / "lake"),
    )


def tables_of(root: Path):
    return resolve_tables(jobs.load_spec(spec_json()), None, str(root / "lake"))


def state(spark, root: Path) -> dict:
    tables = tables_of(root)
    return {
        "bronze": sorted(
            (r.source_type, r.source_sequence)
            for r in tables.bronze.read(spark).select("source_type", "source_sequence").collect()
        ),
        "silver": sorted((r.event_id, r.source_sequence) for r in tables.silver.read(spark).collect()),
        "quarantine": sorted((r.reason, r.source_sequence) for r in tables.quarantine.read(spark).collect()),
        "gold": sorted(
            (r.window_start.minute, r.dimension, r.event_count, r.temperature_avg)
            for r in tables.gold("tumbling_1m").read(spark).collect()
        ),
    }


def live_then_gap(spark, root: Path) -> None:
    """Live read minutes 0-4 and 15-19 (and a malformed event); minutes 5-14 were lost (a retention gap).
    Capture holds minutes 3-16, the same malformed event, a new malformed one and a duplicate of e07."""
    live = [(i, minute_event(i)) for i in (*range(5), *range(15, 20))] + [(50, MALFORMED)]
    write_live(root / "input", "live-1", live)
    run_live(spark, root)
    capture = root / "capture"
    write_capture(spark, capture, at(minutes=0), [(i, minute_event(i)) for i in range(3, 10)])
    later = [(i, minute_event(i)) for i in range(10, 17)] + [(50, MALFORMED), (100, MALFORMED)]
    write_capture(spark, capture, at(minutes=5), [*later, (101, minute_event(7))])
    # Outside the range: never read.
    write_capture(spark, capture, datetime(2024, 1, 1, 11, 0, 0), [(200, minute_event(60))])


EVERY_MINUTE = [(m, dim, 1, 20.0 + m) for m in range(20) for dim in ("device_id", "location")]


@pytest.fixture(scope="module")
def backfilled(spark, tmp_path_factory):
    root = tmp_path_factory.mktemp("backfill")
    live_then_gap(spark, root)
    before = state(spark, root)
    report = run_backfill(spark, root, "r1")
    return root, before, report, state(spark, root)


def test_the_backfill_writes_only_the_positions_the_tables_do_not_hold(backfilled):
    _, _, report, _ = backfilled
    assert report == backfill.BackfillReport(
        read=17, already_in_bronze=5, already_classified=5, silver=10, quarantined=2, gold_windows={"tumbling_1m": 8}
    )


def test_silver_holds_every_event_once_and_quarantine_only_the_new_rejects(backfilled):
    _, before, _, after = backfilled
    assert before["quarantine"] == [("malformed_json", 50)]
    assert after["silver"] == sorted([(f"e{i:02d}", i) for i in range(20)])
    assert after["quarantine"] == [("duplicate", 101), ("malformed_json", 50), ("malformed_json", 100)]
    capture_rows = [("capture", s) for s in (*range(5, 15), 100, 101)]
    assert after["bronze"] == sorted(before["bronze"] + capture_rows)


def test_closed_gold_windows_are_repaired_and_open_ones_left_to_the_live_pipeline(backfilled):
    _, before, _, after = backfilled
    # Live closed windows ending at or before its horizon (19:30 - 10 min): minutes 0-8; it had rows in 0-4.
    assert before["gold"] == [row for row in EVERY_MINUTE if row[0] < 5]
    assert after["gold"] == [row for row in EVERY_MINUTE if row[0] < 9]


def test_the_live_pipeline_then_closes_the_rest_with_the_backfilled_rows(spark, tmp_path):
    live_then_gap(spark, tmp_path)
    run_backfill(spark, tmp_path, "r1")
    write_live(tmp_path / "input", "live-2", [(20, minute_event(40))])
    run_live(spark, tmp_path)
    gold = state(spark, tmp_path)["gold"]
    assert gold == EVERY_MINUTE


def test_running_it_again_changes_nothing_with_the_same_or_a_new_run_id(spark, backfilled):
    root, _, first, after = backfilled
    again = run_backfill(spark, root, "r1")
    assert state(spark, root) == after
    assert again == first
    fresh = run_backfill(spark, root, "r2")
    assert fresh == backfill.BackfillReport(
        read=17, already_in_bronze=17, already_classified=17, silver=0, quarantined=0, gold_windows={"tumbling_1m": 0}
    )
    assert state(spark, root) == after


def test_a_run_that_failed_after_bronze_is_finished_by_the_same_run_id(spark, tmp_path, monkeypatch, backfilled):
    _, _, _, clean = backfilled
    live_then_gap(spark, tmp_path)

    def crash(self, bronze, batch_id, pool=None):
        raise RuntimeError("cluster lost")

    with monkeypatch.context() as patched:
        patched.setattr(backfill.SilverStage, "__call__", crash)
        with pytest.raises(RuntimeError, match="cluster lost"):
            run_backfill(spark, tmp_path, "r1")
    assert len(state(spark, tmp_path)["bronze"]) == len(clean["bronze"])
    run_backfill(spark, tmp_path, "r1")
    assert state(spark, tmp_path) == clean


def test_capture_fields_become_the_canonical_row(spark, backfilled):
    root, *_ = backfilled
    row = (
        tables_of(root)
        .bronze.read(spark)
        .where("source_type = 'capture' AND source_sequence = 7")
        .select("body", "source_partition", "source_offset", "enqueued_time")
        .first()
    )
    assert row.asDict() == {
        "body": json.dumps(minute_event(7)),
        "source_partition": "0",
        "source_offset": "840",
        "enqueued_time": at(seconds=7),
    }


def test_location_globs_one_folder_per_hour_and_reads_partition_and_time_from_the_name():
    location = CaptureLocation("abfss://capture@lake.dfs.core.windows.net/", "ns", "hub")
    assert location.hour_globs(datetime(2026, 12, 4, 22, 30), datetime(2026, 12, 5, 0, 10)) == [
        "abfss://capture@lake.dfs.core.windows.net/ns/hub/*/2026/12/04/22/*/*.avro",
        "abfss://capture@lake.dfs.core.windows.net/ns/hub/*/2026/12/04/23/*/*.avro",
        "abfss://capture@lake.dfs.core.windows.net/ns/hub/*/2026/12/05/00/*/*.avro",
    ]
    import re

    pattern, names = location.file_pattern()
    match = re.search(pattern, "abfss://capture@lake.dfs.core.windows.net/ns/hub/3/2026/12/04/22/05/59.avro")
    assert dict(zip(names, match.groups(), strict=True)) == {
        "PartitionId": "3",
        "Year": "2026",
        "Month": "12",
        "Day": "04",
        "Hour": "22",
        "Minute": "05",
        "Second": "59",
    }


def test_a_name_format_without_every_token_is_refused_by_name():
    with pytest.raises(ValueError) as error:
        CaptureLocation("root", "ns", "hub", "{Namespace}/{EventHub}/{Year}/{Month}/{Day}/{Hour}")
    assert str(error.value) == (
        "capture name format '{Namespace}/{EventHub}/{Year}/{Month}/{Day}/{Hour}' lacks {PartitionId}, {Minute}, "
        "{Second}; Event Hubs requires all of {Namespace}, {EventHub}, {PartitionId}, {Year}, {Month}, {Day}, "
        "{Hour}, {Minute}, {Second}"
    )


def test_a_range_without_files_and_bad_times_are_errors(spark, tmp_path):
    with pytest.raises(ValueError) as error:
        run_backfill(spark, tmp_path, "r1")
    assert str(error.value) == (
        f"no Capture files of {NAMESPACE}/{HUB} under file://{tmp_path / 'capture'} between "
        "2024-01-01T10:00:00 and 2024-01-01T11:00:00"
    )
    common = {
        "spec": spec_json(),
        "capture_url": "x",
        "eventhubs_namespace": NAMESPACE,
        "run_id": "r",
        "lake_root": "l",
    }
    with pytest.raises(ValueError, match=r"^from_time: got 'yesterday'; expected an ISO 8601 time"):
        jobs.run_backfill(spark, from_time="yesterday", to_time="2024-01-01T11:00:00Z", **common)
    with pytest.raises(ValueError, match=r"^to_time 2024-01-01T10:00:00Z is not after from_time 2024-01-01T11:00:00Z$"):
        jobs.run_backfill(spark, from_time="2024-01-01T11:00:00Z", to_time="2024-01-01T10:00:00Z", **common)


def test_the_local_command_backfills_a_local_runs_lake_from_a_capture_folder(spark, tmp_path):
    """`python -m local.backfill` in a child process (its own Spark session), into an empty local-run folder."""
    import os
    import subprocess
    import sys

    capture = tmp_path / "capture"
    write_capture(spark, capture, at(minutes=0), [(i, minute_event(i)) for i in range(3)] + [(50, MALFORMED)])
    cmd = [sys.executable, "-m", "local.backfill", "--stream", "iot-telemetry", "--capture", str(capture)]
    cmd += ["--namespace", NAMESPACE, "--from", "2024-01-01T10:00:00Z", "--to", "2024-01-01T11:00:00Z"]
    cmd += ["--run-id", "cli", "--windows", "tumbling_1m", "--out", str(tmp_path / "run")]
    done = subprocess.run(  # noqa: S603
        cmd, cwd=ROOT, env={**os.environ, "TZ": "UTC"}, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    # No live run before it: no horizon, so no gold window is final yet.
    assert json.loads(done.stdout[done.stdout.index("{\n") :]) == {
        "read": 4,
        "already_in_bronze": 0,
        "already_classified": 0,
        "silver": 3,
        "quarantined": 1,
        "gold_windows": {"tumbling_1m": 0},
    }
    tables = resolve_tables(jobs.load_spec(spec_json()), None, str(tmp_path / "run" / "lake"))
    assert sorted(r.event_id for r in tables.silver.read(spark).collect()) == ["e00", "e01", "e02"]
    assert [(r.reason, r.source_sequence) for r in tables.quarantine.read(spark).collect()] == [("malformed_json", 50)]
