# Databricks notebook source
# MAGIC %md
# MAGIC # Bronze: Event Hubs to raw Delta
# MAGIC Thin entry point: reads the job parameters and calls `medallion.jobs.run_bronze`. All logic lives in the
# MAGIC `medallion` package next to this notebook (importable and tested locally with pytest).

# COMMAND ----------

dbutils.widgets.text("spec", "")
dbutils.widgets.text("catalog", "")
dbutils.widgets.text("lake_root", "")
dbutils.widgets.text("checkpoint_root", "")
dbutils.widgets.text("secret_scope", "")
dbutils.widgets.text("secret_key", "")
dbutils.widgets.text("trigger", "")
dbutils.widgets.text("kafka_bootstrap_servers", "")

# COMMAND ----------

from medallion.jobs import run_bronze

run_bronze(
    spark,
    spec=dbutils.widgets.get("spec"),
    catalog=dbutils.widgets.get("catalog"),
    lake_root=dbutils.widgets.get("lake_root"),
    checkpoint_root=dbutils.widgets.get("checkpoint_root"),
    secret_scope=dbutils.widgets.get("secret_scope"),
    secret_key=dbutils.widgets.get("secret_key"),
    trigger=dbutils.widgets.get("trigger"),
    kafka_bootstrap_servers=dbutils.widgets.get("kafka_bootstrap_servers"),
    get_secret=lambda scope, key: dbutils.secrets.get(scope=scope, key=key),
)
