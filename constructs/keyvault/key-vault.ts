import { KeyVault as KeyVaultResource } from '@cdktf/provider-azurerm/lib/key-vault';
import { KeyVaultSecret } from '@cdktf/provider-azurerm/lib/key-vault-secret';
import type { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import type { ITerraformDependable } from 'cdktf';
import { dependable } from 'cdktf/lib/tfExpression';
import { Construct } from 'constructs';
import { assignRole, type Grantee } from '../core/grants';
import { NAME_RULES } from '../core/naming';
import { Problems } from '../core/problems';
import { SecretValue } from './secret-value';

export interface KeyVaultProps {
  readonly name: string;
  readonly resourceGroupName: string;
  readonly location: string;
  readonly tenantId: string;
  /** Days a deleted vault or secret can be recovered (7–90). @default 90 */
  readonly softDeleteDays?: number;
  /** @default 'standard' */
  readonly sku?: 'standard' | 'premium';
  /**
   * Whether the public endpoint is reachable at all.
   * @default false (private endpoints only)
   */
  readonly publicNetworkAccess?: boolean;
  /**
   * Action for traffic that no rule matches. Azure services (Databricks' secret scope reader among
   * them) always pass as trusted services.
   * @default 'Deny'
   */
  readonly defaultAction?: 'Allow' | 'Deny';
  /** IPv4 addresses or ranges allowed, for example the deploying agent's egress address. @default [] */
  readonly allowedIpRanges?: readonly string[];
  /** @default [] */
  readonly allowedSubnetIds?: readonly string[];
  /** @default {} */
  readonly tags?: Record<string, string>;
}

export interface SecretOptions {
  /** 1–127 letters, digits and hyphens. */
  readonly name: string;
  readonly value: SecretValue;
  /** @default undefined */
  readonly contentType?: string;
  /** Resources that must exist first, typically the role assignment that lets the deployer write secrets. @default [] */
  readonly dependsOn?: ITerraformDependable[];
}

/**
 * A Key Vault with RBAC authorization, purge protection, soft delete and a network ACL that denies by
 * default; secrets are added only from references (`SecretValue`).
 *
 * @example
 * const vault = new KeyVault(this, 'KeyVault', {
 *   name: naming.keyVault(), resourceGroupName: 'rg-stream-prd-weu', location: 'westeurope', tenantId: client.tenantId,
 * });
 * vault.addSecret({ name: 'evh-telemetry-listen', value: SecretValue.fromAttribute(rule, 'primary_connection_string') });
 */
export class KeyVault extends Construct {
  /** The underlying vault (escape hatch). */
  public readonly resource: KeyVaultResource;
  public readonly secrets = new Map<string, KeyVaultSecret>();
  private readonly problems: Problems;
  private readonly secretDependencies: ITerraformDependable[] = [];

  public constructor(scope: Construct, id: string, props: KeyVaultProps) {
    super(scope, id);
    this.problems = Problems.of(this);
    const softDeleteDays = props.softDeleteDays ?? 90;
    const publicAccess = props.publicNetworkAccess ?? false;
    this.problems.matches('name', props.name, NAME_RULES.keyVault.pattern, NAME_RULES.keyVault.rule);
    this.problems.integerInRange('softDeleteDays', softDeleteDays, 7, 90);
    this.problems.oneOf('sku', props.sku, ['standard', 'premium'] as const);
    if (!publicAccess && (props.allowedIpRanges?.length || props.allowedSubnetIds?.length || props.defaultAction)) {
      this.problems.addConflict(
        'allowedIpRanges, allowedSubnetIds and defaultAction apply to the public endpoint, but publicNetworkAccess is false; set publicNetworkAccess: true or remove them',
      );
    }

    this.resource = new KeyVaultResource(this, 'Resource', {
      name: props.name,
      resourceGroupName: props.resourceGroupName,
      location: props.location,
      tenantId: props.tenantId,
      skuName: props.sku ?? 'standard',
      rbacAuthorizationEnabled: true,
      purgeProtectionEnabled: true,
      softDeleteRetentionDays: softDeleteDays,
      publicNetworkAccessEnabled: publicAccess,
      networkAcls: {
        defaultAction: publicAccess ? (props.defaultAction ?? 'Deny') : 'Deny',
        bypass: 'AzureServices',
        ipRules: [...(props.allowedIpRanges ?? [])],
        virtualNetworkSubnetIds: [...(props.allowedSubnetIds ?? [])],
      },
      tags: props.tags,
    });
  }

  public get id(): string {
    return this.resource.id;
  }

  public get vaultUri(): string {
    return this.resource.vaultUri;
  }

  /**
   * Makes every secret added later wait for `dependency`, typically the deployer's
   * "Key Vault Secrets Officer" assignment (an RBAC vault refuses writes until it exists).
   */
  public addSecretDependency(dependency: ITerraformDependable): void {
    this.secretDependencies.push(dependency);
    for (const secret of this.secrets.values()) secret.dependsOn = [...(secret.dependsOn ?? []), dependable(dependency)];
  }

  /** Adds a secret whose value is a reference, never a literal. */
  public addSecret(options: SecretOptions): KeyVaultSecret {
    const existing = this.secrets.get(options.name);
    if (existing) {
      this.problems.add(`secrets.${options.name}`, options.name, 'a secret name not used before in this vault');
      return existing;
    }
    this.problems.matches(`secrets.${options.name}.name`, options.name, NAME_RULES.keyVaultSecret.pattern, NAME_RULES.keyVaultSecret.rule);
    if (!(options.value instanceof SecretValue)) {
      // A plain string would end up in the synthesized JSON and in version control.
      this.problems.add(
        `secrets.${options.name}.value`,
        '<a plain value>',
        'a SecretValue reference (SecretValue.fromAttribute or SecretValue.fromSensitiveVariable)',
      );
    }
    const secret = new KeyVaultSecret(this, `Secret-${options.name}`, {
      name: options.name,
      keyVaultId: this.resource.id,
      value: options.value instanceof SecretValue ? options.value.token : undefined,
      contentType: options.contentType,
      dependsOn: this.secretDependencies.length || options.dependsOn?.length ? [...this.secretDependencies, ...(options.dependsOn ?? [])] : undefined,
    });
    this.secrets.set(options.name, secret);
    return secret;
  }

  /**
   * Grants "Key Vault Secrets User" (read secret values) on the whole vault, or with `secret` on that secret only.
   * @param options.id the role assignment's construct id (default `SecretsUser`, or `SecretUser-<secret name>`)
   */
  public grantSecretsRead(grantee: Grantee, options: { readonly secret?: KeyVaultSecret; readonly id?: string } = {}): RoleAssignment {
    const { secret } = options;
    const id = options.id ?? (secret ? `SecretUser-${secret.name}` : 'SecretsUser');
    return assignRole(this, id, secret ? secret.resourceVersionlessId : this.resource.id, 'Key Vault Secrets User', grantee);
  }

  /** Grants "Key Vault Crypto Officer" (create keys and their rotation policies), for the deploying principal. */
  public grantKeysWrite(grantee: Grantee, id = 'CryptoOfficer'): RoleAssignment {
    return assignRole(this, id, this.resource.id, 'Key Vault Crypto Officer', grantee);
  }

  /** Grants "Key Vault Secrets Officer" (create and update secrets), for the deploying principal. */
  public grantSecretsWrite(grantee: Grantee, id = 'SecretsOfficer'): RoleAssignment {
    return assignRole(this, id, this.resource.id, 'Key Vault Secrets Officer', grantee);
  }
}
