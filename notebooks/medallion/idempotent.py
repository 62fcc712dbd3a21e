"""Idempotent Delta writes for foreachBatch (which is at-least-once: a batch can be replayed).

Appends carry txnAppId + txnVersion (both): Delta skips a (appId, version) it has already committed.
Upserts are MERGEs keyed by a deterministic id, so a replay matches instead of inserting twice.
A new checkpoint restarts batch ids at 0: give it a new app id (app_id() includes the checkpoint path).
"""

from __future__ import annotations

from collections.abc import Sequence

from pyspark.sql import DataFrame, SparkSession

from .tables import TableRef


def app_id(stream: str, query: str, checkpoint_location: str) -> str:
    return f"{stream}:{query}:{checkpoint_location}"


def append(
    df: DataFrame,
    table: TableRef,
    txn_app_id: str,
    txn_version: int,
    partition_by: Sequence[str] = (),
) -> None:
    writer = (
        df.write.format("delta")
        .mode("append")
        .option("txnAppId", txn_app_id)
        .option("txnVersion", str(txn_version))
        .option("mergeSchema", "true")
    )
    if partition_by:
        writer = writer.partitionBy(*partition_by)
    table.save(writer)


def insert_new(
    spark: SparkSession, df: DataFrame, table: TableRef, keys: Sequence[str], txn_app_id: str, txn_version: int
) -> None:
    """Insert rows whose keys are not in the table yet (first write creates it).

    An anti-join plus an idempotent append: cheaper than a MERGE, and as safe with one writer per table
    (a replay of the same batch is skipped by txnVersion).
    """
    df = df.dropDuplicates(list(keys))
    if table.exists(spark):
        existing = table.read(spark).select(*keys)
        df = df.join(existing, on=list(keys), how="left_anti")
    append(df, table, txn_app_id, txn_version)


def upsert(
    spark: SparkSession,
    df: DataFrame,
    table: TableRef,
    keys: Sequence[str],
    txn_app_id: str,
    txn_version: int,
    only_if: str | None = None,
) -> None:
    """Insert new keys, update existing ones (when `only_if`, a condition on t./s., holds)."""
    df = df.dropDuplicates(list(keys))
    if not table.exists(spark):
        append(df, table, txn_app_id, txn_version)
        return
    condition = " AND ".join(f"t.`{k}` <=> s.`{k}`" for k in keys)
    (
        table.delta(spark)
        .alias("t")
        .merge(df.alias("s"), condition)
        .whenMatchedUpdateAll(condition=only_if)
        .whenNotMatchedInsertAll()
        .execute()
    )
