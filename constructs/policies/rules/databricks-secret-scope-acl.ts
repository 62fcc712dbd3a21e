import { SecretAcl } from '@cdktf/provider-databricks/lib/secret-acl';
import { SecretScope } from '@cdktf/provider-databricks/lib/secret-scope';
import type { TerraformResource } from 'cdktf';
import { isReferencedBy, type PolicyCompliance, type PolicyContext, type PolicyRule } from '../rule';

/**
 * SP-DBX3 (production only): a secret scope names who reads it (a `databricks_secret_acl` on the scope), so
 * its connection strings are the jobs' principal's, not every user's who can attach to a cluster.
 */
export const DatabricksSecretScopeAclRule: PolicyRule = {
  id: 'SP-DBX3',
  description: 'a production secret scope must grant READ through a databricks_secret_acl',
  level: 'error',
  resourceTypes: [SecretScope.tfResourceType],
  enabled: (context: PolicyContext) => context.production === true,
  fix: () => 'add databricks_secret_acl { scope = <the scope>.name, permission = "READ" } (SecretScope.grantRead, config.databricks.access.runAs)',
  check(resource: TerraformResource): PolicyCompliance {
    if (!(resource instanceof SecretScope)) return 'not-applicable';
    return isReferencedBy(resource, 'name', SecretAcl, (acl) => acl.scopeInput) ? 'compliant' : 'non-compliant';
  },
};
