"""Backfill from Event Hubs Capture: replay a time range of Capture's Avro files into bronze, silver and gold.

Capture writes every event of a hub to the lake, one Avro file per partition and capture window, named by its
archive name format (`{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}` by
default) with the record fields SequenceNumber, Offset, EnqueuedTimeUtc, SystemProperties, Properties, Body.
A backfill repairs what the live pipeline missed (a lost checkpoint, a retention gap) and is safe to run over
a range the live pipeline also read:
- an event is known by its position: (partition, sequence number). The Kafka endpoint's offset is the event's
  sequence number, so bronze rows from either source compare. A position already in bronze is not appended
  again; one already in silver or quarantine is not classified again, so quarantine counts stay exact;
- the rest is classified as the live silver does (validation, enrichment, dedup by event id against silver),
  except lateness: a replayed event is old by nature, and is late for no window a backfill rewrites;
- gold: the tumbling and sliding windows the new silver rows fall in, and that the live pipeline has closed
  already (end at or before its horizon), are recomputed from silver and MERGEd (updated, or inserted when the
  gap left a window without any row). Windows the live pipeline has not closed yet take the new rows when it
  closes them. Session windows are Spark's state: they are not rewritten (start their query from a new
  checkpoint to rebuild them).
Anomaly rules and alerts are not run on replayed events: they page about now. Features refresh with the next
live batch of each device.

Exactly-once: the run's rows carry `writer_id` backfill-<run id> and batch 0 (idempotent.BatchLog), so a run
that failed between two appends is finished by running it again with the same run id; the positions it
compares against exclude its own rows. Any later run of the same range finds every position known and writes
nothing. A file is in the range when the time in its name (the start of its capture window) is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from . import durations, gold
from .bronze import with_ingestion_metadata
from .idempotent import WRITER_COLUMN, BatchLog
from .silver import SilverStage, horizon_after
from .spec import StreamSpec
from .tables import TableRef, Tables

#: Event Hubs' default archive name format; the tokens every format must hold.
DEFAULT_NAME_FORMAT = "{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}"
TOKENS = ("Namespace", "EventHub", "PartitionId", "Year", "Month", "Day", "Hour", "Minute", "Second")
#: The writer id prefix of backfill runs (a live writer's id is its query's UUID).
WRITER_PREFIX = "backfill-"
#: Capture writes EnqueuedTimeUtc as .NET's invariant UTC text, e.g. "12/4/2026 5:12:03 PM". It and the time in
#: a file's name are read in the session time zone, so the job expects UTC (Databricks' default).
ENQUEUED_TIME_FORMAT = "M/d/yyyy h:mm:ss a"
POSITION = ["source_partition", "source_sequence"]
_TIME_GROUPS = ("Year", "Month", "Day", "Hour", "Minute", "Second")


@dataclass(frozen=True)
class CaptureLocation:
    """Where one hub's Capture files are: the container's URL, the namespace, the hub, the name format."""

    root: str
    namespace: str
    event_hub: str
    name_format: str = DEFAULT_NAME_FORMAT

    def __post_init__(self) -> None:
        missing = [t for t in TOKENS if "{" + t + "}" not in self.name_format]
        if missing:
            raise ValueError(
                f"capture name format {self.name_format!r} lacks {', '.join('{' + t + '}' for t in missing)}; "
                f"Event Hubs requires all of {', '.join('{' + t + '}' for t in TOKENS)}"
            )

    def hour_globs(self, start: datetime, end: datetime) -> list[str]:
        """One glob per hour that overlaps [start, end): listing stays within the range's folders."""
        hour, globs = start.replace(minute=0, second=0, microsecond=0), []
        while hour < end:
            values = {"Year": f"{hour:%Y}", "Month": f"{hour:%m}", "Day": f"{hour:%d}", "Hour": f"{hour:%H}"}
            globs.append(self._path(values | {"PartitionId": "*", "Minute": "*", "Second": "*"}))
            hour += timedelta(hours=1)
        return globs

    def _path(self, values: dict[str, str]) -> str:
        name = self.name_format
        for token, value in ({"Namespace": self.namespace, "EventHub": self.event_hub} | values).items():
            name = name.replace("{" + token + "}", value)
        return f"{self.root.rstrip('/')}/{name}.avro"

    def file_pattern(self) -> tuple[str, list[str]]:
        """A regex over a file's path (Java's and Python's syntax alike: plain groups) and the token each group
        holds, in order: the partition and the window start's fields."""
        pattern, names = re.escape(self.name_format), []
        fixed = {"Namespace": self.namespace, "EventHub": self.event_hub}
        for token in sorted(TOKENS, key=lambda t: self.name_format.index("{" + t + "}")):
            escaped = re.escape("{" + token + "}")
            if token in fixed:
                pattern = pattern.replace(escaped, re.escape(fixed[token]))
            else:
                # A token used twice is captured the first time and matched as any number the second.
                pattern = pattern.replace(escaped, "([0-9]+)", 1).replace(escaped, "[0-9]+")
                names.append(token)
        return pattern + r"\.avro$", names


