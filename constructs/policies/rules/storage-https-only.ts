import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import type { TerraformResource } from 'cdktf';
import { booleanOf, configured, type PolicyCompliance, type PolicyRule, UNRESOLVED } from '../rule';

/**
 * SP-ST1: the account refuses plain HTTP. Unset means HTTPS only (azurerm 4.55
 * `https_traffic_only_enabled` defaults to true): compliant. A variable: not applicable.
 */
export const StorageHttpsOnlyRule: PolicyRule = {
  id: 'SP-ST1',
  description: 'the storage account must accept HTTPS traffic only',
  level: 'error',
  resourceTypes: [StorageAccount.tfResourceType],
  fix: () => 'set https_traffic_only_enabled = true (or leave it unset)',
  check(resource: TerraformResource): PolicyCompliance {
    if (!(resource instanceof StorageAccount)) return 'not-applicable';
    const httpsOnly = booleanOf(configured(resource, 'https_traffic_only_enabled', resource.httpsTrafficOnlyEnabledInput), true);
    if (httpsOnly === UNRESOLVED) return 'not-applicable';
    return httpsOnly ? 'compliant' : 'non-compliant';
  },
};
