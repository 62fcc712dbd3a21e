import type { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import { Secret } from '@cdktf/provider-databricks/lib/secret';
import { SecretAcl } from '@cdktf/provider-databricks/lib/secret-acl';
import { SecretScope as SecretScopeResource } from '@cdktf/provider-databricks/lib/secret-scope';
import { TerraformStack, TerraformVariable } from 'cdktf';
import { Construct } from 'constructs';
import { assignRole } from '../core/grants';
import { Problems } from '../core/problems';
import { SecretValue } from '../keyvault/secret-value';

/** The AzureDatabricks first-party application (client id, the same in every tenant; not an object id). */
export const AZURE_DATABRICKS_APP_ID = '2ff814a6-3304-4ab8-85cb-cd0e6f879c1d';
/** The Terraform variable asked for when the AzureDatabricks service principal's object id is not configured. */
export const AZURE_DATABRICKS_OBJECT_ID_VARIABLE = 'azure_databricks_object_id';

export const SECRET_SCOPE_NAME = { pattern: /^[\w.@-]{1,128}$/, rule: '1–128 letters, digits, dashes, underscores, @ and periods' } as const;
export const SECRET_KEY_NAME = { pattern: /^[\w.-]{1,128}$/, rule: '1–128 letters, digits, dashes, underscores and periods' } as const;

/** The vault a Key Vault-backed scope reads. */
export interface SecretScopeVault {
  /** The vault's resource id. */
  readonly id: string;
  /** The vault's URI (`https://<name>.vault.azure.net/`), the scope's `dns_name`. */
  readonly vaultUri: string;
}

export interface SecretScopeProps {
  /** 1–128 letters, digits, dashes, underscores, @ and periods; unique in the workspace. */
  readonly name: string;
  /**
   * `keyvault`: a read-only view of a Key Vault (secrets are written to the vault by the platform stack);
   * `databricks`: secrets stored by Databricks, added with `addSecret`.
   * @default 'keyvault'
   */
  readonly backend?: 'keyvault' | 'databricks';
  /** The vault behind a `keyvault` scope. Required for that backend, ignored by the other. @default undefined */
  readonly keyVault?: SecretScopeVault;
  /**
   * Object id of the AzureDatabricks application's service principal in this tenant
   * (`az ad sp show --id 2ff814a6-3304-4ab8-85cb-cd0e6f879c1d --query id -o tsv`).
   * @default '' (asked for at apply through the Terraform variable `azure_databricks_object_id`)
   */
  readonly azureDatabricksObjectId?: string;
}

/**
 * A Databricks secret scope, Key Vault-backed by default.
 *
 * Key Vault-backed scopes:
 * - can only be created with Microsoft Entra ID authentication of the Databricks provider (Azure CLI,
 *   a service principal or a managed identity), never a personal access token;
 * - need the creating identity to be Contributor or Owner on the vault;
 * - read through the AzureDatabricks first-party application. Our vault uses Azure RBAC (a foundation
 *   decision), where the access policy Databricks adds at scope creation has no effect, so this construct
 *   grants that application "Key Vault Secrets User" on the vault (MicrosoftDocs/azure-docs#84380 and #96161;
 *   databricks/terraform-provider-databricks#1206) and creates the scope after the grant.
 *
 * The role assignment is created in the stack of this construct, which therefore needs an azurerm provider.
 *
 * @example
 * new SecretScope(this, 'SecretScope', {
 *   name: 'stream-prod', keyVault: { id: vault.id, vaultUri: vault.vaultUri }, azureDatabricksObjectId: databricksSpObjectId,
 * });
 */
export class SecretScope extends Construct {
  /** The underlying scope (escape hatch). */
  public readonly resource: SecretScopeResource;
  public readonly backend: 'keyvault' | 'databricks';
  /** The AzureDatabricks application's read access on the vault (Key Vault-backed scopes). */
  public readonly vaultReadAccess?: RoleAssignment;
  private readonly problems: Problems;
  private readonly secrets = new Map<string, Secret>();

  public constructor(scope: Construct, id: string, props: SecretScopeProps) {
    super(scope, id);
    this.problems = Problems.of(this);
    this.backend = props.backend ?? 'keyvault';
    this.problems.matches('name', props.name, SECRET_SCOPE_NAME.pattern, SECRET_SCOPE_NAME.rule);
    this.problems.oneOf('backend', this.backend, ['keyvault', 'databricks']);

    const vault = this.backend === 'keyvault' ? props.keyVault : undefined;
    if (this.backend === 'keyvault' && !vault) {
      this.problems.add('keyVault', undefined, "the vault ({ id, vaultUri }) behind a 'keyvault' scope");
    }
    if (vault) {
      const principalId = props.azureDatabricksObjectId || azureDatabricksObjectIdVariable(this).stringValue;
      this.vaultReadAccess = assignRole(this, 'AzureDatabricksSecretsUser', vault.id, 'Key Vault Secrets User', { principalId });
    }
    this.resource = new SecretScopeResource(this, 'Resource', {
      name: props.name,
      keyvaultMetadata: vault ? { resourceId: vault.id, dnsName: vault.vaultUri } : undefined,
      dependsOn: this.vaultReadAccess ? [this.vaultReadAccess] : undefined,
    });
  }

  public get name(): string {
    return this.resource.name;
  }

  /**
   * Stores a secret in a Databricks-backed scope. The value is a reference (an attribute of another
   * resource or a sensitive variable), never text. Key Vault-backed scopes are read-only: add the
   * secret to the vault instead.
   */
  public addSecret(key: string, value: SecretValue): Secret {
    const existing = this.secrets.get(key);
    if (existing) return existing;
    this.problems.matches(`secrets.${key}`, key, SECRET_KEY_NAME.pattern, SECRET_KEY_NAME.rule);
    if (this.backend !== 'databricks') {
      this.problems.add(`secrets.${key}`, this.backend, "a 'databricks' scope (a Key Vault-backed scope is read-only: add the secret to the vault)");
    }
    if (!(value instanceof SecretValue)) {
      // A plain string would land in the synthesized JSON and in version control.
      this.problems.add(`secrets.${key}.value`, '<a plain value>', 'a SecretValue reference (SecretValue.fromAttribute or SecretValue.fromSensitiveVariable)');
    }
    const secret = new Secret(this, `Secret-${key}`, {
      scope: this.resource.name,
      key,
      stringValue: value instanceof SecretValue ? value.token : '',
    });
    this.secrets.set(key, secret);
    return secret;
  }

  /**
   * READ on the scope's secrets for one principal (a service principal's application id, a user or a group).
   * With one reader granted, the scope is that principal's alone, apart from its managers (workspace admins
   * and whoever created it).
   */
  public grantRead(principal: string, id = 'Reader'): SecretAcl {
    return new SecretAcl(this, id, {
      scope: this.resource.name,
      principal,
      permission: 'READ',
    });
  }
}

/** The stack-level variable `azure_databricks_object_id`, declared once per stack. */
export function azureDatabricksObjectIdVariable(scope: Construct): TerraformVariable {
  const stack = TerraformStack.of(scope);
  const existing = stack.node.tryFindChild(AZURE_DATABRICKS_OBJECT_ID_VARIABLE);
  if (existing instanceof TerraformVariable) return existing;
  return new TerraformVariable(stack, AZURE_DATABRICKS_OBJECT_ID_VARIABLE, {
    type: 'string',
    description: `Object id of the AzureDatabricks service principal in this tenant: az ad sp show --id ${AZURE_DATABRICKS_APP_ID} --query id -o tsv`,
  });
}
