"""Anomaly rules on both sides of each threshold, state across batches, replays, and alert dispatch."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import ClassVar

import pytest
from pyspark.sql import functions as F

from helpers import at
from medallion.alerts import Alert, LoggingSink, WebhookSink
from medallion.anomalies import AnomalyDetector
from medallion.idempotent import BatchLog
from medallion.spec import load_spec
from medallion.tables import resolve_tables

SILVER = (
    "event_id string, device_id string, timestamp timestamp, temperature double, humidity double,"
    " location string, status string"
)


def silver_batch(spark, rows):
    """Typed silver rows: (event_id, device, time, temperature, humidity, status)."""
    return spark.createDataFrame([(e, d, t, temp, hum, "lab", st) for e, d, t, temp, hum, st in rows], SILVER)


BATCH_0 = [
    ("a1", "d1", at(0), 100.0, 100.0, "normal"),  # == thresholds: no alert
    ("a2", "d1", at(0, 30), 100.5, 50.0, None),  # > 100 -> high_temperature; +0.5 % is no spike
    ("a3", "d2", at(0), -40.0, 0.0, None),  # == thresholds: no alert
    ("a4", "d2", at(0, 10), -40.5, -0.1, None),  # < -40 -> low_temperature; humidity < 0
    ("a5", "d3", at(0), 50.0, None, "error"),  # status_error
    ("a6", "d3", at(0, 40), 60.01, None, None),  # +20.02 % within 40 s -> temperature_spike
    ("a7", "d3", at(1), 72.0, 100.1, "warning"),  # +19.98 %: no spike; humidity > 100
    ("a8", "d4", at(0), 10.0, None, None),
    ("a9", "d4", at(0, 20), 12.0, None, None),  # exactly +20 %: no spike
    ("a10", "d5", at(1), 20.0, None, None),
]
BATCH_1 = [
    ("b1", "d3", at(1, 30), 90.0, None, None),  # +25 % vs a7 of the previous batch -> spike
    ("b2", "d1", at(2), 130.0, None, None),  # high_temperature; +29 % but 90 s after a2 (> 1 minute): no spike
    ("b3", "d2", at(6), 10.0, None, None),  # d2 silent 10:00:10 -> 10:06:00 (> 5 min): missing at 10:05:10
    # and the clock is now 10:06: d4 (last 10:00:20) is missing at 10:05:20; d5 (10:01:00, exactly 5 min),
    # d1 (10:02) and d3 (10:01:30) are not
]
BATCH_2 = [
    # clock 10:07:01: d1 (last 10:02) missing at 10:07:00, d3 (10:01:30) at 10:06:30, d5 (10:01) at 10:06:00
    ("c1", "d2", at(7, 1), 10.0, None, None),
]

EXPECTED = {
    0: [
        ("high_temperature", "d1", at(0, 30)),
        ("invalid_humidity_high", "d3", at(1)),
        ("invalid_humidity_low", "d2", at(0, 10)),
        ("low_temperature", "d2", at(0, 10)),
        ("status_error", "d3", at(0)),
        ("temperature_spike", "d3", at(0, 40)),
    ],
    1: [
        ("device_silent", "d2", at(5, 10)),
        ("device_silent", "d4", at(5, 20)),
        ("high_temperature", "d1", at(2)),
        ("temperature_spike", "d3", at(1, 30)),
    ],
    2: [("device_silent", "d1", at(7)), ("device_silent", "d3", at(6, 30)), ("device_silent", "d5", at(6))],
}


def alerts(spark, tables):
    return sorted((r.rule_id, r.device, r.event_time) for r in tables.alerts.read(spark).collect())


class FlakySink:
    def __init__(self):
        self.calls = 0
        self.sent: list[Alert] = []

    def send(self, alert: Alert) -> None:
        self.calls += 1
        if self.calls == 1:
            raise ConnectionError("receiver down")
        self.sent.append(alert)


def detect(spark, detector, log, tables, rows, batch_id):
    """As the pipeline does: the batch's rows are in silver before the rules run on them."""
    batch = silver_batch(spark, rows)
    log.append(len(rows), lambda: batch.withColumn("processed_at", F.current_timestamp()), tables.silver, batch_id)
    detector(batch, batch_id)