def _existing(spark: SparkSession, globs: list[str]) -> list[str]:
    """The globs that match at least one file (Spark fails on a path that matches none)."""
    jvm, conf = spark.sparkContext._jvm, spark.sparkContext._jsc.hadoopConfiguration()
    found = []
    for glob in globs:
        path = jvm.org.apache.hadoop.fs.Path(glob)
        statuses = path.getFileSystem(conf).globStatus(path)
        if statuses is not None and len(statuses) > 0:
            found.append(glob)
    return found


def read_capture(spark: SparkSession, capture: CaptureLocation, start: datetime, end: datetime) -> DataFrame:
    """The Capture files whose window starts in [start, end) as canonical source rows (source_type capture)."""
    globs = _existing(spark, capture.hour_globs(start, end))
    if not globs:
        raise ValueError(
            f"no Capture files of {capture.namespace}/{capture.event_hub} under {capture.root} between "
            f"{start.isoformat()} and {end.isoformat()}"
        )
    raw = spark.read.format("avro").load(globs).withColumn("_file", F.col("_metadata.file_path"))
    pattern, names = capture.file_pattern()
    fields = {name: F.regexp_extract("_file", pattern, i + 1) for i, name in enumerate(names)}
    window_start = F.make_timestamp(*[fields[g].cast("int") for g in _TIME_GROUPS])
    return raw.where((window_start >= F.lit(start)) & (window_start < F.lit(end))).select(
        F.col("Body").cast("string").alias("body"),
        F.lit("capture").alias("source_type"),
        fields["PartitionId"].alias("source_partition"),
        F.col("Offset").cast("string").alias("source_offset"),
        F.col("SequenceNumber").cast("long").alias("source_sequence"),
        F.to_timestamp(F.col("EnqueuedTimeUtc"), ENQUEUED_TIME_FORMAT).alias("enqueued_time"),
    )


@dataclass(frozen=True)
class BackfillReport:
    """What one run found and wrote (counts of events, by position). A run repeated with its run id reports
    the run's rows again, whichever attempt wrote them."""

    read: int
    already_in_bronze: int
    already_classified: int
    silver: int
    quarantined: int
    gold_windows: dict[str, int]


def _known_positions(spark: SparkSession, tables: list[TableRef], log: BatchLog) -> DataFrame | None:
    frames = [
        t.read(spark).where(F.col(WRITER_COLUMN) != F.lit(log.writer_id)).select(*POSITION)
        for t in tables
        if log.exists(t)
    ]
    if not frames:
        return None
    known = frames[0]
    for frame in frames[1:]:
        known = known.unionByName(frame)
    return known.distinct()


def _unknown(rows: DataFrame, known: DataFrame | None) -> DataFrame:
    return rows if known is None else rows.join(known, on=POSITION, how="left_anti")


