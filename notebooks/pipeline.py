# Databricks notebook source
# MAGIC %md
# MAGIC # Stream pipeline: Event Hubs to bronze, silver, quarantine, gold, alerts and features in one pass
# MAGIC Thin entry point: reads the job parameters and calls `medallion.jobs.run_pipeline`. All logic lives in the
# MAGIC `medallion` package next to this notebook (importable and tested locally with pytest).

# COMMAND ----------

from medallion.jobs import PIPELINE_PARAMETERS, job_parameters, run_pipeline

run_pipeline(
    spark,
    **job_parameters(dbutils, *PIPELINE_PARAMETERS),
    get_secret=lambda scope, key: dbutils.secrets.get(scope=scope, key=key),
)
