# Mock-provider plan of the eventhub-valid fixture stack (verify/fixtures/stacks/eventhub-valid).
# The real provider's schema types the plan; mock_provider supplies computed values, no credentials.

mock_provider "azurerm" {
  # Mock computed values during plan (Terraform >= 1.11), so references are known and the
  # provider's value checks on nested blocks (capture_description) run; IDs must then parse.
  override_during = plan
  # Resource IDs must parse as Azure IDs where other resources reference them.
  mock_resource "azurerm_eventhub_namespace" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-stream-fixture-dev/providers/Microsoft.EventHub/namespaces/evhns-stream-fixture-dev"
    }
  }
  mock_resource "azurerm_storage_account" {
    defaults = {
      id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-stream-fixture-dev/providers/Microsoft.Storage/storageAccounts/stfixturecapturedev"
    }
  }
}

run "eventhub_plan" {
  command = plan

  assert {
    condition     = azurerm_eventhub.telemetry.partition_count == 8
    error_message = "telemetry hub should plan 8 partitions"
  }
  assert {
    condition     = azurerm_eventhub.telemetry.capture_description[0].encoding == "Avro"
    error_message = "capture must be Avro"
  }
  assert {
    condition     = azurerm_eventhub.telemetry.capture_description[0].interval_in_seconds >= 60 && azurerm_eventhub.telemetry.capture_description[0].interval_in_seconds <= 900
    error_message = "capture interval must be 60-900 s"
  }
  assert {
    condition     = azurerm_eventhub_namespace.ns.minimum_tls_version == "1.2"
    error_message = "namespace must require TLS 1.2"
  }
  assert {
    condition     = !azurerm_eventhub_authorization_rule.reader.manage && !azurerm_eventhub_authorization_rule.reader.send
    error_message = "reader SAS rule must be listen-only"
  }
}
