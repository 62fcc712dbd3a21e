import { DatabricksWorkspace } from '@cdktf/provider-azurerm/lib/databricks-workspace';
import { Eventhub } from '@cdktf/provider-azurerm/lib/eventhub';
import { EventhubNamespace } from '@cdktf/provider-azurerm/lib/eventhub-namespace';
import { KeyVault } from '@cdktf/provider-azurerm/lib/key-vault';
import { StorageAccount } from '@cdktf/provider-azurerm/lib/storage-account';
import type { TerraformResource } from 'cdktf';
import { blockOf, booleanOf, configured, fieldOf, type PolicyCompliance, type PolicyContext, type PolicyRule, UNRESOLVED } from '../rule';

/**
 * SP-LC1 (production only): stateful resources carry `lifecycle { prevent_destroy = true }`, so a plan
 * that would delete or replace them fails instead of losing data, secrets or events.
 *
 * Runs only when the aspect is configured with `production: true`. Unset means false (Terraform's
 * default). A non-literal value: not applicable.
 */
export const PreventDestroyRule: PolicyRule = {
  id: 'SP-LC1',
  description: 'a stateful production resource must have lifecycle.prevent_destroy = true',
  level: 'error',
  resourceTypes: [
    StorageAccount.tfResourceType,
    KeyVault.tfResourceType,
    EventhubNamespace.tfResourceType,
    Eventhub.tfResourceType,
    DatabricksWorkspace.tfResourceType,
  ],
  enabled: (context: PolicyContext) => context.production === true,
  fix: () => 'set lifecycle { prevent_destroy = true } (resource.lifecycle = { preventDestroy: true })',
  check(resource: TerraformResource): PolicyCompliance {
    const lifecycle = blockOf(configured(resource, 'lifecycle', resource.lifecycle));
    if (lifecycle === UNRESOLVED) return 'not-applicable';
    const prevent = booleanOf(lifecycle === undefined ? undefined : fieldOf(lifecycle, 'preventDestroy', 'prevent_destroy'), false);
    if (prevent === UNRESOLVED) return 'not-applicable';
    return prevent ? 'compliant' : 'non-compliant';
  },
};
