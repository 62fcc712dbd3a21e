"""Silver: parse, validate, standardize, drop late events and duplicates into quarantine, never silently.

Every bronze row lands in exactly one of silver or quarantine (with a reason):
  malformed_json, missing_required:<f>, type_mismatch:<f>, not_allowed:<f>, out_of_range:<f>, late, duplicate.

Why foreachBatch and not dropDuplicatesWithinWatermark: Spark drops late rows silently there and would
collapse rows with a null id. Here the watermark and the dedup are explicit and each rejected row is kept:
- watermark: a tiny state table holds each batch's max event time; batch N's horizon is
  max(event time of batches < N) - spec.watermark, so a replay of N computes the same horizon
  (the writer reads that table once, then keeps the running maximum in memory);
  an event at or before the horizon is `late` (Spark's own lateness test is `<=` too, so the gold
  aggregations downstream never drop a row that silver accepted);
- dedup: by the event id, first within the batch (ordered by source position), then against silver rows
  of other batches whose event time is after the horizon (the "within the watermark" scope).
Writes: silver, quarantine, then the state table, each an append with txnAppId + txnVersion; once a table
exists, a write with no rows is skipped (a replay of the batch counts the same rows and skips the same).
One aggregation over the checked batch gives both counts and the max event time: per-batch Spark jobs
and Delta commits, not rows, are what a micro-batch costs at these sizes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import timedelta
from dataclasses import dataclass, field
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.streaming import StreamingQuery
from pyspark.sql.types import LongType, StringType, StructField, StructType, TimestampType

from . import durations, idempotent
from .spec import FieldSpec, StreamSpec
from .tables import TableRef, Tables

log = logging.getLogger(__name__)

QUERY = "silver"
CORRUPT = "_corrupt_record"
METADATA_COLUMNS = [
    "source_type",
    "source_partition",
    "source_offset",
    "source_sequence",
    "enqueued_time",
    "ingestion_time",
]
_CONVERSIONS = {
    ("celsius", "fahrenheit"): lambda c: c * 9.0 / 5.0 + 32.0,
    ("fahrenheit", "celsius"): lambda c: (c - 32.0) * 5.0 / 9.0,
    ("celsius", "kelvin"): lambda c: c + 273.15,
    ("kelvin", "celsius"): lambda c: c - 273.15,
    ("fahrenheit", "kelvin"): lambda c: (c - 32.0) * 5.0 / 9.0 + 273.15,
    ("kelvin", "fahrenheit"): lambda c: (c - 273.15) * 9.0 / 5.0 + 32.0,
}


def _raw(name: str) -> Column:
    return F.col(f"_raw.`{name}`")


def _typed(f: FieldSpec) -> Column:
    """Cast the field's JSON text to its type; null when the text does not fit (-> type_mismatch)."""
    raw = _raw(f.name)
    if f.type == "string":
        return raw
    if f.type == "double":
        value = raw.cast("double")
        finite = ~F.isnan(value) & (F.abs(value) != F.lit(float("inf")))
        return F.when(finite, value)
    if f.type in ("long", "integer"):
        # Reject 21.5 or "1e3" instead of truncating them.
        return F.when(raw.rlike(r"^-?[0-9]+$"), raw.cast("long" if f.type == "long" else "int"))
    if f.type == "boolean":
        return F.when(raw.isin("true", "false"), raw == F.lit("true"))
    if f.type == "timestamp":
        return raw.cast("timestamp")
    raise ValueError(f"unsupported field type {f.type}")


def _first_reason(checks: Sequence[tuple[Column, str]]) -> Column:
    reason: Column | None = None
    for condition, label in reversed(checks):
        reason = F.when(condition, F.lit(label)).otherwise(reason if reason is not None else F.lit(None))
    return reason if reason is not None else F.lit(None).cast("string")


