import { KeyVault } from '@cdktf/provider-azurerm/lib/key-vault';
import type { TerraformResource } from 'cdktf';
import { booleanOf, configured, type PolicyCompliance, type PolicyRule, UNRESOLVED } from '../rule';

/**
 * SP-KV1: purge protection is on, so a deleted vault or secret cannot be purged before its soft-delete
 * retention ends. Unset means off (azurerm 4.55 default false). A variable: not applicable.
 */
export const KeyVaultPurgeProtectionRule: PolicyRule = {
  id: 'SP-KV1',
  description: 'purge protection must be enabled',
  level: 'error',
  resourceTypes: [KeyVault.tfResourceType],
  fix: () => 'set purge_protection_enabled = true',
  check(resource: TerraformResource): PolicyCompliance {
    if (!(resource instanceof KeyVault)) return 'not-applicable';
    const enabled = booleanOf(configured(resource, 'purge_protection_enabled', resource.purgeProtectionEnabledInput), false);
    if (enabled === UNRESOLVED) return 'not-applicable';
    return enabled ? 'compliant' : 'non-compliant';
  },
};
