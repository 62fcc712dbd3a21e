"""verify/checkov_report.py names every finding `<type>.<name>`, so the skips' `resources` globs match both
kinds of checkov check (its JSON checks write `resource.<name>`, its graph checks `<type>.<name>`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "verify"))

from checkov_report import address, resource_types

STACK = {
    "resource": {
        "azurerm_storage_account": {"Lake_Account_4F6F416A": {}},
        "azurerm_key_vault_secret": {"KeyVault_Secret-evh-weather-listen_EEF70247": {}},
    }
}


def test_a_json_check_finding_gets_its_type_from_the_stack(tmp_path):
    stack = tmp_path / "prod-platform" / "cdk.tf.json"
    stack.parent.mkdir()
    stack.write_text(json.dumps(STACK))
    types = resource_types(stack)
    assert address("resource.Lake_Account_4F6F416A", types) == "azurerm_storage_account.Lake_Account_4F6F416A"
    assert (
        address("resource.KeyVault_Secret-evh-weather-listen_EEF70247", types)
        == "azurerm_key_vault_secret.KeyVault_Secret-evh-weather-listen_EEF70247"
    )


def test_a_graph_check_finding_and_an_unknown_name_are_left_as_they_are(tmp_path):
    stack = tmp_path / "cdk.tf.json"
    stack.write_text(json.dumps(STACK))
    types = resource_types(stack)
    assert (
        address("azurerm_storage_account.Lake_Account_4F6F416A", types)
        == "azurerm_storage_account.Lake_Account_4F6F416A"
    )
    assert address("resource.Elsewhere_0000", types) == "resource.Elsewhere_0000"
    assert resource_types(tmp_path / "missing.json") == {}
