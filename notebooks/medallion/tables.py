"""Where each table of a stream lives: Unity Catalog names (catalog mode) or abfss/local paths (lake_root mode)."""

from __future__ import annotations

from dataclasses import dataclass

from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.streaming import DataStreamReader, DataStreamWriter, StreamingQuery

from .spec import StreamSpec


SCHEMA_PLACEHOLDER = "{schema}"


@dataclass(frozen=True)
class TableRef:
    """One Delta table, addressed by name or by path."""

    name: str | None = None
    path: str | None = None

    def __post_init__(self) -> None:
        if (self.name is None) == (self.path is None):
            raise ValueError("a table is addressed by exactly one of name or path")

    def __str__(self) -> str:
        return self.name or f"delta.`{self.path}`"

    def exists(self, spark: SparkSession) -> bool:
        if self.name:
            return spark.catalog.tableExists(self.name)
        return DeltaTable.isDeltaTable(spark, self.path)

    def delta(self, spark: SparkSession) -> DeltaTable:
        return DeltaTable.forName(spark, self.name) if self.name else DeltaTable.forPath(spark, self.path)

    def read(self, spark: SparkSession) -> DataFrame:
        return spark.read.table(self.name) if self.name else spark.read.format("delta").load(self.path)

    def read_stream(self, spark: SparkSession) -> DataFrame:
        reader: DataStreamReader = spark.readStream.format("delta")
        return reader.table(self.name) if self.name else reader.load(self.path)

    def start_stream(self, writer: DataStreamWriter) -> StreamingQuery:
        writer = writer.format("delta")
        return writer.toTable(self.name) if self.name else writer.start(self.path)

    def save(self, writer) -> None:
        """Batch write (DataFrameWriter already configured with mode/options)."""
        writer = writer.format("delta")
        if self.name:
            writer.saveAsTable(self.name)
        else:
            writer.save(self.path)


@dataclass(frozen=True)
class Tables:
    """All tables of one stream. Names derive from spec.target; nothing per stream is hand-written."""

    spec: StreamSpec
    catalog: str | None = None
    lake_root: str | None = None

    def _ref(self, layer: str, suffix: str = "") -> TableRef:
        schema = self.spec.target.schemas[layer]
        table = self.spec.target.table + suffix
        if self.lake_root:
            root = self.lake_root.rstrip("/")
            # A root with {schema} puts each layer in its own place (the lake's bronze/silver/gold containers).
            if SCHEMA_PLACEHOLDER in root:
                return TableRef(path=f"{root.replace(SCHEMA_PLACEHOLDER, schema)}/{table}")
            return TableRef(path=f"{root}/{schema}/{table}")
        return TableRef(name=f"{self.catalog}.{schema}.{table}")

    @property
    def bronze(self) -> TableRef:
        return self._ref("bronze")

    @property
    def silver(self) -> TableRef:
        return self._ref("silver")

    @property
    def quarantine(self) -> TableRef:
        return self._ref("silver", "_quarantine")

    @property
    def silver_state(self) -> TableRef:
        """Per-batch event-time high-water mark of silver (its watermark, restart- and retry-safe)."""
        return self._ref("silver", "_watermark_state")

    def gold(self, window_id: str) -> TableRef:
        return self._ref("gold", f"_{window_id}")

    @property
    def alerts(self) -> TableRef:
        return self._ref("gold", "_alerts")

    @property
    def anomaly_state(self) -> TableRef:
        return self._ref("gold", "_anomaly_state")

    @property
    def features(self) -> TableRef:
        return self._ref("gold", "_features")


def resolve_tables(spec: StreamSpec, catalog: str | None, lake_root: str | None) -> Tables:
    """catalog (parameter, else spec.target.catalog) or lake_root: exactly one."""
    catalog = (catalog or "").strip() or None
    lake_root = (lake_root or "").strip() or None
    if catalog and lake_root:
        raise ValueError("pass exactly one of catalog or lake_root, got both")
    if lake_root:
        return Tables(spec, lake_root=lake_root)
    catalog = catalog or spec.target.catalog
    if not catalog:
        raise ValueError("pass exactly one of catalog or lake_root (the spec's target.catalog is null), got neither")
    return Tables(spec, catalog=catalog)


def checkpoint(checkpoint_root: str, spec: StreamSpec, query: str) -> str:
    """One checkpoint per query, never shared: <root>/<stream>/<query>."""
    if not checkpoint_root:
        raise ValueError("checkpoint_root is required")
    return f"{checkpoint_root.rstrip('/')}/{spec.name}/{query}"
