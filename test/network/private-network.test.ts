import { Naming } from '../../constructs/core/naming';
import { PrivateNetwork } from '../../constructs/network/private-network';
import { problemsOf, resourcesOf, synthJson, testStack } from '../helpers/synth';

function network(addressSpace: string) {
  const stack = testStack();
  const naming = new Naming({ workload: 'stream', environment: 'prd', region: 'westeurope' });
  new PrivateNetwork(stack, 'Network', { naming, resourceGroupName: 'rg', location: 'westeurope', addressSpace });
  return stack;
}

function subnetPrefixes(addressSpace: string): Record<string, unknown> {
  const subnets = Object.values(resourcesOf(synthJson(network(addressSpace)), 'azurerm_subnet'));
  return Object.fromEntries(subnets.map((s) => [s.name, s.address_prefixes]));
}

describe('PrivateNetwork', () => {
  test('a /16 gives the endpoint subnet and the two Databricks subnets the first three quarters', () => {
    expect(subnetPrefixes('10.30.0.0/16')).toEqual({
      'snet-private-endpoints': ['10.30.0.0/18'],
      'snet-dbw-host': ['10.30.64.0/18'],
      'snet-dbw-container': ['10.30.128.0/18'],
    });
  });

  test('a /22 gives three /24s, carried across the third octet', () => {
    expect(subnetPrefixes('10.1.4.0/22')).toEqual({
      'snet-private-endpoints': ['10.1.4.0/24'],
      'snet-dbw-host': ['10.1.5.0/24'],
      'snet-dbw-container': ['10.1.6.0/24'],
    });
  });

  test('every subnet has its own NSG: the endpoints one, and the two Databricks ones', () => {
    const json = synthJson(network('10.30.0.0/16'));
    const nsgs = Object.values(resourcesOf(json, 'azurerm_network_security_group')).map((n) => n.name);
    expect(nsgs.sort()).toEqual(['nsg-stream-prd-weu-dbw-container', 'nsg-stream-prd-weu-dbw-host', 'nsg-stream-prd-weu-private-endpoints']);
    const subnets = new Set(Object.values(resourcesOf(json, 'azurerm_subnet_network_security_group_association')).map((a) => a.subnet_id));
    expect(subnets.size).toBe(3);
  });

  test.each(['10.0.0.0/24', '10.0.0.0/12', '10.300.0.0/16', '10.0.0.0'])('%s is one problem naming the field and what is allowed', (addressSpace) => {
    expect(problemsOf(network(addressSpace))).toEqual([
      `[test/Network] addressSpace = '${addressSpace}' is invalid; allowed: an IPv4 CIDR range from /16 to /22, such as 10.20.0.0/16`,
    ]);
  });
});

describe('PrivateNetwork DNS zones', () => {
  function zonesOf(databricksPrivateLink?: boolean): string[] {
    const stack = testStack();
    const naming = new Naming({ workload: 'stream', environment: 'prd', region: 'westeurope' });
    new PrivateNetwork(stack, 'Network', { naming, resourceGroupName: 'rg', location: 'westeurope', addressSpace: '10.30.0.0/16', databricksPrivateLink });
    return Object.values(resourcesOf(synthJson(stack), 'azurerm_private_dns_zone'))
      .map((zone) => zone.name as string)
      .sort();
  }

  test('one zone per DNS name, linked to the VNet; the Databricks zone only with Databricks Private Link', () => {
    const common = [
      'privatelink.blob.core.windows.net',
      'privatelink.dfs.core.windows.net',
      'privatelink.servicebus.windows.net',
      'privatelink.vaultcore.azure.net',
    ];
    expect(zonesOf()).toEqual(common);
    expect(zonesOf(true)).toEqual(['privatelink.azuredatabricks.net', ...common]);
  });
});
