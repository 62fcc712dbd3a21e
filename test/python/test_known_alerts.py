"""The stored-alert memory: what it answers itself, and the only questions it asks the alerts table."""

from __future__ import annotations

from pyspark.sql import Row

from helpers import at
from medallion.known_alerts import KnownAlerts


def alert(alert_id: str, rule_id: str, device: str, event_time) -> Row:
    return Row(alert_id=alert_id, rule_id=rule_id, device=device, event_time=event_time)


STORED = [
    alert("hot-d1-0", "high_temperature", "d1", at(0)),  # before the writer's first horizon
    alert("hot-d1-5", "high_temperature", "d1", at(5)),  # at the horizon
    alert("silent-d2", "device_silent", "d2", at(1)),  # a silence that began long before the horizon
]


class CountingTable:
    """The alerts table a previous writer left, counting the reads of the memory."""

    def __init__(self, spark):
        self.df = spark.createDataFrame(STORED, "alert_id string, rule_id string, device string, event_time timestamp")
        self.reads = 0

    def __call__(self):
        self.reads += 1
        return self.df


def ids(rows) -> list[str]:
    return [r["alert_id"] for r in rows]


def test_a_new_writer_loads_the_ids_at_and_after_its_horizon_once(spark):
    table = CountingTable(spark)
    known = KnownAlerts(read=table, missing_rules=frozenset({"device_silent"}))
    candidates = [
        alert("hot-d1-5", "high_temperature", "d1", at(5)),  # stored by the previous writer
        alert("hot-d1-6", "high_temperature", "d1", at(6)),
        alert("hot-d3-6", "high_temperature", "d3", at(6)),
        alert("hot-d1-6", "high_temperature", "d1", at(6)),  # twice in one batch
    ]
    assert ids(known.unknown(candidates, horizon=at(5))) == ["hot-d1-6", "hot-d3-6"]
    assert table.reads == 1  # the load; nothing older than the horizon was asked about


def test_what_a_writer_stored_is_known_without_asking_the_table(spark):
    table = CountingTable(spark)
    known = KnownAlerts(read=table, missing_rules=frozenset({"device_silent"}))
    new = known.unknown([alert("hot-d3-6", "high_temperature", "d3", at(6))], horizon=at(5))
    known.remember(new)
    assert known.unknown([alert("hot-d3-6", "high_temperature", "d3", at(6))], horizon=at(6)) == []
    assert table.reads == 1


def test_a_silent_device_older_than_the_horizon_is_asked_about_once(spark):
    table = CountingTable(spark)
    known = KnownAlerts(read=table, missing_rules=frozenset({"device_silent"}))
    silent = alert("silent-d2", "device_silent", "d2", at(1))
    assert known.unknown([silent], horizon=at(5)) == []  # stored by the previous writer: found in the table
    assert table.reads == 2  # the load, then the one question
    assert known.unknown([silent], horizon=at(7)) == []  # raised again by the next batch: from memory
    assert table.reads == 2


def test_a_new_silence_older_than_the_horizon_is_new_once(spark):
    table = CountingTable(spark)
    known = KnownAlerts(read=table, missing_rules=frozenset({"device_silent"}))
    silent = alert("silent-d4", "device_silent", "d4", at(2))
    assert ids(known.unknown([silent], horizon=at(5))) == ["silent-d4"]
    known.remember([silent])
    assert known.unknown([silent], horizon=at(7)) == []
    assert table.reads == 2


def test_ids_below_a_moving_horizon_are_forgotten_and_asked_for_again(spark):
    table = CountingTable(spark)
    known = KnownAlerts(read=table, missing_rules=frozenset({"device_silent"}))
    known.unknown([], horizon=at(5))  # loads hot-d1-5
    assert known.unknown([alert("hot-d1-5", "high_temperature", "d1", at(5))], horizon=at(5)) == []
    assert table.reads == 1
    # Once the horizon passes an event-derived id, no valid event can repeat it; were one offered, the table
    # (not the memory) would answer.
    assert known.unknown([alert("hot-d1-5", "high_temperature", "d1", at(5))], horizon=at(9)) == []
    assert table.reads == 2


def test_a_writer_with_no_table_and_no_horizon_knows_nothing_is_stored(spark):
    known = KnownAlerts(read=lambda: None, missing_rules=frozenset())
    rows = [alert("b", "r", "d1", at(2)), alert("a", "r", "d1", at(1))]
    assert ids(known.unknown(rows, horizon=None)) == ["a", "b"]
