import type { PolicyRule } from './rule';
import { DatabricksNoPublicIpRule } from './rules/databricks-no-public-ip';
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
  PreventDestroyRule,
  DiagnosticsRule,
];
