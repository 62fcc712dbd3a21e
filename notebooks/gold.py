# Databricks notebook source
# MAGIC %md
# MAGIC # Gold: windowed aggregates per dimension (one query per window)
# MAGIC Thin entry point: reads the job parameters and calls `medallion.jobs.run_gold`. All logic lives in the
# MAGIC `medallion` package next to this notebook (importable and tested locally with pytest).

# COMMAND ----------

dbutils.widgets.text("spec", "")
dbutils.widgets.text("catalog", "")
dbutils.widgets.text("lake_root", "")
dbutils.widgets.text("checkpoint_root", "")
dbutils.widgets.text("trigger", "")

# COMMAND ----------

from medallion.jobs import run_gold

run_gold(
    spark,
    spec=dbutils.widgets.get("spec"),
    catalog=dbutils.widgets.get("catalog"),
    lake_root=dbutils.widgets.get("lake_root"),
    checkpoint_root=dbutils.widgets.get("checkpoint_root"),
    trigger=dbutils.widgets.get("trigger"),
)
