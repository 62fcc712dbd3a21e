import * as fs from 'node:fs';
import * as path from 'node:path';
import { TerraformVariable } from 'cdktf';
import { SecretValue } from '../../constructs/keyvault/secret-value';
import { localStatePath } from '../../stacks/backend';
import { problemsOf, resourcesOf, streamJobsOf } from '../helpers/synth';
import { devConfig, environment, fakeNotebooksDir, fullSynth, stream } from './helpers';

describe('WorkspaceStack', () => {
  test('snapshot of the dev workspace stack with one stream', () => {
    // GIVEN
    const env = environment();
    // WHEN
    env.workspace.addStream(stream());
    // THEN
    expect(fullSynth(env.app)['dev-workspace']).toMatchSnapshot();
  });

  test('changing one package file changes that file and the stream jobs, and in the jobs only their code_version tag', () => {
    // GIVEN two streams and the workspace stack as deployed
    const dir = fakeNotebooksDir();
    const deployed = () => {
      const env = environment(devConfig(), dir);
      env.workspace.addStream(stream());
      env.workspace.addStream(stream({ name: 'payments', credential: { type: 'sas', secretName: 'payments-listen' } }));
      const json = fullSynth(env.app)['dev-workspace'];
      const resources: Record<string, Record<string, unknown>> = {};
      for (const type of Object.keys(json.resource ?? {})) {
        for (const [key, body] of Object.entries(resourcesOf(json, type))) resources[`${type}.${key}`] = body;
      }
      return resources;
    };
    const before = deployed();
    // WHEN one module of the package changes
    fs.appendFileSync(path.join(dir, 'medallion', 'spec.py'), 'SPEC = 2\n');
    const after = deployed();
    // THEN
    const changed = Object.keys(after).filter((key) => JSON.stringify(after[key]) !== JSON.stringify(before[key]));
    expect(changed.map((key) => after[key].name ?? after[key].path).sort()).toEqual([
      '/Shared/streaming-platform/dev/medallion/spec.py',
      'orders-pipeline',
      'payments-pipeline',
    ]);
    const tags = (job: Record<string, unknown>) => job.tags as Record<string, string>;
    for (const key of changed.filter((k) => k.startsWith('databricks_job.'))) {
      expect({ ...after[key], tags: { ...tags(after[key]), code_version: 'x' } }).toEqual({
        ...before[key],
        tags: { ...tags(before[key]), code_version: 'x' },
      });
      expect(tags(after[key]).code_version).not.toBe(tags(before[key]).code_version);
    }
  });

  test('the remote state it reads is the platform stack backend path', () => {
    // GIVEN
    const env = environment();
    // WHEN
    const stacks = fullSynth(env.app);
    // THEN
    const remote = (stacks['dev-workspace'].data?.terraform_remote_state ?? {}) as Record<string, { backend: string; config: { path: string } }>;
    const platformBackend = (stacks['dev-platform'].terraform?.backend as { local: { path: string } }).local;
    expect(Object.values(remote).map((state) => [state.backend, state.config.path])).toEqual([['local', platformBackend.path]]);
    expect(platformBackend.path).toBe(localStatePath('dev-platform'));
    expect(platformBackend.path).toBe('../../../state/dev-platform.tfstate');
  });

  test('one Databricks provider from the platform workspace by cross-stack reference, no token; an azurerm provider', () => {
    // GIVEN
    const env = environment();
    // WHEN
    const json = fullSynth(env.app)['dev-workspace'];
    // THEN
    const outputs =
      'data.terraform_remote_state.cross-stack-reference-input-dev-platform.outputs.cross-stack-output-azurerm_databricks_workspaceDatabricks_EE3AE44B';
    expect(json.provider).toEqual({
      databricks: [{ host: `https://\${${outputs}workspace_url}`, azure_workspace_resource_id: `\${${outputs}id}` }],
      azurerm: [{ features: [{}], storage_use_azuread: true }],
    });
  });

  test('its own state file beside the platform one', () => {
    // GIVEN
    const env = environment();
    // WHEN
    const json = fullSynth(env.app)['dev-workspace'];
    // THEN
    expect(json.terraform?.backend).toEqual({ local: { path: localStatePath('dev-workspace') } });
  });

  test('a configured subscription id reaches the azurerm provider', () => {
    // GIVEN
    const env = environment(devConfig({}, { subscriptionId: '00000000-0000-0000-0000-000000000000' }));
    // WHEN
    const json = fullSynth(env.app)['dev-workspace'];
    // THEN
    expect((json.provider?.azurerm as unknown[])[0]).toEqual({
      features: [{}],
      storage_use_azuread: true,
      subscription_id: '00000000-0000-0000-0000-000000000000',
    });
  });

  test('no absolute path of this machine in the synthesized stack', () => {
    // GIVEN
    const env = environment();
    env.workspace.addStream(stream());
    // WHEN
    const text = JSON.stringify(fullSynth(env.app)['dev-workspace']);
    // THEN
    expect(text).not.toContain(process.cwd());
    expect(text).not.toContain(env.app.outdir);
  });

  test('the Key Vault read grant uses the configured AzureDatabricks object id and declares no variable', () => {
    // GIVEN
    const env = environment(devConfig({ azureDatabricksObjectId: 'object-id-of-azuredatabricks' }));
    // WHEN
    const json = fullSynth(env.app)['dev-workspace'];
    // THEN
    expect(Object.values(resourcesOf(json, 'azurerm_role_assignment')).map((ra) => [ra.role_definition_name, ra.principal_id])).toEqual([
      ['Key Vault Secrets User', 'object-id-of-azuredatabricks'],
    ]);
    expect(json.variable).toBeUndefined();
  });

  test('Unity Catalog on: a catalog named after workload and environment, and tasks get it', () => {
    // GIVEN
    const env = environment(devConfig({ unityCatalog: true }));
    // WHEN
    env.workspace.addStream(stream());
    // THEN
    const json = fullSynth(env.app)['dev-workspace'];
    const [catalog] = Object.values(resourcesOf(json, 'databricks_catalog'));
    const [job] = streamJobsOf(json);
    const parameters = (job.task as { notebook_task: { base_parameters: Record<string, string> } }[])[0].notebook_task.base_parameters;
    expect([catalog.name, parameters.catalog, parameters.lake_root]).toEqual([
      'stream_dev',
      `\${databricks_catalog.${Object.keys(resourcesOf(json, 'databricks_catalog'))[0]}.name}`,
      undefined,
    ]);
  });

  test('Databricks-backed scope: the connection string is stored from the platform rule by reference', () => {
    // GIVEN
    const env = environment(devConfig({ secretScope: 'databricks' }));
    const hub = env.platform.namespace.addEventHub('Orders', { name: 'evh-orders', consumerGroups: ['databricks'] });
    const rule = hub.addAuthorizationRule('databricks-listen', 'listen');
    // WHEN
    env.workspace.addStream(stream(), { connectionString: SecretValue.fromAttribute(rule, 'primary_connection_string') });
    // THEN
    const json = fullSynth(env.app)['dev-workspace'];
    const [secret] = Object.values(resourcesOf(json, 'databricks_secret'));
    expect(secret.key).toBe('orders-listen');
    expect(secret.string_value).toMatch(
      /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-dev-platform\.outputs\.cross-stack-output-azurerm_eventhub_authorization_rule.+primary_connection_string\}$/,
    );
    expect(Object.keys(resourcesOf(json, 'azurerm_role_assignment'))).toEqual([]);
  });

  test('Databricks-backed scope without a connection string is refused', () => {
    // GIVEN
    const env = environment(devConfig({ secretScope: 'databricks' }));
    // WHEN
    env.workspace.addStream(stream());
    // THEN
    expect(problemsOf(env.workspace)).toEqual([
      "[dev-workspace] streams.orders.connectionString = undefined is invalid; allowed: a SecretValue (the listen rule's connection string) when config.databricks.secretScope is 'databricks'",
    ]);
  });

  test("one pipeline job per stream, whose task runs the deployed 'pipeline' notebook", () => {
    // GIVEN
    const env = environment();
    // WHEN
    env.workspace.addStream(stream());
    env.workspace.addStream(stream({ name: 'payments', credential: { type: 'sas', secretName: 'payments-listen' } }));
    // THEN
    const json = fullSynth(env.app)['dev-workspace'];
    const notebookPaths = Object.values(resourcesOf(json, 'databricks_notebook')).map((body) => body.path);
    const tasks = streamJobsOf(json).map((job) => [
      job.name,
      (job.task as { task_key: string; notebook_task: { notebook_path: string } }[]).map((t) => [t.task_key, t.notebook_task.notebook_path]),
    ]);
    expect(notebookPaths).toEqual(['/Shared/streaming-platform/dev/pipeline']);
    expect(tasks).toEqual([
      ['orders-pipeline', [['pipeline', '/Shared/streaming-platform/dev/pipeline']]],
      ['payments-pipeline', [['pipeline', '/Shared/streaming-platform/dev/pipeline']]],
    ]);
  });

  test("a notebooks folder without the 'pipeline' notebook is a problem", () => {
    // GIVEN
    const env = environment(devConfig(), fakeNotebooksDir(['bronze']));
    // WHEN
    env.workspace.addStream(stream());
    // THEN
    expect(problemsOf(env.workspace)).toEqual([
      "[dev-workspace/Notebooks] notebooks.pipeline = 'pipeline' is invalid; allowed: a notebook in the notebooks folder (found: bronze)",
    ]);
  });

  test('the same stream twice is refused', () => {
    // GIVEN
    const env = environment();
    env.workspace.addStream(stream());
    // WHEN
    env.workspace.addStream(stream());
    // THEN
    expect(problemsOf(env.workspace)).toEqual(["[dev-workspace] streams.orders = 'orders' is invalid; allowed: a stream name not added before"]);
  });

  test('unknown compute, job mode and secret scope settings are refused together', () => {
    // GIVEN / WHEN
    const env = environment(devConfig({ compute: 'serverless' as never, jobMode: 'triggered' as never, secretScope: 'vault' as never }));
    // THEN
    expect(problemsOf(env.workspace).filter((p) => p.startsWith('[dev-workspace] config'))).toEqual([
      "[dev-workspace] config.databricks.compute = 'serverless' is invalid; allowed: one of 'job', 'all-purpose'",
      "[dev-workspace] config.databricks.jobMode = 'triggered' is invalid; allowed: one of 'continuous', 'availableNow'",
      "[dev-workspace] config.databricks.secretScope = 'vault' is invalid; allowed: one of 'keyvault', 'databricks'",
    ]);
  });

  test('the default dev environment with a valid stream has no problems', () => {
    // GIVEN
    const env = environment();
    // WHEN
    env.workspace.addStream(stream());
    // THEN
    expect(problemsOf(env.app)).toEqual([]);
  });
});

test('a sensitive variable is accepted as connection string too', () => {
  // GIVEN
  const env = environment(devConfig({ secretScope: 'databricks' }));
  const variable = new TerraformVariable(env.workspace, 'orders_connection', { type: 'string', sensitive: true });
  // WHEN
  env.workspace.addStream(stream(), { connectionString: SecretValue.fromSensitiveVariable(variable) });
  // THEN
  const [secret] = Object.values(resourcesOf(fullSynth(env.app)['dev-workspace'], 'databricks_secret'));
  expect(secret.string_value).toBe(`\${var.orders_connection}`);
});
