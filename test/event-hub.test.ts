import { CAPTURE_REQUIRED_TOKENS, type EventHubOptions } from '../constructs/eventhubs/event-hub';
import { EventHubNamespace } from '../constructs/eventhubs/eventhub-namespace';
import type { EventHubsTier } from '../constructs/eventhubs/tier-limits';
import { onlyResource, problemsOf, refOf, resourcesOf, synthJson, testStack } from './helpers/synth';

const destination = { storageAccountId: 'storage-account-id', containerName: 'capture' };

function hub(tier: EventHubsTier, options: Partial<EventHubOptions> = {}) {
  const stack = testStack();
  const namespace = new EventHubNamespace(stack, 'Events', { name: 'evhns-stream-dev-weu-1a2b', resourceGroupName: 'rg', location: 'westeurope', tier });
  const eventHub = namespace.addEventHub('Telemetry', { name: 'evh-telemetry', ...options });
  return { stack, namespace, eventHub };
}

describe('EventHub', () => {
  test('defaults: 4 partitions, 1 day retention, no capture, in its namespace', () => {
    const { stack, namespace } = hub('Standard');
    expect(onlyResource(synthJson(stack), 'azurerm_eventhub')).toEqual({
      name: 'evh-telemetry',
      namespace_id: refOf(namespace.resource, 'id'),
      partition_count: 4,
      message_retention: 1,
    });
    expect(problemsOf(stack)).toEqual([]);
  });

  test.each([
    ['Basic', 32, 1],
    ['Standard', 32, 7],
    ['Premium', 100, 90],
  ] as const)('%s allows up to %i partitions and %i days of retention, and not one more', (tier, partitions, days) => {
    expect(problemsOf(hub(tier, { partitions, retentionDays: days }).stack)).toEqual([]);
    expect(problemsOf(hub(tier, { partitions: partitions + 1, retentionDays: days + 1 }).stack)).toEqual([
      `[test/Events/Telemetry] partitions = ${partitions + 1} is invalid; allowed: an integer from 1 to ${partitions} for tier ${tier}`,
      `[test/Events/Telemetry] retentionDays = ${days + 1} is invalid; allowed: an integer from 1 to ${days} for tier ${tier}`,
    ]);
  });

  test('a SAS rule on a namespace without local authentication is one problem naming the rule and the namespace', () => {
    const stack = testStack();
    const namespace = new EventHubNamespace(stack, 'Events', {
      name: 'evhns-stream-prd-weu-1a2b',
      resourceGroupName: 'rg',
      location: 'westeurope',
      localAuthentication: false,
    });
    namespace.addEventHub('Telemetry', { name: 'evh-telemetry' }).addAuthorizationRule('telemetry-bronze-listen', 'listen');
    expect(problemsOf(stack)).toEqual([
      "[test/Events/Telemetry] authorizationRules.telemetry-bronze-listen = 'telemetry-bronze-listen' is invalid; allowed: no SAS rule on namespace 'evhns-stream-prd-weu-1a2b', whose local authentication is off: its clients must use Entra ID",
    ]);
  });

  test('consumer groups are created on the hub; Basic allows none beyond $Default', () => {
    const { stack, eventHub } = hub('Standard', { consumerGroups: ['cg-bronze', 'cg-audit'] });
    expect(Object.values(resourcesOf(synthJson(stack), 'azurerm_eventhub_consumer_group'))).toEqual([
      { name: 'cg-audit', eventhub_name: refOf(eventHub.resource, 'name'), namespace_name: 'evhns-stream-dev-weu-1a2b', resource_group_name: 'rg' },
      { name: 'cg-bronze', eventhub_name: refOf(eventHub.resource, 'name'), namespace_name: 'evhns-stream-dev-weu-1a2b', resource_group_name: 'rg' },
    ]);
    expect(problemsOf(hub('Basic', { consumerGroups: ['cg-bronze'] }).stack)).toEqual([
      '[test/Events/Telemetry] consumerGroups = ["cg-bronze"] is invalid; allowed: at most 0 besides $Default for tier Basic (1 in all)',
    ]);
  });

  test('Standard allows 19 consumer groups besides $Default, not 20', () => {
    const names = Array.from({ length: 20 }, (_, i) => `cg-${i}`);
    expect(problemsOf(hub('Standard', { consumerGroups: names.slice(0, 19) }).stack)).toEqual([]);
    expect(problemsOf(hub('Standard', { consumerGroups: names }).stack)).toEqual([
      `[test/Events/Telemetry] consumerGroups = ${JSON.stringify(names)} is invalid; allowed: at most 19 besides $Default for tier Standard (20 in all)`,
    ]);
  });

  test('$Default cannot be created again', () => {
    expect(problemsOf(hub('Standard', { consumerGroups: ['$Default'] }).stack)).toEqual([
      "[test/Events/Telemetry] consumerGroups.$Default = '$Default' is invalid; allowed: a new name ($Default exists on every event hub)",
    ]);
  });

  test('capture writes Avro to the destination with every required token in the file name', () => {
    const { stack } = hub('Standard', { capture: { destination } });
    expect(onlyResource(synthJson(stack), 'azurerm_eventhub').capture_description).toEqual({
      enabled: true,
      encoding: 'Avro',
      interval_in_seconds: 300,
      size_limit_in_bytes: 314572800,
      skip_empty_archives: true,
      destination: {
        name: 'EventHubArchive.AzureBlockBlob',
        archive_name_format: '{Namespace}/{EventHub}/{PartitionId}/{Year}/{Month}/{Day}/{Hour}/{Minute}/{Second}',
        blob_container_name: 'capture',
        storage_account_id: 'storage-account-id',
      },
    });
  });

  test('capture interval and size limits are checked at both ends', () => {
    expect(problemsOf(hub('Standard', { capture: { destination, intervalSeconds: 60, sizeLimitBytes: 10485760 } }).stack)).toEqual([]);
    expect(problemsOf(hub('Standard', { capture: { destination, intervalSeconds: 900, sizeLimitBytes: 524288000 } }).stack)).toEqual([]);
    expect(problemsOf(hub('Standard', { capture: { destination, intervalSeconds: 59, sizeLimitBytes: 524288001 } }).stack)).toEqual([
      '[test/Events/Telemetry] capture.intervalSeconds = 59 is invalid; allowed: an integer from 60 to 900',
      '[test/Events/Telemetry] capture.sizeLimitBytes = 524288001 is invalid; allowed: an integer from 10485760 to 524288000',
    ]);
  });

  test('a file name format that drops a token is rejected, naming the missing tokens', () => {
    const format = '{Namespace}/{EventHub}/{Year}/{Month}/{Day}';
    expect(problemsOf(hub('Standard', { capture: { destination, archiveNameFormat: format } }).stack)).toEqual([
      `[test/Events/Telemetry] capture.archiveNameFormat = '${format}' is invalid; allowed: a format containing every one of ${CAPTURE_REQUIRED_TOKENS.join('')} (missing {PartitionId}{Hour}{Minute}{Second})`,
    ]);
  });

  test('Basic has no capture', () => {
    expect(problemsOf(hub('Basic', { capture: { destination } }).stack)).toEqual([
      "[test/Events/Telemetry] capture = 'enabled' is invalid; allowed: no capture for tier Basic (Capture needs Standard or Premium)",
    ]);
  });

  test('authorization rules carry exactly one right and never manage', () => {
    const { stack, eventHub } = hub('Standard');
    eventHub.addAuthorizationRule('bronze-listen', 'listen');
    eventHub.addAuthorizationRule('producer-send', 'send');
    const rules = Object.values(resourcesOf(synthJson(stack), 'azurerm_eventhub_authorization_rule'));
    expect(rules).toEqual([
      {
        name: 'bronze-listen',
        eventhub_name: refOf(eventHub.resource, 'name'),
        namespace_name: 'evhns-stream-dev-weu-1a2b',
        resource_group_name: 'rg',
        listen: true,
        send: false,
        manage: false,
      },
      {
        name: 'producer-send',
        eventhub_name: refOf(eventHub.resource, 'name'),
        namespace_name: 'evhns-stream-dev-weu-1a2b',
        resource_group_name: 'rg',
        listen: false,
        send: true,
        manage: false,
      },
    ]);
  });

  test('a manage right is refused', () => {
    const { stack, eventHub } = hub('Standard');
    eventHub.addAuthorizationRule('admin', 'manage' as never);
    expect(problemsOf(stack)).toEqual(["[test/Events/Telemetry] authorizationRules.admin.right = 'manage' is invalid; allowed: one of 'listen', 'send'"]);
  });

  test('grantReceive scopes the receiver role to the event hub', () => {
    const { stack, eventHub } = hub('Standard');
    eventHub.grantReceive({ principalId: 'reader-object-id', principalType: 'Group' });
    expect(onlyResource(synthJson(stack), 'azurerm_role_assignment')).toEqual({
      scope: refOf(eventHub.resource, 'id'),
      role_definition_name: 'Azure Event Hubs Data Receiver',
      principal_id: 'reader-object-id',
      principal_type: 'Group',
    });
  });
});
