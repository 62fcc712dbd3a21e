# Databricks notebook source
# MAGIC %md
# MAGIC # Bronze: Event Hubs to raw Delta
# MAGIC Thin entry point: reads the job parameters and calls `medallion.jobs.run_bronze`. All logic lives in the
# MAGIC `medallion` package next to this notebook (importable and tested locally with pytest).

# COMMAND ----------

from medallion.jobs import job_parameters, run_bronze

run_bronze(
    spark,
    **job_parameters(dbutils, "secret_scope", "secret_key", "kafka_bootstrap_servers"),
    get_secret=lambda scope, key: dbutils.secrets.get(scope=scope, key=key),
)
