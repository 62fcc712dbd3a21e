"""Anomalies: the spec's rules over silver events, into an alerts table, dispatched once through a sink.

- threshold: field <op> value (where another field equals a value, if it has a condition); status: field in
  values (stateless, per event);
- spike: value rose more than increasePercent vs the previous event of the same device within `within`;
- missing: no event from a device for `timeout` of event time. Raised when the device resumes after a gap,
  or when the stream's event-time clock (latest event of any device) passes the device's last event + timeout
  (computed on the driver from the device state). Both paths give the same alert (event time = last event +
  timeout, the same id), so it is stored once.

Spike and missing need each device's last event before the batch. That is silver's newest row per device of
the earlier batches: a writer reads it from silver when it starts, then keeps it in memory (one small row per
device on the driver), so a replayed batch sees the same state and no state table is written per batch.
Alert ids are a hash of (rule, device, event time). A batch's new alerts (those not stored yet, which
known_alerts.py answers mostly from memory) are collected, sent through the sink, and appended once with
their `dispatched` flag: a send that fails stays in the outbox (flag false) and is retried with the next
batches (see alerts.py).
"""

from __future__ import annotations

import functools
import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pyspark.sql import Column, DataFrame, Row, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.types import DoubleType, MapType, StringType, StructField, StructType, TimestampType

from . import durations
from .alerts import Alert, AlertSink
from .idempotent import WRITER_COLUMN, BatchLog
from .known_alerts import KnownAlerts
from .spec import AnomalyRule, StreamSpec
from .tables import Tables

log = logging.getLogger(__name__)

STATE_SCHEMA = StructType(
    [
        StructField("device", StringType()),
        StructField("last_event_time", TimestampType()),
        StructField("last_values", MapType(StringType(), DoubleType())),
    ]
)
ALERT_COLUMNS = ("alert_id", "rule_id", "rule_type", "severity", "device", "event_time", "field", "observed", "detail")
_OPS = {">": Column.__gt__, ">=": Column.__ge__, "<": Column.__lt__, "<=": Column.__le__}


def alert_id(rule_id: Column, device: Column, event_time: Column) -> Column:
    stamp = F.date_format(event_time, "yyyy-MM-dd'T'HH:mm:ss.SSSSSS")
    return F.sha2(F.concat_ws("|", rule_id, device, stamp), 256)


def _fields_read(rule: AnomalyRule) -> list[str]:
    return [f for f in (rule.field, rule.condition.field if rule.condition else None) if f]


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


def spark_string(ts: datetime) -> str:
    """A timestamp as Spark casts it to a string: seconds, then the fraction without trailing zeros."""
    text = ts.strftime("%Y-%m-%d %H:%M:%S")
    return text + (f".{ts.microsecond:06d}".rstrip("0") if ts.microsecond else "")


def _seconds(ts: Column) -> Column:
    return ts.cast("double")


def _plus_seconds(ts: Column, seconds: int) -> Column:
    return (ts.cast("double") + F.lit(float(seconds))).cast("timestamp")


@dataclass
class _DeviceState:
    """Each device's last event: `before` is the state before batch `through`, `after` the state after it."""

    through: int
    before: dict[str, tuple]
    after: dict[str, tuple] | None = None

    def before_batch(self, batch_id: int) -> dict[str, tuple] | None:
        if batch_id == self.through:
            return self.before
        if self.after is not None and batch_id == self.through + 1:
            return self.after
        return None


