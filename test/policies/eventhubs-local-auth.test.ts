import { EventHubsLocalAuthRule } from '../../constructs/policies/rules/eventhubs-local-auth';
import { checkPolicies, findingsOf, namespace, rawNamespace, testStack } from './helpers';

const rules = [EventHubsLocalAuthRule];

describe('SP-EH1 local (SAS) authentication disabled', () => {
  test('a namespace with localAuthentication: false complies', () => {
    // GIVEN
    const stack = testStack();
    namespace(stack, { localAuthentication: false });
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    expect(findingsOf(stack)).toEqual([]);
  });

  test('SAS left on (the construct and provider default) is a warning, not an error', () => {
    // GIVEN
    const stack = testStack();
    namespace(stack);
    rawNamespace(stack);
    // WHEN
    checkPolicies(stack, { rules });
    // THEN
    const message = (path: string) =>
      `[SP-EH1] ${path} (azurerm_eventhub_namespace) is non-compliant: local (SAS) authentication should be disabled so that every client uses Entra ID. Fix: set local_authentication_enabled = false (EventHubNamespace localAuthentication: false) once every client uses Entra ID`;
    expect(findingsOf(stack)).toEqual([
      { level: 'warning', path: 'test/Events/Resource', message: message('test/Events/Resource') },
      { level: 'warning', path: 'test/RawNamespace', message: message('test/RawNamespace') },
    ]);
  });
});
