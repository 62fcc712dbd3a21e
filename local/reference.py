"""Reference data for local runs with `--enrich`: the dimension tables the enriched example specs join."""

from __future__ import annotations

from pyspark.sql import SparkSession

from medallion.spec import StreamSpec
from medallion.tables import Tables

from .producer import DEVICES

#: The enriched example spec of each stream that has one (schema/examples/valid/<name>.json).
ENRICHED_SPECS = {"iot-telemetry": "iot-telemetry-enriched"}


def _devices() -> tuple[str, list[tuple]]:
    """Every device the producer sends from (so nothing valid is quarantined as unknown), with its site and model."""
    rows = [(f"dev-{d:03d}", f"Plant {'ABCD'[d % 4]}", f"T-{100 + d % 3 * 100}") for d in range(DEVICES)]
    return "device_id string, site_name string, model string", rows


TABLES = {"silver.devices": _devices}


def write_reference_tables(spark: SparkSession, spec: StreamSpec, tables: Tables) -> None:
    """Writes each reference table the spec joins, before its pipeline starts."""
    for e in spec.enrichment:
        schema, rows = TABLES[e.table]()
        spark.createDataFrame(rows, schema).write.format("delta").mode("overwrite").save(tables.reference(e.table).path)
