import type { TerraformResource } from 'cdktf';
import { RUN_AS_VARIABLE } from '../../stacks/workspace-stack';
import { problemsOf, refOf, resourcesOf } from '../helpers/synth';
import { devConfig, environment, fullSynth, ordersSpec, stream } from './helpers';

const APPLICATION_ID = '00000000-0000-0000-0000-000000000042';
const DEFAULT_ACCESS = devConfig().databricks.access;

function deployed(access: Partial<typeof DEFAULT_ACCESS> = {}, production = false, unityCatalog = false) {
  const env = environment(devConfig({ access: { ...DEFAULT_ACCESS, ...access }, unityCatalog }, { production }));
  // With an anomaly rule, so the stream also has its alert's evaluation job.
  const spec = {
    ...ordersSpec(),
    anomalies: [{ id: 'big_order', type: 'threshold' as const, field: 'amount', operator: '>' as const, value: 1000, severity: 'critical' as const }],
  };
  const jobs = env.workspace.addStream(stream({ spec }));
  const json = fullSynth(env.app)['dev-workspace'];
  return { env, jobs, json, permissions: Object.values(resourcesOf(json, 'databricks_permissions')) };
}

describe('workspace access from config.databricks.access', () => {
  test('the stream job: managed by the admin group, watched by the operators group; no run_as when none is configured outside production', () => {
    const { jobs, json, permissions } = deployed();
    const jobId = refOf(jobs.resource, 'id');
    expect(permissions.filter((p) => p.job_id === jobId)).toEqual([
      {
        job_id: jobId,
        access_control: [
          { group_name: 'stream-platform-admins', permission_level: 'CAN_MANAGE' },
          { group_name: 'stream-platform-operators', permission_level: 'CAN_VIEW' },
        ],
      },
    ]);
    expect(resourcesOf(json, 'databricks_job')[jobs.resource.friendlyUniqueId].run_as).toBeUndefined();
    expect(resourcesOf(json, 'databricks_secret_acl')).toEqual({});
    expect(json.variable?.[RUN_AS_VARIABLE]).toBeUndefined();
  });

  test('the warehouse: managed by the admin group, used by the BI group; each dashboard: run by the BI group', () => {
    const { env, permissions } = deployed();
    expect(permissions.filter((p) => p.sql_endpoint_id !== undefined)).toEqual([
      {
        sql_endpoint_id: refOf(env.workspace.warehouse.resource, 'id'),
        access_control: [
          { group_name: 'stream-platform-admins', permission_level: 'CAN_MANAGE' },
          { group_name: 'stream-platform-bi', permission_level: 'CAN_USE' },
        ],
      },
    ]);
    expect(permissions.filter((p) => p.dashboard_id !== undefined).map((p) => p.access_control)).toEqual([
      [
        { group_name: 'stream-platform-admins', permission_level: 'CAN_MANAGE' },
        { group_name: 'stream-platform-bi', permission_level: 'CAN_RUN' },
      ],
    ]);
  });

  test('a configured run-as principal runs every job, alone reads the secret scope and uses the warehouse', () => {
    const { env, jobs, json, permissions } = deployed({ runAs: APPLICATION_ID });
    const jobsJson = Object.values(resourcesOf(json, 'databricks_job'));
    expect(jobsJson.map((job) => job.run_as)).toEqual(jobsJson.map(() => ({ service_principal_name: APPLICATION_ID })));
    expect(jobsJson.length).toBe(2); // the pipeline and the anomaly alert's evaluation
    expect(Object.values(resourcesOf(json, 'databricks_secret_acl'))).toEqual([
      { scope: refOf(env.workspace.secretScope.resource, 'name'), principal: APPLICATION_ID, permission: 'READ' },
    ]);
    expect(permissions.find((p) => p.sql_endpoint_id !== undefined)?.access_control).toContainEqual({
      service_principal_name: APPLICATION_ID,
      permission_level: 'CAN_USE',
    });
    expect(permissions.some((p) => p.job_id === refOf(jobs.resource, 'id'))).toBe(true);
  });

  test("the anomaly alert and its query: managed by admins, viewed by operators, run by the jobs' principal", () => {
    const { permissions } = deployed({ runAs: APPLICATION_ID });
    const expected = [
      { group_name: 'stream-platform-admins', permission_level: 'CAN_MANAGE' },
      { group_name: 'stream-platform-operators', permission_level: 'CAN_VIEW' },
      { service_principal_name: APPLICATION_ID, permission_level: 'CAN_RUN' },
    ];
    expect(permissions.filter((p) => p.sql_query_id !== undefined).map((p) => p.access_control)).toEqual([expected]);
    expect(permissions.filter((p) => p.sql_alert_id !== undefined).map((p) => p.access_control)).toEqual([expected]);
  });

  test('production without a configured principal asks for it at apply: a variable runs the jobs and reads the scope', () => {
    const { json } = deployed({}, true);
    const variable = `\${var.${RUN_AS_VARIABLE}}`;
    expect(json.variable?.[RUN_AS_VARIABLE]).toEqual({
      type: 'string',
      description: 'Application id of the service principal the jobs run as (required in production)',
    });
    expect(Object.values(resourcesOf(json, 'databricks_job')).map((job) => job.run_as)).toEqual([
      { service_principal_name: variable },
      { service_principal_name: variable },
    ]);
    expect(Object.values(resourcesOf(json, 'databricks_secret_acl')).map((acl) => acl.principal)).toEqual([variable]);
  });

  test('Unity Catalog: the run-as principal writes every layer and the checkpoints, the BI group reads gold only', () => {
    const { env, json } = deployed({ runAs: APPLICATION_ID }, false, true);
    const uc = env.workspace.unityCatalog;
    if (!uc) throw new Error('Unity Catalog is on');
    const grants = Object.fromEntries(
      Object.values(resourcesOf(json, 'databricks_grants')).map(({ grant, ...securable }) => [JSON.stringify(securable), grant]),
    );
    const schema = (name: 'bronze' | 'silver' | 'gold') => JSON.stringify({ schema: refOf(uc.schemas.get(name) as TerraformResource, 'id') });
    const write = ['USE_SCHEMA', 'SELECT', 'MODIFY', 'CREATE_TABLE'];
    expect(grants).toEqual({
      [JSON.stringify({ catalog: refOf(uc.catalog, 'name') })]: [
        { principal: APPLICATION_ID, privileges: ['USE_CATALOG'] },
        { principal: 'stream-platform-bi', privileges: ['USE_CATALOG'] },
      ],
      [schema('bronze')]: [{ principal: APPLICATION_ID, privileges: write }],
      [schema('silver')]: [{ principal: APPLICATION_ID, privileges: write }],
      [schema('gold')]: [
        { principal: APPLICATION_ID, privileges: write },
        { principal: 'stream-platform-bi', privileges: ['USE_SCHEMA', 'SELECT'] },
      ],
      [JSON.stringify({ external_location: refOf(uc.locations.get('checkpoints') as TerraformResource, 'id') })]: [
        { principal: APPLICATION_ID, privileges: ['READ_FILES', 'WRITE_FILES'] },
      ],
    });
  });

  test('Unity Catalog without a run-as principal: only the BI group is granted, on the catalog and gold', () => {
    const { json } = deployed({}, false, true);
    const grants = Object.values(resourcesOf(json, 'databricks_grants'));
    expect(grants.map((g) => g.grant)).toEqual([
      [{ principal: 'stream-platform-bi', privileges: ['USE_CATALOG'] }],
      [{ principal: 'stream-platform-bi', privileges: ['USE_SCHEMA', 'SELECT'] }],
    ]);
  });

  test('a run-as that is not an application id and an empty group are one problem each', () => {
    const env = environment(devConfig({ access: { ...DEFAULT_ACCESS, runAs: 'jobs@example.com', biGroup: ' ' } }));
    expect(problemsOf(env.app)).toEqual([
      "[dev-workspace] config.databricks.access.runAs = 'jobs@example.com' is invalid; allowed: a service principal's application id (a GUID), or '' for the default",
      "[dev-workspace] config.databricks.access.biGroup = ' ' is invalid; allowed: the name of a workspace group",
    ]);
  });
});
