import { EventhubAuthorizationRule } from '@cdktf/provider-azurerm/lib/eventhub-authorization-rule';
import { EventhubNamespaceAuthorizationRule } from '@cdktf/provider-azurerm/lib/eventhub-namespace-authorization-rule';
import { TerraformVariable } from 'cdktf';
import { EventHubsLeastPrivilegeRule } from '../../constructs/policies/rules/eventhubs-least-privilege';
import { checkPolicies, findingsOf, namespace, testStack } from './helpers';

const rules = [EventHubsLeastPrivilegeRule];

function error(path: string, type: string) {
  return {
    level: 'error',
    path,
    message: `[SP-EH2] ${path} (${type}) is non-compliant: a shared access rule must grant one right only (listen or send), never manage and never both. Fix: set manage = false and give readers and producers separate rules (EventHub.addAuthorizationRule(name, "listen" | "send"))`,
  };
}

describe('SP-EH2 least-privilege shared access rules', () => {
  test('the listen and send rules of EventHub.addAuthorizationRule comply', () => {
    // GIVEN
    const stack = testStack();
    const hub = namespace(stack).addEventHub('Hub', { name: 'telemetry' });
    hub.addAuthorizationRule('reader', 'listen');
    hub.addAuthorizationRule('producer', 'send');
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([]);
  });

  test('an event hub rule with manage is an error', () => {
    // GIVEN
    const stack = testStack();
    new EventhubAuthorizationRule(stack, 'Admin', {
      name: 'admin',
      eventhubName: 'evh',
      namespaceName: 'ns',
      resourceGroupName: 'rg',
      listen: true,
      send: true,
      manage: true,
    });
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([error('test/Admin', 'azurerm_eventhub_authorization_rule')]);
  });

  test('a namespace rule with both listen and send is an error', () => {
    // GIVEN
    const stack = testStack();
    new EventhubNamespaceAuthorizationRule(stack, 'Both', { name: 'both', namespaceName: 'ns', resourceGroupName: 'rg', listen: true, send: true });
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([error('test/Both', 'azurerm_eventhub_namespace_authorization_rule')]);
  });

  test('listen and send both literal true is an error even when manage comes from a variable', () => {
    // GIVEN
    const stack = testStack();
    const manage = new TerraformVariable(stack, 'manage', { type: 'bool' }).booleanValue;
    new EventhubAuthorizationRule(stack, 'Both', {
      name: 'both',
      eventhubName: 'evh',
      namespaceName: 'ns',
      resourceGroupName: 'rg',
      listen: true,
      send: true,
      manage,
    });
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([error('test/Both', 'azurerm_eventhub_authorization_rule')]);
  });

  test('a single right with manage from a variable cannot be judged and is not applicable', () => {
    // GIVEN
    const stack = testStack();
    const manage = new TerraformVariable(stack, 'manage', { type: 'bool' }).booleanValue;
    new EventhubAuthorizationRule(stack, 'Reader', { name: 'reader', eventhubName: 'evh', namespaceName: 'ns', resourceGroupName: 'rg', listen: true, manage });
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([]);
  });
});
