import { EventHub } from '../constructs/eventhubs/event-hub';
import { EventHubNamespace, type EventHubNamespaceProps } from '../constructs/eventhubs/eventhub-namespace';
import { onlyResource, problemsOf, refOf, resourcesOf, synthJson, testStack } from './helpers/synth';

const base: EventHubNamespaceProps = { name: 'evhns-stream-dev-weu-1a2b', resourceGroupName: 'rg-stream-dev-weu', location: 'westeurope' };

function namespace(props: Partial<EventHubNamespaceProps> = {}) {
  const stack = testStack();
  const construct = new EventHubNamespace(stack, 'Events', { ...base, ...props });
  return { stack, construct };
}

describe('EventHubNamespace', () => {
  test('secure defaults: Standard, 1 TU, TLS 1.2, identity, no public network access', () => {
    const { stack } = namespace();
    expect(onlyResource(synthJson(stack), 'azurerm_eventhub_namespace')).toEqual({
      name: 'evhns-stream-dev-weu-1a2b',
      resource_group_name: 'rg-stream-dev-weu',
      location: 'westeurope',
      sku: 'Standard',
      capacity: 1,
      auto_inflate_enabled: false,
      minimum_tls_version: '1.2',
      local_authentication_enabled: true,
      public_network_access_enabled: false,
      identity: { type: 'SystemAssigned' },
    });
    expect(problemsOf(stack)).toEqual([]);
  });

  test('public access with IP rules denies by default and lets trusted services through', () => {
    const { stack } = namespace({ network: { publicNetworkAccess: true, allowedIpRanges: ['203.0.113.0/24'] } });
    const body = onlyResource(synthJson(stack), 'azurerm_eventhub_namespace');
    expect(body.public_network_access_enabled).toBe(true);
    expect(body.network_rulesets).toEqual([
      {
        default_action: 'Deny',
        public_network_access_enabled: true,
        trusted_service_access_enabled: true,
        ip_rule: [{ ip_mask: '203.0.113.0/24', action: 'Allow' }],
        virtual_network_rule: [],
      },
    ]);
  });

  test('auto-inflate sets its ceiling on Standard', () => {
    const { stack } = namespace({ capacity: 2, autoInflateMaxThroughputUnits: 10 });
    const body = onlyResource(synthJson(stack), 'azurerm_eventhub_namespace');
    expect(body).toMatchObject({ capacity: 2, auto_inflate_enabled: true, maximum_throughput_units: 10 });
  });

  test('auto-inflate below capacity is rejected', () => {
    const { stack } = namespace({ capacity: 8, autoInflateMaxThroughputUnits: 4 });
    expect(problemsOf(stack)).toEqual([
      '[test/Events] autoInflateMaxThroughputUnits = 4 is invalid; allowed: an integer from 8 to 40 (at least capacity 8, at most 40)',
    ]);
  });

  test('auto-inflate on Premium is rejected', () => {
    const { stack } = namespace({ tier: 'Premium', autoInflateMaxThroughputUnits: 4 });
    expect(problemsOf(stack)).toEqual([
      '[test/Events] autoInflateMaxThroughputUnits = 4 is invalid; allowed: undefined for tier Premium (auto-inflate is a Standard tier feature)',
    ]);
  });

  test('capacity beyond the tier and Premium capacities outside 1, 2, 4, 8, 16 are rejected', () => {
    expect(problemsOf(namespace({ capacity: 41 }).stack)).toEqual([
      '[test/Events] capacity = 41 is invalid; allowed: an integer from 1 to 40 for tier Standard',
    ]);
    expect(problemsOf(namespace({ tier: 'Premium', capacity: 3 }).stack)).toEqual([
      '[test/Events] capacity = 3 is invalid; allowed: one of 1, 2, 4, 8, 16 processing units for tier Premium',
    ]);
  });

  test('Standard holds 10 event hubs; the 11th, wherever it is created, is reported on the namespace', () => {
    const { stack, construct } = namespace();
    for (let i = 0; i < 10; i++) construct.addEventHub(`Hub${i}`, { name: `evh-${i}` });
    expect(problemsOf(stack)).toEqual([]);
    new EventHub(stack, 'Elsewhere', { name: 'evh-10', namespace: construct });
    expect(problemsOf(stack)).toEqual(['[test/Events] eventHubs = 11 is invalid; allowed: at most 10 event hubs in a namespace of tier Standard']);
  });

  test('Premium: 100 event hubs, and 200 partitions in all per processing unit', () => {
    const { stack, construct } = namespace({ tier: 'Premium', capacity: 2 });
    for (let i = 0; i < 100; i++) construct.addEventHub(`Hub${i}`, { name: `evh-${i}`, partitions: 4 });
    expect(problemsOf(stack)).toEqual([]); // 400 partitions = 2 PUs × 200
    construct.addEventHub('Hub100', { name: 'evh-100', partitions: 1 });
    expect(problemsOf(stack)).toEqual([
      '[test/Events] eventHubs = 101 is invalid; allowed: at most 100 event hubs in a namespace of tier Premium',
      '[test/Events] partitions (all event hubs) = 401 is invalid; allowed: at most 400 for tier Premium with capacity 2 (200 per processing unit)',
    ]);
  });

  test('an unknown tier and a bad name are reported together', () => {
    const { stack } = namespace({ name: '1bad', tier: 'Gold' as never });
    expect(problemsOf(stack)).toEqual([
      "[test/Events] name = '1bad' is invalid; allowed: 6–50 letters, digits and hyphens, starting with a letter and ending with a letter or digit",
      "[test/Events] tier = 'Gold' is invalid; allowed: one of 'Basic', 'Standard', 'Premium'",
    ]);
  });

  test('network rules without public access are a contradiction', () => {
    const { stack } = namespace({ network: { publicNetworkAccess: false, allowedIpRanges: ['203.0.113.7'] } });
    expect(problemsOf(stack)).toEqual([
      '[test/Events] network: allowedIpRanges, allowedSubnetIds and defaultAction apply to the public endpoint, but publicNetworkAccess is false; set publicNetworkAccess: true or remove them',
    ]);
  });

  test('Basic has no network rules, and IP ranges must be IPv4 CIDR', () => {
    const { stack } = namespace({ tier: 'Basic', network: { publicNetworkAccess: true, allowedIpRanges: ['300.1.1.1/8'] } });
    expect(problemsOf(stack)).toEqual([
      "[test/Events] tier = 'Basic' is invalid; allowed: 'Standard' or 'Premium' for IP and virtual network rules (Basic has no network rules)",
      "[test/Events] network.allowedIpRanges[0] = '300.1.1.1/8' is invalid; allowed: an IPv4 address or CIDR range such as 203.0.113.0/24",
    ]);
  });

  test('schema groups: Avro with Backward compatibility by default; Json needs None; Basic has none', () => {
    const { stack, construct } = namespace();
    construct.addSchemaGroup('telemetry');
    construct.addSchemaGroup('json-events', { schemaType: 'Json', compatibility: 'Forward' });
    const namespaceId = refOf(construct.resource, 'id');
    expect(Object.values(resourcesOf(synthJson(stack), 'azurerm_eventhub_namespace_schema_group'))).toEqual([
      { name: 'json-events', namespace_id: namespaceId, schema_compatibility: 'Forward', schema_type: 'Json' },
      { name: 'telemetry', namespace_id: namespaceId, schema_compatibility: 'Backward', schema_type: 'Avro' },
    ]);
    expect(problemsOf(stack)).toEqual(["[test/Events] schemaGroups.json-events.compatibility = 'Forward' is invalid; allowed: 'None' for Json schemas"]);

    const basic = namespace({ tier: 'Basic' });
    basic.construct.addSchemaGroup('telemetry');
    expect(problemsOf(basic.stack)).toEqual([
      "[test/Events] schemaGroups.telemetry = 'Basic' is invalid; allowed: a namespace of tier Standard or Premium (Basic has no schema registry)",
    ]);
  });

  test('grantReceive assigns the data receiver role on the namespace to the grantee', () => {
    const { stack, construct } = namespace();
    const assignment = construct.grantReceive({ principalId: 'principal-object-id' });
    expect(assignment.roleDefinitionNameInput).toBe('Azure Event Hubs Data Receiver');
    expect(onlyResource(synthJson(stack), 'azurerm_role_assignment')).toEqual({
      scope: refOf(construct.resource, 'id'),
      role_definition_name: 'Azure Event Hubs Data Receiver',
      principal_id: 'principal-object-id',
      principal_type: 'ServicePrincipal',
      skip_service_principal_aad_check: true,
    });
  });
});
