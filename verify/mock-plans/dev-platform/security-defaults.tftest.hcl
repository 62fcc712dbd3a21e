# Mock-provider plan of cdktf.out/stacks/dev-platform: the secure defaults as
# planned by the real azurerm schema. Addresses are cdktf logical ids (construct path + hash): if a
# construct is renamed, update them here. The smoke test (generated) still plans the whole stack.

mock_provider "azurerm" {
  override_during = plan # stripped automatically under OpenTofu
  mock_data "azurerm_client_config" {
    defaults = {
      tenant_id       = "00000000-0000-0000-0000-000000000000"
      client_id       = "00000000-0000-0000-0000-000000000000"
      object_id       = "00000000-0000-0000-0000-000000000000"
      subscription_id = "00000000-0000-0000-0000-000000000000"
    }
  }
  mock_resource "azurerm_resource_group" {
    defaults = { id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-mock" }
  }
  mock_resource "azurerm_eventhub_namespace" {
    defaults = { id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-mock/providers/Microsoft.EventHub/namespaces/evhns-mock" }
  }
  mock_resource "azurerm_eventhub" {
    defaults = { id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-mock/providers/Microsoft.EventHub/namespaces/evhns-mock/eventhubs/mock" }
  }
  mock_resource "azurerm_storage_account" {
    defaults = { id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-mock/providers/Microsoft.Storage/storageAccounts/stmock" }
  }
  mock_resource "azurerm_key_vault" {
    defaults = {
      id        = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-mock/providers/Microsoft.KeyVault/vaults/kv-mock"
      vault_uri = "https://kv-mock.vault.azure.net/"
    }
  }
  mock_resource "azurerm_databricks_workspace" {
    defaults = { id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-mock/providers/Microsoft.Databricks/workspaces/dbw-mock" }
  }
  mock_resource "azurerm_databricks_access_connector" {
    defaults = { id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-mock/providers/Microsoft.Databricks/accessConnectors/ac-mock" }
  }
  mock_resource "azurerm_log_analytics_workspace" {
    defaults = { id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-mock/providers/Microsoft.OperationalInsights/workspaces/law-mock" }
  }
  mock_resource "azurerm_monitor_action_group" {
    defaults = { id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-mock/providers/Microsoft.Insights/actionGroups/ag-mock" }
  }
}

run "security_defaults" {
  command = plan

  assert {
    condition     = azurerm_eventhub_namespace.EventHubs_1568164C.minimum_tls_version == "1.2"
    error_message = "Event Hubs namespace must require TLS 1.2"
  }
  assert {
    condition = alltrue([for r in [
      azurerm_eventhub_authorization_rule.EventHubs_EventHub-iot-telemetry_Rule-iot-telemetry-bronze-listen_1BBC5C9F,
      azurerm_eventhub_authorization_rule.EventHubs_EventHub-manufacturing-sensors_Rule-manufacturing-sensors-bronze-listen_B0BD9028,
      azurerm_eventhub_authorization_rule.EventHubs_EventHub-weather_Rule-weather-bronze-listen_0678CEC5,
    ] : r.listen && !r.send && !r.manage])
    error_message = "bronze reader SAS rules must be listen-only"
  }
  assert {
    condition = (azurerm_storage_account.Lake_Account_4F6F416A.https_traffic_only_enabled
      && azurerm_storage_account.Lake_Account_4F6F416A.min_tls_version == "TLS1_2"
      && !azurerm_storage_account.Lake_Account_4F6F416A.allow_nested_items_to_be_public
    && azurerm_storage_account.Lake_Account_4F6F416A.is_hns_enabled)
    error_message = "lake storage must be HTTPS-only, TLS 1.2, no public blobs, ADLS Gen2"
  }
  assert {
    condition     = azurerm_key_vault.KeyVault_EBBC7C6F.purge_protection_enabled && azurerm_key_vault.KeyVault_EBBC7C6F.rbac_authorization_enabled
    error_message = "Key Vault must have purge protection and RBAC authorization"
  }
  assert {
    condition = alltrue([for h in [
      azurerm_eventhub.EventHubs_EventHub-iot-telemetry_B9980C9C,
      azurerm_eventhub.EventHubs_EventHub-manufacturing-sensors_8D0FC4CD,
      azurerm_eventhub.EventHubs_EventHub-weather_5AF0B6D0,
    ] : h.partition_count >= 1 && h.partition_count <= 32])
    error_message = "Standard tier allows 1-32 partitions per event hub"
  }
}
