"""Reading a stream's tables downstream through Delta's change data feed (spec `target.changeDataFeed`).

A downstream job streams what changed in a silver or gold table instead of re-reading it: the appends to
silver as `insert` rows, and the features MERGE's updates as `update_preimage` / `update_postimage` pairs.
Each row carries `_change_type`, `_commit_version` and `_commit_timestamp`.
"""

from __future__ import annotations

from pyspark.sql import DataFrame, SparkSession

from .tables import TableRef

#: What a row of the change data feed is: `delete` too when a downstream job deletes.
CHANGE_TYPES = ("insert", "update_preimage", "update_postimage", "delete")


def read_changes(spark: SparkSession, table: TableRef, starting_version: int | None = None) -> DataFrame:
    """The table's changes as a stream, from `starting_version` (inclusive), else from the stream's start."""
    reader = spark.readStream.format("delta").option("readChangeFeed", "true")
    if starting_version is not None:
        reader = reader.option("startingVersion", str(starting_version))
    return reader.table(table.name) if table.name else reader.load(table.path)
