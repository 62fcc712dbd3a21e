"""End to end on one machine: a real Kafka broker, the producer, every layer as streaming queries.

A short run of `python -m local.run` in a child process (its own Spark session and JVMs), then exact
accounting against what the producer says it sent, and a check that no process is left behind.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from local.kafka import pid_alive

ROOT = Path(__file__).resolve().parents[2]
STREAMS = ("iot-telemetry", "manufacturing-sensors")


@pytest.fixture(scope="module")
def summary(tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("local-run")
    # IoT with its devices dimension (--enrich) and joined with the manufacturing sensors by location (--join):
    # the accounting below holds with both on.
    cmd = [sys.executable, "-m", "local.run", "--streams", *STREAMS, "--windows", "tumbling_1m", "--enrich", "--join"]
    cmd += ["--duration", "12", "--rate", "50", "--trigger", "3 seconds", "--out", str(out / "run")]
    # Shares raised so a few hundred events hold every category several times.
    cmd += ["--anomaly", "0.05", "--out-of-order", "0.08", "--late", "0.05", "--duplicate", "0.06"]
    cmd += ["--malformed", "0.08", "--progress", "10", "--drain-timeout", "600"]
    env = {**os.environ, "TZ": "UTC"}
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False)  # noqa: S603
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads((out / "run" / "summary.json").read_text())


@pytest.mark.parametrize("stream", STREAMS)
def test_every_event_is_accounted_for(summary, stream):
    s = summary["streams"][stream]
    produced = s["produced"]
    cats = produced["categories"]
    assert produced["sent"] == sum(cats.values()) >= 250
    assert all(cats[c] > 0 for c in cats), cats
    # Bronze holds every record sent; each is in silver or in quarantine, with the reason the producer meant.
    assert s["bronze"] == produced["sent"]
    assert s["silver"] == produced["expected_silver"]
    assert s["silver"] == cats["normal"] + cats["anomaly"] + cats["out_of_order"]
    assert s["quarantine"] == produced["expected_quarantine"]
    assert s["quarantine"]["late"] == cats["late"]
    assert s["quarantine"]["duplicate"] == cats["duplicate"]
    malformed = sum(n for reason, n in s["quarantine"].items() if reason not in ("late", "duplicate"))
    assert malformed == cats["malformed"]
    assert s["silver"] + sum(s["quarantine"].values()) == produced["sent"]
    assert s["silver_ids"] == {"missing": 0, "unexpected": 0}


def test_every_enriched_silver_row_found_its_device(summary):
    # The dimension knows every device the producer sends from.
    s = summary["streams"]["iot-telemetry"]
    assert s["enriched"] == s["silver"] > 0


def test_the_join_pairs_readings_with_sensors_of_their_site_each_pair_once(summary):
    j = summary["streams"]["iot-telemetry"]["joins"]["line_readings"]
    # Pairs within the watermarks only, so at most those the two silver tables hold at the end; none else and
    # none twice (a multiset difference), and the left-outer join's unmatched rows beside them.
    assert 0 < j["matched"] <= j["pairs_in_silver"]
    assert j["not_in_silver"] == 0
    assert j["rows"] >= j["matched"]


def test_anomalies_alert_and_gold_and_features_fill(summary):
    s = summary["streams"]["iot-telemetry"]
    assert s["alerts"].get(s["anomaly_rule"], 0) == s["produced"]["anomalies"]
    # Normal readings stay near their device's level: the only other alerts are spikes into an anomaly
    # (at most one per anomaly) and a device that happened to be silent for the missing rule's timeout.
    assert set(s["alerts"]) <= {"high_temperature", "temperature_spike", "device_silent"}, s["alerts"]
    assert s["alerts"].get("temperature_spike", 0) <= s["produced"]["anomalies"]
    assert s["features"] > 0
    assert s["gold"]["tumbling_1m"] > 0
    assert s["latency_ms"]["silver"]["n"] == s["silver"]


def test_no_process_left_behind(summary):
    assert summary["broker_pid"] > 0
    for pid in [summary["broker_pid"], *summary["producer_pids"]]:
        assert not pid_alive(pid), pid
