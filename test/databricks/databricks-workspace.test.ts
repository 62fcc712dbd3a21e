import { TerraformOutput } from 'cdktf';
import { Naming } from '../../constructs/core/naming';
import { DatabricksWorkspace, type DatabricksWorkspaceProps, type VnetInjectionOptions } from '../../constructs/databricks/databricks-workspace';
import { LakeStorage } from '../../constructs/storage/lake-storage';
import { onlyResource, problemsOf, refOf, synthJson, testStack } from '../helpers/synth';

const naming = new Naming({ workload: 'stream', environment: 'dev', region: 'westeurope' });
const vnet: VnetInjectionOptions = {
  virtualNetworkId: 'vnet-id',
  publicSubnetName: 'snet-dbw-host',
  privateSubnetName: 'snet-dbw-container',
  publicSubnetNsgAssociationId: 'host-nsg-association-id',
  privateSubnetNsgAssociationId: 'container-nsg-association-id',
};

function workspace(props: Partial<DatabricksWorkspaceProps> = {}) {
  const stack = testStack();
  const construct = new DatabricksWorkspace(stack, 'Databricks', { naming, resourceGroupName: 'rg', location: 'westeurope', ...props });
  return { stack, construct };
}

describe('DatabricksWorkspace', () => {
  test('defaults: Premium, no public IP, public access on, named managed resource group, no VNet', () => {
    // GIVEN / WHEN
    const { stack } = workspace();
    // THEN
    expect(onlyResource(synthJson(stack), 'azurerm_databricks_workspace')).toEqual({
      name: naming.databricksWorkspace(),
      resource_group_name: 'rg',
      location: 'westeurope',
      sku: 'premium',
      managed_resource_group_name: naming.databricksManagedResourceGroup(),
      public_network_access_enabled: true,
      custom_parameters: { no_public_ip: true },
    });
    expect(problemsOf(stack)).toEqual([]);
  });

  test('the access connector has a system-assigned identity and the naming convention name', () => {
    // GIVEN / WHEN
    const { stack } = workspace();
    // THEN
    expect(onlyResource(synthJson(stack), 'azurerm_databricks_access_connector')).toEqual({
      name: naming.databricksAccessConnector(),
      resource_group_name: 'rg',
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
    });
  });

  test('exposes the workspace URL, resource id, workspace id and the access connector id and principal', () => {
    // GIVEN
    const { stack, construct } = workspace();
    // WHEN
    const exposed = [
      construct.workspaceUrl,
      construct.workspaceResourceId,
      construct.workspaceId,
      construct.accessConnectorId,
      construct.accessConnectorPrincipalId,
    ];
    exposed.forEach((value, i) => {
      new TerraformOutput(stack, `exposed${i}`, { value });
    });
    // THEN
    const connector = `azurerm_databricks_access_connector.${stack.getLogicalId(construct.accessConnector)}`;
    const outputs = synthJson(stack).output ?? {};
    expect(exposed.map((_, i) => outputs[`exposed${i}`].value)).toEqual([
      refOf(construct.resource, 'workspace_url'),
      refOf(construct.resource, 'id'),
      refOf(construct.resource, 'workspace_id'),
      `\${${connector}.id}`,
      `\${${connector}.identity[0].principal_id}`,
    ]);
  });

  test('VNet injection passes all five values into custom_parameters', () => {
    // GIVEN / WHEN
    const { stack } = workspace({ vnet });
    // THEN
    expect(onlyResource(synthJson(stack), 'azurerm_databricks_workspace').custom_parameters).toEqual({
      no_public_ip: true,
      virtual_network_id: 'vnet-id',
      public_subnet_name: 'snet-dbw-host',
      private_subnet_name: 'snet-dbw-container',
      public_subnet_network_security_group_association_id: 'host-nsg-association-id',
      private_subnet_network_security_group_association_id: 'container-nsg-association-id',
    });
  });

  test('public access off defaults the NSG rules to NoAzureDatabricksRules', () => {
    // GIVEN / WHEN
    const { stack } = workspace({ publicNetworkAccess: false, vnet });
    // THEN
    const body = onlyResource(synthJson(stack), 'azurerm_databricks_workspace');
    expect([body.public_network_access_enabled, body.network_security_group_rules_required]).toEqual([false, 'NoAzureDatabricksRules']);
    expect(problemsOf(stack)).toEqual([]);
  });

  test('a SKU other than premium is refused', () => {
    // GIVEN / WHEN
    const { stack } = workspace({ sku: 'standard' });
    // THEN
    expect(problemsOf(stack)).toEqual(["[test/Databricks] sku = 'standard' is invalid; allowed: one of 'premium'"]);
  });

  test('part of the VNet injection values is refused, naming the missing ones', () => {
    // GIVEN / WHEN
    const { stack } = workspace({ vnet: { virtualNetworkId: 'vnet-id', publicSubnetName: 'snet-dbw-host' } });
    // THEN
    expect(problemsOf(stack)).toEqual([
      '[test/Databricks] vnet: VNet injection needs all of virtualNetworkId, publicSubnetName, privateSubnetName, publicSubnetNsgAssociationId, privateSubnetNsgAssociationId or none; missing privateSubnetName, publicSubnetNsgAssociationId, privateSubnetNsgAssociationId',
    ]);
  });

  test('public access off without VNet injection is refused', () => {
    // GIVEN / WHEN
    const { stack } = workspace({ publicNetworkAccess: false });
    // THEN
    expect(problemsOf(stack)).toEqual([
      '[test/Databricks] publicNetworkAccess: false needs VNet injection (vnet.virtualNetworkId and the subnet and NSG association values)',
    ]);
  });

  test('public access off with NSG rules other than NoAzureDatabricksRules is refused', () => {
    // GIVEN / WHEN
    const { stack } = workspace({ publicNetworkAccess: false, vnet, nsgRulesRequired: 'AllRules' });
    // THEN
    expect(problemsOf(stack)).toEqual([
      "[test/Databricks] nsgRulesRequired = 'AllRules' is invalid; allowed: 'NoAzureDatabricksRules' when publicNetworkAccess is false (back-end Private Link)",
    ]);
  });

  test('an unknown NSG rules value is refused with the allowed values', () => {
    // GIVEN / WHEN
    const { stack } = workspace({ nsgRulesRequired: 'SomeRules' as never });
    // THEN
    expect(problemsOf(stack)).toEqual([
      "[test/Databricks] nsgRulesRequired = 'SomeRules' is invalid; allowed: one of 'AllRules', 'NoAzureDatabricksRules', 'NoAzureServiceRules'",
    ]);
  });

  test('grantLakeAccess gives the access connector Storage Blob Data Contributor on the lake account', () => {
    // GIVEN
    const { stack, construct } = workspace();
    const lake = new LakeStorage(stack, 'Lake', { name: 'ststreamdev0001', resourceGroupName: 'rg', location: 'westeurope' });
    // WHEN
    construct.grantLakeAccess(lake);
    // THEN
    expect(onlyResource(synthJson(stack), 'azurerm_role_assignment')).toEqual({
      scope: refOf(lake.resource, 'id'),
      role_definition_name: 'Storage Blob Data Contributor',
      principal_id: `\${${construct.accessConnector.terraformResourceType}.${stack.getLogicalId(construct.accessConnector)}.identity[0].principal_id}`,
      principal_type: 'ServicePrincipal',
      skip_service_principal_aad_check: true,
    });
  });
});
