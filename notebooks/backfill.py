# Databricks notebook source
# MAGIC %md
# MAGIC # Backfill a stream from Event Hubs Capture
# MAGIC Replays a time range of the hub's Capture files into bronze, silver, quarantine and the closed gold windows,
# MAGIC writing only the events the tables do not hold. Thin entry point: all logic lives in `medallion.backfill`.

# COMMAND ----------

from medallion.jobs import BACKFILL_PARAMETERS, job_parameters, run_backfill

print(run_backfill(spark, **job_parameters(dbutils, *BACKFILL_PARAMETERS)))
