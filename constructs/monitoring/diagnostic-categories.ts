/**
 * Which resource types of this package support Azure Monitor diagnostic settings, and what a setting
 * on each sends to Log Analytics. Keyed by Terraform resource type, so a policy can check every
 * resource of the tree against it (see `supportsDiagnostics` / `hasDiagnostics` in `log-analytics.ts`).
 *
 * Facts (Azure Monitor "supported categories for resource logs" and "supported metrics" pages):
 * - Event Hubs namespaces: log categories ArchiveLogs, OperationalLogs, AutoScaleLogs, KafkaCoordinatorLogs,
 *   KafkaUserErrorLogs, EventHubVNetConnectionEvent, RuntimeAuditLogs, ApplicationMetricsLogs… (group `allLogs`);
 *   metrics exportable as `AllMetrics`; resource-specific tables (`AZMS*`).
 * - Key Vault: AuditEvent, AzurePolicyEvaluationDetails (group `allLogs`); `AllMetrics`; resource-specific
 *   tables (`AZKVAuditLogs`, `AZKVPolicyEvaluationDetailsLogs`).
 * - Storage accounts: the account itself has no logs, only the `Transaction` metric category (no `AllMetrics`);
 *   blob logs (StorageRead, StorageWrite, StorageDelete) are on the blob service sub-resource
 *   `<account id>/blobServices/default`, always into the resource-specific `StorageBlobLogs` table, so the
 *   destination type is left unset there (the API does not keep it and Terraform would show a diff).
 * - Databricks workspaces (Premium): audit categories (clusters, jobs, notebook, secrets, unityCatalog…, group
 *   `allLogs`), resource-specific `Databricks*` tables; no platform metrics.
 */

/** Where Log Analytics puts a resource's logs: resource-specific tables (`Dedicated`) or the legacy `AzureDiagnostics`. */
export type LogAnalyticsDestinationType = 'Dedicated' | 'AzureDiagnostics';

/** One diagnostic setting: on the resource itself (`subResource: ''`) or on a sub-resource path of it. */
export interface DiagnosticTarget {
  /** Appended to the resource id, for example `/blobServices/default`; `''` for the resource itself. */
  readonly subResource: string;
  /** Log category group sent (`allLogs`), or undefined where the target has no logs. */
  readonly logCategoryGroup?: 'allLogs';
  /** Metric categories sent (`AllMetrics`, or `Transaction` for storage). */
  readonly metricCategories: readonly string[];
  /** @default undefined (the API's default; set only where the resource type supports the choice) */
  readonly destinationType?: LogAnalyticsDestinationType;
}

export interface DiagnosticCategories {
  /** The Azure resource type, for documentation and messages. */
  readonly azureType: string;
  /** Every diagnostic setting a resource of this type gets. */
  readonly targets: readonly DiagnosticTarget[];
}

/** Terraform resource types of this package that support diagnostic settings, and what they send. */
export const DIAGNOSTIC_CATEGORIES = {
  azurerm_eventhub_namespace: {
    azureType: 'Microsoft.EventHub/namespaces',
    targets: [{ subResource: '', logCategoryGroup: 'allLogs', metricCategories: ['AllMetrics'], destinationType: 'Dedicated' }],
  },
  azurerm_key_vault: {
    azureType: 'Microsoft.KeyVault/vaults',
    targets: [{ subResource: '', logCategoryGroup: 'allLogs', metricCategories: ['AllMetrics'], destinationType: 'Dedicated' }],
  },
  azurerm_storage_account: {
    azureType: 'Microsoft.Storage/storageAccounts',
    targets: [
      { subResource: '', metricCategories: ['Transaction'] },
      { subResource: '/blobServices/default', logCategoryGroup: 'allLogs', metricCategories: ['Transaction'] },
    ],
  },
  azurerm_databricks_workspace: {
    azureType: 'Microsoft.Databricks/workspaces',
    targets: [{ subResource: '', logCategoryGroup: 'allLogs', metricCategories: [], destinationType: 'Dedicated' }],
  },
} as const satisfies Readonly<Record<string, DiagnosticCategories>>;

/** A Terraform resource type that supports diagnostic settings. */
export type DiagnosedResourceType = keyof typeof DIAGNOSTIC_CATEGORIES;

export const DIAGNOSED_RESOURCE_TYPES = Object.keys(DIAGNOSTIC_CATEGORIES) as readonly DiagnosedResourceType[];

/** Whether a Terraform resource type is in `DIAGNOSTIC_CATEGORIES`. */
export function isDiagnosedResourceType(type: string): type is DiagnosedResourceType {
  return Object.hasOwn(DIAGNOSTIC_CATEGORIES, type);
}
