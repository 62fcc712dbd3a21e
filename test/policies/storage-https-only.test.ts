import { StorageHttpsOnlyRule } from '../../constructs/policies/rules/storage-https-only';
import { checkPolicies, findingsOf, lake, rawStorage, testStack } from './helpers';

const rules = [StorageHttpsOnlyRule];

describe('SP-ST1 storage HTTPS only', () => {
  test('the LakeStorage construct complies', () => {
    // GIVEN
    const stack = testStack();
    lake(stack);
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([]);
  });

  test('an account left at the provider default (HTTPS only) complies', () => {
    // GIVEN
    const stack = testStack();
    rawStorage(stack);
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([]);
  });

  test('an account accepting plain HTTP is an error', () => {
    // GIVEN
    const stack = testStack();
    rawStorage(stack, { httpsTrafficOnlyEnabled: false });
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([
      {
        level: 'error',
        path: 'test/RawStorage',
        message:
          '[SP-ST1] test/RawStorage (azurerm_storage_account) is non-compliant: the storage account must accept HTTPS traffic only. Fix: set https_traffic_only_enabled = true (or leave it unset)',
      },
    ]);
  });
});
