"""Local SparkSession with Delta Lake, for tests and local runs (Databricks provides its own `spark`)."""

from __future__ import annotations

from pyspark.sql import SparkSession

SPARK_VERSION = "3.5.3"
KAFKA_PACKAGE = f"org.apache.spark:spark-sql-kafka-0-10_2.12:{SPARK_VERSION}"
# Reads Event Hubs Capture's Avro files (a backfill); Databricks has it built in.
AVRO_PACKAGE = f"org.apache.spark:spark-avro_2.12:{SPARK_VERSION}"


def local_session(
    warehouse_dir: str,
    app_name: str = "medallion-local",
    with_kafka: bool = False,
    driver_memory: str = "2g",
) -> SparkSession:
    from delta import configure_spark_with_delta_pip

    builder = (
        SparkSession.builder.master("local[2]")
        .appName(app_name)
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        .config("spark.sql.warehouse.dir", warehouse_dir)
        .config("spark.driver.memory", driver_memory)
        # Small, shared machine: C1-only JIT compiles far less. C1-only also shrinks the code cache to 48 MB,
        # which Spark + Delta + Kafka fill within minutes ("CodeCache is full. Compiler has been disabled"):
        # everything after that runs interpreted. 256 MB keeps the JIT on for long local runs.
        .config(
            "spark.driver.extraJavaOptions",
            "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:ReservedCodeCacheSize=256m",
        )
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.default.parallelism", "2")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.showConsoleProgress", "false")
        # Tiny local data: planning and code generation cost more than they save.
        .config("spark.sql.adaptive.enabled", "false")
        .config("spark.sql.codegen.wholeStage", "false")
        # Small local tables: skip Delta's stats-heavy defaults that slow every tiny commit.
        .config("spark.databricks.delta.snapshotPartitions", "1")
        .config("spark.databricks.delta.writeChecksumFile.enabled", "false")
        .config("spark.sql.streaming.stateStore.minDeltasForSnapshot", "2")
        .config("spark.databricks.delta.properties.defaults.checkpointInterval", "50")
    )
    # configure_spark_with_delta_pip overwrites spark.jars.packages: extras go through extra_packages.
    extra = [AVRO_PACKAGE, *([KAFKA_PACKAGE] if with_kafka else [])]
    return configure_spark_with_delta_pip(builder, extra_packages=extra).getOrCreate()