def validate_events(bronze: DataFrame, spec: StreamSpec) -> DataFrame:
    """Bronze rows + typed spec fields + `reason` (null when valid). Never removes a row.

    Fields are parsed as JSON text first (a string schema keeps numbers and nested values as text), then
    cast, so a bad type is told apart from a missing value. `allowed` is checked on the value as sent,
    ranges on the standardized value (ranges are in the target unit).
    """
    text_schema = StructType(
        [StructField(f.name, StringType()) for f in spec.fields] + [StructField(CORRUPT, StringType())]
    )
    parsed = bronze.withColumn(
        "_raw",
        F.from_json("body", text_schema, {"mode": "PERMISSIVE", "columnNameOfCorruptRecord": CORRUPT}),
    )
    malformed = (
        F.col("body").isNull()
        | F.col("_raw").isNull()
        | _raw(CORRUPT).isNotNull()
        # PERMISSIVE turns input that is JSON but not an object into a row of nulls: re-check the text.
        | ~F.ltrim(F.col("body")).startswith("{")
    )
    checks: list[tuple[Column, str]] = [(malformed, "malformed_json")]
    required = [f for f in spec.fields if f.required or f.name in spec.implicitly_required]
    checks += [(_raw(f.name).isNull(), f"missing_required:{f.name}") for f in required]
    typed = {f.name: _typed(f) for f in spec.fields}
    checks += [(_raw(f.name).isNotNull() & typed[f.name].isNull(), f"type_mismatch:{f.name}") for f in spec.fields]
    checks += [
        (typed[f.name].isNotNull() & ~typed[f.name].isin(*f.allowed), f"not_allowed:{f.name}")
        for f in spec.fields
        if f.allowed
    ]

    standardized = dict(typed)
    for s in spec.standardize:
        convert = _CONVERSIONS[(s.from_unit, s.to_unit)]
        is_from = typed[s.unit_field] == F.lit(s.from_unit)
        standardized[s.field] = F.when(is_from, convert(standardized[s.field])).otherwise(standardized[s.field])
        standardized[s.unit_field] = F.when(is_from, F.lit(s.to_unit)).otherwise(standardized[s.unit_field])
    for f in spec.fields:
        value = standardized[f.name]
        if f.min is not None:
            checks.append((value.isNotNull() & (value < F.lit(f.min)), f"out_of_range:{f.name}"))
        if f.max is not None:
            checks.append((value.isNotNull() & (value > F.lit(f.max)), f"out_of_range:{f.name}"))
    # Order of precedence: the first failing check names the reason.
    ordered = [checks[0]] + [c for c in checks[1:] if not c[1].startswith("out_of_range")]
    ordered += [c for c in checks[1:] if c[1].startswith("out_of_range")]
    return parsed.select(
        *bronze.columns,
        *[standardized[f.name].alias(f.name) for f in spec.fields],
        _first_reason(ordered).alias("reason"),
    )


STATE_SCHEMA = StructType([StructField("batch_id", LongType()), StructField("max_event_time", TimestampType())])


@dataclass
class _RunningMax:
    """Max event time of silver's batches: `before` covers ids < `through`, `latest` is batch `through`'s own.

    Batch ids grow by one, and a retry repeats the last id, so this is all a horizon ever needs."""

    through: int
    before: Any
    latest: Any = None
    recorded: bool = False

    def covers(self, batch_id: int) -> bool:
        """Knows every batch before `batch_id`: a retry of `through`, or the next one once `through` is recorded."""
        return batch_id == self.through or (self.recorded and batch_id == self.through + 1)

    def before_batch(self, batch_id: int) -> Any:
        values = [self.before] + ([self.latest] if batch_id > self.through else [])
        return max((v for v in values if v is not None), default=None)

    def record(self, batch_id: int, value: Any) -> None:
        if batch_id > self.through:
            self.before, self.through = self.before_batch(batch_id), batch_id
        self.latest, self.recorded = value, True


