import { PreventDestroyRule } from '../../constructs/policies/rules/prevent-destroy';
import { checkPolicies, findingsOf, lake, namespace, testStack, vault } from './helpers';

const rules = [PreventDestroyRule];

describe('SP-LC1 prevent_destroy on stateful resources (prod)', () => {
  test('stateful resources with prevent_destroy comply in prod', () => {
    // GIVEN
    const stack = testStack();
    const events = namespace(stack);
    const hub = events.addEventHub('Hub', { name: 'telemetry' });
    for (const resource of [events.resource, hub.resource, lake(stack).resource]) resource.lifecycle = { preventDestroy: true };
    vault(stack).resource.addOverride('lifecycle.prevent_destroy', true);
    // WHEN
    checkPolicies(stack, { rules, environment: 'prod', production: true });
    // THEN
    expect(findingsOf(stack)).toEqual([]);
  });

  test('a stateful resource without prevent_destroy is an error in prod', () => {
    // GIVEN
    const stack = testStack();
    lake(stack);
    // WHEN
    checkPolicies(stack, { rules, environment: 'prod', production: true });
    // THEN
    expect(findingsOf(stack)).toEqual([
      {
        level: 'error',
        path: 'test/Lake/Account',
        message:
          '[SP-LC1] test/Lake/Account (azurerm_storage_account) is non-compliant: a stateful production resource must have lifecycle.prevent_destroy = true. Fix: set lifecycle { prevent_destroy = true } (resource.lifecycle = { preventDestroy: true })',
      },
    ]);
  });

  test('outside prod the rule does not run', () => {
    // GIVEN
    const stack = testStack();
    lake(stack);
    // WHEN
    checkPolicies(stack, { rules, environment: 'dev' });
    // THEN
    expect(findingsOf(stack)).toEqual([]);
  });
});
