import { Testing } from 'cdktf';
import { EventHubNamespace } from '../../constructs/eventhubs/eventhub-namespace';
import { MedallionPipeline } from '../../constructs/patterns/medallion-pipeline';
import { toStreamSpec } from '../../constructs/streams/stream-spec';
import { addEnvironment } from '../../stacks/app';
import { DEFAULT_ENVIRONMENTS } from '../../stacks/config/defaults';
import { iotTelemetry } from '../../stacks/streams/iot-telemetry';
import { weather } from '../../stacks/streams/weather';
import { problemsOf, refOf, resourcesOf, streamJobsOf, synthJson, type TerraformJson, testStack } from '../helpers/synth';

function environment(name: 'dev' | 'staging' | 'prod', streams = [iotTelemetry]) {
  const app = Testing.app();
  const stacks = addEnvironment(app, DEFAULT_ENVIRONMENTS[name], streams);
  const platformJson: TerraformJson = JSON.parse(Testing.synth(stacks.platform, false));
  const workspaceJson: TerraformJson = JSON.parse(Testing.synth(stacks.workspace, false));
  return { app, ...stacks, platformJson, workspaceJson };
}

describe('MedallionPipeline', () => {
  test('one statement wires event hub, consumer group, listen rule, Key Vault secret and jobs of one stream', () => {
    // GIVEN the dev environment with the IoT stream
    const { app, pipelines, platformJson } = environment('dev');
    const [pipeline] = pipelines;
    // THEN the event hub has the stream's partitions and retention
    expect(Object.values(resourcesOf(platformJson, 'azurerm_eventhub'))).toEqual([
      { name: 'evh-iot-telemetry', namespace_id: refOf(pipeline.eventHub.namespace.resource, 'id'), partition_count: 4, message_retention: 1 },
    ]);
    // AND the rule is listen-only, and the secret references the rule's connection string
    expect(Object.values(resourcesOf(platformJson, 'azurerm_eventhub_authorization_rule'))).toEqual([
      expect.objectContaining({ name: 'iot-telemetry-bronze-listen', listen: true, send: false, manage: false }),
    ]);
    const [secret] = Object.values(resourcesOf(platformJson, 'azurerm_key_vault_secret'));
    expect(secret.name).toBe('evh-iot-telemetry-listen');
    const rule = pipeline.listenRule;
    if (rule === undefined) throw new Error('sas auth creates a listen rule');
    expect(secret.value).toBe(refOf(rule, 'primary_connection_string'));
    // AND the consumer group is the one the pipeline job reads with
    expect(pipeline.bronzeConsumerGroup?.nameInput).toBe('cg-bronze');
    expect(problemsOf(app)).toEqual([]);
  });

  test('one pipeline job with one task carries the stream spec and reads the consumer group and secret created above', () => {
    const { pipelines, workspace, workspaceJson } = environment('dev');
    const jobs = streamJobsOf(workspaceJson);
    expect(jobs.map((job) => job.name)).toEqual(['iot-telemetry-pipeline']);
    expect(pipelines[0].jobs?.resource.nameInput).toBe('iot-telemetry-pipeline');
    const tasks = jobs[0].task as Array<{ task_key: string; notebook_task: { notebook_path: string; base_parameters: Record<string, string> } }>;
    expect(tasks.map((task) => [task.task_key, task.notebook_task.notebook_path])).toEqual([['pipeline', '/Shared/streaming-platform/dev/pipeline']]);
    const parameters = tasks[0].notebook_task.base_parameters;
    expect(parameters.spec).toBe(JSON.stringify(toStreamSpec(iotTelemetry)));
    expect([parameters.secret_scope, parameters.secret_key]).toEqual([refOf(workspace.secretScope.resource, 'name'), 'evh-iot-telemetry-listen']);
    expect(JSON.parse(parameters.spec).source.consumerGroups.bronze).toBe('cg-bronze');
  });

  test('capture follows the environment: off in dev, to the lake in staging', () => {
    expect(Object.values(resourcesOf(environment('dev').platformJson, 'azurerm_eventhub'))[0].capture_description).toBeUndefined();
    const staging = environment('staging');
    const hub = Object.values(resourcesOf(staging.platformJson, 'azurerm_eventhub'))[0];
    expect(hub.capture_description).toMatchObject({
      enabled: true,
      encoding: 'Avro',
      destination: { blob_container_name: 'capture', storage_account_id: refOf(staging.platform.lake.resource, 'id') },
    });
  });

  test('a stream reading with $Default creates no consumer group', () => {
    const { platformJson } = environment('dev', [weather]);
    expect(resourcesOf(platformJson, 'azurerm_eventhub_consumer_group')).toEqual({});
  });

  test('an invalid definition is reported with its spec paths, together with the tier limits it breaks', () => {
    const broken = { ...iotTelemetry, name: 'Bad_Name', source: { ...iotTelemetry.source, partitions: 64 } };
    const { app } = environment('dev', [broken]);
    const problems = problemsOf(app);
    expect(problems).toEqual([
      '[dev-platform/EventHubs/EventHub-Bad_Name] partitions = 64 is invalid; allowed: an integer from 1 to 32 for tier Standard',
      "[dev-platform/Stream-Bad_Name] definition $.name = 'Bad_Name' is invalid: invalid format; allowed: a lowercase letter, then up to 49 lowercase letters, digits or hyphens",
    ]);
  });
});

describe('MedallionPipeline existing or new resources', () => {
  function standalone(props: Record<string, unknown>) {
    const stack = testStack();
    new MedallionPipeline(stack, 'Orders', { definition: iotTelemetry, ...props } as never);
    return stack;
  }
  const namespaceProps = { name: 'evhns-orders-dev-weu-0001', resourceGroupName: 'rg', location: 'westeurope' };
  const keyVaultProps = { name: 'kv-orders-dev-0001', resourceGroupName: 'rg', location: 'westeurope', tenantId: 'tenant-id' };
  const lakeProps = { name: 'stordersdev0001', resourceGroupName: 'rg', location: 'westeurope' };

  test('creates the namespace, vault and lake from props when none is passed in', () => {
    const stack = standalone({ namespaceProps, keyVaultProps, lakeProps });
    const json = synthJson(stack);
    expect(Object.values(resourcesOf(json, 'azurerm_eventhub_namespace')).map((n) => n.name)).toEqual(['evhns-orders-dev-weu-0001']);
    expect(Object.values(resourcesOf(json, 'azurerm_key_vault')).map((n) => n.name)).toEqual(['kv-orders-dev-0001']);
    expect(Object.values(resourcesOf(json, 'azurerm_storage_account')).map((n) => n.name)).toEqual(['stordersdev0001']);
    expect(problemsOf(stack)).toEqual([]);
  });

  test('both an existing namespace and namespace props, or neither vault nor vault props, are reported', () => {
    const stack = testStack();
    const namespace = new EventHubNamespace(stack, 'Shared', namespaceProps);
    new MedallionPipeline(stack, 'Orders', { definition: iotTelemetry, namespace, namespaceProps, lakeProps } as never);
    expect(problemsOf(stack)).toEqual([
      "[test/Orders] namespaceProps = '<props>' is invalid; allowed: undefined when namespace is given (pass an existing namespace or the props of a new one, not both)",
      '[test/Orders] keyVault = undefined is invalid; allowed: an existing keyVault, or keyVaultProps to create one',
    ]);
  });
});
