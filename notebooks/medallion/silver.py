"""Silver: parse, validate, standardize, drop late events and duplicates into quarantine, never silently.

Every bronze row lands in exactly one of silver or quarantine (with a reason):
  malformed_json, missing_required:<f>, type_mismatch:<f>, not_allowed:<f>, out_of_range:<f>, late, duplicate.

Why foreachBatch and not dropDuplicatesWithinWatermark: Spark drops late rows silently there and would
collapse rows with a null id. Here the watermark and the dedup are explicit and each rejected row is kept:
- watermark: a tiny state table holds each batch's max event time; batch N's horizon is
  max(event time of batches < N) - spec.watermark, so a replay of N computes the same horizon;
  an event at or before the horizon is `late` (Spark's own lateness test is `<=` too, so the gold
  aggregations downstream never drop a row that silver accepted);
- dedup: by the event id, first within the batch (ordered by source position), then against silver rows
  of other batches whose event time is after the horizon (the "within the watermark" scope).
Writes: silver, quarantine, then the state table, each an append with txnAppId + txnVersion.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from dataclasses import dataclass
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.streaming import StreamingQuery
from pyspark.sql.types import StringType, StructField, StructType

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


@dataclass
class SilverWriter:
    """The foreachBatch function of the silver query (callable; a replayed batch id is a no-op)."""

    spark: SparkSession
    spec: StreamSpec
    tables: Tables
    txn_app_id: str
    reference: DataFrame | None = None
    reference_keys: Sequence[str] = ()

    def horizon(self, batch_id: int) -> Any:
        """Watermark before batch `batch_id`: max event time of earlier batches minus the delay."""
        state = self.tables.silver_state
        if not state.exists(self.spark):
            return None
        row = state.read(self.spark).where(F.col("batch_id") < batch_id).agg(F.max("max_event_time").alias("m")).first()
        if row is None or row["m"] is None:
            return None
        return row["m"] - _timedelta(self.spec.watermark)

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
        if silver.exists(self.spark):
            seen = silver.read(self.spark).where(F.col("silver_batch_id") != batch_id)
            if horizon is not None:
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
        valid = checked.where(F.col("reason").isNull()).select(
            *spec.field_names,
            *METADATA_COLUMNS,
            F.lit(batch_id).cast("long").alias("silver_batch_id"),
            F.current_timestamp().alias("processed_at"),
        )
        if self.reference is not None:
            keys = list(self.reference_keys)
            valid = valid.join(self.reference.dropDuplicates(keys), on=keys, how="left")
        quarantined = checked.where(F.col("reason").isNotNull()).select(
            F.col("body").alias("raw_body"),
            "reason",
            *METADATA_COLUMNS,
            F.lit(batch_id).cast("long").alias("batch_id"),
            F.current_timestamp().alias("quarantined_at"),
        )
        idempotent.append(valid, self.tables.silver, self.txn_app_id, batch_id)
        idempotent.append(quarantined, self.tables.quarantine, self.txn_app_id, batch_id)
        max_evt = checked.where(F.col("reason").isNull()).agg(F.max(spec.event_time_field).alias("max_event_time"))
        state = max_evt.select(F.lit(batch_id).cast("long").alias("batch_id"), "max_event_time")
        idempotent.append(state, self.tables.silver_state, self.txn_app_id, batch_id)


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
