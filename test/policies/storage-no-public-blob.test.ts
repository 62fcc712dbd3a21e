import { StorageNoPublicBlobRule } from '../../constructs/policies/rules/storage-no-public-blob';
import { checkPolicies, findingsOf, lake, rawStorage, testStack } from './helpers';

const rules = [StorageNoPublicBlobRule];

describe('SP-ST2 storage without public blob access', () => {
  test('the LakeStorage construct complies', () => {
    // GIVEN
    const stack = testStack();
    lake(stack);
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([]);
  });

  test('an account left at the provider default (public blobs allowed) is an error', () => {
    // GIVEN
    const stack = testStack();
    rawStorage(stack);
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([
      {
        level: 'error',
        path: 'test/RawStorage',
        message:
          '[SP-ST2] test/RawStorage (azurerm_storage_account) is non-compliant: the storage account must not allow public (anonymous) access to containers and blobs. Fix: set allow_nested_items_to_be_public = false',
      },
    ]);
  });
});
