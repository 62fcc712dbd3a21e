import type { JobRunAs } from '@cdktf/provider-databricks/lib/job';
import { Permissions, type PermissionsAccessControl, type PermissionsConfig } from '@cdktf/provider-databricks/lib/permissions';
import type { Construct } from 'constructs';

/** A workspace group (by name) or a service principal (by application id). */
export type WorkspacePrincipal = { readonly group: string } | { readonly servicePrincipal: string };

/** One principal's level on one workspace object (`CAN_MANAGE`, `CAN_VIEW`, `CAN_USE`, `CAN_RUN`...). */
export interface WorkspaceGrant {
  readonly principal: WorkspacePrincipal;
  readonly level: string;
}

/** Who runs a job and who may manage or watch it. */
export interface JobAccess {
  /**
   * Application id of the service principal the job runs as (`run_as`).
   * @default undefined (the job runs as whoever deployed it)
   */
  readonly runAs?: string;
  /** Group that manages the job (CAN_MANAGE). */
  readonly manageGroup: string;
  /** Group that watches the job: its runs, their output and logs (CAN_VIEW). */
  readonly viewGroup: string;
}

/** The object a `databricks_permissions` resource is about: exactly one of its id arguments. */
export type PermissionTarget = Pick<PermissionsConfig, 'jobId' | 'sqlEndpointId' | 'dashboardId' | 'sqlQueryId' | 'sqlAlertId'>;

/**
 * The permissions of one workspace object. Authoritative: these grants replace whatever the object had
 * (admins keep CAN_MANAGE), so each object gets one of these, holding all its grants.
 */
export function permissionsOn(scope: Construct, id: string, target: PermissionTarget, grants: readonly WorkspaceGrant[]): Permissions {
  return new Permissions(scope, id, { ...target, accessControl: grants.map(accessControl) });
}

/** A job's `run_as` block. */
export function runAsOf(access: JobAccess | undefined): JobRunAs | undefined {
  return access?.runAs === undefined ? undefined : { servicePrincipalName: access.runAs };
}

/** A job's grants, or those of what it runs: its managers, its watchers, and (`runs`) its run-as principal. */
export function jobGrants(access: JobAccess, runs?: 'CAN_RUN'): WorkspaceGrant[] {
  return [
    { principal: { group: access.manageGroup }, level: 'CAN_MANAGE' },
    { principal: { group: access.viewGroup }, level: 'CAN_VIEW' },
    ...(runs && access.runAs !== undefined ? [{ principal: { servicePrincipal: access.runAs }, level: runs }] : []),
  ];
}

function accessControl(grant: WorkspaceGrant): PermissionsAccessControl {
  const { principal } = grant;
  return 'group' in principal
    ? { groupName: principal.group, permissionLevel: grant.level }
    : { servicePrincipalName: principal.servicePrincipal, permissionLevel: grant.level };
}
