"""Anomalies: the spec's rules over silver events, into an alerts table, dispatched once through a sink.

- threshold: field <op> value; status: field in values (stateless, per event);
- spike: value rose more than increasePercent vs the previous event of the same device within `within`;
- missing: no event from a device for `timeout` of event time. Raised when the device resumes after a gap,
  or when the stream's event-time clock (latest event of any device) passes the device's last event + timeout.
  Both paths give the same alert (event time = last event + timeout), so it is stored once.

Spike and missing need each device's last event across batches. It lives in a Delta state table with one row
per (device, batch): batch N reads the newest row of batches < N, so a replayed batch sees the same state.
Alert ids are a hash of (rule, device, event time); the alerts table is MERGEd on it (no duplicates on
replay) and doubles as the dispatch outbox (see alerts.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.streaming import StreamingQuery
from pyspark.sql.types import DoubleType, LongType, MapType, StringType, StructField, StructType, TimestampType

from . import durations, idempotent
from .alerts import Alert, AlertSink
from .spec import AnomalyRule, StreamSpec
from .tables import Tables

log = logging.getLogger(__name__)

QUERY = "anomalies"
PRUNE_EVERY = 10
STATE_SCHEMA = StructType(
    [
        StructField("device", StringType()),
        StructField("last_event_time", TimestampType()),
        StructField("last_values", MapType(StringType(), DoubleType())),
        StructField("batch_id", LongType()),
    ]
)
_OPS = {">": Column.__gt__, ">=": Column.__ge__, "<": Column.__lt__, "<=": Column.__le__}


def alert_id(rule_id: Column, device: Column, event_time: Column) -> Column:
    stamp = F.date_format(event_time, "yyyy-MM-dd'T'HH:mm:ss.SSSSSS")
    return F.sha2(F.concat_ws("|", rule_id, device, stamp), 256)


def _alert(rule: AnomalyRule, device: Column, event_time: Column, observed: Column, detail: Column) -> list[Column]:
    return [
        alert_id(F.lit(rule.id), device, event_time).alias("alert_id"),
        F.lit(rule.id).alias("rule_id"),
        F.lit(rule.type).alias("rule_type"),
        F.lit(rule.severity).alias("severity"),
        device.alias("device"),
        event_time.alias("event_time"),
        F.lit(rule.field).cast("string").alias("field"),
        observed.cast("string").alias("observed"),
        detail.alias("detail"),
    ]


def _seconds(ts: Column) -> Column:
    return ts.cast("double")


def _plus_seconds(ts: Column, seconds: int) -> Column:
    return (ts.cast("double") + F.lit(float(seconds))).cast("timestamp")


@dataclass
class AnomalyDetector:
    """The foreachBatch function of the anomalies query."""

    spark: SparkSession
    spec: StreamSpec
    tables: Tables
    txn_app_id: str
    sink: AlertSink

    @property
    def spike_fields(self) -> list[str]:
        return sorted({r.field for r in self.spec.anomalies if r.type == "spike"})

    @property
    def stateful(self) -> bool:
        return any(r.type in ("spike", "missing") for r in self.spec.anomalies)

    def prior_state(self, batch_id: int) -> DataFrame:
        state = self.tables.anomaly_state
        if not state.exists(self.spark):
            return self.spark.createDataFrame([], STATE_SCHEMA)
        newest = Window.partitionBy("device").orderBy(F.col("batch_id").desc())
        return (
            state.read(self.spark)
            .where(F.col("batch_id") < batch_id)
            .withColumn("_rn", F.row_number().over(newest))
            .where("_rn = 1")
            .drop("_rn")
        )

    def __call__(self, batch: DataFrame, batch_id: int) -> None:
        spec = self.spec
        events = batch.select(
            F.col(spec.device_field).cast("string").alias("device"),
            F.col(spec.event_time_field).alias("event_time"),
            F.col(spec.event_id_field).alias("event_id"),
            *[F.col(f) for f in dict.fromkeys(r.field for r in spec.anomalies if r.field)],
        ).persist()
        try:
            parts = [self._stateless(events, r) for r in spec.anomalies if r.type in ("threshold", "status")]
            timeline = None
            if self.stateful:
                # Built once per batch (a few rows per device) and reused by spike, missing and the state.
                timeline = self._timeline(events, self.prior_state(batch_id)).persist()
                parts += self._stateful(timeline)
            alerts = None
            for part in parts:
                alerts = part if alerts is None else alerts.unionByName(part)
            if alerts is not None:
                alerts = alerts.select(
                    "*",
                    F.lit(batch_id).cast("long").alias("batch_id"),
                    F.current_timestamp().alias("detected_at"),
                    F.lit(False).alias("dispatched"),
                    F.lit(None).cast("timestamp").alias("dispatched_at"),
                )
                idempotent.insert_new(self.spark, alerts, self.tables.alerts, ["alert_id"], self.txn_app_id, batch_id)
            if timeline is not None:
                self._save_state(timeline, batch_id)
                timeline.unpersist()
        finally:
            events.unpersist()
        self.dispatch()

    def _stateless(self, events: DataFrame, rule: AnomalyRule) -> DataFrame:
        value = F.col(rule.field)
        if rule.type == "threshold":
            condition = _OPS[rule.operator](value, F.lit(rule.value))
            detail = F.format_string(f"{rule.field}=%s {rule.operator} {rule.value}", value.cast("string"))
        else:
            condition = value.isin(*rule.values)
            detail = F.format_string(f"{rule.field}=%s in {list(rule.values)}", value)
        return events.where(condition).select(*_alert(rule, F.col("device"), F.col("event_time"), value, detail))

    def _timeline(self, events: DataFrame, prior: DataFrame) -> DataFrame:
        values = F.create_map(*[x for f in self.spike_fields for x in (F.lit(f), F.col(f).cast("double"))])
        if not self.spike_fields:
            values = F.create_map().cast(MapType(StringType(), DoubleType()))
        current = events.select(
            "device", "event_time", "event_id", values.alias("vals"), F.lit(False).alias("is_state")
        )
        previous = prior.select(
            "device",
            F.col("last_event_time").alias("event_time"),
            F.lit(None).cast("string").alias("event_id"),
            F.col("last_values").alias("vals"),
            F.lit(True).alias("is_state"),
        )
        # Ties on event time: the stored last event counts as the earlier one.
        order = Window.partitionBy("device").orderBy("event_time", F.col("is_state").desc(), "event_id")
        return (
            current.unionByName(previous)
            .withColumn("prev_time", F.lag("event_time").over(order))
            .withColumn("prev_vals", F.lag("vals").over(order))
        )

    def _stateful(self, timeline: DataFrame) -> list[DataFrame]:
        fresh = timeline.where(~F.col("is_state"))
        out: list[DataFrame] = []
        for rule in self.spec.anomalies:
            if rule.type == "spike":
                value, prev = F.col("vals")[rule.field], F.col("prev_vals")[rule.field]
                within = durations.to_seconds(rule.within)
                increase = (value - prev) / F.abs(prev) * 100.0
                condition = (
                    F.col("prev_time").isNotNull()
                    & (_seconds(F.col("event_time")) - _seconds(F.col("prev_time")) <= within)
                    & prev.isNotNull()
                    & value.isNotNull()
                    & (prev != 0)
                    & (increase > F.lit(float(rule.increase_percent)))
                )
                detail = F.format_string(
                    f"{rule.field} rose %.2f%% (%s -> %s) within {rule.within}",
                    increase,
                    prev.cast("string"),
                    value.cast("string"),
                )
                out.append(
                    fresh.where(condition).select(*_alert(rule, F.col("device"), F.col("event_time"), value, detail))
                )
            elif rule.type == "missing":
                timeout = durations.to_seconds(rule.timeout)
                gap = _seconds(F.col("event_time")) - _seconds(F.col("prev_time"))
                resumed = fresh.where(F.col("prev_time").isNotNull() & (gap > timeout)).select(
                    "device", F.col("prev_time").alias("last_seen")
                )
                clock = timeline.agg(F.max("event_time").alias("clock"))
                latest = timeline.groupBy("device").agg(F.max("event_time").alias("last_seen"))
                silent = (
                    latest.crossJoin(clock)
                    .where(_seconds(F.col("clock")) - _seconds(F.col("last_seen")) > timeout)
                    .select("device", "last_seen")
                )
                since = resumed.unionByName(silent)
                detail = F.format_string(
                    f"no event since %s (timeout {rule.timeout})", F.col("last_seen").cast("string")
                )
                out.append(
                    since.select(
                        *_alert(
                            rule,
                            F.col("device"),
                            _plus_seconds(F.col("last_seen"), timeout),
                            F.col("last_seen"),
                            detail,
                        )
                    )
                )
        return out

    def _save_state(self, timeline: DataFrame, batch_id: int) -> None:
        newest = Window.partitionBy("device").orderBy(
            F.col("event_time").desc(), F.col("is_state").asc(), F.col("event_id").desc()
        )
        latest = timeline.withColumn("_rn", F.row_number().over(newest)).where("_rn = 1")
        new_rows = latest.where(~F.col("is_state")).select(
            "device",
            F.col("event_time").alias("last_event_time"),
            F.col("vals").alias("last_values"),
            F.lit(batch_id).cast("long").alias("batch_id"),
        )
        state = self.tables.anomaly_state
        idempotent.append(new_rows, state, self.txn_app_id, batch_id)
        # Keep, per device, the newest row before this batch (a replay needs it) and anything newer.
        # Pruning is idempotent and only bounds the table's size: do it every PRUNE_EVERY batches.
        if batch_id == 0 or batch_id % PRUNE_EVERY:
            return
        keep = self.prior_state(batch_id).select("device", F.col("batch_id").alias("keep_from"))
        state.delta(self.spark).alias("t").merge(
            keep.alias("s"), "t.device = s.device AND t.batch_id < s.keep_from"
        ).whenMatchedDelete().execute()

    def dispatch(self) -> int:
        """Send every alert still in the outbox, then flag the sent ones. Returns how many were sent."""
        table = self.tables.alerts
        if not table.exists(self.spark):
            return 0
        pending = table.read(self.spark).where(~F.col("dispatched")).orderBy("event_time", "alert_id").collect()
        sent: list[str] = []
        for row in pending:
            alert = Alert(
                alert_id=row["alert_id"],
                rule_id=row["rule_id"],
                rule_type=row["rule_type"],
                severity=row["severity"],
                device=row["device"],
                event_time=row["event_time"],
                field=row["field"],
                observed=row["observed"],
                detail=row["detail"],
            )
            try:
                self.sink.send(alert)
            except Exception:
                # Stays in the outbox; the next batch tries again.
                log.exception("alert %s not dispatched", alert.alert_id)
                continue
            sent.append(alert.alert_id)
        if sent:
            # An UPDATE by id list (no join): the outbox only ever holds a handful of pending alerts.
            table.delta(self.spark).update(
                condition=F.col("alert_id").isin(sent),
                set={"dispatched": F.lit(True), "dispatched_at": F.current_timestamp()},
            )
        return len(sent)


def start_anomalies(
    spark: SparkSession,
    spec: StreamSpec,
    tables: Tables,
    checkpoint_location: str,
    trigger: dict[str, Any],
    sink: AlertSink,
) -> StreamingQuery:
    detector = AnomalyDetector(spark, spec, tables, idempotent.app_id(spec.name, QUERY, checkpoint_location), sink)
    return (
        tables.silver.read_stream(spark)
        .writeStream.foreachBatch(detector)
        .option("checkpointLocation", checkpoint_location)
        .trigger(**trigger)
        .queryName(f"{spec.name}-{QUERY}")
        .start()
    )
