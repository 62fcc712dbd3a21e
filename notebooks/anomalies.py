# Databricks notebook source
# MAGIC %md
# MAGIC # Anomalies: rules to alerts, dispatched once
# MAGIC Thin entry point: reads the job parameters and calls `medallion.jobs.run_anomalies`. All logic lives in the
# MAGIC `medallion` package next to this notebook (importable and tested locally with pytest).

# COMMAND ----------

dbutils.widgets.text("spec", "")
dbutils.widgets.text("catalog", "")
dbutils.widgets.text("lake_root", "")
dbutils.widgets.text("checkpoint_root", "")
dbutils.widgets.text("trigger", "")
dbutils.widgets.text("secret_scope", "")
dbutils.widgets.text("webhook_secret_key", "")

# COMMAND ----------

from medallion.jobs import run_anomalies

run_anomalies(
    spark,
    spec=dbutils.widgets.get("spec"),
    catalog=dbutils.widgets.get("catalog"),
    lake_root=dbutils.widgets.get("lake_root"),
    checkpoint_root=dbutils.widgets.get("checkpoint_root"),
    trigger=dbutils.widgets.get("trigger"),
    secret_scope=dbutils.widgets.get("secret_scope"),
    webhook_secret_key=dbutils.widgets.get("webhook_secret_key"),
    get_secret=lambda scope, key: dbutils.secrets.get(scope=scope, key=key),
)