@dataclass
class SilverWriter:
    """The foreachBatch function of the silver query (callable; a replayed batch id is a no-op)."""

    spark: SparkSession
    spec: StreamSpec
    tables: Tables
    txn_app_id: str
    reference: DataFrame | None = None
    reference_keys: Sequence[str] = ()
    _max: _RunningMax | None = field(default=None, init=False, repr=False)
    _existing: set[str] = field(default_factory=set, init=False, repr=False)

    def _exists(self, table: TableRef) -> bool:
        """Tables are created by this writer and never dropped while it runs: ask Delta until one exists."""
        if str(table) not in self._existing and table.exists(self.spark):
            self._existing.add(str(table))
        return str(table) in self._existing

    def _append(self, rows: int, df: Callable[[], DataFrame], table: TableRef, batch_id: int) -> None:
        """The first write creates the table even when empty (readers need it); later empty writes are skipped."""
        if rows or not self._exists(table):
            idempotent.append(df(), table, self.txn_app_id, batch_id)
            self._existing.add(str(table))

    def _running_max(self, batch_id: int) -> _RunningMax:
        """Read from the state table on the first batch, or for any batch the memory does not cover."""
        if self._max is None or not self._max.covers(batch_id):
            state, before = self.tables.silver_state, None
            if self._exists(state):
                row = state.read(self.spark).where(F.col("batch_id") < batch_id).agg(F.max("max_event_time")).first()
                before = row[0] if row else None
            self._max = _RunningMax(batch_id, before)
        return self._max

    def horizon(self, batch_id: int) -> Any:
        """Watermark before batch `batch_id`: max event time of earlier batches minus the delay."""
        latest = self._running_max(batch_id).before_batch(batch_id)
        return None if latest is None else latest - _timedelta(self.spec.watermark)

    def __call__(self, batch: DataFrame, batch_id: int) -> None:
        spec = self.spec
        evt, eid = spec.event_time_field, spec.event_id_field
        checked = validate_events(batch, spec)
        horizon = self.horizon(batch_id)
        if horizon is not None:
            late = F.col("reason").isNull() & (F.col(evt) <= F.lit(horizon))
            checked = checked.withColumn("reason", F.when(late, F.lit("late")).otherwise(F.col("reason")))

        # Dedup 1: within the batch, keep the first by source position.
        order = Window.partitionBy(eid, F.col("reason").isNull()).orderBy(
            "enqueued_time", "source_partition", "source_sequence", "source_offset"
        )
        rank = F.when(F.col("reason").isNull(), F.row_number().over(order))
        checked = checked.withColumn("reason", F.when(rank > 1, F.lit("duplicate")).otherwise(F.col("reason")))
        # Dedup 2: against silver rows of other batches within the horizon.
        silver = self.tables.silver
        if self._exists(silver):
            seen = silver.read(self.spark).where(F.col("silver_batch_id") != batch_id)
            if horizon is not None:
                # Also prunes files: Delta skips files whose event-time stats end before the horizon.
                seen = seen.where(F.col(evt) > F.lit(horizon))
            seen = seen.select(F.col(eid).alias("_seen_id")).distinct()
            checked = checked.join(seen, F.col(eid) == F.col("_seen_id"), "left")
            dup = F.col("reason").isNull() & F.col("_seen_id").isNotNull()
            checked = checked.withColumn("reason", F.when(dup, F.lit("duplicate")).otherwise(F.col("reason"))).drop(
                "_seen_id"
            )
        checked = checked.persist()
        try:
            self._write(checked, batch_id)
        finally:
            checked.unpersist()

    def _write(self, checked: DataFrame, batch_id: int) -> None:
        spec = self.spec
        is_valid = F.col("reason").isNull()
        counts = checked.agg(
            F.count(F.when(is_valid, 1)).alias("valid"),
            F.count(F.when(~is_valid, 1)).alias("quarantined"),
            F.max(F.when(is_valid, F.col(spec.event_time_field))).alias("max_event_time"),
        ).first()
        max_event_time = counts["max_event_time"]

        def valid() -> DataFrame:
            rows = checked.where(is_valid).select(
                *spec.field_names,
                *METADATA_COLUMNS,
                F.lit(batch_id).cast("long").alias("silver_batch_id"),
                F.current_timestamp().alias("processed_at"),
            )
            if self.reference is None:
                return rows
            keys = list(self.reference_keys)
            return rows.join(self.reference.dropDuplicates(keys), on=keys, how="left")

        def quarantined() -> DataFrame:
            return checked.where(~is_valid).select(
                F.col("body").alias("raw_body"),
                "reason",
                *METADATA_COLUMNS,
                F.lit(batch_id).cast("long").alias("batch_id"),
                F.current_timestamp().alias("quarantined_at"),
            )

        def state() -> DataFrame:
            return self.spark.createDataFrame([(batch_id, max_event_time)], STATE_SCHEMA)

        self._append(counts["valid"], valid, self.tables.silver, batch_id)
        self._append(counts["quarantined"], quarantined, self.tables.quarantine, batch_id)
        self._append(int(max_event_time is not None), state, self.tables.silver_state, batch_id)
        self._running_max(batch_id).record(batch_id, max_event_time)


def _timedelta(duration: str) -> timedelta:
    return timedelta(seconds=durations.to_seconds(duration))


def start_silver(
    spark: SparkSession,
    spec: StreamSpec,
    tables: Tables,
    checkpoint_location: str,
    trigger: dict[str, Any],
    reference: DataFrame | None = None,
    reference_keys: Sequence[str] = (),
    bronze: TableRef | None = None,
) -> StreamingQuery:
    writer = SilverWriter(
        spark,
        spec,
        tables,
        idempotent.app_id(spec.name, QUERY, checkpoint_location),
        reference,
        reference_keys,
    )
    source = (bronze or tables.bronze).read_stream(spark)
    return (
        source.writeStream.foreachBatch(writer)
        .option("checkpointLocation", checkpoint_location)
        .trigger(**trigger)
        .queryName(f"{spec.name}-{QUERY}")
        .start()
    )
