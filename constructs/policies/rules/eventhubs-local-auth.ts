import { EventhubNamespace } from '@cdktf/provider-azurerm/lib/eventhub-namespace';
import type { TerraformResource } from 'cdktf';
import { booleanOf, configured, type PolicyCompliance, type PolicyRule, UNRESOLVED } from '../rule';

/**
 * SP-EH1: local (SAS, connection string) authentication is off on the namespace, so every client uses
 * Entra ID. A warning: the eventhubs-spark connector and the Kafka endpoint's `$ConnectionString` login
 * need SAS today.
 *
 * Unset `local_authentication_enabled` means on (azurerm 4.55 default true). A variable: not applicable.
 */
export const EventHubsLocalAuthRule: PolicyRule = {
  id: 'SP-EH1',
  description: 'local (SAS) authentication should be disabled so that every client uses Entra ID',
  level: 'warning',
  resourceTypes: [EventhubNamespace.tfResourceType],
  fix: () => 'set local_authentication_enabled = false (EventHubNamespace localAuthentication: false) once every client uses Entra ID',
  check(resource: TerraformResource): PolicyCompliance {
    if (!(resource instanceof EventhubNamespace)) return 'not-applicable';
    const enabled = booleanOf(configured(resource, 'local_authentication_enabled', resource.localAuthenticationEnabledInput), true);
    if (enabled === UNRESOLVED) return 'not-applicable';
    return enabled ? 'non-compliant' : 'compliant';
  },
};
