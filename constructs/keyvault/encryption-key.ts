import { KeyVaultKey } from '@cdktf/provider-azurerm/lib/key-vault-key';
import type { RoleAssignment } from '@cdktf/provider-azurerm/lib/role-assignment';
import type { ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { assignRole, type Grantee } from '../core/grants';
import { NAME_RULES } from '../core/naming';
import { Problems } from '../core/problems';

export interface EncryptionKeyProps {
  /** The vault's resource id (a vault with purge protection, as `KeyVault` creates; premium for an HSM key). */
  readonly keyVaultId: string;
  readonly name: string;
  /**
   * The deployer's "Key Vault Crypto Officer" assignment: an RBAC vault refuses to create the key before it.
   * @default undefined
   */
  readonly creatorRole?: ITerraformDependable;
  /** @default 3072 */
  readonly keySize?: 2048 | 3072 | 4096;
  /** @default {} */
  readonly tags?: Record<string, string>;
}

/** Each key version expires after a year, and a new one is made 30 days before. */
export const KEY_ROTATION = { expireAfter: 'P1Y', rotateBeforeExpiry: 'P30D', notifyBeforeExpiry: 'P29D' } as const;

/**
 * A customer-managed key for Azure Storage encryption (the lake, the DBFS root): HSM-backed RSA, wrap and
 * unwrap only, rotated automatically by its rotation policy. A user that names it without a version (the
 * lake) follows a rotation by itself; one that names a version (the DBFS root) moves at the next apply.
 *
 * @example
 * const key = new EncryptionKey(this, 'LakeKey', { keyVaultId: vault.id, name: 'cmk-lake', creatorRole });
 * lake.encryptWith(key);
 */
export class EncryptionKey extends Construct {
  /** The key (escape hatch). */
  public readonly resource: KeyVaultKey;
  public readonly keyVaultId: string;

  public constructor(scope: Construct, id: string, props: EncryptionKeyProps) {
    super(scope, id);
    const problems = Problems.of(this);
    problems.matches('name', props.name, NAME_RULES.keyVaultSecret.pattern, NAME_RULES.keyVaultSecret.rule);
    problems.oneOf('keySize', props.keySize, [2048, 3072, 4096]);
    this.keyVaultId = props.keyVaultId;
    this.resource = new KeyVaultKey(this, 'Resource', {
      name: props.name,
      keyVaultId: props.keyVaultId,
      keyType: 'RSA-HSM',
      keySize: props.keySize ?? 3072,
      keyOpts: ['unwrapKey', 'wrapKey'],
      rotationPolicy: {
        automatic: { timeBeforeExpiry: KEY_ROTATION.rotateBeforeExpiry },
        expireAfter: KEY_ROTATION.expireAfter,
        notifyBeforeExpiry: KEY_ROTATION.notifyBeforeExpiry,
      },
      tags: props.tags,
      dependsOn: props.creatorRole ? [props.creatorRole] : undefined,
    });
  }

  public get name(): string {
    return this.resource.name;
  }

  /** The versioned key id (`https://<vault>/keys/<name>/<version>`). */
  public get id(): string {
    return this.resource.id;
  }

  /** Grants "Key Vault Crypto Service Encryption User" (get, wrap, unwrap) on this key only. */
  public grantEncryption(grantee: Grantee, id: string): RoleAssignment {
    return assignRole(this, id, this.resource.resourceVersionlessId, 'Key Vault Crypto Service Encryption User', grantee);
  }
}
