import { KeyVault } from '@cdktf/provider-azurerm/lib/key-vault';
import type { TerraformResource } from 'cdktf';
import { booleanOf, configured, type PolicyCompliance, type PolicyRule, UNRESOLVED } from '../rule';

/**
 * SP-KV2: the vault authorizes data-plane access with Azure RBAC, not access policies.
 *
 * azurerm 4.55 has two spellings, `rbac_authorization_enabled` and the deprecated
 * `enable_rbac_authorization`, both defaulting to false: either set to true complies. A variable in
 * the one that decides: not applicable.
 */
export const KeyVaultRbacRule: PolicyRule = {
  id: 'SP-KV2',
  description: 'the vault must use Azure RBAC authorization instead of access policies',
  level: 'error',
  resourceTypes: [KeyVault.tfResourceType],
  fix: () => 'set rbac_authorization_enabled = true and grant roles (KeyVault.grantSecretsRead / grantSecretsWrite)',
  check(resource: TerraformResource): PolicyCompliance {
    if (!(resource instanceof KeyVault)) return 'not-applicable';
    const current = booleanOf(configured(resource, 'rbac_authorization_enabled', resource.rbacAuthorizationEnabledInput), false);
    const deprecated = booleanOf(configured(resource, 'enable_rbac_authorization', resource.enableRbacAuthorizationInput), false);
    if (current === true || deprecated === true) return 'compliant';
    if (current === UNRESOLVED || deprecated === UNRESOLVED) return 'not-applicable';
    return 'non-compliant';
  },
};
