"""Exactly-once effects of the pipeline's foreachBatch, checked from the data instead of Delta transaction ids.

foreachBatch is at-least-once: after a failure, Spark runs the last planned batch again, with the same id and
the same source offsets. Every row the pipeline appends carries `writer_id` (the streaming query's id, which
lives in the checkpoint: a new checkpoint is a new writer whose batch ids start again at 0) and its table's
batch-id column. The first time a writer touches a table it asks it once for the highest batch it holds;
from then on the answer is kept in memory, and a batch is appended only to the tables that do not hold it
yet. So a crash between two appends of one batch, or a new writer re-running the last batch, leaves every
table as one clean run would.

Why not `txnAppId` + `txnVersion`: Delta then rebuilds the table state on every write to look the id up
(1,000-row append measured at 0.38 s plain, 1.1 s with the transaction id). This check costs one query per
table per writer start.

What it gives up: the memory is only right while this writer is the tables' only writer. One running
instance per stream is enforced where the pipeline runs (a continuous job, or `max_concurrent_runs = 1`),
and Spark refuses a second active query on one checkpoint within a cluster. A table that holds a later batch
of this writer than the one running means the checkpoint went back in time (restored from a copy): that is
an error, never a silent skip.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F

from .tables import TableRef

WRITER_COLUMN = "writer_id"


class CheckpointBehindTable(RuntimeError):
    """A table holds a later batch of this writer than the checkpoint is running."""


@dataclass
class BatchLog:
    """Which batches of one writer each table holds; appends a batch to a table at most once."""

    spark: SparkSession
    writer_id: str
    _through: dict[str, int] = field(default_factory=dict, init=False, repr=False)
    _existing: set[str] = field(default_factory=set, init=False, repr=False)

    def exists(self, table: TableRef) -> bool:
        """Tables are created by their writer and never dropped while it runs: ask Delta until one exists."""
        if str(table) not in self._existing and table.exists(self.spark):
            self._existing.add(str(table))
        return str(table) in self._existing

    def through(self, table: TableRef) -> int:
        """The highest batch of this writer in the table (-1: none, or no table): read once, then remembered."""
        key = str(table)
        if key not in self._through:
            latest = None
            if self.exists(table):
                latest = (
                    table.read(self.spark)
                    .where(F.col(WRITER_COLUMN) == F.lit(self.writer_id))
                    .agg(F.max(table.layout.batch_column))
                    .first()[0]
                )
            self._through[key] = -1 if latest is None else int(latest)
        return self._through[key]

    def holds(self, table: TableRef, batch_id: int) -> bool:
        through = self.through(table)
        if through > batch_id:
            raise CheckpointBehindTable(
                f"{table} holds batch {through} of writer {self.writer_id} but the checkpoint is running batch "
                f"{batch_id}: the checkpoint was restored from an older copy; start from a new checkpoint location"
            )
        return through == batch_id

    def _marked(self, df: DataFrame, table: TableRef, batch_id: int) -> DataFrame:
        return df.withColumn(WRITER_COLUMN, F.lit(self.writer_id)).withColumn(
            table.layout.batch_column, F.lit(batch_id).cast("long")
        )

    def create(self, table: TableRef, df: DataFrame) -> None:
        """Create the table empty with the schema `df` will have once appended (readers need it from the start)."""
        if not self.exists(table):
            table.create(self.spark, self._marked(df, table, 0).schema)
            self._existing.add(str(table))

    def append(self, rows: int | None, df: Callable[[], DataFrame], table: TableRef, batch_id: int) -> bool:
        """Append the batch's rows (`rows` of them; None: not counted) unless the table holds the batch.
        With no rows, only create a missing table. Returns whether rows were appended."""
        if self.holds(table, batch_id) or (rows == 0 and self.exists(table)):
            return False
        data = self._marked(df(), table, batch_id)
        if rows == 0:
            self.create(table, data)
            return False
        self.create(table, data)
        table.append(data)
        self._through[str(table)] = batch_id
        return True


def upsert(spark: SparkSession, df: DataFrame, table: TableRef, keys: Sequence[str], only_if: str) -> None:
    """Insert new keys, update existing ones where `only_if` (a condition on t./s.) holds.

    Idempotent by its condition (a replay offers the same or older rows), so it needs no batch check."""
    df = df.dropDuplicates(list(keys))
    if not table.exists(spark):
        table.create(spark, df.schema)
    condition = " AND ".join(f"t.`{k}` <=> s.`{k}`" for k in keys)
    (
        table.delta(spark)
        .alias("t")
        .merge(df.alias("s"), condition)
        .whenMatchedUpdateAll(condition=only_if)
        .whenNotMatchedInsertAll()
        .execute()
    )