@dataclass
class AnomalyDetector:
    """The anomaly rules over one batch of silver rows, then dispatch."""

    spark: SparkSession
    spec: StreamSpec
    tables: Tables
    log: BatchLog
    sink: AlertSink
    _state: _DeviceState | None = field(default=None, init=False, repr=False)
    _known: KnownAlerts = field(init=False, repr=False)
    _pending: bool = field(default=True, init=False, repr=False)  # the outbox may hold unsent alerts

    def __post_init__(self) -> None:
        alerts = self.tables.alerts
        self._known = KnownAlerts(
            read=lambda: alerts.read(self.spark) if self.log.exists(alerts) else None,
            missing_rules=frozenset(r.id for r in self.spec.anomalies if r.type == "missing"),
        )

    @property
    def spike_fields(self) -> list[str]:
        return sorted({r.field for r in self.spec.anomalies if r.type == "spike"})

    @property
    def rule_fields(self) -> list[str]:
        """Every field a rule reads, a threshold condition's field included."""
        return list(dict.fromkeys(f for r in self.spec.anomalies for f in _fields_read(r)))

    @property
    def stateful(self) -> bool:
        return any(r.type in ("spike", "missing") for r in self.spec.anomalies)

    def _values(self) -> Column:
        if not self.spike_fields:
            return F.create_map().cast(MapType(StringType(), DoubleType()))
        return F.create_map(*[x for f in self.spike_fields for x in (F.lit(f), F.col(f).cast("double"))])

    def _state_from_silver(self, batch_id: int) -> dict[str, tuple]:
        """Each device's newest silver row of the batches before `batch_id` (ties: the later batch, the greater id)."""
        silver, spec = self.tables.silver, self.spec
        if not self.log.exists(silver):
            return {}
        batch = silver.layout.batch_column
        later = (F.col(WRITER_COLUMN) == F.lit(self.log.writer_id)) & (F.col(batch) >= batch_id)
        newest = Window.partitionBy("device").orderBy(
            F.col("last_event_time").desc(), F.col(batch).desc(), F.col(spec.event_id_field).desc()
        )
        rows = (
            silver.read(self.spark)
            .where(~later)
            .select(
                F.col(spec.entity_field).cast("string").alias("device"),
                F.col(spec.event_time_field).alias("last_event_time"),
                self._values().alias("last_values"),
                batch,
                spec.event_id_field,
            )
            .withColumn("_rn", F.row_number().over(newest))
            .where("_rn = 1")
            .select(*STATE_SCHEMA.fieldNames())
            .collect()
        )
        return {r["device"]: tuple(r) for r in rows}

    def prior_state(self, batch_id: int) -> DataFrame:
        state = self._state.before_batch(batch_id) if self._state else None
        if state is None:
            self._state = _DeviceState(batch_id, self._state_from_silver(batch_id))
            state = self._state.before
        elif batch_id != self._state.through:
            self._state = _DeviceState(batch_id, state)
        return self.spark.createDataFrame(list(state.values()), STATE_SCHEMA)

    def __call__(self, batch: DataFrame, batch_id: int, horizon: datetime | None = None) -> None:
        """`horizon`: silver's watermark before the batch (None: none yet), the oldest event time it can hold."""
        if self.log.holds(self.tables.alerts, batch_id):
            return  # this batch's alerts were stored (and sent) before a restart
        spec = self.spec
        events = batch.select(
            F.col(spec.entity_field).cast("string").alias("device"),
            F.col(spec.event_time_field).alias("event_time"),
            F.col(spec.event_id_field).alias("event_id"),
            *[F.col(f) for f in self.rule_fields],
            self._values().alias("vals"),
        )
        candidates = self._evaluate(events, batch_id)
        if self.stateful:
            candidates += self._silent(self._state.after)
        self._store_and_send(self._known.unknown(candidates, horizon), batch_id)

    def _evaluate(self, events: DataFrame, batch_id: int) -> list[Row]:
        """Every rule over the batch in one Spark job (a small batch costs its jobs, not its rows). With stateful
        rules the same job also returns each device's newest event, kept as the state before the next batch."""
        rows, newest = events.withColumn("is_state", F.lit(False)), F.lit(False)
        if self.stateful:
            previous = self.prior_state(batch_id).select(
                "device",
                F.col("last_event_time").alias("event_time"),
                F.lit(None).cast("string").alias("event_id"),
                *[F.lit(None).cast(events.schema[f].dataType).alias(f) for f in self.rule_fields],
                F.col("last_values").alias("vals"),
                F.lit(True).alias("is_state"),
            )
            # Ties on event time: the stored last event counts as the earlier one.
            order = Window.partitionBy("device").orderBy("event_time", F.col("is_state").desc(), "event_id")
            rows = (
                rows.unionByName(previous)
                .withColumn("prev_time", F.lag("event_time").over(order))
                .withColumn("prev_vals", F.lag("vals").over(order))
            )
            # A device's last row in that order is its newest event: the state after the batch, if it is new.
            newest = F.lead("event_time").over(order).isNull() & ~F.col("is_state")
        rules = self._rules()
        fires = functools.reduce(Column.__or__, [condition for condition, _ in rules])
        fired = [F.when(~F.col("is_state") & condition, F.struct(*alert)) for condition, alert in rules]
        collected = (
            rows.withColumn("newest", newest)
            # The comparisons run on every row; the alerts are built only on the few rows that raise one.
            .where((~F.col("is_state") & F.coalesce(fires, F.lit(False))) | F.col("newest"))
            .select(
                "device",
                "event_time",
                "vals",
                "newest",
                F.filter(F.array(*fired), lambda a: a.isNotNull()).alias("alerts"),
            )
            .collect()
        )
        if self.stateful:
            after = dict(self._state.before)
            after.update({r["device"]: (r["device"], r["event_time"], r["vals"]) for r in collected if r["newest"]})
            self._state.after = after
        return [a for r in collected for a in r["alerts"]]

    def _silent(self, state: dict[str, tuple]) -> list[Row]:
        """The missing rule's silent devices, on the driver from the device state: the stream's event-time clock
        (its latest event) has passed a device's last event + timeout."""
        if not state:
            return []
        clock = max(last for _, last, _ in state.values())
        out = []
        for rule in (r for r in self.spec.anomalies if r.type == "missing"):
            timeout = durations.to_seconds(rule.timeout)
            for device, last, _ in state.values():
                if (clock - last).total_seconds() > timeout:
                    at = last + timedelta(seconds=timeout)
                    stamp = at.strftime("%Y-%m-%dT%H:%M:%S.%f")
                    out.append(
                        Row(
                            alert_id=hashlib.sha256(f"{rule.id}|{device}|{stamp}".encode()).hexdigest(),
                            rule_id=rule.id,
                            rule_type=rule.type,
                            severity=rule.severity,
                            device=device,
                            event_time=at,
                            field=None,
                            observed=spark_string(last),
                            detail=f"no event since {spark_string(last)} (timeout {rule.timeout})",
                        )
                    )
        return out

    def _store_and_send(self, new_alerts: list[Row], batch_id: int) -> None:
        """Send first, then store each alert once with whether it went out: one commit per batch with alerts.
        A crash between the two re-sends on replay, with the same idempotency key (the alert id)."""
        if self._pending:
            self._retry_pending()
        sent = {alert_id for alert_id in (self._send(r) for r in new_alerts) if alert_id is not None}
        self._pending = self._pending or len(sent) < len(new_alerts)

        def rows() -> DataFrame:
            data = [(*tuple(r), r["alert_id"] in sent) for r in new_alerts]
            schema = ", ".join(
                [
                    "alert_id string, rule_id string, rule_type string, severity string, device string",
                    "event_time timestamp, field string, observed string, detail string, dispatched boolean",
                ]
            )
            return self.spark.createDataFrame(data, schema).select(
                "*",
                F.current_timestamp().alias("detected_at"),
                F.when(F.col("dispatched"), F.current_timestamp()).cast("timestamp").alias("dispatched_at"),
            )

        self.log.append(len(new_alerts), rows, self.tables.alerts, batch_id)
        self._known.remember(new_alerts)

    def _send(self, row: Row) -> str | None:
        alert = Alert(**{c: row[c] for c in ALERT_COLUMNS})
        try:
            self.sink.send(alert)
        except Exception:
            # Stays in the outbox; a later batch tries again.
            log.exception("alert %s not dispatched", alert.alert_id)
            return None
        return alert.alert_id

    def _retry_pending(self) -> None:
        """Send what the outbox still holds (read on a writer's first batch and after a failed send only)."""
        table = self.tables.alerts
        if not self.log.exists(table):
            self._pending = False
            return
        pending = table.read(self.spark).where(~F.col("dispatched")).orderBy("event_time", "alert_id").collect()
        sent = [alert_id for alert_id in (self._send(r) for r in pending) if alert_id is not None]
        if sent:
            table.delta(self.spark).update(
                condition=F.col("alert_id").isin(sent),
                set={"dispatched": F.lit(True), "dispatched_at": F.current_timestamp()},
            )
        self._pending = len(sent) < len(pending)

    def _rules(self) -> list[tuple[Column, list[Column]]]:
        """Each rule as (when it fires on a row, the alert it raises), over the rows `_evaluate` builds."""
        out = []
        for rule in self.spec.anomalies:
            device, event_time = F.col("device"), F.col("event_time")
            if rule.type == "threshold":
                value = F.col(rule.field)
                condition = _OPS[rule.operator](value, F.lit(rule.value))
                text = f"{rule.field}=%s {rule.operator} {rule.value}"
                if rule.condition is not None:
                    # A null in the condition's field is not equal: such an event cannot break the rule.
                    condition = condition & (F.col(rule.condition.field) == F.lit(rule.condition.equals))
                    text += f" where {rule.condition.field}={rule.condition.equals}".replace("%", "%%")
                out.append(
                    (condition, _alert(rule, device, event_time, value, F.format_string(text, value.cast("string"))))
                )
            elif rule.type == "status":
                value = F.col(rule.field)
                detail = F.format_string(f"{rule.field}=%s in {list(rule.values)}", value)
                out.append((value.isin(*rule.values), _alert(rule, device, event_time, value, detail)))
            elif rule.type == "spike":
                value, prev = F.col("vals")[rule.field], F.col("prev_vals")[rule.field]
                within = durations.to_seconds(rule.within)
                increase = (value - prev) / F.abs(prev) * 100.0
                condition = (
                    F.col("prev_time").isNotNull()
                    & (_seconds(event_time) - _seconds(F.col("prev_time")) <= within)
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
                out.append((condition, _alert(rule, device, event_time, value, detail)))
            elif rule.type == "missing":
                # The device resumed after a gap: the alert is at its last event before the gap + timeout.
                timeout = durations.to_seconds(rule.timeout)
                last_seen = F.col("prev_time")
                condition = last_seen.isNotNull() & (_seconds(event_time) - _seconds(last_seen) > timeout)
                detail = F.format_string(f"no event since %s (timeout {rule.timeout})", last_seen.cast("string"))
                at = _plus_seconds(last_seen, timeout)
                out.append((condition, _alert(rule, device, at, last_seen, detail)))
        return out
