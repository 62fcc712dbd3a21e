import { TerraformVariable } from 'cdktf';
import { PublicNetworkAccessRule } from '../../constructs/policies/rules/public-network-access';
import { checkPolicies, findingsOf, lake, namespace, rawNamespace, rawStorage, rawVault, testStack, vault } from './helpers';

const rules = [PublicNetworkAccessRule];

function error(path: string, type: string, block: string) {
  return {
    level: 'error',
    path,
    message: `[SP-NET1] ${path} (${type}) is non-compliant: the public endpoint must be disabled, or restricted by a network rule whose default action is Deny. Fix: set public_network_access_enabled = false (private endpoints), or ${block} { default_action = "Deny" } with the allowed IP ranges and subnets`,
  };
}

describe('SP-NET1 public network access disabled or denied by default', () => {
  test('the constructs comply with their private default', () => {
    // GIVEN
    const stack = testStack();
    namespace(stack);
    lake(stack);
    vault(stack);
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([]);
  });

  test('a public endpoint restricted to IP ranges (default action Deny) complies', () => {
    // GIVEN
    const stack = testStack();
    const exposure = { publicNetworkAccess: true, defaultAction: 'Deny' as const, allowedIpRanges: ['203.0.113.0/24'] };
    namespace(stack, { network: exposure });
    lake(stack, exposure);
    vault(stack, exposure);
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([]);
  });

  test('public endpoints open to all (default action Allow) are errors on each resource', () => {
    // GIVEN
    const stack = testStack();
    const exposure = { publicNetworkAccess: true, defaultAction: 'Allow' as const };
    namespace(stack, { network: exposure });
    lake(stack, exposure);
    vault(stack, exposure);
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([
      error('test/Events/Resource', 'azurerm_eventhub_namespace', 'network_rulesets'),
      error('test/Lake/Account', 'azurerm_storage_account', 'network_rules'),
      error('test/Vault/Resource', 'azurerm_key_vault', 'network_acls'),
    ]);
  });

  test('resources left at the provider default (public, no network rules) are errors', () => {
    // GIVEN
    const stack = testStack();
    rawNamespace(stack);
    rawStorage(stack);
    rawVault(stack);
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([
      error('test/RawNamespace', 'azurerm_eventhub_namespace', 'network_rulesets'),
      error('test/RawStorage', 'azurerm_storage_account', 'network_rules'),
      error('test/RawVault', 'azurerm_key_vault', 'network_acls'),
    ]);
  });

  test('public access from a variable with a Deny default action complies either way', () => {
    // GIVEN
    const stack = testStack();
    const publicNetworkAccessEnabled = new TerraformVariable(stack, 'public', { type: 'bool' }).booleanValue;
    rawStorage(stack, { publicNetworkAccessEnabled, networkRules: { defaultAction: 'Deny' } });
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([]);
  });

  test('public access from a variable with an Allow default action cannot be judged and is not applicable', () => {
    // GIVEN
    const stack = testStack();
    const publicNetworkAccessEnabled = new TerraformVariable(stack, 'public', { type: 'bool' }).booleanValue;
    rawStorage(stack, { publicNetworkAccessEnabled, networkRules: { defaultAction: 'Allow' } });
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([]);
  });
});
