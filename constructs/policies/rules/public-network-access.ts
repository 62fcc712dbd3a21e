import { EventhubNamespace } from '@cdktf/provider-azurerm/lib/eventhub-namespace';
import { KeyVault } from '@cdktf/provider-azurerm/lib/key-vault';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import type { TerraformResource } from 'cdktf';
import { blockOf, booleanOf, configured, fieldOf, type PolicyCompliance, type PolicyRule, stringOf, UNRESOLVED } from '../rule';

/** The network rule block of each type, and its name in Terraform. */
const NETWORK_BLOCK: Readonly<Record<string, string>> = {
  [EventhubNamespace.tfResourceType]: 'network_rulesets',
  [StorageAccount.tfResourceType]: 'network_rules',
  [KeyVault.tfResourceType]: 'network_acls',
};

function judge(resource: TerraformResource, publicAccessInput: unknown, networkInput: unknown): PolicyCompliance {
  // azurerm 4.55: public_network_access_enabled defaults to true on all three types.
  const publicAccess = booleanOf(configured(resource, 'public_network_access_enabled', publicAccessInput), true);
  if (publicAccess === false) return 'compliant';
  const block = blockOf(configured(resource, NETWORK_BLOCK[resource.terraformResourceType], networkInput));
  // No network block: the public endpoint takes traffic from everywhere.
  const action = block === undefined ? undefined : block === UNRESOLVED ? UNRESOLVED : stringOf(fieldOf(block, 'defaultAction', 'default_action'));
  if (action === 'Deny') return 'compliant';
  if (publicAccess === UNRESOLVED || action === UNRESOLVED) return 'not-applicable';
  return 'non-compliant';
}

/**
 * SP-NET1: the public endpoint is off, or on with a network rule block whose default action is `Deny`
 * (only the listed IP ranges, subnets and trusted services get through).
 *
 * Unset `public_network_access_enabled` means on (the provider default). A variable or reference
 * for either value: not applicable. Rules set by separate resources (`azurerm_storage_account_network_rules`)
 * are not seen: such an account is judged by its own arguments.
 */
export const PublicNetworkAccessRule: PolicyRule = {
  id: 'SP-NET1',
  description: 'the public endpoint must be disabled, or restricted by a network rule whose default action is Deny',
  level: 'error',
  resourceTypes: Object.keys(NETWORK_BLOCK),
  fix: (resourceType) =>
    `set public_network_access_enabled = false (private endpoints), or ${NETWORK_BLOCK[resourceType] ?? 'the network rules'} { default_action = "Deny" } with the allowed IP ranges and subnets`,
  check(resource: TerraformResource): PolicyCompliance {
    if (resource instanceof EventhubNamespace) return judge(resource, resource.publicNetworkAccessEnabledInput, resource.networkRulesetsInput);
    if (resource instanceof StorageAccount) return judge(resource, resource.publicNetworkAccessEnabledInput, resource.networkRulesInput);
    if (resource instanceof KeyVault) return judge(resource, resource.publicNetworkAccessEnabledInput, resource.networkAclsInput);
    return 'not-applicable';
  },
};