def backfill(spark: SparkSession, spec: StreamSpec, tables: Tables, capture: DataFrame, run_id: str) -> BackfillReport:
    """Append the capture rows' unknown positions to bronze, classify them into silver and quarantine, and
    MERGE the closed gold windows they change."""
    if not re.fullmatch(r"[A-Za-z0-9_.-]{1,64}", run_id):
        raise ValueError(f"backfill run id {run_id!r}: 1-64 letters, digits, '.', '_' or '-'")
    log = BatchLog(spark, WRITER_PREFIX + run_id)
    # One event per position: Capture may write an event twice, and it is still one event.
    rows = with_ingestion_metadata(capture).dropDuplicates(POSITION).persist()
    try:
        read = rows.count()
        new_to_bronze = _unknown(rows, _known_positions(spark, [tables.bronze], log))
        to_classify = _unknown(rows, _known_positions(spark, [tables.silver, tables.quarantine], log)).persist()
        try:
            bronze_rows = new_to_bronze.count()
            log.append(bronze_rows, lambda: new_to_bronze, tables.bronze, 0)
            horizon = _live_horizon(spark, spec, tables)
            stage = SilverStage(spark, spec, tables, log, check_late=False)
            result = stage(to_classify, 0)
            result.checked.unpersist()
            windows = _merge_closed_windows(spark, spec, tables, log, result, horizon)
            return BackfillReport(
                read=read,
                already_in_bronze=read - bronze_rows,
                already_classified=read - result.valid_rows - result.quarantined_rows,
                silver=result.valid_rows,
                quarantined=result.quarantined_rows,
                gold_windows=windows,
            )
        finally:
            to_classify.unpersist()
    finally:
        rows.unpersist()


def _live_horizon(spark: SparkSession, spec: StreamSpec, tables: Tables) -> datetime | None:
    """The live pipeline's horizon: max event time of silver rows no backfill wrote, minus the watermark."""
    if not tables.silver.exists(spark):
        return None
    live = tables.silver.read(spark).where(~F.col(WRITER_COLUMN).startswith(WRITER_PREFIX))
    return horizon_after(spec, live.agg(F.max(spec.event_time_field)).first()[0])


def _merge_closed_windows(
    spark: SparkSession, spec: StreamSpec, tables: Tables, log: BatchLog, result, horizon: datetime | None
) -> dict[str, int]:
    """Recompute from silver the closed windows the run's silver rows fall in; MERGE them into gold."""
    merged: dict[str, int] = {}
    for window in spec.windows:
        if window.type not in gold.CLOSED_BY_PIPELINE:
            continue
        merged[window.id] = 0
        if result.valid_rows == 0 or horizon is None:
            continue
        # A row at t is in windows ending in (t, t + duration]; only those the live pipeline closed are final.
        through = min(result.max_event_time + timedelta(seconds=durations.to_seconds(window.duration)), horizon)
        if through <= result.min_event_time:
            continue
        table = tables.gold(window.id)
        windows = gold.closed_windows(tables.silver.read(spark), spec, window, result.min_event_time, through)
        windows = (
            windows.withColumn(WRITER_COLUMN, F.lit(log.writer_id))
            .withColumn(table.layout.batch_column, F.lit(0).cast("long"))
            .persist()
        )
        try:
            merged[window.id] = windows.count()
            if merged[window.id] == 0:
                continue
            log.create(table, windows.drop(WRITER_COLUMN, table.layout.batch_column))
            keys = ("window_start", "window_end", "dimension", "dimension_value")
            condition = " AND ".join(f"t.`{k}` <=> s.`{k}`" for k in keys)
            metrics = [c for c in windows.columns if c not in (*keys, WRITER_COLUMN, table.layout.batch_column)]
            (
                table.delta(spark)
                .alias("t")
                .merge(windows.alias("s"), condition)
                # A window the live pipeline wrote keeps its writer and batch: its BatchLog stays right.
                .whenMatchedUpdate(set={c: f"s.`{c}`" for c in metrics})
                .whenNotMatchedInsertAll()
                .execute()
            )
        finally:
            windows.unpersist()
    return merged
