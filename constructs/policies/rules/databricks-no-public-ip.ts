import { DatabricksWorkspace } from '@cdktf/provider-azurerm/lib/databricks-workspace';
import type { TerraformResource } from 'cdktf';
import { blockOf, booleanOf, configured, fieldOf, type PolicyCompliance, type PolicyRule, UNRESOLVED } from '../rule';

/**
 * SP-DBW1: secure cluster connectivity: cluster nodes get no public IP address.
 *
 * Unset (no `custom_parameters` block, or no `no_public_ip` in it) means true in azurerm 4.x (the
 * schema default of `custom_parameters.no_public_ip`): compliant. A variable: not applicable.
 */
export const DatabricksNoPublicIpRule: PolicyRule = {
  id: 'SP-DBW1',
  description: 'cluster nodes must have no public IP address (secure cluster connectivity)',
  level: 'error',
  resourceTypes: [DatabricksWorkspace.tfResourceType],
  fix: () => 'set custom_parameters { no_public_ip = true } (DatabricksWorkspace noPublicIp: true)',
  check(resource: TerraformResource): PolicyCompliance {
    if (!(resource instanceof DatabricksWorkspace)) return 'not-applicable';
    const parameters = blockOf(configured(resource, 'custom_parameters', resource.customParametersInput));
    if (parameters === UNRESOLVED) return 'not-applicable';
    const noPublicIp = booleanOf(parameters === undefined ? undefined : fieldOf(parameters, 'noPublicIp', 'no_public_ip'), true);
    if (noPublicIp === UNRESOLVED) return 'not-applicable';
    return noPublicIp ? 'compliant' : 'non-compliant';
  },
};
