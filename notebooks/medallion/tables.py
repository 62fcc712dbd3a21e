"""Where each table of a stream lives: Unity Catalog names (catalog mode) or abfss/local paths (lake_root mode)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from delta.tables import DeltaTable
from pyspark.sql import DataFrame, SparkSession
from pyspark.sql.streaming import DataStreamReader, DataStreamWriter, StreamingQuery
from pyspark.sql.types import StructType

from .spec import StreamSpec

SCHEMA_PLACEHOLDER = "{schema}"
#: The layers whose tables get a change data feed when the spec's target asks for one.
CHANGE_DATA_FEED_LAYERS = ("silver", "gold")


@dataclass(frozen=True)
class TableSpec:
    """How the pipeline lays a table out: the column holding each row's batch id, partitions, and the only
    columns Delta collects file statistics on (the ones its reads skip files by; statistics on every column,
    long strings included, are work on each append that no read uses)."""

    batch_column: str | None
    stats_columns: tuple[str, ...]
    partition_by: tuple[str, ...] = ()
    change_data_feed: bool = False

    def properties(self) -> dict[str, str]:
        properties = {"delta.dataSkippingStatsColumns": ",".join(self.stats_columns)}
        if self.change_data_feed:
            properties["delta.enableChangeDataFeed"] = "true"
        return properties


@dataclass(frozen=True)
class TableRef:
    """One Delta table, addressed by name or by path; `layout` for the tables the pipeline appends to."""

    name: str | None = None
    path: str | None = None
    layout: TableSpec | None = None

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

    def start_stream(self, spark: SparkSession, writer: DataStreamWriter, schema: StructType) -> StreamingQuery:
        """Start a streaming write into the table, created first with `schema`: Spark's sink would create it
        without the layout's partitions and properties."""
        self.create(spark, schema)
        writer = writer.format("delta")
        return writer.toTable(self.name) if self.name else writer.start(self.path)

    def create(self, spark: SparkSession, schema: StructType) -> None:
        """Create the table empty, with its layout's partitions and table properties (a no-op if it exists)."""
        builder = DeltaTable.createIfNotExists(spark)
        builder = builder.tableName(self.name) if self.name else builder.location(self.path)
        builder = builder.addColumns(schema)
        if self.layout:
            if self.layout.partition_by:
                builder = builder.partitionedBy(*self.layout.partition_by)
            for key, value in self.layout.properties().items():
                builder = builder.property(key, value)
        builder.execute()

    def append(self, df: DataFrame) -> None:
        self.save(df.write.mode("append").option("mergeSchema", "true"))

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

    def _ref(self, layer: str, suffix: str = "", layout: TableSpec | None = None, table: str | None = None) -> TableRef:
        schema = self.spec.target.schemas[layer]
        table = (table or self.spec.target.table) + suffix
        if layout and self.spec.target.change_data_feed and layer in CHANGE_DATA_FEED_LAYERS:
            layout = replace(layout, change_data_feed=True)
        if self.lake_root:
            root = self.lake_root.rstrip("/")
            # A root with {schema} puts each layer in its own place (the lake's bronze/silver/gold containers).
            if SCHEMA_PLACEHOLDER in root:
                return TableRef(path=f"{root.replace(SCHEMA_PLACEHOLDER, schema)}/{table}", layout=layout)
            return TableRef(path=f"{root}/{schema}/{table}", layout=layout)
        return TableRef(name=f"{self.catalog}.{schema}.{table}", layout=layout)

    @property
    def bronze(self) -> TableRef:
        layout = TableSpec("bronze_batch_id", ("bronze_batch_id", "enqueued_time"), partition_by=("ingestion_date",))
        return self._ref("bronze", layout=layout)

    @property
    def silver(self) -> TableRef:
        # Event time: the dedup, gold and features reads select recent rows by it.
        return self._ref("silver", layout=TableSpec("silver_batch_id", (self.spec.event_time_field, "silver_batch_id")))

    @property
    def quarantine(self) -> TableRef:
        return self._ref("silver", "_quarantine", TableSpec("batch_id", ("batch_id", "reason")))

    def gold(self, window_id: str) -> TableRef:
        """Tumbling and sliding windows (closed by the pipeline); session windows are Spark's own sink."""
        return self._ref("gold", f"_{window_id}", TableSpec("gold_batch_id", ("window_start", "gold_batch_id")))

    def session_gold(self, window_id: str) -> TableRef:
        """A session window's table as its writer, Spark's own sink, lays it out: no batch column."""
        return self._ref("gold", f"_{window_id}", TableSpec(None, ("window_start",)))

    def join(self, join_id: str) -> TableRef:
        """A stream-to-stream join's table (Spark's own sink: no batch column)."""
        return self._ref("gold", f"_join_{join_id}", TableSpec(None, (self.spec.event_time_field,)))

    @property
    def alerts(self) -> TableRef:
        return self._ref("gold", "_alerts", TableSpec("batch_id", ("event_time", "batch_id")))

    def reference(self, table: str) -> TableRef:
        """An enrichment's reference table, `<layer>.<name>`: in that layer's schema, beside the stream's tables."""
        layer, name = table.split(".", 1)
        return self._ref(layer, table=name)

    @property
    def features(self) -> TableRef:
        return self._ref("gold", "_features", TableSpec(None, ("device",)))


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
