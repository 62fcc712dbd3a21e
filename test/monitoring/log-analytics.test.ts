import { DatabricksWorkspace } from '@cdktf/provider-azurerm/lib/databricks-workspace';
import { EventhubNamespace } from '@cdktf/provider-azurerm/lib/eventhub-namespace';
import { KeyVault } from '@cdktf/provider-azurerm/lib/key-vault';
import { ResourceGroup } from '@cdktf/provider-azurerm/lib/resource-group';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import type { TerraformStack } from 'cdktf';
import { Naming } from '../../constructs/core/naming';
import { DIAGNOSTIC_CATEGORIES } from '../../constructs/monitoring/diagnostic-categories';
import { hasDiagnostics, LogAnalytics, type LogAnalyticsProps, supportsDiagnostics } from '../../constructs/monitoring/log-analytics';
import { onlyResource, problemsOf, refOf, resourcesOf, synthJson, testStack } from '../helpers/synth';

const naming = new Naming({ workload: 'stream', environment: 'dev', region: 'westeurope' });

function logAnalytics(props: Partial<LogAnalyticsProps> = {}): { stack: TerraformStack; log: LogAnalytics } {
  const stack = testStack();
  const log = new LogAnalytics(stack, 'Logs', { naming, resourceGroupName: 'rg', location: 'westeurope', ...props });
  return { stack, log };
}

function namespace(stack: TerraformStack): EventhubNamespace {
  return new EventhubNamespace(stack, 'Namespace', { name: 'evhns-stream-dev-weu-1a2b', resourceGroupName: 'rg', location: 'westeurope', sku: 'Standard' });
}

