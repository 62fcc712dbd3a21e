import { Aspects } from 'cdktf';
import { invokeAspects } from 'cdktf/lib/synthesize/synthesizer';
import { LogAnalytics } from '../../constructs/monitoring/log-analytics';
import { PolicyAspect } from '../../constructs/policies/policy-aspect';
import { PublicNetworkAccessRule } from '../../constructs/policies/rules/public-network-access';
import { PLATFORM_POLICY_RULES } from '../../constructs/policies/ruleset';
import { checkPolicies, findingsOf, LOCATION, lake, namespace, naming, rawStorage, testStack, vault } from './helpers';

describe('PolicyAspect', () => {
  test('invoking the aspects twice yields each annotation once', () => {
    // GIVEN
    const stack = testStack();
    rawStorage(stack);
    checkPolicies(stack);
    const once = findingsOf(stack);
    // WHEN
    invokeAspects(stack);
    // THEN
    expect(once.length).toBeGreaterThan(0);
    expect(findingsOf(stack)).toEqual(once);
  });

  test('two aspect instances on one stack do not repeat a message', () => {
    // GIVEN
    const stack = testStack();
    rawStorage(stack);
    Aspects.of(stack).add(new PolicyAspect({ rules: [PublicNetworkAccessRule] }));
    // WHEN
    checkPolicies(stack, { rules: [PublicNetworkAccessRule] });
    // THEN
    expect(findingsOf(stack).map((finding) => finding.message.slice(0, 9))).toEqual(['[SP-NET1]']);
  });

  test('by default it runs every platform rule, and the constructs with their diagnostics raise only the SAS warning', () => {
    // GIVEN
    const stack = testStack();
    const logs = new LogAnalytics(stack, 'Logs', { naming, resourceGroupName: 'rg', location: LOCATION });
    logs.addDiagnostics('Events', namespace(stack).resource);
    logs.addDiagnostics('Lake', lake(stack).resource);
    logs.addDiagnostics('Vault', vault(stack).resource);
    // WHEN
    const aspect = checkPolicies(stack);
    // THEN
    expect(aspect.rules).toBe(PLATFORM_POLICY_RULES);
    expect(findingsOf(stack).map((finding) => `${finding.level} ${finding.path} ${finding.message.slice(0, 8)}`)).toEqual([
      'warning test/Events/Resource [SP-EH1]',
    ]);
  });

  test('every rule id is unique and every rule names at least one resource type and a fix for each', () => {
    // GIVEN / WHEN
    const ids = PLATFORM_POLICY_RULES.map((rule) => rule.id);
    // THEN
    expect(new Set(ids).size).toBe(ids.length);
    for (const rule of PLATFORM_POLICY_RULES) {
      expect(rule.resourceTypes.length).toBeGreaterThan(0);
      for (const type of rule.resourceTypes) expect(rule.fix(type)).toMatch(/\S/);
    }
  });

  test('a rule set with a repeated id is refused', () => {
    // GIVEN / WHEN / THEN
    expect(() => new PolicyAspect({ rules: [PublicNetworkAccessRule, PublicNetworkAccessRule] })).toThrow(
      /PolicyAspect: rule ids must be unique; repeated: SP-NET1/,
    );
  });
});
