"""Bronze: raw events, append-only, with ingestion metadata, partitioned by ingestion date."""

from __future__ import annotations

from pyspark.sql import DataFrame
from pyspark.sql import functions as F

from .sources import CANONICAL_COLUMNS


def with_ingestion_metadata(canonical: DataFrame) -> DataFrame:
    return canonical.select(
        *CANONICAL_COLUMNS,
        F.current_timestamp().alias("ingestion_time"),
    ).withColumn("ingestion_date", F.to_date("ingestion_time"))