describe('LogAnalytics', () => {
  test('GIVEN defaults WHEN synthesized THEN one PerGB2018 workspace named by Naming keeps logs 30 days without shared keys', () => {
    // GIVEN / WHEN
    const { stack } = logAnalytics();
    // THEN
    expect(onlyResource(synthJson(stack), 'azurerm_log_analytics_workspace')).toEqual({
      name: 'log-stream-dev-weu',
      resource_group_name: 'rg',
      location: 'westeurope',
      sku: 'PerGB2018',
      retention_in_days: 30,
      local_authentication_enabled: false,
    });
    expect(problemsOf(stack)).toEqual([]);
  });

  test('GIVEN retention 730 and a daily quota WHEN synthesized THEN both are set', () => {
    const { stack } = logAnalytics({ retentionDays: 730, dailyQuotaGb: 5 });
    const body = onlyResource(synthJson(stack), 'azurerm_log_analytics_workspace');
    expect([body.retention_in_days, body.daily_quota_gb]).toEqual([730, 5]);
    expect(problemsOf(stack)).toEqual([]);
  });

  test.each([29, 731, 45.5])('GIVEN retention %p WHEN validated THEN it is refused with the allowed range', (days) => {
    const { stack } = logAnalytics({ retentionDays: days });
    expect(problemsOf(stack)).toEqual([`[test/Logs] retentionDays = ${days} is invalid; allowed: an integer from 30 to 730`]);
  });

  test.each([
    [0, '0'],
    [Number.NaN, "'NaN'"],
  ])('GIVEN a daily quota of %p WHEN validated THEN it is refused', (quota, shown) => {
    const { stack } = logAnalytics({ dailyQuotaGb: quota });
    expect(problemsOf(stack)).toEqual([`[test/Logs] dailyQuotaGb = ${shown} is invalid; allowed: a number of GB greater than 0, or undefined for no cap`]);
  });

  test('GIVEN an Event Hubs namespace WHEN diagnostics are added THEN all logs go to resource-specific tables with all metrics', () => {
    // GIVEN
    const { stack, log } = logAnalytics();
    const ns = namespace(stack);
    // WHEN
    log.addDiagnostics('EventHubs', ns);
    // THEN
    expect(onlyResource(synthJson(stack), 'azurerm_monitor_diagnostic_setting')).toEqual({
      name: 'diag-log-stream-dev-weu',
      target_resource_id: refOf(ns, 'id'),
      log_analytics_workspace_id: refOf(log.resource, 'id'),
      log_analytics_destination_type: 'Dedicated',
      enabled_log: [{ category_group: 'allLogs' }],
      enabled_metric: [{ category: 'AllMetrics' }],
    });
  });

  test('GIVEN a Key Vault WHEN diagnostics are added THEN all logs (AuditEvent) go to resource-specific tables with all metrics', () => {
    const { stack, log } = logAnalytics();
    const vault = new KeyVault(stack, 'Vault', {
      name: 'kv-stream-dev-1a2b',
      resourceGroupName: 'rg',
      location: 'westeurope',
      tenantId: 'tenant',
      skuName: 'standard',
    });
    log.addDiagnostics('KeyVault', vault);
    expect(onlyResource(synthJson(stack), 'azurerm_monitor_diagnostic_setting')).toEqual({
      name: 'diag-log-stream-dev-weu',
      target_resource_id: refOf(vault, 'id'),
      log_analytics_workspace_id: refOf(log.resource, 'id'),
      log_analytics_destination_type: 'Dedicated',
      enabled_log: [{ category_group: 'allLogs' }],
      enabled_metric: [{ category: 'AllMetrics' }],
    });
  });

  test('GIVEN a storage account WHEN diagnostics are added THEN the account sends Transaction metrics and its blob service sends logs and metrics', () => {
    const { stack, log } = logAnalytics();
    const account = new StorageAccount(stack, 'Lake', {
      name: 'ststreamdev1a2b',
      resourceGroupName: 'rg',
      location: 'westeurope',
      accountTier: 'Standard',
      accountReplicationType: 'ZRS',
    });
    log.addDiagnostics('Lake', account);
    // (sorted by logical id: the blob service's setting first)
    expect(Object.values(resourcesOf(synthJson(stack), 'azurerm_monitor_diagnostic_setting'))).toEqual([
      {
        name: 'diag-log-stream-dev-weu',
        target_resource_id: `${refOf(account, 'id')}/blobServices/default`,
        log_analytics_workspace_id: refOf(log.resource, 'id'),
        enabled_log: [{ category_group: 'allLogs' }],
        enabled_metric: [{ category: 'Transaction' }],
      },
      {
        name: 'diag-log-stream-dev-weu',
        target_resource_id: refOf(account, 'id'),
        log_analytics_workspace_id: refOf(log.resource, 'id'),
        enabled_metric: [{ category: 'Transaction' }],
      },
    ]);
  });

  test('GIVEN a Databricks workspace WHEN diagnostics are added THEN all audit logs go to resource-specific tables and no metrics', () => {
    const { stack, log } = logAnalytics();
    const workspace = new DatabricksWorkspace(stack, 'Databricks', {
      name: 'dbw-stream-dev-weu',
      resourceGroupName: 'rg',
      location: 'westeurope',
      sku: 'premium',
    });
    log.addDiagnostics('Databricks', workspace, { name: 'to-central-logs' });
    expect(onlyResource(synthJson(stack), 'azurerm_monitor_diagnostic_setting')).toEqual({
      name: 'to-central-logs',
      target_resource_id: refOf(workspace, 'id'),
      log_analytics_workspace_id: refOf(log.resource, 'id'),
      log_analytics_destination_type: 'Dedicated',
      enabled_log: [{ category_group: 'allLogs' }],
    });
  });

  test('GIVEN a resource type without diagnostics WHEN diagnostics are added THEN it is a problem naming the supported types', () => {
    const { stack, log } = logAnalytics();
    const group = new ResourceGroup(stack, 'Group', { name: 'rg', location: 'westeurope' });
    expect(log.addDiagnostics('Group', group)).toEqual([]);
    expect(problemsOf(stack)).toEqual([
      "[test/Logs] diagnostics.Group = 'azurerm_resource_group' is invalid; allowed: a resource type with diagnostic settings: azurerm_eventhub_namespace, azurerm_key_vault, azurerm_storage_account, azurerm_databricks_workspace",
    ]);
  });
});

describe('diagnostics registry', () => {
  test('GIVEN the table WHEN read THEN it lists exactly the four resource types of the platform', () => {
    expect(Object.keys(DIAGNOSTIC_CATEGORIES)).toEqual([
      'azurerm_eventhub_namespace',
      'azurerm_key_vault',
      'azurerm_storage_account',
      'azurerm_databricks_workspace',
    ]);
  });

  test('GIVEN a namespace without diagnostics WHEN asked THEN it supports them but has none', () => {
    const stack = testStack();
    const ns = namespace(stack);
    expect([supportsDiagnostics(ns), hasDiagnostics(ns)]).toEqual([true, false]);
  });

  test('GIVEN a namespace with diagnostics added WHEN asked THEN it has them', () => {
    const { stack, log } = logAnalytics();
    const ns = namespace(stack);
    log.addDiagnostics('EventHubs', ns);
    expect(hasDiagnostics(ns)).toBe(true);
  });

  test('GIVEN a resource group WHEN asked THEN it neither supports nor has diagnostics', () => {
    const stack = testStack();
    const group = new ResourceGroup(stack, 'Group', { name: 'rg', location: 'westeurope' });
    expect([supportsDiagnostics(group), hasDiagnostics(group)]).toEqual([false, false]);
  });
});
