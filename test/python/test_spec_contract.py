"""The stream-spec contract: every example spec, valid and invalid, as the TypeScript side reads them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from medallion import durations
from medallion.spec import Condition, SpecError, load_spec, schema_path, validate

ROOT = Path(__file__).resolve().parents[2]
VALID = sorted((ROOT / "schema/examples/valid").glob("*.json"))
INVALID = sorted(p for p in (ROOT / "schema/examples/invalid").glob("*.json") if not p.name.endswith(".expected.json"))


def test_packaged_schema_is_the_contract_schema():
    assert schema_path().read_bytes() == (ROOT / "schema/stream-spec.v1.schema.json").read_bytes()


def test_examples_exist():
    assert {p.stem for p in VALID} >= {"iot-telemetry", "manufacturing-sensors", "weather"}
    assert len(INVALID) >= 8
    for spec in INVALID:
        assert spec.with_name(spec.stem + ".expected.json").exists(), spec.name


@pytest.mark.parametrize("path", VALID, ids=lambda p: p.stem)
def test_valid_example_loads(path: Path):
    spec = load_spec(path)
    assert spec.name == path.stem
    assert spec.spec_version == 1
    assert validate(json.loads(path.read_text())) == []


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.stem)
def test_invalid_example_reports_exactly_the_expected_messages(path: Path):
    # The same file is asserted by test/streams/contract.test.ts: both languages write the same text.
    expected = json.loads(path.with_name(path.stem + ".expected.json").read_text())["problems"]
    with pytest.raises(SpecError) as caught:
        load_spec(path.read_text())
    assert sorted(str(p) for p in caught.value.problems) == sorted(expected)
    assert sorted(caught.value.paths) == sorted(p.split(" ")[0] for p in expected)


def test_error_message_lists_every_problem_in_the_documented_format():
    data = json.loads((ROOT / "schema/examples/valid/iot-telemetry.json").read_text())
    data["source"]["partitions"] = 0
    data["eventTimeField"] = "device_id"
    with pytest.raises(SpecError) as caught:
        load_spec(data)
    message = str(caught.value)
    assert message.splitlines()[1:] == [
        "  - $.source.partitions = 0 is invalid: out of range; allowed: an integer from 1 to 1024",
        "  - $.eventTimeField = 'device_id' is invalid: must be a timestamp field (field 'device_id' is string); "
        "allowed: timestamp",
    ]
    assert message.startswith("invalid stream spec (2 problem(s))")


def test_typed_spec_of_iot_example():
    spec = load_spec(ROOT / "schema/examples/valid/iot-telemetry.json")
    assert spec.event_time_field == "timestamp"
    assert spec.field("temperature").min == -60
    assert spec.field("temperature").numeric
    assert spec.field("status").allowed == ("normal", "warning", "error", "critical")
    assert spec.source.consumer_groups == {"bronze": "cg-bronze"}
    assert [w.type for w in spec.windows] == ["tumbling", "sliding", "session"]
    assert spec.window("sliding_5m_1m").slide == "1 minute"
    assert spec.dimensions == ("device_id", "location")
    assert {a.type for a in spec.anomalies} == {"threshold", "spike", "missing", "status"}
    assert spec.anomalies[4].increase_percent == 20
    assert spec.target.catalog is None
    assert spec.trigger.interval == "10 seconds"


def test_spec_that_is_not_json_is_one_problem_at_the_root():
    with pytest.raises(SpecError) as caught:
        load_spec("{not json")
    assert caught.value.paths == ["$"]


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("10 seconds", 10), ("1 minute", 60), ("5 minutes", 300), ("2 hours", 7200), ("1 day", 86400)],
)
def test_durations(text: str, seconds: int):
    assert durations.to_seconds(text) == seconds
    assert durations.is_duration(text)


@pytest.mark.parametrize("text", ["0 seconds", "10 mins", "1minute", "", "1 week"])
def test_bad_durations(text: str):
    assert not durations.is_duration(text)
    with pytest.raises(ValueError, match="not a duration"):
        durations.to_seconds(text)


def test_a_threshold_condition_is_parsed_and_a_whole_number_fits_an_integer_field():
    data = json.loads((ROOT / "schema/examples/valid/iot-telemetry.json").read_text())
    data["schema"]["fields"].append({"name": "floor", "type": "integer"})
    data["anomalies"][0]["condition"] = {"field": "floor", "equals": 3}
    data["anomalies"][1]["condition"] = {"field": "status", "equals": "warning"}
    spec = load_spec(data)
    assert (spec.anomalies[0].condition, spec.anomalies[1].condition) == (
        Condition("floor", 3),
        Condition("status", "warning"),
    )
    assert spec.anomalies[2].condition is None
