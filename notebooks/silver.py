# Databricks notebook source
# MAGIC %md
# MAGIC # Silver: parse, validate, dedup; quarantine the rest
# MAGIC Thin entry point: reads the job parameters and calls `medallion.jobs.run_silver`. All logic lives in the
# MAGIC `medallion` package next to this notebook (importable and tested locally with pytest).

# COMMAND ----------

from medallion.jobs import job_parameters, run_silver

run_silver(
    spark,
    **job_parameters(dbutils, "reference_table", "reference_keys"),
)
