"""Streaming medallion pipeline: all logic behind the thin Databricks notebooks.

Generic over streams: everything stream-specific comes from the stream spec
(schema/stream-spec.v1.schema.json), so adding a stream adds no Python.
"""
