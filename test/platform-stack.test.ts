import { Testing } from 'cdktf';
import { localStatePath } from '../stacks/backend';
import { DEFAULT_ENVIRONMENTS } from '../stacks/config/defaults';
import type { EnvironmentConfig } from '../stacks/config/environment';
import { PlatformStack } from '../stacks/platform-stack';
import { onlyResource, problemsOf, refOf, resourcesOf, type TerraformJson } from './helpers/synth';

function platform(config: EnvironmentConfig) {
  const stack = new PlatformStack(Testing.app(), `${config.name}-platform`, { config });
  const text = Testing.synth(stack, false);
  return { stack, text, json: JSON.parse(text) as TerraformJson };
}

describe('PlatformStack', () => {
  // Snapshots of every stack, with streams and policies, are in default-app.test.ts.
  test.each(Object.keys(DEFAULT_ENVIRONMENTS))('%s synthesizes without problems', (name) => {
    const { stack } = platform(DEFAULT_ENVIRONMENTS[name]);
    expect(problemsOf(stack)).toEqual([]);
  });

  test('the lake accepts shared keys only where Capture is on (dev off; staging and prod on)', () => {
    const keys = Object.entries(DEFAULT_ENVIRONMENTS).map(([name, config]) => {
      const [account] = Object.values(resourcesOf(platform(config).json, 'azurerm_storage_account'));
      return [name, config.eventHubs.capture.enabled, account.shared_access_key_enabled];
    });
    expect(keys).toEqual([
      ['dev', false, false],
      ['staging', true, true],
      ['prod', true, true],
    ]);
  });

  test('the local backend path is relative to the stack folder, so no machine path is synthesized', () => {
    const { json, text } = platform(DEFAULT_ENVIRONMENTS.dev);
    expect(json.terraform?.backend).toEqual({ local: { path: localStatePath('dev-platform') } });
    expect(localStatePath('dev-platform')).toBe('../../../state/dev-platform.tfstate');
    expect(text).not.toContain(process.cwd());
  });

  test('an azurerm backend uses Entra ID and one state blob per stack', () => {
    const config: EnvironmentConfig = {
      ...DEFAULT_ENVIRONMENTS.prod,
      backend: { type: 'azurerm', resourceGroupName: 'rg-tfstate', storageAccountName: 'sttfstate', containerName: 'tfstate', keyPrefix: 'streaming/' },
    };
    expect(platform(config).json.terraform?.backend).toEqual({
      azurerm: {
        resource_group_name: 'rg-tfstate',
        storage_account_name: 'sttfstate',
        container_name: 'tfstate',
        key: 'streaming/prod-platform.tfstate',
        use_azuread_auth: true,
      },
    });
  });

  test('every taggable resource carries the environment tags', () => {
    const { json } = platform(DEFAULT_ENVIRONMENTS.prod);
    const expected = { workload: 'stream', environment: 'prod', 'managed-by': 'cdktf', 'cost-center': 'data-platform', criticality: 'high' };
    const tagged = [
      'azurerm_resource_group',
      'azurerm_storage_account',
      'azurerm_eventhub_namespace',
      'azurerm_key_vault',
      'azurerm_virtual_network',
      'azurerm_private_endpoint',
    ];
    for (const type of tagged) {
      for (const body of Object.values(resourcesOf(json, type))) expect(body.tags).toEqual(expected);
    }
  });

  test('public mode (dev) opens the endpoints to everyone and creates no network', () => {
    const { json } = platform(DEFAULT_ENVIRONMENTS.dev);
    const [account] = Object.values(resourcesOf(json, 'azurerm_storage_account'));
    expect(account.public_network_access_enabled).toBe(true);
    expect(account.network_rules).toEqual({
      default_action: 'Allow',
      bypass: ['AzureServices', 'Logging', 'Metrics'],
      ip_rules: [],
      virtual_network_subnet_ids: [],
    });
    expect(resourcesOf(json, 'azurerm_virtual_network')).toEqual({});
    expect(resourcesOf(json, 'azurerm_private_endpoint')).toEqual({});
  });

  test('private mode (prod) closes public endpoints and adds one private endpoint per sub-resource', () => {
    const { json } = platform(DEFAULT_ENVIRONMENTS.prod);
    for (const type of ['azurerm_storage_account', 'azurerm_eventhub_namespace', 'azurerm_key_vault', 'azurerm_databricks_workspace']) {
      const [body] = Object.values(resourcesOf(json, type));
      expect(body.public_network_access_enabled).toBe(false);
    }
    const endpoints = Object.values(resourcesOf(json, 'azurerm_private_endpoint'));
    expect(endpoints.map((endpoint) => (endpoint.private_service_connection as { subresource_names: string[] }).subresource_names[0]).sort()).toEqual([
      'blob',
      'browser_authentication',
      'databricks_ui_api',
      'dfs',
      'namespace',
      'vault',
    ]);
    const subnets = Object.values(resourcesOf(json, 'azurerm_subnet')).map((subnet) => [subnet.name, subnet.address_prefixes]);
    expect(subnets).toEqual([
      ['snet-dbw-container', ['10.30.128.0/18']],
      ['snet-dbw-host', ['10.30.64.0/18']],
      ['snet-private-endpoints', ['10.30.0.0/18']],
    ]);
  });

  test('Databricks Private Link: both workspace endpoints in the one azuredatabricks.net zone, the workspace closed to the internet', () => {
    const { stack, json } = platform(DEFAULT_ENVIRONMENTS.prod);
    const workspace = onlyResource(json, 'azurerm_databricks_workspace');
    expect([workspace.public_network_access_enabled, workspace.network_security_group_rules_required]).toEqual([false, 'NoAzureDatabricksRules']);
    const zones = Object.entries(resourcesOf(json, 'azurerm_private_dns_zone')).filter(([, zone]) => zone.name === 'privatelink.azuredatabricks.net');
    expect(zones).toHaveLength(1);
    const zoneId = `\${azurerm_private_dns_zone.${zones[0][0]}.id}`;
    const toWorkspace = Object.values(resourcesOf(json, 'azurerm_private_endpoint')).filter(
      (endpoint) =>
        (endpoint.private_service_connection as { private_connection_resource_id: string }).private_connection_resource_id ===
        refOf(stack.databricks.resource, 'id'),
    );
    const described = toWorkspace.map((endpoint) => [
      endpoint.name,
      (endpoint.private_dns_zone_group as { private_dns_zone_ids: string[] }).private_dns_zone_ids,
    ]);
    expect(described.sort()).toEqual([
      ['pe-stream-prd-weu-dbw-auth', [zoneId]],
      ['pe-stream-prd-weu-dbw-ui', [zoneId]],
    ]);
  });

  test('Databricks Private Link off in private mode keeps the workspace public, with no endpoint to it', () => {
    const prod = DEFAULT_ENVIRONMENTS.prod;
    const { json } = platform({ ...prod, network: { ...prod.network, databricksPrivateLink: false } });
    const workspace = onlyResource(json, 'azurerm_databricks_workspace');
    expect([workspace.public_network_access_enabled, workspace.network_security_group_rules_required]).toEqual([true, undefined]);
    expect(Object.values(resourcesOf(json, 'azurerm_private_endpoint'))).toHaveLength(4);
    // AND no zone is created for endpoints that do not exist
    expect(Object.values(resourcesOf(json, 'azurerm_private_dns_zone')).map((zone) => zone.name)).not.toContain('privatelink.azuredatabricks.net');
  });

  test('Databricks Private Link in public mode is refused', () => {
    const dev = DEFAULT_ENVIRONMENTS.dev;
    const stack = new PlatformStack(Testing.app(), 'dev-platform', { config: { ...dev, network: { ...dev.network, databricksPrivateLink: true } } });
    expect(problemsOf(stack)).toEqual([
      "[dev-platform] config.network.databricksPrivateLink = true is invalid; allowed: false in network mode 'public' (the private endpoints need the private mode's VNet)",
    ]);
  });

  test('the deployer is made Key Vault Secrets Officer so it can write the connection strings', () => {
    const { json } = platform(DEFAULT_ENVIRONMENTS.dev);
    expect(Object.values(resourcesOf(json, 'azurerm_role_assignment'))).toContainEqual(
      expect.objectContaining({ role_definition_name: 'Key Vault Secrets Officer', principal_id: '${data.azurerm_client_config.Deployer.object_id}' }),
    );
  });

  test('bad environment values are reported all at once, each with its construct path', () => {
    const config: EnvironmentConfig = {
      ...DEFAULT_ENVIRONMENTS.dev,
      workload: 'My_Workload',
      shortName: 'development',
      eventHubs: { ...DEFAULT_ENVIRONMENTS.dev.eventHubs, tier: 'Basic', capacity: 50 },
      keyVault: { softDeleteDays: 3 },
    };
    const stack = new PlatformStack(Testing.app(), 'dev-platform', { config });
    expect(problemsOf(stack)).toEqual(
      expect.arrayContaining([
        "[dev-platform] config.workload = 'My_Workload' is invalid; allowed: 2–12 lowercase letters and digits, starting with a letter",
        "[dev-platform] config.shortName = 'development' is invalid; allowed: 1–4 lowercase letters and digits",
        '[dev-platform/EventHubs] capacity = 50 is invalid; allowed: an integer from 1 to 40 for tier Basic',
        '[dev-platform/KeyVault] softDeleteDays = 3 is invalid; allowed: an integer from 7 to 90',
      ]),
    );
  });
});
