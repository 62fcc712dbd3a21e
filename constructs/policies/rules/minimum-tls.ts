import { EventhubNamespace } from '@cdktf/provider-azurerm/lib/eventhub-namespace';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import type { TerraformResource } from 'cdktf';
import { configured, type PolicyCompliance, type PolicyRule, stringOf, UNRESOLVED } from '../rule';

/** TLS versions at or above 1.2, per resource type (azurerm 4.55 spells them differently). */
const ACCEPTED: Readonly<Record<string, readonly string[]>> = {
  [EventhubNamespace.tfResourceType]: ['1.2', '1.3'],
  [StorageAccount.tfResourceType]: ['TLS1_2', 'TLS1_3'],
};

function judge(version: string | undefined | typeof UNRESOLVED, accepted: readonly string[]): PolicyCompliance {
  if (version === UNRESOLVED) return 'not-applicable';
  return version !== undefined && accepted.includes(version) ? 'compliant' : 'non-compliant';
}

/**
 * SP-TLS1: clients must use TLS 1.2 or newer.
 *
 * Unset means the provider default, which is 1.2 for both in azurerm 4.55 (`minimum_tls_version = "1.2"`,
 * `min_tls_version = "TLS1_2"`): compliant. A variable or reference: not applicable.
 */
export const MinimumTlsRule: PolicyRule = {
  id: 'SP-TLS1',
  description: 'clients must connect with TLS 1.2 or newer',
  level: 'error',
  resourceTypes: [EventhubNamespace.tfResourceType, StorageAccount.tfResourceType],
  fix: (resourceType) => (resourceType === StorageAccount.tfResourceType ? 'set min_tls_version = "TLS1_2"' : 'set minimum_tls_version = "1.2"'),
  check(resource: TerraformResource): PolicyCompliance {
    if (resource instanceof EventhubNamespace) {
      return judge(stringOf(configured(resource, 'minimum_tls_version', resource.minimumTlsVersionInput), '1.2'), ACCEPTED[resource.terraformResourceType]);
    }
    if (resource instanceof StorageAccount) {
      return judge(stringOf(configured(resource, 'min_tls_version', resource.minTlsVersionInput), 'TLS1_2'), ACCEPTED[resource.terraformResourceType]);
    }
    return 'not-applicable';
  },
};
