"""Operator commands run from a checkout (not shipped to Databricks)."""
