import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import type { TerraformResource } from 'cdktf';
import { booleanOf, configured, type PolicyCompliance, type PolicyRule, UNRESOLVED } from '../rule';

/**
 * SP-ST2: no container or blob of the account can be made public (anonymous read). Unset means
 * allowed (azurerm 4.55 `allow_nested_items_to_be_public` defaults to true): non-compliant.
 * A variable: not applicable.
 */
export const StorageNoPublicBlobRule: PolicyRule = {
  id: 'SP-ST2',
  description: 'the storage account must not allow public (anonymous) access to containers and blobs',
  level: 'error',
  resourceTypes: [StorageAccount.tfResourceType],
  fix: () => 'set allow_nested_items_to_be_public = false',
  check(resource: TerraformResource): PolicyCompliance {
    if (!(resource instanceof StorageAccount)) return 'not-applicable';
    const allowed = booleanOf(configured(resource, 'allow_nested_items_to_be_public', resource.allowNestedItemsToBePublicInput), true);
    if (allowed === UNRESOLVED) return 'not-applicable';
    return allowed ? 'non-compliant' : 'compliant';
  },
};
