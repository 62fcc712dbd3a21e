import { KeyVault } from '../../constructs/keyvault/key-vault';
import { LogAnalytics } from '../../constructs/monitoring/log-analytics';
import { DiagnosticsRule } from '../../constructs/policies/rules/diagnostics';
import { checkPolicies, findingsOf, LOCATION, naming, testStack } from './helpers';

const rules = [DiagnosticsRule];

function vault(stack: ReturnType<typeof testStack>) {
  return new KeyVault(stack, 'Vault', { name: 'kv-stream-dev-0001', resourceGroupName: 'rg', location: LOCATION, tenantId: 'tenant-id' });
}

describe('SP-MON1 diagnostics to Log Analytics', () => {
  test('a vault whose diagnostics go to Log Analytics complies', () => {
    // GIVEN
    const stack = testStack();
    const logs = new LogAnalytics(stack, 'Logs', { naming, resourceGroupName: 'rg', location: LOCATION });
    logs.addDiagnostics('Vault', vault(stack).resource);
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([]);
  });

  test('a vault without diagnostic settings is an error', () => {
    // GIVEN
    const stack = testStack();
    vault(stack);
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([
      {
        level: 'error',
        path: 'test/Vault/Resource',
        message:
          '[SP-MON1] test/Vault/Resource (azurerm_key_vault) is non-compliant: resources that support diagnostic settings must send their logs and metrics to Log Analytics. Fix: add its diagnostic settings with LogAnalytics.addDiagnostics(id, resource)',
      },
    ]);
  });
});
