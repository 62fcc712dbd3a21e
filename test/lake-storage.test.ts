import { LAKE_CONTAINERS, LakeStorage, type LakeStorageProps } from '../constructs/storage/lake-storage';
import { onlyResource, problemsOf, refOf, resourcesOf, synthJson, testStack } from './helpers/synth';

function lake(props: Partial<LakeStorageProps> = {}) {
  const stack = testStack();
  const construct = new LakeStorage(stack, 'Lake', { name: 'ststreamdev1a2b', resourceGroupName: 'rg', location: 'westeurope', ...props });
  return { stack, construct };
}

describe('LakeStorage', () => {
  test('secure defaults: ADLS Gen2, HTTPS only, TLS 1.2, no public blobs, private, soft delete 7 days', () => {
    const { stack } = lake();
    expect(onlyResource(synthJson(stack), 'azurerm_storage_account')).toEqual({
      name: 'ststreamdev1a2b',
      resource_group_name: 'rg',
      location: 'westeurope',
      account_kind: 'StorageV2',
      account_tier: 'Standard',
      account_replication_type: 'ZRS',
      is_hns_enabled: true,
      https_traffic_only_enabled: true,
      min_tls_version: 'TLS1_2',
      allow_nested_items_to_be_public: false,
      public_network_access_enabled: false,
      cross_tenant_replication_enabled: false,
      default_to_oauth_authentication: true,
      local_user_enabled: false,
      shared_access_key_enabled: false,
      sas_policy: { expiration_period: '1.00:00:00' },
      network_rules: { default_action: 'Deny', bypass: ['AzureServices', 'Logging', 'Metrics'], ip_rules: [], virtual_network_subnet_ids: [] },
      blob_properties: { delete_retention_policy: { days: 7 }, container_delete_retention_policy: { days: 7 } },
      identity: { type: 'SystemAssigned' },
    });
    expect(problemsOf(stack)).toEqual([]);
  });

  test('shared keys stay off unless asked for (Event Hubs Capture writes with them)', () => {
    const keysOf = (props: Partial<LakeStorageProps>) => onlyResource(synthJson(lake(props).stack), 'azurerm_storage_account').shared_access_key_enabled;
    expect([keysOf({}), keysOf({ sharedAccessKey: true })]).toEqual([false, true]);
  });

  test('creates the six medallion containers, private, on the account', () => {
    const { stack, construct } = lake();
    const containers = Object.values(resourcesOf(synthJson(stack), 'azurerm_storage_container'));
    expect(containers.map((c) => c.name).sort()).toEqual([...LAKE_CONTAINERS].sort());
    for (const container of containers) {
      expect(container).toEqual({ name: container.name, storage_account_id: refOf(construct.resource, 'id'), container_access_type: 'private' });
    }
  });

  test('abfss URLs and the capture destination point at the right container', () => {
    const { construct } = lake();
    expect(construct.abfssUrl('bronze', 'iot')).toBe('abfss://bronze@ststreamdev1a2b.dfs.core.windows.net/iot');
    expect(construct.captureDestination().containerName).toBe('capture');
    expect(() => construct.container('archive')).toThrow(
      "test/Lake: no container 'archive'; containers: bronze, silver, gold, checkpoints, capture, quarantine",
    );
  });

  test('invalid name, soft delete days and a contradictory network setting are all reported', () => {
    const { stack } = lake({ name: 'St-Stream', softDeleteDays: 0, allowedIpRanges: ['203.0.113.1'] });
    expect(problemsOf(stack)).toEqual([
      "[test/Lake] name = 'St-Stream' is invalid; allowed: 3–24 lowercase letters and digits",
      '[test/Lake] softDeleteDays = 0 is invalid; allowed: an integer from 1 to 365',
      '[test/Lake] allowedIpRanges, allowedSubnetIds and defaultAction apply to the public endpoint, but publicNetworkAccess is false; set publicNetworkAccess: true or remove them',
    ]);
  });

  test('grantRead scopes the reader role to one container', () => {
    const { stack, construct } = lake();
    construct.grantRead({ principalId: 'analyst-group', principalType: 'Group' }, 'gold');
    expect(onlyResource(synthJson(stack), 'azurerm_role_assignment')).toEqual({
      scope: refOf(construct.container('gold'), 'resource_manager_id'),
      role_definition_name: 'Storage Blob Data Reader',
      principal_id: 'analyst-group',
      principal_type: 'Group',
    });
  });
});
