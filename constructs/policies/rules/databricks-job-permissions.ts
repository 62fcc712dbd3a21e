import { Job } from '@cdktf/provider-databricks/lib/job';
import { Permissions } from '@cdktf/provider-databricks/lib/permissions';
import type { TerraformResource } from 'cdktf';
import { isReferencedBy, type PolicyCompliance, type PolicyRule } from '../rule';

/**
 * SP-DBX2: every job has a `databricks_permissions` resource in its stack (`job_id` = the job's id), so who
 * may manage, run and watch it is declared rather than left to the workspace's defaults.
 */
export const DatabricksJobPermissionsRule: PolicyRule = {
  id: 'SP-DBX2',
  description: 'a job must have its permissions declared (a databricks_permissions resource on its job_id)',
  level: 'error',
  resourceTypes: [Job.tfResourceType],
  fix: () => 'add databricks_permissions { job_id = <the job>.id } (config.databricks.access, or JobAccess on StreamJobs / AnomalyAlert)',
  check(resource: TerraformResource): PolicyCompliance {
    if (!(resource instanceof Job)) return 'not-applicable';
    return isReferencedBy(resource, 'id', Permissions, (p) => p.jobIdInput) ? 'compliant' : 'non-compliant';
  },
};
