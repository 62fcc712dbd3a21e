import { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import type { Construct } from 'constructs';

/** Who receives a role: a managed identity, service principal, user or group object id. */
export interface Grantee {
  /** The Entra ID object id (a resource attribute such as `identity.principalId` is fine). */
  readonly principalId: string;
  /**
   * The kind of principal, which lets Azure skip a directory lookup for new identities.
   * @default 'ServicePrincipal'
   */
  readonly principalType?: 'ServicePrincipal' | 'User' | 'Group';
}

/**
 * Assigns a built-in role on `scopeId` to a grantee, as a child of `scope`.
 *
 * Role assignments are created by methods on the resources (`grantReceive`, `grantSecretsRead`...)
 * rather than by hand, so the scope is always the narrowest resource that needs it.
 */
export function assignRole(scope: Construct, id: string, scopeId: string, roleDefinitionName: string, grantee: Grantee): RoleAssignment {
  const principalType = grantee.principalType ?? 'ServicePrincipal';
  return new RoleAssignment(scope, id, {
    scope: scopeId,
    roleDefinitionName,
    principalId: grantee.principalId,
    principalType,
    // A new managed identity may not have replicated to Entra ID yet; skipping the check avoids a failed first apply.
    skipServicePrincipalAadCheck: principalType === 'ServicePrincipal' ? true : undefined,
  });
}
