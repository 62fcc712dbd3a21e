import { PublicNetworkAccessRule } from '../../constructs/policies/rules/public-network-access';
import { StorageNoPublicBlobRule } from '../../constructs/policies/rules/storage-no-public-blob';
import { findPolicySuppression, POLICY_SUPPRESSIONS_METADATA, policySuppressionsOf, suppressPolicy } from '../../constructs/policies/suppressions';
import { checkPolicies, findingsOf, namespace, rawStorage, testStack } from './helpers';

const publicNamespace = { network: { publicNetworkAccess: true, defaultAction: 'Allow' as const } };
const REASON = 'dev is public by design: no private network in dev';

describe('suppressPolicy', () => {
  test('records the rule id and reason in the construct metadata', () => {
    // GIVEN
    const stack = testStack();
    const events = namespace(stack, publicNamespace);
    // WHEN
    suppressPolicy(events, 'SP-NET1', REASON);
    // THEN
    expect(events.node.metadata.filter((entry) => entry.type === POLICY_SUPPRESSIONS_METADATA).map((entry) => entry.data)).toEqual([
      { ruleId: 'SP-NET1', reason: REASON },
    ]);
  });

  test('a suppression on an L2 construct covers its inner resource', () => {
    // GIVEN
    const stack = testStack();
    const events = namespace(stack, publicNamespace);
    // WHEN
    suppressPolicy(events, 'SP-NET1', REASON);
    // THEN
    expect(findPolicySuppression(events.resource, 'SP-NET1')).toEqual({ ruleId: 'SP-NET1', reason: REASON, scope: events });
  });

  test('a suppressed finding is an info annotation saying where and why, not an error', () => {
    // GIVEN
    const stack = testStack();
    const events = namespace(stack, publicNamespace);
    suppressPolicy(events, 'SP-NET1', REASON);
    // WHEN
    checkPolicies(stack, { rules: [PublicNetworkAccessRule] });
    // THEN
    expect(findingsOf(stack)).toEqual([
      {
        level: 'info',
        path: 'test/Events/Resource',
        message: `[SP-NET1] test/Events/Resource (azurerm_eventhub_namespace) is non-compliant but suppressed on test/Events: ${REASON}`,
      },
    ]);
  });

  test('a suppression covers only the rule it names', () => {
    // GIVEN
    const stack = testStack();
    const account = rawStorage(stack);
    suppressPolicy(account, 'SP-NET1', REASON);
    // WHEN
    checkPolicies(stack, { rules: [StorageNoPublicBlobRule] });
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

  test('a reason shorter than 10 characters is an error annotation and suppresses nothing', () => {
    // GIVEN
    const stack = testStack();
    const events = namespace(stack, publicNamespace);
    // WHEN
    suppressPolicy(events, 'SP-NET1', '  dev only ');
    checkPolicies(stack, { rules: [PublicNetworkAccessRule] });
    // THEN
    expect(policySuppressionsOf(events)).toEqual([]);
    expect(findingsOf(stack)).toEqual([
      {
        level: 'error',
        path: 'test/Events',
        message: "[policy-suppressions] the suppression of SP-NET1 needs a reason of at least 10 characters; got 'dev only' (8)",
      },
      {
        level: 'error',
        path: 'test/Events/Resource',
        message:
          '[SP-NET1] test/Events/Resource (azurerm_eventhub_namespace) is non-compliant: the public endpoint must be disabled, or restricted by a network rule whose default action is Deny. Fix: set public_network_access_enabled = false (private endpoints), or network_rulesets { default_action = "Deny" } with the allowed IP ranges and subnets',
      },
    ]);
  });
});
