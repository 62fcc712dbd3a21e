"""Silver: parse, validate, standardize, drop late events and duplicates into quarantine, never silently.

Every bronze row lands in exactly one of silver or quarantine (with a reason):
  malformed_json, missing_required:<f>, type_mismatch:<f>, not_allowed:<f>, out_of_range:<f>, late, duplicate,
  unknown_reference:<table> (an enrichment with onMissing 'quarantine' found no row for the event's keys).

Why not dropDuplicatesWithinWatermark: Spark drops late rows silently there and would collapse rows with a
null id. Here the watermark and the dedup are explicit and each rejected row is kept:
- watermark: batch N's horizon is max(event time of silver rows of batches < N) - spec.watermark, read from
  silver itself when a writer starts and then kept in memory, so a replay of N computes the same horizon;
  an event at or before the horizon is `late` (Spark's own lateness test is `<=` too, and the gold windows
  close on the same horizon, so no window ever misses a row that silver accepted);
- dedup: by the event id, first within the batch (ordered by source position), then against silver rows
  of other batches whose event time is after the horizon (the "within the watermark" scope);
- enrichment: each batch is joined with the reference tables as they are when the batch runs (read again for
  every batch, so an updated dimension needs no restart); one row per key, the smallest, so a replay of the
  batch against the same version joins the same values.
Writes: silver and quarantine (side by side when the caller lends a thread pool), each at most once per batch
(idempotent.BatchLog); once a table exists, a write with no rows is skipped. One aggregation over the checked
batch gives the counts, the event-time range and the devices: per-batch Spark jobs and Delta commits, not
rows, are what a micro-batch costs at these sizes.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from pyspark.sql import Column, DataFrame, SparkSession, Window
from pyspark.sql import functions as F
from pyspark.sql.types import StringType, StructField, StructType

from . import durations
from .idempotent import WRITER_COLUMN, BatchLog
from .sources import CANONICAL_SCHEMA
from .spec import FieldSpec, StreamSpec
from .tables import Tables

log = logging.getLogger(__name__)

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


@dataclass(frozen=True)
class SilverBatch:
    """What silver made of one batch: the checked rows (persisted; `valid` is silver's), counts, the valid rows'
    event-time range and devices."""

    checked: DataFrame
    valid_rows: int
    quarantined_rows: int
    min_event_time: Any
    max_event_time: Any
    devices: list[str]

    @property
    def valid(self) -> DataFrame:
        return self.checked.where(F.col("reason").isNull())


@dataclass
class SilverStage:
    """Silver and quarantine of one batch of bronze rows; the horizon that decides lateness (and closes gold)."""

    spark: SparkSession
    spec: StreamSpec
    tables: Tables
    log: BatchLog
    #: False for a backfill from Capture: replayed events are old by nature (backfill.py says why).
    check_late: bool = True
    _max: _RunningMax | None = field(default=None, init=False, repr=False)

    def _others(self, batch_id: int, exclude_later: bool) -> Column:
        """Silver rows not written by this writer's batch `batch_id` (or any later one)."""
        batch = F.col(self.tables.silver.layout.batch_column)
        mine = F.col(WRITER_COLUMN) == F.lit(self.log.writer_id)
        return ~(mine & ((batch >= batch_id) if exclude_later else (batch == batch_id)))

    def _running_max(self, batch_id: int) -> _RunningMax:
        """Read from silver on the first batch, or for any batch the memory does not cover."""
        if self._max is None or not self._max.covers(batch_id):
            before, silver = None, self.tables.silver
            if self.log.exists(silver):
                rows = silver.read(self.spark).where(self._others(batch_id, exclude_later=True))
                before = rows.agg(F.max(self.spec.event_time_field)).first()[0]
            self._max = _RunningMax(batch_id, before)
        return self._max

    def horizon(self, batch_id: int) -> Any:
        """Watermark before batch `batch_id`: max event time of earlier batches minus the delay."""
        return horizon_after(self.spec, self._running_max(batch_id).before_batch(batch_id))

    def classify(self, bronze: DataFrame, batch_id: int) -> DataFrame:
        """Bronze rows + typed fields + `reason`: validation, then lateness, then both dedups."""
        spec = self.spec
        evt, eid = spec.event_time_field, spec.event_id_field
        checked = validate_events(bronze, spec)
        horizon = self.horizon(batch_id) if self.check_late else None
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
        if self.log.exists(silver):
            seen = silver.read(self.spark).where(self._others(batch_id, exclude_later=False))
            if horizon is not None:
                # Also prunes files: Delta skips files whose event-time stats end before the horizon.
                seen = seen.where(F.col(evt) > F.lit(horizon))
            seen = seen.select(F.col(eid).alias("_seen_id")).distinct()
            checked = checked.join(seen, F.col(eid) == F.col("_seen_id"), "left")
            dup = F.col("reason").isNull() & F.col("_seen_id").isNotNull()
            checked = checked.withColumn("reason", F.when(dup, F.lit("duplicate")).otherwise(F.col("reason"))).drop(
                "_seen_id"
            )
        return self.enrich(checked)

    def enrich(self, checked: DataFrame) -> DataFrame:
        """Each enrichment's columns joined on its keys; a valid row without a match is kept with nulls, or
        quarantined as unknown_reference:<table>."""
        for i, e in enumerate(self.spec.enrichment):
            hit = f"_enrichment_{i}"
            checked = checked.join(F.broadcast(self._dimension(i, hit)), on=list(e.keys), how="left")
            if e.on_missing == "quarantine":
                missing = F.col("reason").isNull() & F.col(hit).isNull()
                checked = checked.withColumn(
                    "reason", F.when(missing, F.lit(e.missing_reason)).otherwise(F.col("reason"))
                )
            checked = checked.drop(hit)
        return checked

    def _dimension(self, index: int, hit: str) -> DataFrame:
        """Enrichment `index`'s table as it is now: one row per key (the smallest), its columns, a match marker."""
        e = self.spec.enrichment[index]
        table = self.tables.reference(e.table)
        if not table.exists(self.spark):
            raise ValueError(
                f"enrichment[{index}].table: reference table {e.table} ({table}) does not exist; "
                "create it before the stream starts"
            )
        reference = table.read(self.spark)
        absent = [c for c in (*e.keys, *e.columns) if c not in reference.columns]
        if absent:
            raise ValueError(
                f"enrichment[{index}]: reference table {e.table} ({table}) has no column {', '.join(absent)}; "
                f"it has {', '.join(reference.columns)}"
            )
        smallest = F.min(F.struct(*e.columns)).alias("_row")
        return (
            reference.groupBy(*e.keys)
            .agg(smallest)
            .select(*e.keys, *[F.col(f"_row.{c}").alias(c) for c in e.columns], F.lit(True).alias(hit))
        )

    def __call__(self, bronze: DataFrame, batch_id: int, pool: Executor | None = None) -> SilverBatch:
        """Classify, count, write silver and quarantine, record the batch's max event time. The caller
        unpersists `checked` when it is done with the batch."""
        checked = self.classify(bronze, batch_id).persist()
        is_valid = F.col("reason").isNull()
        counts = checked.agg(
            F.count(F.when(is_valid, 1)).alias("valid"),
            F.count(F.when(~is_valid, 1)).alias("quarantined"),
            F.min(F.when(is_valid, F.col(self.spec.event_time_field))).alias("min_event_time"),
            F.max(F.when(is_valid, F.col(self.spec.event_time_field))).alias("max_event_time"),
            # The devices of the batch's valid rows (the features of those devices are recomputed).
            F.collect_set(F.when(is_valid, F.col(self.spec.entity_field).cast("string"))).alias("devices"),
        ).first()
        result = SilverBatch(checked, *counts)
        quarantine = (
            result.quarantined_rows,
            lambda: self._quarantine_rows(checked.where(~is_valid)),
            self.tables.quarantine,
            batch_id,
        )
        # Quarantine is committed beside silver when the caller lends a thread pool (see pipeline.py).
        pending = pool.submit(self.log.append, *quarantine) if pool else None
        self.log.append(result.valid_rows, lambda: self._silver_rows(result.valid), self.tables.silver, batch_id)
        if pending is None:
            self.log.append(*quarantine)
        else:
            pending.result()
        if self.check_late:
            self._running_max(batch_id).record(batch_id, result.max_event_time)
        return result

    def create_table(self) -> None:
        """Create silver empty (streaming readers of silver need its schema before the first batch)."""
        bronze = self.spark.createDataFrame([], CANONICAL_SCHEMA).select(
            "*", F.current_timestamp().alias("ingestion_time")
        )
        self.log.create(self.tables.silver, self._silver_rows(self.enrich(validate_events(bronze, self.spec))))

    def _silver_rows(self, valid: DataFrame) -> DataFrame:
        joined = [c for e in self.spec.enrichment for c in e.columns]
        return valid.select(
            *self.spec.field_names, *joined, *METADATA_COLUMNS, F.current_timestamp().alias("processed_at")
        )

    @staticmethod
    def _quarantine_rows(rejected: DataFrame) -> DataFrame:
        return rejected.select(
            F.col("body").alias("raw_body"),
            "reason",
            *METADATA_COLUMNS,
            F.current_timestamp().alias("quarantined_at"),
        )


def horizon_after(spec: StreamSpec, latest: Any) -> Any:
    """The watermark once silver holds an event at `latest` (None: no event yet): that time minus the delay."""
    return None if latest is None else latest - timedelta(seconds=durations.to_seconds(spec.watermark))
