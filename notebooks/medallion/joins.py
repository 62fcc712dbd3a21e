"""Stream-to-stream joins into gold (spec `joins`): this stream's silver rows with another stream's of the same
app, where the keys match and the other's event time is from this row's to `within` after it.

Spark's own stream-stream join: a watermark on both sides (each stream's own), so its state is dropped once
no later row can match, and a `leftOuter` join writes an unmatched row, with nulls, once both watermarks have
passed its time plus `within`. One query, table (`<table>_join_<id>`) and checkpoint per join: a restart
resumes from the checkpoint and the Delta sink writes each batch once, so nothing is doubled.
"""

from __future__ import annotations

from typing import Any

from pyspark.sql import DataFrame, SparkSession
from pyspark.sql import functions as F
from pyspark.sql.streaming import StreamingQuery

from .spec import JoinSpec, StreamSpec
from .tables import Tables

OTHER_TIME = "_join_other_time"
SPARK_JOIN_TYPES = {"inner": "inner", "leftOuter": "left_outer"}


def query_name(join: JoinSpec) -> str:
    return f"join_{join.id}"


def cross_stream_problems(spec: StreamSpec, other: StreamSpec, join: JoinSpec, index: int) -> list[str]:
    """What only the two specs together tell: the keys are fields of both, of one type; the columns are the other's."""
    at = f"{spec.name}: joins[{index}]"
    problems = []
    types = {f.name: f.type for f in other.fields}
    for k, key in enumerate(join.keys):
        mine = spec.field(key).type
        if key not in types:
            problems.append(f"{at}.keys[{k}]: '{key}' is not a field of stream {other.name}")
        elif types[key] != mine:
            problems.append(f"{at}.keys[{k}]: '{key}' is {mine} here but {types[key]} in stream {other.name}")
    for k, column in enumerate(join.columns):
        if column not in types:
            problems.append(
                f"{at}.columns[{k}]: '{column}' is not a field of stream {other.name}; it has {', '.join(types)}"
            )
    return problems


def joined(left: DataFrame, right: DataFrame, spec: StreamSpec, other: StreamSpec, join: JoinSpec) -> DataFrame:
    """The join of two silver streams: this stream's fields, then the other's `columns`."""
    evt = spec.event_time_field
    mine = left.select(*spec.field_names).withWatermark(evt, spec.watermark).alias("l")
    theirs = right.select(
        *[F.col(k).alias(f"_join_{k}") for k in join.keys],
        F.col(other.event_time_field).alias(OTHER_TIME),
        *join.columns,
    ).withWatermark(OTHER_TIME, other.watermark)
    condition = F.lit(True)
    for key in join.keys:
        condition = condition & (F.col(f"l.{key}") == F.col(f"_join_{key}"))
    condition = (
        condition
        & (F.col(OTHER_TIME) >= F.col(f"l.{evt}"))
        & (F.col(OTHER_TIME) <= F.col(f"l.{evt}") + F.expr(f"INTERVAL {join.within}"))
    )
    pairs = mine.join(theirs, condition, SPARK_JOIN_TYPES[join.type])
    return pairs.select(*[F.col(f"l.{name}") for name in spec.field_names], *join.columns)


def start_join(
    spark: SparkSession,
    spec: StreamSpec,
    tables: Tables,
    other: StreamSpec,
    other_tables: Tables,
    join: JoinSpec,
    checkpoint_location: str,
    trigger: dict[str, Any],
) -> StreamingQuery:
    rows = joined(tables.silver.read_stream(spark), other_tables.silver.read_stream(spark), spec, other, join)
    writer = (
        rows.writeStream.outputMode("append")
        .option("checkpointLocation", checkpoint_location)
        .trigger(**trigger)
        .queryName(f"{spec.name}-{query_name(join)}")
    )
    return tables.join(join.id).start_stream(spark, writer, rows.schema)
