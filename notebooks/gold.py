# Databricks notebook source
# MAGIC %md
# MAGIC # Gold: windowed aggregates per dimension (one query per window)
# MAGIC Thin entry point: reads the job parameters and calls `medallion.jobs.run_gold`. All logic lives in the
# MAGIC `medallion` package next to this notebook (importable and tested locally with pytest).

# COMMAND ----------

from medallion.jobs import job_parameters, run_gold

run_gold(
    spark,
    **job_parameters(dbutils),
)
