# Databricks notebook source
# MAGIC %md
# MAGIC # Features: rolling per-device statistics
# MAGIC Thin entry point: reads the job parameters and calls `medallion.jobs.run_features`. All logic lives in the
# MAGIC `medallion` package next to this notebook (importable and tested locally with pytest).

# COMMAND ----------

from medallion.jobs import job_parameters, run_features

run_features(
    spark,
    **job_parameters(dbutils),
)
