# Databricks notebook source
# MAGIC %md
# MAGIC # Anomalies: rules to alerts, dispatched once
# MAGIC Thin entry point: reads the job parameters and calls `medallion.jobs.run_anomalies`. All logic lives in the
# MAGIC `medallion` package next to this notebook (importable and tested locally with pytest).

# COMMAND ----------

from medallion.jobs import job_parameters, run_anomalies

run_anomalies(
    spark,
    **job_parameters(dbutils, "secret_scope", "webhook_secret_key"),
    get_secret=lambda scope, key: dbutils.secrets.get(scope=scope, key=key),
)
