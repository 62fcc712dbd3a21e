import { Job } from '@cdktf/provider-databricks/lib/job';
import type { TerraformResource } from 'cdktf';
import { blockOf, configured, fieldOf, type PolicyCompliance, type PolicyContext, type PolicyRule, stringOf, UNRESOLVED } from '../rule';

/**
 * SP-DBX1 (production only): every job runs as a service principal (`run_as.service_principal_name`), so it
 * neither runs as whoever deployed it nor stops when that person leaves.
 *
 * No `run_as` block, or one naming a user: non-compliant. A variable or a reference: not applicable.
 */
export const DatabricksJobRunAsRule: PolicyRule = {
  id: 'SP-DBX1',
  description: 'a production job must run as a service principal',
  level: 'error',
  resourceTypes: [Job.tfResourceType],
  enabled: (context: PolicyContext) => context.production === true,
  fix: () => 'set run_as { service_principal_name = <application id> } (config.databricks.access.runAs, or JobAccess.runAs)',
  check(resource: TerraformResource): PolicyCompliance {
    if (!(resource instanceof Job)) return 'not-applicable';
    const runAs = blockOf(configured(resource, 'run_as', resource.runAsInput));
    if (runAs === UNRESOLVED) return 'not-applicable';
    if (runAs === undefined) return 'non-compliant';
    const principal = stringOf(fieldOf(runAs, 'servicePrincipalName', 'service_principal_name'));
    if (principal === UNRESOLVED) return 'not-applicable';
    return principal ? 'compliant' : 'non-compliant';
  },
};
