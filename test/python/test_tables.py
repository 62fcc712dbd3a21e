"""Table locations, checkpoints and triggers."""

from __future__ import annotations

import dataclasses

import pytest

from medallion.tables import checkpoint, resolve_tables
from medallion.triggers import trigger_kwargs


def test_catalog_mode_names(iot_spec):
    tables = resolve_tables(iot_spec, "main", "")
    assert tables.bronze.name == "main.bronze.iot_telemetry"
    assert tables.silver.name == "main.silver.iot_telemetry"
    assert tables.quarantine.name == "main.silver.iot_telemetry_quarantine"
    assert tables.gold("tumbling_1m").name == "main.gold.iot_telemetry_tumbling_1m"
    assert tables.alerts.name == "main.gold.iot_telemetry_alerts"
    assert tables.features.name == "main.gold.iot_telemetry_features"
    assert tables.bronze.path is None


def test_lake_root_mode_paths(iot_spec):
    tables = resolve_tables(iot_spec, "", "abfss://lake@acct.dfs.core.windows.net/streams/")
    assert tables.bronze.path == "abfss://lake@acct.dfs.core.windows.net/streams/bronze/iot_telemetry"
    assert tables.quarantine.path == "abfss://lake@acct.dfs.core.windows.net/streams/silver/iot_telemetry_quarantine"
    assert tables.bronze.name is None


def test_lake_root_with_schema_placeholder_puts_each_layer_in_its_container(iot_spec):
    tables = resolve_tables(iot_spec, "", "abfss://{schema}@acct.dfs.core.windows.net/")
    assert tables.bronze.path == "abfss://bronze@acct.dfs.core.windows.net/iot_telemetry"
    assert tables.quarantine.path == "abfss://silver@acct.dfs.core.windows.net/iot_telemetry_quarantine"
    assert tables.alerts.path == "abfss://gold@acct.dfs.core.windows.net/iot_telemetry_alerts"


def test_catalog_defaults_to_the_spec_target(iot_spec):
    spec = dataclasses.replace(iot_spec, target=dataclasses.replace(iot_spec.target, catalog="iot"))
    assert resolve_tables(spec, "", "").silver.name == "iot.silver.iot_telemetry"


def test_exactly_one_of_catalog_and_lake_root(iot_spec):
    with pytest.raises(ValueError, match="got both"):
        resolve_tables(iot_spec, "main", "/tmp/lake")
    with pytest.raises(ValueError, match="got neither"):
        resolve_tables(iot_spec, "", "")


def test_one_checkpoint_per_query(iot_spec):
    assert checkpoint("abfss://c@a.dfs.core.windows.net/chk/", iot_spec, "silver") == (
        "abfss://c@a.dfs.core.windows.net/chk/iot-telemetry/silver"
    )
    with pytest.raises(ValueError):
        checkpoint("", iot_spec, "silver")


def test_triggers(iot_spec):
    assert trigger_kwargs(iot_spec) == {"processingTime": "10 seconds"}
    assert trigger_kwargs(iot_spec, "") == {"processingTime": "10 seconds"}
    assert trigger_kwargs(iot_spec, '{"type": "availableNow"}') == {"availableNow": True}
    assert trigger_kwargs(iot_spec, {"type": "processingTime", "interval": "1 minute"}) == {
        "processingTime": "1 minute"
    }
    with pytest.raises(ValueError, match="trigger.type"):
        trigger_kwargs(iot_spec, '{"type": "continuous"}')
    with pytest.raises(ValueError, match="trigger.interval"):
        trigger_kwargs(iot_spec, '{"type": "processingTime", "interval": "soon"}')


class _Widgets:
    """The part of Databricks' dbutils.widgets the notebooks use, with job parameters preset."""

    def __init__(self, values):
        self.values, self.declared = values, []

    def text(self, name, default):
        self.declared.append(name)
        self.values.setdefault(name, default)

    def get(self, name):
        return self.values[name]


def test_job_parameters_declares_the_common_and_extra_widgets_and_reads_them():
    from types import SimpleNamespace

    from medallion.jobs import job_parameters

    widgets = _Widgets({"spec": "{}", "lake_root": "/lake", "secret_key": "evh-x-listen"})
    values = job_parameters(SimpleNamespace(widgets=widgets), "secret_key")
    assert widgets.declared == ["spec", "catalog", "lake_root", "secret_key"]
    assert values == {"spec": "{}", "catalog": "", "lake_root": "/lake", "secret_key": "evh-x-listen"}
