import { DatabricksWorkspace } from '../../constructs/databricks/databricks-workspace';
import { DatabricksNoPublicIpRule } from '../../constructs/policies/rules/databricks-no-public-ip';
import { checkPolicies, findingsOf, LOCATION, naming, rawWorkspace, testStack } from './helpers';

const rules = [DatabricksNoPublicIpRule];

describe('SP-DBW1 Databricks clusters without public IPs', () => {
  test('the DatabricksWorkspace construct complies', () => {
    // GIVEN
    const stack = testStack();
    new DatabricksWorkspace(stack, 'Databricks', { naming, resourceGroupName: 'rg', location: LOCATION });
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([]);
  });

  test('a workspace without custom_parameters takes the provider default (no public IP) and complies', () => {
    // GIVEN
    const stack = testStack();
    rawWorkspace(stack);
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([]);
  });

  test('a workspace whose clusters get public IPs is an error', () => {
    // GIVEN
    const stack = testStack();
    new DatabricksWorkspace(stack, 'Databricks', { naming, resourceGroupName: 'rg', location: LOCATION, noPublicIp: false });
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([
      {
        level: 'error',
        path: 'test/Databricks/Resource',
        message:
          '[SP-DBW1] test/Databricks/Resource (azurerm_databricks_workspace) is non-compliant: cluster nodes must have no public IP address (secure cluster connectivity). Fix: set custom_parameters { no_public_ip = true } (DatabricksWorkspace noPublicIp: true)',
      },
    ]);
  });
});
