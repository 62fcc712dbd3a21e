import { EventhubAuthorizationRule } from '@cdktf/provider-azurerm/lib/eventhub-authorization-rule';
import { EventhubNamespaceAuthorizationRule } from '@cdktf/provider-azurerm/lib/eventhub-namespace-authorization-rule';
import type { TerraformResource } from 'cdktf';
import { booleanOf, configured, type PolicyCompliance, type PolicyRule, UNRESOLVED } from '../rule';

/**
 * SP-EH2: a shared access rule grants one right: `listen` for readers or `send` for producers, never
 * `manage` (which implies both and lets the holder administer rules) and never both on one rule.
 *
 * listen, send and manage default to false (azurerm 4.55). Any of them a variable: not applicable.
 */
export const EventHubsLeastPrivilegeRule: PolicyRule = {
  id: 'SP-EH2',
  description: 'a shared access rule must grant one right only (listen or send), never manage and never both',
  level: 'error',
  resourceTypes: [EventhubAuthorizationRule.tfResourceType, EventhubNamespaceAuthorizationRule.tfResourceType],
  fix: () => 'set manage = false and give readers and producers separate rules (EventHub.addAuthorizationRule(name, "listen" | "send"))',
  check(resource: TerraformResource): PolicyCompliance {
    if (!(resource instanceof EventhubAuthorizationRule || resource instanceof EventhubNamespaceAuthorizationRule)) return 'not-applicable';
    const manage = booleanOf(configured(resource, 'manage', resource.manageInput), false);
    const listen = booleanOf(configured(resource, 'listen', resource.listenInput), false);
    const send = booleanOf(configured(resource, 'send', resource.sendInput), false);
    // Literal values that break the rule decide, whatever the unresolved ones turn out to be.
    if (manage === true || (listen === true && send === true)) return 'non-compliant';
    if (manage === UNRESOLVED || listen === UNRESOLVED || send === UNRESOLVED) return 'not-applicable';
    return 'compliant';
  },
};
