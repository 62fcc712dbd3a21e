"""Bronze: raw events, append-only, with ingestion metadata, partitioned by ingestion date.

The Delta streaming sink is exactly-once on its own (it records the batch id in the table log).
"""

from __future__ import annotations

from typing import Any

from pyspark.sql import DataFrame
from pyspark.sql import functions as F
from pyspark.sql.streaming import StreamingQuery

from .sources import CANONICAL_COLUMNS
from .tables import TableRef

QUERY = "bronze"


def with_ingestion_metadata(canonical: DataFrame) -> DataFrame:
    return canonical.select(
        *CANONICAL_COLUMNS,
        F.current_timestamp().alias("ingestion_time"),
    ).withColumn("ingestion_date", F.to_date("ingestion_time"))


def start_bronze(
    canonical: DataFrame,
    table: TableRef,
    checkpoint_location: str,
    trigger: dict[str, Any],
    query_name: str | None = None,
) -> StreamingQuery:
    writer = (
        with_ingestion_metadata(canonical)
        .writeStream.outputMode("append")
        .option("checkpointLocation", checkpoint_location)
        .partitionBy("ingestion_date")
        .trigger(**trigger)
    )
    if query_name:
        writer = writer.queryName(query_name)
    return table.start_stream(writer)
