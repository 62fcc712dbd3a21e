import { TerraformVariable } from 'cdktf';
import { MinimumTlsRule } from '../../constructs/policies/rules/minimum-tls';
import { checkPolicies, findingsOf, lake, namespace, rawNamespace, rawStorage, testStack } from './helpers';

const rules = [MinimumTlsRule];

describe('SP-TLS1 minimum TLS 1.2', () => {
  test('the EventHubNamespace and LakeStorage constructs comply', () => {
    // GIVEN
    const stack = testStack();
    namespace(stack);
    lake(stack);
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([]);
  });

  test('a namespace accepting TLS 1.0 is an error', () => {
    // GIVEN
    const stack = testStack();
    rawNamespace(stack, { minimumTlsVersion: '1.0' });
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([
      {
        level: 'error',
        path: 'test/RawNamespace',
        message:
          '[SP-TLS1] test/RawNamespace (azurerm_eventhub_namespace) is non-compliant: clients must connect with TLS 1.2 or newer. Fix: set minimum_tls_version = "1.2"',
      },
    ]);
  });

  test('a storage account accepting TLS 1.1 is an error', () => {
    // GIVEN
    const stack = testStack();
    rawStorage(stack, { minTlsVersion: 'TLS1_1', allowNestedItemsToBePublic: false });
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([
      {
        level: 'error',
        path: 'test/RawStorage',
        message:
          '[SP-TLS1] test/RawStorage (azurerm_storage_account) is non-compliant: clients must connect with TLS 1.2 or newer. Fix: set min_tls_version = "TLS1_2"',
      },
    ]);
  });

  test('unset versions take the provider default, 1.2, and comply', () => {
    // GIVEN
    const stack = testStack();
    rawNamespace(stack);
    rawStorage(stack);
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([]);
  });

  test('a version from a variable cannot be judged at synth and is not applicable', () => {
    // GIVEN
    const stack = testStack();
    rawNamespace(stack, { minimumTlsVersion: new TerraformVariable(stack, 'tls', { type: 'string' }).stringValue });
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([]);
  });

  test('an escape-hatch override is judged like the synthesized JSON', () => {
    // GIVEN
    const stack = testStack();
    namespace(stack).resource.addOverride('minimum_tls_version', '1.1');
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack).map((finding) => finding.path)).toEqual(['test/Events/Resource']);
  });
});