@pytest.fixture(scope="module")
def run(spark, iot_spec, tmp_path_factory):
    tables = resolve_tables(iot_spec, None, str(tmp_path_factory.mktemp("anomalies") / "lake"))
    sink = FlakySink()  # the receiver is down for the first send
    log = BatchLog(spark, "w1")
    detector = AnomalyDetector(spark, iot_spec, tables, log, sink)
    after = {}
    sent_after = {}
    pending_after = {}
    for batch_id, rows in enumerate([BATCH_0, BATCH_1]):
        detect(spark, detector, log, tables, rows, batch_id)
        after[batch_id] = alerts(spark, tables)
        sent_after[batch_id] = len(sink.sent)
        pending_after[batch_id] = tables.alerts.read(spark).where("NOT dispatched").count()
    # A restarted driver (new detector, same tables) derives the device state from silver ...
    log = BatchLog(spark, "w1")
    restarted = AnomalyDetector(spark, iot_spec, tables, log, sink)
    detect(spark, restarted, log, tables, BATCH_2, 2)
    after[2] = alerts(spark, tables)
    sent_after[2] = len(sink.sent)
    # ... a retried micro-batch (same id, same rows) adds and sends nothing ...
    restarted(silver_batch(spark, BATCH_2), 2)
    after["replay"] = alerts(spark, tables)
    sent_after["replay"] = len(sink.sent)
    # ... nor does a new writer re-running it after a restart.
    AnomalyDetector(spark, iot_spec, tables, BatchLog(spark, "w1"), sink)(silver_batch(spark, BATCH_2), 2)
    after["new_writer_replay"] = alerts(spark, tables)
    sent_after["new_writer_replay"] = len(sink.sent)
    return {"after": after, "sent_after": sent_after, "pending_after": pending_after, "sink": sink, "tables": tables}


def test_stateless_rules_on_both_sides_of_the_threshold(run):
    assert run["after"][0] == sorted(EXPECTED[0])


def test_spike_and_missing_across_batches(run):
    assert run["after"][1] == sorted(EXPECTED[0] + EXPECTED[1])


def test_replayed_batch_adds_no_alert_and_sends_nothing(run):
    assert run["after"]["replay"] == run["after"][2]
    assert run["sent_after"]["replay"] == run["sent_after"][2]
    assert run["after"]["new_writer_replay"] == run["after"][2]
    assert run["sent_after"]["new_writer_replay"] == run["sent_after"][2]


def test_state_survives_a_restart(run):
    assert run["after"][2] == sorted(a for batch in EXPECTED.values() for a in batch)


def test_every_alert_sent_exactly_once(spark, run):
    sent = run["sink"].sent
    ids = [a.alert_id for a in sent]
    assert len(ids) == len(set(ids))
    assert sorted((a.rule_id, a.device, a.event_time) for a in sent) == sorted(
        a for batch in EXPECTED.values() for a in batch
    )
    table = run["tables"].alerts.read(spark)
    assert table.where("NOT dispatched").count() == 0


def test_alert_ids_are_deterministic(spark, run):
    rows = run["tables"].alerts.read(spark).collect()
    by_key = {(r.rule_id, r.device, r.event_time): r.alert_id for r in rows}
    assert len(set(by_key.values())) == len(rows)
    import hashlib

    expected = hashlib.sha256(b"high_temperature|d1|2024-01-01T10:00:30.000000").hexdigest()
    assert by_key[("high_temperature", "d1", at(0, 30))] == expected


def test_spike_detail_and_observed_value(spark, run):
    row = (
        run["tables"]
        .alerts.read(spark)
        .where("rule_id = 'temperature_spike' AND device = 'd3'")
        .orderBy("event_time")
        .first()
    )
    assert row.observed == "60.01"
    assert row.severity == "warning"
    assert row.detail == "temperature rose 20.02% (50.0 -> 60.01) within 1 minute"


def test_failed_send_stays_in_the_outbox_until_the_next_batch(run):
    assert run["sink"].calls == len(run["sink"].sent) + 1
    assert run["sent_after"][0] == len(EXPECTED[0]) - 1
    assert run["pending_after"][0] == 1
    assert run["sent_after"][1] == len(EXPECTED[0]) + len(EXPECTED[1])  # the failed one went out with batch 1
    assert run["pending_after"][1] == 0


class Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[tuple[dict, dict]]] = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Receiver.received.append((dict(self.headers), json.loads(body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_webhook_sink_posts_json_with_an_idempotency_key():
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        sink = WebhookSink(f"http://127.0.0.1:{server.server_port}/alerts")
        alert = Alert("id-1", "high_temperature", "threshold", "critical", "d1", at(0), "temperature", "101.0", "x")
        sink.send(alert)
    finally:
        server.shutdown()
    headers, body = Receiver.received[-1]
    assert headers["Idempotency-Key"] == "id-1"
    assert headers["Content-Type"] == "application/json"
    assert body == {
        "alert_id": "id-1",
        "rule_id": "high_temperature",
        "rule_type": "threshold",
        "severity": "critical",
        "device": "d1",
        "event_time": "2024-01-01T10:00:00",
        "field": "temperature",
        "observed": "101.0",
        "detail": "x",
    }
    assert "127.0.0.1" not in repr(sink)


def test_webhook_sink_raises_on_error_status():
    class Failing(BaseHTTPRequestHandler):
        def do_POST(self):
            self.send_response(500)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Failing)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(Exception, match="500"):
            WebhookSink(f"http://127.0.0.1:{server.server_port}/").send(
                Alert("id", "r", "threshold", "info", "d", at(0), None, None, "x")
            )
    finally:
        server.shutdown()


def test_logging_sink(caplog):
    import logging

    with caplog.at_level(logging.WARNING):
        LoggingSink().send(Alert("id-2", "status_error", "status", "critical", "d9", at(0), "status", "error", "d"))
    assert '"alert_id": "id-2"' in caplog.text


def test_missing_alerts_read_the_same_from_either_path(spark, run):
    """d2 resumed after its gap (found in the batch's timeline); d4 stayed silent (found from the device state)."""
    import hashlib

    rows = run["tables"].alerts.read(spark).where("rule_id = 'device_silent' AND device IN ('d2', 'd4')").collect()
    got = sorted((r.device, r.alert_id, r.event_time, r.field, r.observed, r.detail) for r in rows)
    assert got == [
        (
            "d2",
            hashlib.sha256(b"device_silent|d2|2024-01-01T10:05:10.000000").hexdigest(),
            at(5, 10),
            None,
            "2024-01-01 10:00:10",
            "no event since 2024-01-01 10:00:10 (timeout 5 minutes)",
        ),
        (
            "d4",
            hashlib.sha256(b"device_silent|d4|2024-01-01T10:05:20.000000").hexdigest(),
            at(5, 20),
            None,
            "2024-01-01 10:00:20",
            "no event since 2024-01-01 10:00:20 (timeout 5 minutes)",
        ),
    ]


def test_spark_string_matches_sparks_timestamp_cast(spark):
    from datetime import datetime

    from medallion.anomalies import spark_string

    stamps = [
        datetime(2024, 1, 1, 10, 0, 0),
        datetime(2024, 1, 1, 10, 0, 0, 500000),
        datetime(2024, 1, 1, 1, 2, 3, 4560),
    ]
    df = spark.createDataFrame([(s,) for s in stamps], "t timestamp")
    assert [r[0] for r in df.selectExpr("CAST(t AS STRING)").collect()] == [spark_string(s) for s in stamps]


def test_threshold_with_a_condition_fires_only_where_the_condition_holds(spark, iot_spec, tmp_path):
    raw = json.loads(json.dumps(iot_spec.raw))
    raw["anomalies"] = [
        {
            "id": "hot_while_warning",
            "type": "threshold",
            "field": "temperature",
            "operator": ">",
            "value": 50,
            "severity": "warning",
            "condition": {"field": "status", "equals": "warning"},
        }
    ]
    spec = load_spec(raw)
    tables = resolve_tables(spec, None, str(tmp_path / "lake"))
    log = BatchLog(spark, "w1")
    rows = [
        ("e1", "d1", at(0), 60.0, None, "warning"),  # over and the condition holds: alert
        ("e2", "d1", at(1), 60.0, None, "normal"),  # over, other status: no alert
        ("e3", "d2", at(0), 60.0, None, None),  # over, no status (null is not equal): no alert
        ("e4", "d2", at(1), 40.0, None, "warning"),  # condition holds, not over: no alert
    ]
    detect(spark, AnomalyDetector(spark, spec, tables, log, LoggingSink()), log, tables, rows, 0)
    found = [(r.rule_id, r.device, r.event_time, r.detail) for r in tables.alerts.read(spark).collect()]
    assert found == [("hot_while_warning", "d1", at(0), "temperature=60.0 > 50 where status=warning")]
