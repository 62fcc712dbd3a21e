import type { PolicyRule } from './rule';
import { DatabricksJobPermissionsRule } from './rules/databricks-job-permissions';
import { DatabricksJobRunAsRule } from './rules/databricks-job-run-as';
import { DatabricksNoPublicIpRule } from './rules/databricks-no-public-ip';
import { DatabricksSecretScopeAclRule } from './rules/databricks-secret-scope-acl';
import { DiagnosticsRule } from './rules/diagnostics';
import { EventHubsLeastPrivilegeRule } from './rules/eventhubs-least-privilege';
import { EventHubsLocalAuthRule } from './rules/eventhubs-local-auth';
import { KeyVaultPurgeProtectionRule } from './rules/keyvault-purge-protection';
import { KeyVaultRbacRule } from './rules/keyvault-rbac';
import { MinimumTlsRule } from './rules/minimum-tls';
import { PreventDestroyRule } from './rules/prevent-destroy';
import { PublicNetworkAccessRule } from './rules/public-network-access';
import { StorageHttpsOnlyRule } from './rules/storage-https-only';
import { StorageNoPublicBlobRule } from './rules/storage-no-public-blob';

/** The streaming platform's rules, the `PolicyAspect` default. */
export const PLATFORM_POLICY_RULES: readonly PolicyRule[] = [
  MinimumTlsRule,
  PublicNetworkAccessRule,
  EventHubsLocalAuthRule,
  EventHubsLeastPrivilegeRule,
  KeyVaultPurgeProtectionRule,
  KeyVaultRbacRule,
  StorageHttpsOnlyRule,
  StorageNoPublicBlobRule,
  DatabricksNoPublicIpRule,
  DatabricksJobRunAsRule,
  DatabricksJobPermissionsRule,
  DatabricksSecretScopeAclRule,
  PreventDestroyRule,
  DiagnosticsRule,
];
