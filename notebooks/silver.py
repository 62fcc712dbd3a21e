# Databricks notebook source
# MAGIC %md
# MAGIC # Silver: parse, validate, dedup; quarantine the rest
# MAGIC Thin entry point: reads the job parameters and calls `medallion.jobs.run_silver`. All logic lives in the
# MAGIC `medallion` package next to this notebook (importable and tested locally with pytest).

# COMMAND ----------

dbutils.widgets.text("spec", "")
dbutils.widgets.text("catalog", "")
dbutils.widgets.text("lake_root", "")
dbutils.widgets.text("checkpoint_root", "")
dbutils.widgets.text("trigger", "")
dbutils.widgets.text("reference_table", "")
dbutils.widgets.text("reference_keys", "")

# COMMAND ----------

from medallion.jobs import run_silver

run_silver(
    spark,
    spec=dbutils.widgets.get("spec"),
    catalog=dbutils.widgets.get("catalog"),
    lake_root=dbutils.widgets.get("lake_root"),
    checkpoint_root=dbutils.widgets.get("checkpoint_root"),
    trigger=dbutils.widgets.get("trigger"),
    reference_table=dbutils.widgets.get("reference_table"),
    reference_keys=dbutils.widgets.get("reference_keys"),
)
