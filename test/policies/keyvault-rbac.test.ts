import { KeyVaultRbacRule } from '../../constructs/policies/rules/keyvault-rbac';
import { checkPolicies, findingsOf, rawVault, testStack, vault } from './helpers';

const rules = [KeyVaultRbacRule];

describe('SP-KV2 Key Vault RBAC authorization', () => {
  test('the KeyVault construct complies', () => {
    // GIVEN
    const stack = testStack();
    vault(stack);
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([]);
  });

  test('the deprecated enable_rbac_authorization spelling complies too', () => {
    // GIVEN
    const stack = testStack();
    rawVault(stack, { enableRbacAuthorization: true });
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([]);
  });

  test('a vault with access policies (RBAC off) is an error', () => {
    // GIVEN
    const stack = testStack();
    rawVault(stack, { rbacAuthorizationEnabled: false });
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([
      {
        level: 'error',
        path: 'test/RawVault',
        message:
          '[SP-KV2] test/RawVault (azurerm_key_vault) is non-compliant: the vault must use Azure RBAC authorization instead of access policies. Fix: set rbac_authorization_enabled = true and grant roles (KeyVault.grantSecretsRead / grantSecretsWrite)',
      },
    ]);
  });
});
