import { KeyVaultPurgeProtectionRule } from '../../constructs/policies/rules/keyvault-purge-protection';
import { checkPolicies, findingsOf, rawVault, testStack, vault } from './helpers';

const rules = [KeyVaultPurgeProtectionRule];

describe('SP-KV1 Key Vault purge protection', () => {
  test('the KeyVault construct complies', () => {
    // GIVEN
    const stack = testStack();
    vault(stack);
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([]);
  });

  test('a vault left at the provider default (no purge protection) is an error', () => {
    // GIVEN
    const stack = testStack();
    rawVault(stack);
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([
      {
        level: 'error',
        path: 'test/RawVault',
        message: '[SP-KV1] test/RawVault (azurerm_key_vault) is non-compliant: purge protection must be enabled. Fix: set purge_protection_enabled = true',
      },
    ]);
  });
});
