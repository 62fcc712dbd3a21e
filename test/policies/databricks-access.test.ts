import { Job } from '@cdktf/provider-databricks/lib/job';
import { Permissions } from '@cdktf/provider-databricks/lib/permissions';
import { SecretAcl } from '@cdktf/provider-databricks/lib/secret-acl';
import { SecretScope } from '@cdktf/provider-databricks/lib/secret-scope';
import { TerraformVariable } from 'cdktf';
import { DatabricksJobPermissionsRule } from '../../constructs/policies/rules/databricks-job-permissions';
import { DatabricksJobRunAsRule } from '../../constructs/policies/rules/databricks-job-run-as';
import { DatabricksSecretScopeAclRule } from '../../constructs/policies/rules/databricks-secret-scope-acl';
import { databricksTestStack } from '../databricks/helpers';
import { checkPolicies, findingsOf } from './helpers';

const APPLICATION_ID = '00000000-0000-0000-0000-000000000001';
const production = { environment: 'prod', production: true } as const;

describe('SP-DBX1 a production job runs as a service principal', () => {
  const rules = [DatabricksJobRunAsRule];

  test('a job with run_as.service_principal_name complies, and so does one whose principal is a variable', () => {
    const stack = databricksTestStack();
    new Job(stack, 'Named', { name: 'named', runAs: { servicePrincipalName: APPLICATION_ID } });
    const variable = new TerraformVariable(stack, 'run_as', { type: 'string' });
    new Job(stack, 'FromVariable', { name: 'from-variable', runAs: { servicePrincipalName: variable.stringValue } });
    checkPolicies(stack, { rules, ...production });
    expect(findingsOf(stack)).toEqual([]);
  });

  test('a job without run_as, or running as a user, is an error in production and not checked elsewhere', () => {
    const stack = databricksTestStack();
    new Job(stack, 'Deployer', { name: 'deployer' });
    new Job(stack, 'User', { name: 'user', runAs: { userName: 'someone@example.com' } });
    checkPolicies(stack, { rules, ...production });
    const message = (path: string) =>
      `[SP-DBX1] ${path} (databricks_job) is non-compliant: a production job must run as a service principal. Fix: set run_as { service_principal_name = <application id> } (config.databricks.access.runAs, or JobAccess.runAs)`;
    expect(findingsOf(stack)).toEqual([
      { level: 'error', path: 'test/Deployer', message: message('test/Deployer') },
      { level: 'error', path: 'test/User', message: message('test/User') },
    ]);
    const dev = databricksTestStack();
    new Job(dev, 'Deployer', { name: 'deployer' });
    checkPolicies(dev, { rules, environment: 'dev' });
    expect(findingsOf(dev)).toEqual([]);
  });
});

describe('SP-DBX2 a job has its permissions declared', () => {
  const rules = [DatabricksJobPermissionsRule];

  test('a job with databricks_permissions on its job_id complies; one with permissions on another job is an error', () => {
    const stack = databricksTestStack();
    const granted = new Job(stack, 'Granted', { name: 'granted' });
    new Permissions(stack, 'GrantedPermissions', { jobId: granted.id, accessControl: [{ groupName: 'ops', permissionLevel: 'CAN_VIEW' }] });
    new Job(stack, 'Bare', { name: 'bare' });
    checkPolicies(stack, { rules });
    expect(findingsOf(stack)).toEqual([
      {
        level: 'error',
        path: 'test/Bare',
        message:
          '[SP-DBX2] test/Bare (databricks_job) is non-compliant: a job must have its permissions declared (a databricks_permissions resource on its job_id). Fix: add databricks_permissions { job_id = <the job>.id } (config.databricks.access, or JobAccess on StreamJobs / AnomalyAlert)',
      },
    ]);
  });
});

describe('SP-DBX3 a production secret scope names its readers', () => {
  const rules = [DatabricksSecretScopeAclRule];

  test('a scope with a secret ACL complies; one without is an error in production only', () => {
    const stack = databricksTestStack();
    const read = new SecretScope(stack, 'Read', { name: 'read' });
    new SecretAcl(stack, 'ReadAcl', { scope: read.name, principal: APPLICATION_ID, permission: 'READ' });
    new SecretScope(stack, 'Open', { name: 'open' });
    checkPolicies(stack, { rules, ...production });
    expect(findingsOf(stack)).toEqual([
      {
        level: 'error',
        path: 'test/Open',
        message:
          '[SP-DBX3] test/Open (databricks_secret_scope) is non-compliant: a production secret scope must grant READ through a databricks_secret_acl. Fix: add databricks_secret_acl { scope = <the scope>.name, permission = "READ" } (SecretScope.grantRead, config.databricks.access.runAs)',
      },
    ]);
    const dev = databricksTestStack();
    new SecretScope(dev, 'Open', { name: 'open' });
    checkPolicies(dev, { rules, environment: 'dev' });
    expect(findingsOf(dev)).toEqual([]);
  });
});
